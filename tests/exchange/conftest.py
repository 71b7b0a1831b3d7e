"""Engines and input files for the exchange tests (hashing encoder: fast, deterministic)."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from karyab.service import Karyab
from karyab.settings import Settings
from models.encoder import HashingEncoder

# Valid national IDs, each check digit computed by the rule (see check_digit below).
NATIONAL_IDS = ("0499370899", "0012345679", "1234567891", "9876543210", "4488123457")

VACANCY_HEADER = ("شناسه", "عنوان", "شرح", "استان", "شهر", "سابقه", "تحصیلات", "مهارت‌ها", "تاریخ")


def check_digit(first_nine: str) -> str:
    """The Iranian national ID rule, written out again for the tests."""
    total = sum(int(d) * (10 - i) for i, d in enumerate(first_nine))
    remainder = total % 11
    return str(remainder if remainder < 2 else 11 - remainder)


def vacancy_row(n: int, **overrides: str) -> dict[str, str]:
    row = {
        "شناسه": f"ad-{n}",
        "عنوان": f"حسابدار شماره {n}",
        "شرح": "آشنا به نرم‌افزار سپیدار و اکسل، دو سال سابقه",
        "استان": "تهران",
        "شهر": "تهران",
        "سابقه": "۲",
        "تحصیلات": "کارشناسی",
        "مهارت‌ها": "سپیدار، اکسل",
        "تاریخ": "۱۴۰۲/۰۵/۱۷",
    }
    return row | overrides


def seeker_row(n: int, **overrides: str) -> dict[str, str]:
    row = {
        "کد ملی": NATIONAL_IDS[n % len(NATIONAL_IDS)],
        "عنوان": f"برنامه‌نویس پایتون {n}",
        "شرح": "چهار سال سابقه Django و PostgreSQL",
        "استان": "اصفهان",
        "سابقه": "4",
        "تحصیلات": "bachelor",
        "مهارت‌ها": "Python|Django",
        "تاریخ": "1403-01-20",
    }
    return row | overrides


def write_csv(
    path: Path, rows: Sequence[dict[str, Any]], *, encoding: str = "utf-8", delimiter: str = ","
) -> Path:
    header = list(dict.fromkeys(key for row in rows for key in row))
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(key, "") for key in header])
    return path


def write_jsonl(path: Path, rows: Sequence[dict[str, Any] | str]) -> Path:
    lines = [row if isinstance(row, str) else json.dumps(row, ensure_ascii=False) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_xlsx(
    path: Path, rows: Sequence[Sequence[Any]], *, text_cells: Sequence[str] = ()
) -> Path:
    """A workbook as openpyxl writes it; ``text_cells`` (e.g. "B4") are stored as text even
    when they start with "=" (openpyxl would store a formula)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    for name in text_cells:
        sheet[name].data_type = "s"
    book.save(path)
    return path


def _settings(data_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "encoder": "hashing",
        "load_demo": False,
        "occupation_coder": False,
        "skills": False,
        "ranker": False,
    }
    return Settings(**(values | overrides))


@pytest.fixture()
def make_engine(tmp_path: Path) -> Iterator[Callable[..., Karyab]]:
    """Open engines on folders under tmp_path (skills off unless asked); closed at the end."""
    opened: list[Karyab] = []

    def make(name: str = "store", **overrides: Any) -> Karyab:
        engine = Karyab.open(_settings(tmp_path / name, **overrides), HashingEncoder())
        opened.append(engine)
        return engine

    yield make
    for engine in opened:
        engine.close()


@pytest.fixture()
def engine(make_engine: Callable[..., Karyab]) -> Karyab:
    return make_engine()
