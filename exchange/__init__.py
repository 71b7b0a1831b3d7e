"""Data exchange with other agencies: bulk import and export of vacancies and jobseekers as
CSV, JSONL or Excel (.xlsx).

``import_records`` reads a file, validates every row (collecting each row's problems instead
of raising), and writes the valid records through the engine in batches, each batch one
transaction, keyed by the sending system's ids so a second import of the same file updates
rather than duplicates. ``export_records`` writes stored profiles back out.
"""

from exchange.errors import ExchangeError, ExchangeFileError, ImportWriteError
from exchange.export import export_records
from exchange.importer import import_records
from exchange.national_id import is_valid_national_id, mask_national_id, normalize_national_id
from exchange.report import ImportReport, RowError

__all__ = [
    "ExchangeError",
    "ExchangeFileError",
    "ImportReport",
    "ImportWriteError",
    "RowError",
    "export_records",
    "import_records",
    "is_valid_national_id",
    "mask_national_id",
    "normalize_national_id",
]
