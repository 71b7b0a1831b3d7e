"""Which text encoding a CSV or JSONL file is in.

Accepted: UTF-8 (with or without a BOM), UTF-16 with a BOM (Excel's "Unicode text"), and
Windows-1256, the Arabic code page Persian Excel exports are often written in. UTF-8 is
tried first because random bytes almost never decode as UTF-8; Windows-1256 decodes any
bytes, so it is taken only when the decoded text looks Persian: most non-ASCII characters
are Arabic-script letters or the punctuation that goes with them.
"""

from __future__ import annotations

import codecs
import re

from exchange.errors import ExchangeFileError

SAMPLE_BYTES = 1 << 20
# Share of non-ASCII characters that must be Persian/Arabic for Windows-1256 to be believed.
_CP1256_SHARE = 0.8
# C0 controls other than tab and line breaks: a text table never holds them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_PERSIAN_EXTRAS = frozenset("\u200c\u200d\u00ab\u00bb\u00a0\u00d7\u00f7")


def _looks_persian(text: str) -> bool:
    other = [c for c in text if not c.isascii()]
    if not other:
        return False
    persian = sum(1 for c in other if "\u0600" <= c <= "\u06ff" or c in _PERSIAN_EXTRAS)
    return persian / len(other) >= _CP1256_SHARE


def detect_encoding(sample: bytes, *, complete: bool) -> str:
    """The codec name for a file starting with ``sample`` (``complete``: the whole file).

    Raises :class:`ExchangeFileError` for binary data and for text in another encoding.
    """
    if sample.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif b"\x00" in sample:
        raise ExchangeFileError("this is a binary file, not CSV or JSONL text")
    else:
        encoding = "utf-8"
    try:
        decoded = codecs.getincrementaldecoder(encoding)().decode(sample, final=complete)
    except UnicodeDecodeError:
        if encoding != "utf-8":
            raise ExchangeFileError(f"the text is not valid {encoding}") from None
        decoded = sample.decode("cp1256", errors="replace")
        if not _looks_persian(decoded):
            raise ExchangeFileError(
                "the text is neither UTF-8, UTF-16 (with a BOM) nor Windows-1256 (Persian); "
                "save the file as UTF-8 CSV"
            ) from None
        encoding = "cp1256"
    if _CONTROL.search(decoded):
        raise ExchangeFileError("this is a binary file, not CSV or JSONL text")
    return encoding
