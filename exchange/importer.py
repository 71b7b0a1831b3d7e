"""Bulk import: a file of vacancies or jobseekers from another agency into the engine.

Two passes. The first validates every row, and the keys for duplicates and for ids other
records hold; if any row is invalid and ``skip_invalid`` is off, nothing is written. The
second writes the valid rows (kept from the first pass up to :data:`KEEP_ROWS`; a longer
file is read and checked again, so memory stays bounded) in batches through
:meth:`Karyab.add_sourced`, each batch one transaction (records, vectors and analytics facts
together), keyed by the sending system's ids: importing the same file again updates the
records it created. A killed import leaves its committed batches; running it again finishes
the work.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from tqdm.auto import tqdm

from exchange.errors import ExchangeFileError, ImportWriteError
from exchange.headers import Kind, missing_columns
from exchange.privacy import mask_personal_numbers, quote
from exchange.readers import TableFile, open_table
from exchange.report import ImportReport, RowError
from exchange.rows import CheckedRow, RowChecker
from storage.errors import StoreError

if TYPE_CHECKING:
    from karyab.service import Karyab
    from storage.sql_store import SqlStore

logger = logging.getLogger(__name__)

# Ids checked against the store per query (records this import would overwrite).
_ID_CHECK_CHUNK = 1000
# Valid rows of a file up to this many are kept from the checking pass for the writing one
# (about 2 KB each); a longer file is read and checked again instead of held in memory.
KEEP_ROWS = 50_000


def import_records(
    engine: Karyab,
    kind: Kind,
    path: Path | str,
    *,
    source_system: str,
    format: str | None = None,
    skip_invalid: bool = False,
    batch_size: int = 1000,
    show_progress: bool = False,
) -> ImportReport:
    """Import the vacancies or jobseekers of a CSV, JSONL or XLSX file sent by
    ``source_system`` (a short Latin tag, e.g. ``tamin``).

    Raises :class:`ExchangeFileError` for a file that is not a readable table (nothing is
    written), ``ValueError`` for bad arguments and :class:`ImportWriteError` when storing a
    batch fails (the batches before it stay). Invalid rows never raise: they are in the
    report, and with ``skip_invalid`` off they stop the import before any write
    (``report.rejected``).
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    started = time.perf_counter()
    checker = RowChecker(kind, source_system, max_document_chars=engine.settings.max_text_chars)
    path = Path(path)
    table = inspect_file(path, kind, format)
    report = ImportReport(kind, source_system, str(path), table.format)
    invalid, kept = _validate(table, checker, engine.store, report)
    report.warnings = checker.warnings()
    if report.rows_read == 0:
        raise ExchangeFileError(f"{path.name} holds a header but no rows")
    for warning in report.warnings:
        logger.warning("%s: %s", path.name, warning)
    logger.info(
        "%s: %d rows read, %d invalid (%d problems)",
        path.name,
        report.rows_read,
        len(invalid),
        len(report.errors),
    )
    if invalid and not skip_invalid:
        report.rejected = True
        report.seconds = time.perf_counter() - started
        return report
    report.skipped = len(invalid)
    rows = (
        _valid_rows(table, checker, invalid)
        if kept is None
        else (row for row in kept if row.number not in invalid)
    )
    _write(engine, rows, checker, report, batch_size, show_progress)
    report.seconds = time.perf_counter() - started
    logger.info(
        "%s: imported %d %s records from %s in %.1f s (%d skipped)",
        path.name,
        report.imported,
        kind,
        source_system,
        report.seconds,
        report.skipped,
    )
    return report


def inspect_file(path: Path, kind: Kind, format: str | None = None) -> TableFile:
    """Open ``path`` as a table and check its header has the columns every row needs,
    without reading the rows. Raises :class:`ExchangeFileError`."""
    table = open_table(path, format)
    if table.header is not None:
        problem = missing_columns(table.header, kind)
        if problem is not None:
            raise ExchangeFileError(f"{path.name}: {problem}")
    return table


def _validate(
    table: TableFile, checker: RowChecker, store: SqlStore, report: ImportReport
) -> tuple[set[int], list[CheckedRow] | None]:
    """Check every row and fill the report's count and errors. Returns the invalid rows'
    numbers, and the rows that passed (some may be invalid after all: filter them) unless
    the file has more than :data:`KEEP_ROWS`."""
    invalid: set[int] = set()
    kept: list[CheckedRow] | None = []
    first_of_key: dict[str, int] = {}
    first_of_id: dict[str, int] = {}
    pending: list[CheckedRow] = []  # rows whose id might already be another record's

    def flag(error: RowError) -> None:
        report.errors.append(error)
        invalid.add(error.row)

    for raw in table.rows():
        report.rows_read += 1
        checked = checker.check(raw)
        if isinstance(checked, list):
            for error in checked:
                flag(error)
            continue
        earlier = first_of_key.setdefault(checked.source_id, checked.number)
        if earlier != checked.number:
            flag(RowError(checked.number, checked.key_column, f"the same key as row {earlier}"))
            continue
        record_id = checked.record.id
        earlier = first_of_id.setdefault(record_id, checked.number)
        if earlier != checked.number:
            flag(RowError(checked.number, "id", f"the same id as row {earlier}", quote(record_id)))
            continue
        if kept is not None and len(kept) >= KEEP_ROWS:
            kept = None  # too many to hold: the writing pass reads the file again
        if kept is not None:
            kept.append(checked)
        if checked.id_origin != "generated":
            pending.append(checked)
            if len(pending) >= _ID_CHECK_CHUNK:
                for error in _taken_ids(store, checker, pending):
                    flag(error)
                pending.clear()
    for error in _taken_ids(store, checker, pending):
        flag(error)
    report.errors.sort(key=lambda e: e.row)
    return invalid, kept


def _taken_ids(store: SqlStore, checker: RowChecker, rows: list[CheckedRow]) -> list[RowError]:
    """Rows whose record id is held by a record this import does not own (stored from
    another source, or without one): writing them would overwrite that record."""
    if not rows:
        return []
    kind = checker.kind
    ids = [row.record.id for row in rows]
    sources = store.source_ids(kind, ids)
    existing = store.get_many(kind, [i for i in ids if i not in sources])
    errors = []
    for row in rows:
        record_id = row.record.id
        owner = sources.get(record_id)
        mine = (checker.source_system, row.source_id)
        if (owner is not None and owner != mine) or record_id in existing:
            column = "id" if row.id_origin == "file" else row.key_column
            errors.append(
                RowError(
                    row.number,
                    column,
                    "the record id is already used by another record",
                    quote(record_id),
                )
            )
    return errors


def _valid_rows(table: TableFile, checker: RowChecker, invalid: set[int]) -> Iterator[CheckedRow]:
    for raw in table.rows():
        if raw.number in invalid:
            continue
        checked = checker.check(raw)
        if isinstance(checked, list):
            raise ExchangeFileError(f"{table.path.name} changed while it was being imported")
        yield checked


def _write(
    engine: Karyab,
    rows: Iterable[CheckedRow],
    checker: RowChecker,
    report: ImportReport,
    batch_size: int,
    show_progress: bool,
) -> None:
    actor = f"import:{checker.source_system}"
    batch: list[CheckedRow] = []

    def flush() -> None:
        try:
            engine.add_sourced(
                checker.kind,
                checker.source_system,
                [row.source_id for row in batch],
                [row.record for row in batch],
                actor=actor,
            )
        except (StoreError, ValueError) as error:  # ValueError: InvalidRecordError too
            # Database messages carry the bound values: mask IDs and phone numbers.
            raise ImportWriteError(
                f"storing rows {batch[0].number}-{batch[-1].number} failed after "
                f"{report.imported} rows were imported: {mask_personal_numbers(str(error))}; "
                "run the same import again to finish it",
                imported=report.imported,
            ) from None
        report.imported += len(batch)
        bar.update(len(batch))
        batch.clear()

    total = report.rows_read - report.skipped
    with tqdm(
        total=total, desc=f"importing {checker.kind} records", disable=not show_progress
    ) as bar:
        for row in rows:
            batch.append(row)
            if len(batch) >= batch_size:
                flush()
        if batch:
            flush()
