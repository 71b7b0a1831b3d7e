"""Export: stored vacancies or jobseekers, with their ISCO codes and skill ids, as CSV,
JSONL or XLSX that :func:`exchange.import_records` reads back.

Records stream from the store in id order (:meth:`SqlStore.iter_vectors`), a few thousand
at a time. Each row keeps the record's id and the key its source system gave it; a
jobseeker keyed by a national ID has it in ``national_id`` (the file is personal data:
hand it only to whoever may hold it). Text cells that a spreadsheet would run as a formula
are escaped (CSV: a leading apostrophe, which the import removes; XLSX: written as text, as
the analytics workbook is). The file is written beside ``path`` and moved into place.
"""

from __future__ import annotations

import csv
import json
import logging
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from exchange.cells import escape_formula
from exchange.errors import ExchangeError
from exchange.headers import Kind
from exchange.national_id import is_valid_national_id
from exchange.readers import FORMATS
from karyab.records import Jobseeker, Vacancy

if TYPE_CHECKING:
    from storage.sql_store import SqlStore

logger = logging.getLogger(__name__)

VACANCY_COLUMNS = (
    "id",
    "source_system",
    "source_id",
    "title",
    "text",
    "province",
    "city",
    "employer",
    "isco_code",
    "isco_guess",
    "isco_source",
    "min_experience_years",
    "education",
    "skills",
    "skill_ids",
    "employment_type",
    "gender",
    "posted_at",
)
JOBSEEKER_COLUMNS = (
    "id",
    "source_system",
    "source_id",
    "national_id",
    "title",
    "text",
    "province",
    "city",
    "isco_code",
    "isco_guess",
    "isco_source",
    "experience_years",
    "education",
    "skills",
    "skill_ids",
    "registered_at",
)
EXCEL_MAX_CHARS = 32_767  # what one Excel cell holds
# One cell for a list: the import splits on "|" first, so labels may hold commas.
LIST_SEPARATOR = " | "


def columns_of(kind: Kind) -> tuple[str, ...]:
    return VACANCY_COLUMNS if kind == "vacancy" else JOBSEEKER_COLUMNS


def _row(kind: Kind, record: Vacancy | Jobseeker, source: tuple[str, str] | None) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": record.id,
        "source_system": source[0] if source else None,
        "source_id": source[1] if source else None,
        "title": record.title,
        "text": record.text,
        "province": record.province,
        "city": record.city,
        "isco_code": record.isco_code,
        "isco_guess": record.isco_guess,
        "isco_source": record.isco_source,
        "education": record.education.value if record.education else None,
        "skills": list(record.skills),
        "skill_ids": list(record.skill_ids),
    }
    if isinstance(record, Vacancy):
        row |= {
            "employer": record.employer,
            "min_experience_years": record.min_experience_years,
            "employment_type": record.employment_type,
            "gender": record.gender,
            "posted_at": record.posted_at,
        }
    else:
        row |= {"experience_years": record.experience_years, "registered_at": record.registered_at}
        # A jobseeker's key is a national ID when a valid one was imported as such.
        if source is not None and is_valid_national_id(source[1]):
            row["national_id"], row["source_id"] = source[1], None
    return {column: row.get(column) for column in columns_of(kind)}


def _rows(store: SqlStore, kind: Kind) -> Iterator[dict[str, Any]]:
    for records, _vectors in store.iter_vectors(kind):
        sources = store.source_ids(kind, [r.id for r in records])
        for record in records:
            yield _row(kind, record, sources.get(record.id))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(value)
    return str(value)


def _write_csv(handle: IO[str], columns: Sequence[str], rows: Iterator[dict[str, Any]]) -> int:
    writer = csv.writer(handle)
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow([escape_formula(_cell(row[c])) for c in columns])
        count += 1
    return count


def _write_jsonl(handle: IO[str], rows: Iterator[dict[str, Any]]) -> int:
    count = 0
    for row in rows:
        handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count


def _write_xlsx(path: Path, columns: Sequence[str], rows: Iterator[dict[str, Any]]) -> int:
    import xlsxwriter

    # Text stays text ("=HYPERLINK(...)" is not run); constant memory streams row by row.
    options = {
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
        "constant_memory": True,
    }
    book = xlsxwriter.Workbook(str(path), options)
    try:
        sheet = book.add_worksheet("records")
        sheet.right_to_left()
        bold = book.add_format({"bold": True})
        for index, column in enumerate(columns):
            sheet.write_string(0, index, column, bold)
        count = cut = 0
        for count, row in enumerate(rows, start=1):
            for index, column in enumerate(columns):
                value = row[column]
                if isinstance(value, int):
                    sheet.write_number(count, index, value)
                elif value is not None:
                    text = _cell(value)
                    cut += len(text) > EXCEL_MAX_CHARS
                    sheet.write_string(count, index, text[:EXCEL_MAX_CHARS])
    finally:
        book.close()
    if cut:
        logger.warning(
            "%d cells were longer than Excel's %d characters and were cut; export as CSV "
            "or JSONL to keep them whole",
            cut,
            EXCEL_MAX_CHARS,
        )
    return count


def export_records(store: SqlStore, kind: Kind, path: Path | str, format: str) -> int:
    """Write every stored ``kind`` record to ``path`` as ``format`` (csv, jsonl or xlsx);
    returns the number of records written. CSV is UTF-8 with a BOM (Excel reads it as
    UTF-8); lists are one cell joined by `` | `` (CSV, XLSX) or JSON lists (JSONL)."""
    if kind not in ("vacancy", "jobseeker"):
        raise ValueError(f"kind must be vacancy or jobseeker, not {kind!r}")
    if format not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {format!r}")
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    columns = columns_of(kind)
    try:
        if format == "xlsx":
            os.close(fd)
            count = _write_xlsx(Path(tmp), columns, _rows(store, kind))
        else:
            encoding = "utf-8-sig" if format == "csv" else "utf-8"
            with os.fdopen(fd, "w", encoding=encoding, newline="") as handle:
                if format == "csv":
                    count = _write_csv(handle, columns, _rows(store, kind))
                else:
                    count = _write_jsonl(handle, _rows(store, kind))
        os.replace(tmp, target)
    except OSError as error:
        raise ExchangeError(f"cannot write {target}: {error.strerror or error}") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    logger.info("exported %d %s records to %s", count, kind, target.name)
    return count
