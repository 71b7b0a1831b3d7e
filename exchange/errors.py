"""The exchange's own failures (a row's problems are data, see :class:`exchange.RowError`)."""

from __future__ import annotations


class ExchangeError(Exception):
    """Base of the failures of an import or export."""


class ExchangeFileError(ExchangeError, ValueError):
    """The file cannot be read as a table of records: missing, empty, binary, an unknown
    format or text encoding, or without the columns every row needs. Nothing is written."""


class ImportWriteError(ExchangeError):
    """Storing a batch failed. Batches committed before it stay; running the same import
    again finishes the work (records are keyed by their source ids)."""

    def __init__(self, message: str, *, imported: int) -> None:
        super().__init__(message)
        self.imported = imported
