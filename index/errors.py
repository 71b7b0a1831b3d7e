"""Exceptions raised by the vector index."""

from __future__ import annotations

__all__ = [
    "DimensionMismatchError",
    "IndexCorruptError",
    "UnknownIdError",
    "VectorIndexError",
]


class VectorIndexError(Exception):
    """Base class for every domain failure of :mod:`index`."""


class IndexCorruptError(VectorIndexError):
    """A saved index file is torn, corrupted, or not an index file at all."""


class DimensionMismatchError(VectorIndexError, ValueError):
    """Vectors or queries do not have the dimensionality of the index."""


class UnknownIdError(VectorIndexError, KeyError):
    """An id that the index does not hold was asked for."""

    def __str__(self) -> str:
        # KeyError.__str__ would show the repr of the message; show the message itself.
        return str(self.args[0]) if self.args else ""
