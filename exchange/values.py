"""Cell parsers: a raw cell (text from CSV, a JSON value, an Excel number or date) to the
typed value a record holds. Each raises ``ValueError`` with an English message that does
not quote the value (the caller quotes it, masked).

Persian and Arabic-Indic digits are read as digits everywhere numbers and dates are.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from functools import cache, lru_cache

import jdatetime

from exchange.headers import header_key
from karyab.records import Education
from nlp.normalize import to_latin_digits

# A cell a spreadsheet escaped against formula injection: '=..., '+..., '-..., '@...
_ESCAPED_FORMULA = re.compile(r"^'[=+\-@\t\r]")
_LIST_SEPARATORS = re.compile(r"[،,;]")
_JALALI = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_YEARS = re.compile(r"(-?\d+)(?:\.0+)?(?:\s*سال)?")
_ISCO = re.compile(r"\d{4}")

_EDUCATION = {
    "زیر دیپلم": Education.below_diploma,
    "سیکل": Education.below_diploma,
    "دیپلم": Education.diploma,
    "کاردانی": Education.associate,
    "فوق دیپلم": Education.associate,
    "کارشناسی": Education.bachelor,
    "لیسانس": Education.bachelor,
    "کارشناسی ارشد": Education.master,
    "فوق لیسانس": Education.master,
    "ارشد": Education.master,
    "دکتری": Education.doctorate,
    "دکترا": Education.doctorate,
    "phd": Education.doctorate,
} | {e.value: e for e in Education}
_EMPLOYMENT = {
    "full_time": "full_time",
    "تمام وقت": "full_time",
    "part_time": "part_time",
    "پاره وقت": "part_time",
    "remote": "remote",
    "دورکاری": "remote",
    "project": "project",
    "پروژه ای": "project",
    "پروژه": "project",
}
# None: the ad takes either ("فرقی نمی‌کند").
_GENDER: Mapping[str, str | None] = {
    "male": "male",
    "مرد": "male",
    "آقا": "male",
    "female": "female",
    "زن": "female",
    "خانم": "female",
    "any": None,
    "فرقی نمی کند": None,
    "فرقی ندارد": None,
}


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: object) -> str:
    """A text cell: Excel numbers become their digits (``5.0`` → ``5``), a formula escape
    written by an export is undone."""
    if isinstance(value, bool):
        raise ValueError("expected text, got a true/false value")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, list | dict):
        raise ValueError("expected text, got a list or object")
    out = str(value)
    return out[1:] if _ESCAPED_FORMULA.match(out) else out


def short_text(value: object) -> str:
    """A one-line field (title, place, employer, ids): surrounding spaces dropped."""
    return text(value).strip()


def whole_number(value: object) -> int:
    """``5``, ``"۵"``, ``"5.0"``, ``"5 سال"`` → 5."""
    if isinstance(value, bool):
        raise ValueError("expected a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError("expected a whole number")
    raw = to_latin_digits(text(value)).strip()
    match = _YEARS.fullmatch(raw)
    if match is None:
        raise ValueError("expected a whole number")
    return int(match.group(1))


def isco_code(value: object) -> str:
    """A 4-digit ISCO-08 unit group; a spreadsheet's ``110`` is armed forces' ``0110``."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 0 <= value < 10_000:
            return f"{int(value):04d}"
        raise ValueError("expected a 4-digit ISCO-08 code")
    code = to_latin_digits(short_text(value))
    if not _ISCO.fullmatch(code):
        raise ValueError("expected a 4-digit ISCO-08 code")
    return code


def jalali_date(value: object) -> str:
    """``1402-05-17`` (also ``۱۴۰۲/۵/۱۷``); an Excel date cell is Gregorian and converted."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return jdatetime.date.fromgregorian(date=value).strftime("%Y-%m-%d")
    raw = to_latin_digits(short_text(value))
    match = _JALALI.fullmatch(raw)
    if match is None:
        raise ValueError("expected a Jalali date such as 1402-05-17")
    year, month, day = (int(part) for part in match.groups())
    if not 1300 <= year <= 1499:
        raise ValueError("expected a Jalali date such as 1402-05-17 (year 1300-1499)")
    if not (1 <= month <= 12 and 1 <= day <= _days_in_month(year, month)):
        raise ValueError("no such day in the Jalali calendar")
    return f"{year:04d}-{month:02d}-{day:02d}"


@cache
def _is_leap(year: int) -> bool:
    return bool(jdatetime.date(year, 1, 1).isleap())


def _days_in_month(year: int, month: int) -> int:
    """31 days in the first six months, 30 in the next five, 29 in Esfand (30 in a leap
    year). jdatetime's own constructor checks this too, at ten times the cost."""
    if month <= 6:
        return 31
    if month <= 11:
        return 30
    return 30 if _is_leap(year) else 29


@lru_cache(maxsize=4096)
def _choice_key(name: str) -> str:
    # Files repeat a handful of spellings ("کارشناسی", "تمام وقت") thousands of times.
    return header_key(name)


class _Choices:
    """A closed set of values by name, matched like column names (ZWNJ/space, ي/ك)."""

    def __init__(self, what: str, names: Mapping[str, object]) -> None:
        self.what = what
        self.names = names
        self._by_key: dict[str, object] | None = None  # built on first use

    def __call__(self, value: object) -> object:
        if self._by_key is None:
            self._by_key = {header_key(name): result for name, result in self.names.items()}
        key = _choice_key(short_text(value))
        if key in self._by_key:
            return self._by_key[key]
        choices = ", ".join(name for name in self.names if name.isascii())
        raise ValueError(f"unknown {self.what}; expected one of {choices} or a Persian name")


# Where an exported record's ISCO code came from (karyab.records.IscoSource), read back so
# that a re-imported auto-code can still be coded again and a given code never is.
_ISCO_SOURCE = {
    "given": "given",
    "coder": "coder",
    "decision": "decision",
    "اعلام‌شده": "given",
    "کدگذار خودکار": "coder",
    "تصمیم کارشناس": "decision",
}
_isco_source = _Choices("ISCO code source", _ISCO_SOURCE)


def isco_source(value: object) -> str:
    return str(_isco_source(value))


_education = _Choices("education level", _EDUCATION)
_employment = _Choices("employment type", _EMPLOYMENT)
_gender = _Choices("gender", _GENDER)


def education(value: object) -> Education:
    return Education(str(_education(value)))


def employment_type(value: object) -> str:
    return str(_employment(value))


def gender(value: object) -> str | None:
    result = _gender(value)
    return None if result is None else str(result)


def string_list(value: object) -> list[str]:
    """A JSON list as it is; one cell split on ``|`` when it holds one (labels may contain
    commas), else on ``،`` ``,`` ``;``. Empty items are dropped."""
    if isinstance(value, list | tuple):
        items = [short_text(item) for item in value if not is_blank(item)]
    else:
        cell = text(value)
        parts = cell.split("|") if "|" in cell else _LIST_SEPARATORS.split(cell)
        items = [part.strip() for part in parts]
    return [item for item in items if item]
