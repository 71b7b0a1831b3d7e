"""Readers: a CSV, JSONL or XLSX file as rows of cells keyed by the file's column names,
each with the line (CSV, JSONL) or sheet row (XLSX) it came from.

A file that cannot be read as a table raises :class:`ExchangeFileError` (at open, or while
rows are read for a fault further in, such as bytes of another encoding); a row that cannot
be read (a line of JSONL that is not an object) comes back with a ``problem`` and the rest of
the file is still read. :meth:`TableFile.rows` reads the file again on each call, so an
import can validate the whole file before it writes, without holding it in memory.
"""

from __future__ import annotations

import csv
import itertools
import json
import zipfile
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from exchange.encoding import SAMPLE_BYTES, detect_encoding
from exchange.errors import ExchangeFileError

Format = Literal["csv", "jsonl", "xlsx"]
FORMATS: tuple[Format, ...] = get_args(Format)

_EXTENSIONS: dict[str, Format] = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
}
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls
_DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True)
class RawRow:
    number: int  # 1-based line (CSV, JSONL) or sheet row (XLSX)
    cells: dict[str, Any]  # column name as the file spells it -> raw value
    problem: str | None = None  # the row could not be read at all


def _head(path: Path, size: int) -> bytes:
    with path.open("rb") as handle:
        return handle.read(size)


def detect_format(path: Path, given: str | None = None) -> Format:
    """``given`` if it names a format; else by extension; else by the first bytes."""
    if given is not None:
        if given not in FORMATS:
            raise ExchangeFileError(f"unknown format {given!r}; use one of {', '.join(FORMATS)}")
        return given
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise ExchangeFileError("old .xls workbooks are not read; save the sheet as .xlsx or CSV")
    if suffix in _EXTENSIONS:
        return _EXTENSIONS[suffix]
    head = _head(path, 4096)
    if head.startswith(_ZIP_MAGIC):
        return "xlsx"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return "jsonl"
    return "csv"


@dataclass(frozen=True)
class TableFile:
    """An opened table: its format, text encoding and header row (None for JSONL, whose
    objects name their own keys)."""

    path: Path
    format: Format
    encoding: str | None
    header: tuple[str, ...] | None

    def rows(self) -> Iterator[RawRow]:
        if self.format == "csv":
            return _csv_rows(self)
        if self.format == "jsonl":
            return _jsonl_rows(self)
        return _xlsx_rows(self.path)


def open_table(path: Path | str, format: str | None = None) -> TableFile:
    """Check that ``path`` is a readable, non-empty table and read its header."""
    path = Path(path)
    if not path.is_file():
        raise ExchangeFileError(f"no such file: {path}")
    if path.stat().st_size == 0:
        raise ExchangeFileError(f"{path.name} is empty")
    fmt = detect_format(path, format)
    head = _head(path, SAMPLE_BYTES)
    if fmt == "xlsx":
        return TableFile(path, fmt, None, _xlsx_header(path))
    if head.startswith(_ZIP_MAGIC) or head.startswith(_OLE_MAGIC):
        raise ExchangeFileError(f"{path.name} is an Excel workbook, not {fmt}; use --format xlsx")
    encoding = detect_encoding(head, complete=path.stat().st_size <= SAMPLE_BYTES)
    if fmt == "jsonl":
        lines = _text_lines(path, encoding)
        first = next((line.strip() for line in lines if line.strip()), "")
        lines.close()
        if not first:
            raise ExchangeFileError(f"{path.name} holds no records")
        if first.startswith("["):
            raise ExchangeFileError(
                f"{path.name} is a JSON array; write one JSON object per line (JSONL)"
            )
        return TableFile(path, fmt, encoding, None)
    return TableFile(path, fmt, encoding, _csv_header(path, encoding))


def _text_lines(path: Path, encoding: str) -> Generator[str, None, None]:
    """The file's lines, decoded one at a time so that a bad byte is reported with its line.

    Windows-1256 has no Persian yeh: Persian files in it write the Arabic one (ي), which is
    read back as ی.
    """
    if encoding == "utf-16":  # lines cannot be split before decoding
        with path.open(encoding=encoding, errors="strict", newline="") as handle:
            try:
                yield from handle
            except UnicodeDecodeError:
                raise ExchangeFileError(f"{path.name}: the text is not valid UTF-16") from None
        return
    # The BOM is dropped from the first line below: each line decodes as plain UTF-8.
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                decoded = line.decode(codec)
            except UnicodeDecodeError:
                raise ExchangeFileError(
                    f"{path.name}, line {number}: the text is not valid {encoding} "
                    "(mixed encodings?)"
                ) from None
            if number == 1:
                decoded = decoded.removeprefix("\ufeff")
            yield decoded.replace("\u064a", "\u06cc") if encoding == "cp1256" else decoded


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_records(path: Path, encoding: str) -> Generator[tuple[int, list[str]], None, None]:
    """(first line of the record, cells) for every non-blank record."""
    lines = _text_lines(path, encoding)
    first = next(lines, "")
    reader = csv.reader(itertools.chain([first], lines), delimiter=_delimiter(first))
    line = 0
    try:
        for cells in reader:
            start, line = line + 1, reader.line_num
            if any(cell.strip() for cell in cells):
                yield start, cells
    except csv.Error as error:
        raise ExchangeFileError(f"{path.name}, line {line + 1}: {error}") from None
    finally:
        lines.close()


def _header_names(cells: Sequence[object]) -> tuple[str, ...]:
    return tuple("" if c is None else str(c).replace("\ufeff", "").strip() for c in cells)


def _csv_header(path: Path, encoding: str) -> tuple[str, ...]:
    for _, cells in _csv_records(path, encoding):
        return _header_names(cells)
    raise ExchangeFileError(f"{path.name} holds no rows")


def _row(number: int, header: Sequence[str], cells: Sequence[Any]) -> RawRow:
    named: dict[str, Any] = {}
    for name, value in zip(header, cells, strict=False):
        if name and name not in named:  # a repeated column name: the first one counts
            named[name] = value
    extra = [c for c in cells[len(header) :] if c is not None and str(c).strip()]
    if extra:
        problem = f"the row has {len(header) + len(extra)} or more cells, the header {len(header)}"
        return RawRow(number, named, problem)
    return RawRow(number, named)


def _csv_rows(table: TableFile) -> Iterator[RawRow]:
    assert table.encoding is not None and table.header is not None
    records = _csv_records(table.path, table.encoding)
    next(records, None)  # the header
    for number, cells in records:
        yield _row(number, table.header, cells)


def _jsonl_rows(table: TableFile) -> Iterator[RawRow]:
    assert table.encoding is not None
    lines = _text_lines(table.path, table.encoding)
    try:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as error:
                yield RawRow(number, {}, f"invalid JSON ({error.msg})")
                continue
            if not isinstance(item, dict):
                yield RawRow(number, {}, "expected a JSON object")
                continue
            yield RawRow(number, {str(k): v for k, v in item.items()})
    finally:
        lines.close()


def _open_workbook(path: Path) -> Any:
    try:
        import openpyxl
    except ImportError:  # a dev extra today; see README
        raise ExchangeFileError("reading .xlsx needs openpyxl: pip install openpyxl") from None
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ExchangeFileError(f"{path.name} is not a readable .xlsx workbook") from None


def _sheet_rows(path: Path) -> Generator[tuple[int, tuple[Any, ...]], None, None]:
    """(sheet row, values) for every non-empty row of the first sheet."""
    book = _open_workbook(path)
    try:
        if not book.worksheets:
            return
        for number, values in enumerate(
            book.worksheets[0].iter_rows(min_row=1, values_only=True), start=1
        ):
            cells = tuple(
                None if v is None or (isinstance(v, str) and not v.strip()) else v for v in values
            )
            if any(v is not None for v in cells):
                yield number, tuple(values)
    finally:
        book.close()


def _xlsx_header(path: Path) -> tuple[str, ...]:
    rows = _sheet_rows(path)
    try:
        for _, values in rows:
            return _header_names(values)
    finally:
        rows.close()
    raise ExchangeFileError(f"the first sheet of {path.name} is empty")


def _xlsx_rows(path: Path) -> Iterator[RawRow]:
    rows = _sheet_rows(path)
    header: tuple[str, ...] | None = None
    for number, values in rows:
        if header is None:
            header = _header_names(values)
            continue
        yield _row(number, header, values)
