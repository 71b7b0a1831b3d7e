"""Iranian cities and provinces, looked up by name.

The lists live in ``data/cities_fa.txt`` and ``data/provinces_fa.txt`` (one Persian name per
line). Names are normalised with :func:`nlp.normalize.normalize`, and lookups ignore spaces
and ZWNJs, so ``خرم آباد``, ``خرم‌آباد`` and ``خرمآباد`` are one key. A leading ``شهر``
or ``استان`` is accepted (``استان فارس``, ``شهر ری``). A name that is both a city and a
province (``تهران``, ``قم``, ``کرمان``) is reported as a city.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

from nlp.chars import ZWNJ
from nlp.datafiles import read_lines
from nlp.normalize import normalize

PlaceKind = Literal["city", "province"]
_PREFIXES = ("استان ", "شهر ")


@dataclass(frozen=True)
class Place:
    """A recognised place: its kind and its name as written in the data file (normalised)."""

    kind: PlaceKind
    name: str


def _key(text: str) -> str:
    return text.replace(" ", "").replace(ZWNJ, "")


@cache
def _places() -> dict[str, Place]:
    table: dict[str, Place] = {}
    for name in read_lines("provinces_fa.txt"):
        clean = normalize(name)
        table[_key(clean)] = Place("province", clean)
    for name in read_lines("cities_fa.txt"):
        clean = normalize(name)
        table[_key(clean)] = Place("city", clean)
    return table


@cache
def cities() -> tuple[str, ...]:
    """All city names (normalised), in file order."""
    return tuple(normalize(name) for name in read_lines("cities_fa.txt"))


@cache
def provinces() -> tuple[str, ...]:
    """The 31 province names (normalised), in file order."""
    return tuple(normalize(name) for name in read_lines("provinces_fa.txt"))


def find_place(text: str) -> Place | None:
    """Return the city or province that ``text`` (already normalised) names exactly, if any.

    >>> find_place("خرم آباد")
    Place(kind='city', name='خرم\u200cآباد')
    >>> find_place("استان فارس")
    Place(kind='province', name='فارس')
    """
    text = text.strip()
    table = _places()
    place = table.get(_key(text))
    if place is not None:
        return place
    for prefix in _PREFIXES:
        if text.startswith(prefix):
            return table.get(_key(text[len(prefix) :]))
    return None
