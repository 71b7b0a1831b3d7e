"""Reading the plain-text data files that sit beside the code in ``nlp/data/``."""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_lines(name: str) -> tuple[str, ...]:
    """Return the non-empty, non-comment lines of ``nlp/data/<name>``, stripped.

    Lines whose first non-blank character is ``#`` are comments.

    Raises:
        FileNotFoundError: if the data file is missing (a broken install).
    """
    path = DATA_DIR / name
    with path.open(encoding="utf-8") as handle:
        lines = (line.strip() for line in handle)
        return tuple(line for line in lines if line and not line.startswith("#"))
