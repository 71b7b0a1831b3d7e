"""The one exception the store raises for what it could not do."""

from __future__ import annotations


class StoreError(RuntimeError):
    """A store operation could not be completed."""
