"""Iranian cities and provinces, looked up by name.

The lists live in ``data/cities_fa.txt`` and ``data/provinces_fa.txt`` (one Persian name per
line). Names are normalised with :func:`nlp.normalize.normalize`, and lookups ignore spaces
and ZWNJs, so ``خرم آباد``, ``خرم‌آباد`` and ``خرمآباد`` are one key. A leading ``شهر``
or ``استان`` is accepted (``استان فارس``, ``شهر ری``). A name that is both a city and a
province (``تهران``, ``قم``, ``کرمان``) is reported as a city, unless ``استان`` precedes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
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
            rest = _key(text[len(prefix) :])
            if prefix == "استان ":  # «استان تهران» is the province, whatever the city is
                return _provinces_by_key().get(rest) or table.get(rest)
            return table.get(rest)
    return None


@cache
def _provinces_by_key() -> dict[str, Place]:
    return {_key(name): Place("province", name) for name in provinces()}


@cache
def _neighbours() -> dict[str, frozenset[str]]:
    known = set(provinces())
    pairs: dict[str, set[str]] = {name: set() for name in known}
    for line in read_lines("province_neighbours_fa.tsv"):
        name, _, rest = line.partition("\t")
        province = normalize(name)
        for other in (normalize(n) for n in rest.split("،")):
            if province not in known or other not in known:
                raise ValueError(f"province_neighbours_fa.tsv names an unknown province: {line!r}")
            pairs[province].add(other)
            pairs[other].add(province)
    return {name: frozenset(others) for name, others in pairs.items()}


@lru_cache(maxsize=256)  # asked once per jobseeker ranked; there are 31 provinces
def neighbouring_provinces(province: str) -> frozenset[str]:
    """The provinces sharing a land border with ``province`` (normalised official name);
    empty for a name that is not a province.

    >>> sorted(neighbouring_provinces("گیلان"))
    ['اردبیل', 'زنجان', 'قزوین', 'مازندران']
    """
    return _neighbours().get(normalize(province).strip(), frozenset())
