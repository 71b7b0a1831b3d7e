"""Jalali months and quarters as integer ordinals, with Persian and Latin labels.

A month ordinal is ``year * 12 + month - 1``, so consecutive months differ by one and the
arithmetic of trend models needs no calendar. A quarter ordinal is ``year * 4 + q - 1``.
"""

from __future__ import annotations

import re

PERSIAN_MONTHS = (
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
)
SEASONS = ("بهار", "تابستان", "پاییز", "زمستان")

_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_MONTH = re.compile(r"^\s*(\d{4})\s*[-/]\s*(\d{1,2})(?:\s*[-/]\s*\d{1,2})?\s*$")


class PeriodError(ValueError):
    """A period string that is not a Jalali ``YYYY-MM`` (or ``YYYY-MM-DD``)."""


def parse_month(text: str) -> int:
    """``"1402-01"``, ``"۱۴۰۲/۱"`` or a date ``"1402-01-15"`` → a month ordinal."""
    match = _MONTH.match(str(text).translate(_DIGITS))
    if not match:
        raise PeriodError(f"not a Jalali month (YYYY-MM): {text!r}")
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or not 1200 <= year <= 1600:
        raise PeriodError(f"not a Jalali month (YYYY-MM): {text!r}")
    return year * 12 + month - 1


def month_label(ordinal: int) -> str:
    """``"1402-01"`` (Latin digits, sortable)."""
    year, month = divmod(int(ordinal), 12)
    return f"{year:04d}-{month + 1:02d}"


def to_persian_digits(text: str) -> str:
    return text.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


def month_label_fa(ordinal: int) -> str:
    """``"فروردین ۱۴۰۲"``."""
    year, month = divmod(int(ordinal), 12)
    return f"{PERSIAN_MONTHS[month]} {to_persian_digits(str(year))}"


def quarter_of_month(ordinal: int) -> int:
    year, month = divmod(int(ordinal), 12)
    return year * 4 + month // 3


def quarter_label(ordinal: int) -> str:
    """``"1402-Q1"``: Q1 is spring (Farvardin to Khordad)."""
    year, quarter = divmod(int(ordinal), 4)
    return f"{year:04d}-Q{quarter + 1}"


def quarter_label_fa(ordinal: int) -> str:
    """``"بهار ۱۴۰۲"``."""
    year, quarter = divmod(int(ordinal), 4)
    return f"{SEASONS[quarter]} {to_persian_digits(str(year))}"
