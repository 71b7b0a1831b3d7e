"""What an import did: counts, each invalid row's problems, warnings, time taken."""

from __future__ import annotations

import csv
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exchange.cells import escape_formula


@dataclass(frozen=True)
class RowError:
    """One problem of one row. ``value`` quotes the offending cell, shortened, with phone
    numbers and national IDs masked (``***`` and the last two digits)."""

    row: int  # line (CSV, JSONL) or sheet row (XLSX), 1-based; the header is row 1
    column: str  # as the file spells it; "" for the whole row
    message: str
    value: str = ""

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", {self.column}" if self.column else "")
        return f"{where}: {self.message}" + (f" ({self.value})" if self.value else "")


@dataclass
class ImportReport:
    """``rows_read`` rows were read; ``imported`` of them stored; ``skipped`` invalid ones
    left out (``skip_invalid``). ``rejected``: invalid rows stopped the import before any
    write, so nothing was stored."""

    kind: str
    source_system: str
    path: str
    format: str
    rows_read: int = 0
    imported: int = 0
    skipped: int = 0
    rejected: bool = False
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def invalid_rows(self) -> int:
        return len({error.row for error in self.errors})

    def summary(self) -> dict[str, Any]:
        """The counts as plain JSON-ready values (errors counted, not listed)."""
        return {
            "file": self.path,
            "format": self.format,
            "kind": self.kind,
            "source": self.source_system,
            "rows": self.rows_read,
            "imported": self.imported,
            "skipped": self.skipped,
            "invalid_rows": self.invalid_rows,
            "errors": len(self.errors),
            "rejected": self.rejected,
            "warnings": list(self.warnings),
            "seconds": round(self.seconds, 3),
        }

    def write_errors_csv(self, path: Path | str) -> None:
        """Every row error as CSV (row, column, message, value), UTF-8 with a BOM so that
        Excel reads the Persian column names; written whole or not at all."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        try:
            with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(["row", "column", "message", "value"])
                for error in self.errors:
                    writer.writerow(
                        [
                            error.row,
                            escape_formula(error.column),
                            escape_formula(error.message),
                            escape_formula(error.value),
                        ]
                    )
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
