"""Iranian national ID (کد ملی): the 10-digit check-digit rule, and masking for output.

The rule: with digits d1..d10, s = Σ d_i·(11 − i) for i = 1..9 and r = s mod 11, the
number is valid when d10 = r for r < 2, else d10 = 11 − r. Numbers of one repeated digit
(1111111111) satisfy the sum but are never issued. IDs written with 8 or 9 digits lost their
leading zeros (a spreadsheet stored them as numbers) and are padded back, as the official
rule does.
"""

from __future__ import annotations

import re

from nlp.normalize import to_latin_digits

NATIONAL_ID_DIGITS = 10
# Separators people type inside an ID: "001-234567-8", "001 234567 8".
_SEPARATORS = re.compile(r"[\s\-\u200c]+")
_DIGITS = re.compile(r"\d{8,10}")


def normalize_national_id(text: str) -> str | None:
    """The ID as 10 Latin digits (Persian digits, separators and lost leading zeros
    undone), or None when it is not 8 to 10 digits."""
    compact = _SEPARATORS.sub("", to_latin_digits(str(text)).strip())
    if not compact.isascii() or not _DIGITS.fullmatch(compact):
        return None
    return compact.zfill(NATIONAL_ID_DIGITS)


def is_valid_national_id(text: str) -> bool:
    """True when ``text`` is an Iranian national ID whose check digit is right.

    >>> is_valid_national_id("0499370899"), is_valid_national_id("۰۴۹۹۳۷۰۸۹۹")
    (True, True)
    >>> is_valid_national_id("0499370898"), is_valid_national_id("1111111111")
    (False, False)
    """
    digits = normalize_national_id(text)
    if digits is None or len(set(digits)) == 1:
        return False
    total = sum(int(d) * (NATIONAL_ID_DIGITS - i) for i, d in enumerate(digits[:9]))
    remainder = total % 11
    check = remainder if remainder < 2 else 11 - remainder
    return int(digits[9]) == check


def mask_national_id(text: str) -> str:
    """What reports and logs show of an ID: ``***`` and its last two digits."""
    digits = re.sub(r"\D", "", to_latin_digits(str(text)))
    return "***" + digits[-2:]
