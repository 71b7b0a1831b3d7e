from __future__ import annotations

import pytest

from analytics.periods import (
    PeriodError,
    month_label,
    month_label_fa,
    parse_month,
    quarter_label,
    quarter_label_fa,
    quarter_of_month,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1402-01", "1402-01"),
        ("1402-1", "1402-01"),
        ("۱۴۰۲-۰۱", "1402-01"),
        ("١٤٠٢/١٢", "1402-12"),
        ("1403/07", "1403-07"),
        ("1402-02-18", "1402-02"),
        (" 1403-12 ", "1403-12"),
    ],
)
def test_months_parse_in_any_digits_and_separator(text: str, expected: str) -> None:
    assert month_label(parse_month(text)) == expected


@pytest.mark.parametrize("text", ["", "1402", "1402-13", "1402-00", "02-1402", "abc", "2024-05x"])
def test_bad_months_are_refused(text: str) -> None:
    with pytest.raises(PeriodError):
        parse_month(text)


def test_consecutive_months_differ_by_one_across_the_new_year() -> None:
    assert parse_month("1403-01") - parse_month("1402-12") == 1


@pytest.mark.parametrize(
    ("month", "label_fa", "quarter", "quarter_fa"),
    [
        ("1402-01", "فروردین ۱۴۰۲", "1402-Q1", "بهار ۱۴۰۲"),
        ("1402-06", "شهریور ۱۴۰۲", "1402-Q2", "تابستان ۱۴۰۲"),
        ("1403-08", "آبان ۱۴۰۳", "1403-Q3", "پاییز ۱۴۰۳"),
        ("1403-12", "اسفند ۱۴۰۳", "1403-Q4", "زمستان ۱۴۰۳"),
    ],
)
def test_persian_labels(month: str, label_fa: str, quarter: str, quarter_fa: str) -> None:
    ordinal = parse_month(month)
    assert month_label_fa(ordinal) == label_fa
    assert quarter_label(quarter_of_month(ordinal)) == quarter
    assert quarter_label_fa(quarter_of_month(ordinal)) == quarter_fa
