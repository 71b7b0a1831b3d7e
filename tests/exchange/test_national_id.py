"""The national ID check digit, Persian digits, padding and masking."""

from __future__ import annotations

import pytest

from exchange.national_id import is_valid_national_id, mask_national_id, normalize_national_id
from tests.exchange.conftest import NATIONAL_IDS, check_digit


def _valid(first_nine: str) -> str:
    return first_nine + check_digit(first_nine)


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        # Valid: check digits computed with the rule.
        *[(national_id, True) for national_id in NATIONAL_IDS],
        (_valid("123456780"), True),
        (_valid("000000012"), True),  # remainder < 2: the check digit is the remainder
        (_valid("314159265"), True),
        # Persian and Arabic-Indic digits, separators.
        ("۰۴۹۹۳۷۰۸۹۹", True),
        ("٠٤٩٩٣٧٠٨٩٩", True),
        ("049-937089-9", True),
        (" 0499370899 ", True),
        # Lost leading zeros (a spreadsheet number): 8 and 9 digits are padded.
        ("499370899", True),
        ("12345679", True),  # 0012345679
        ("۱۲۳۴۵۶۷۹", True),
        # Wrong check digit.
        ("0499370898", False),
        ("1234567890", False),
        ("9876543211", False),
        # Wrong length.
        ("", False),
        ("1234567", False),
        ("04993708991", False),
        ("0499 3708 99 12", False),
        # Not digits.
        ("04993708a9", False),
        ("national", False),
        ("+989121234567", False),
        # One repeated digit satisfies the sum but is never issued.
        *[(digit * 10, False) for digit in "0123456789"],
        ("۱۱۱۱۱۱۱۱۱۱", False),
    ],
)
def test_is_valid_national_id(text: str, valid: bool) -> None:
    assert is_valid_national_id(text) is valid


@pytest.mark.parametrize("first_nine", ["000000001", "100000000", "555555554", "271828182"])
def test_every_other_check_digit_is_wrong(first_nine: str) -> None:
    right = check_digit(first_nine)
    for digit in "0123456789":
        candidate = first_nine + digit
        expected = digit == right and len(set(candidate)) > 1
        assert is_valid_national_id(candidate) is expected, candidate


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        ("۰۴۹۹۳۷۰۸۹۹", "0499370899"),
        ("499370899", "0499370899"),
        ("12345679", "0012345679"),
        ("1234567", None),
        ("12345678901", None),
        ("abc", None),
    ],
)
def test_normalize_national_id(text: str, normalized: str | None) -> None:
    assert normalize_national_id(text) == normalized


@pytest.mark.parametrize(
    ("text", "masked"),
    [("0499370899", "***99"), ("۰۴۹۹۳۷۰۸۹۹", "***99"), ("049-937089-7", "***97")],
)
def test_mask_shows_only_the_last_two_digits(text: str, masked: str) -> None:
    assert mask_national_id(text) == masked
