"""Cells that spreadsheets open safely."""

from __future__ import annotations

# A cell starting with one of these is a formula to Excel and LibreOffice (=HYPERLINK(...),
# +cmd|..., -2+3, @SUM): CSV cells get a leading apostrophe, which the readers here remove.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value: str) -> str:
    """``=1+1`` → ``'=1+1``; other text unchanged."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value
