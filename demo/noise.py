"""Orthographic noise seen in real Persian ads and CVs.

Documents are composed in clean Persian with Latin digits; a :class:`Noise` profile then
rewrites digits (Persian, Latin or Arabic-Indic), the letters ی/ک (Arabic ي/ك from an
Arabic keyboard layout) and the zero-width non-joiner (kept, dropped, or typed as a space).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from random import Random

ZWNJ = "\u200c"
_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
_ARABIC_LETTERS = str.maketrans({"ی": "ي", "ک": "ك"})
_TOKEN = re.compile(r"\S+")
_LATIN_LETTER = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class Noise:
    """How one document is spelled.

    ``digits``: ``"latin"``, ``"persian"`` or ``"arabic"``; ``letters``: ``"clean"``,
    ``"arabic"`` (all ی/ک typed as ي/ك) or ``"partial"`` (some of them);
    ``zwnj``: ``"keep"``, ``"drop"``, ``"space"`` or ``"mixed"``.
    """

    digits: str = "latin"
    letters: str = "clean"
    zwnj: str = "keep"


CLEAN = Noise()


def draw_noise(rng: Random) -> Noise:
    """Draw a noise profile with roughly the frequencies of real postings."""
    digits = rng.choices(("persian", "latin", "arabic"), weights=(55, 40, 5))[0]
    letters = rng.choices(("clean", "arabic", "partial"), weights=(82, 12, 6))[0]
    zwnj = rng.choices(("keep", "drop", "space", "mixed"), weights=(55, 20, 15, 10))[0]
    return Noise(digits=digits, letters=letters, zwnj=zwnj)


def _convert_digits(text: str, table: dict[int, int]) -> str:
    # Tokens holding a Latin letter (HTML5, CO2, 0912xxxxxxx) keep their Latin digits.
    def convert(match: re.Match[str]) -> str:
        token = match.group()
        return token if _LATIN_LETTER.search(token) else token.translate(table)

    return _TOKEN.sub(convert, text)


def _partial_letters(text: str, rng: Random) -> str:
    return "".join(
        ch.translate(_ARABIC_LETTERS) if ch in "یک" and rng.random() < 0.5 else ch for ch in text
    )


def _zwnj(text: str, mode: str, rng: Random) -> str:
    if mode == "drop":
        return text.replace(ZWNJ, "")
    if mode == "space":
        return text.replace(ZWNJ, " ")
    if mode == "mixed":
        return "".join(rng.choice((ZWNJ, "", " ")) if ch == ZWNJ else ch for ch in text)
    return text


def apply_noise(text: str, noise: Noise, rng: Random) -> str:
    """Rewrite a clean text according to ``noise``."""
    if noise.digits == "persian":
        text = _convert_digits(text, _PERSIAN_DIGITS)
    elif noise.digits == "arabic":
        text = _convert_digits(text, _ARABIC_DIGITS)
    if noise.letters == "arabic":
        text = text.translate(_ARABIC_LETTERS)
    elif noise.letters == "partial":
        text = _partial_letters(text, rng)
    return _zwnj(text, noise.zwnj, rng)
