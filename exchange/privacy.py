"""What of a personal value may be shown: phone numbers and national IDs never are.

Row errors quote the offending value so an operator can find it; those quotes pass through
:func:`quote`, which masks any run of ten or more digits (mobile and landline numbers,
national IDs; Persian digits too) to ``***`` and its last two digits, and shortens the rest.
"""

from __future__ import annotations

import re

from exchange.national_id import mask_national_id

QUOTE_CHARS = 40
# As the store's audit log: ten or more digits, maybe with a leading + and single spaces or
# hyphens inside (09121234567, +98 912 123 4567, 021-88776655, 0499370899).
_PERSONAL_NUMBER = re.compile(r"\+?\d(?:[ \-]?\d){9,}")


def mask_personal_numbers(text: str) -> str:
    """``text`` with every phone-number- or national-ID-like run masked."""
    return _PERSONAL_NUMBER.sub(lambda m: mask_national_id(m.group()), text)


def has_personal_number(text: str) -> bool:
    return _PERSONAL_NUMBER.search(text) is not None


def quote(value: object, limit: int = QUOTE_CHARS) -> str:
    """A short, masked, one-line rendering of a cell for an error message."""
    if value is None:
        return ""
    text = " ".join(mask_personal_numbers(str(value)).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
