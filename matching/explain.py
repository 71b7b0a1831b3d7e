"""Skill overlap and the short Persian explanation that comes with every match."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from nlp.normalize import normalize

_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_SEPARATORS = re.compile(r"[\s\u200c]+")


@lru_cache(maxsize=65_536)
def skill_key(skill: str) -> str:
    """Comparison key of a skill label: normalised, lower case, ZWNJ and spaces unified.
    Memoised: the same few thousand labels are compared for every pair of a night's batch."""
    return _SEPARATORS.sub(" ", normalize(skill).lower()).strip()


def text_key(text: str) -> str:
    """The same treatment for a whole document, padded so whole-word search is a find()."""
    return normalized_text_key(normalize(text))


def normalized_text_key(normalized: str) -> str:
    """:func:`text_key` of a document already through :func:`nlp.normalize.normalize`."""
    return f" {_SEPARATORS.sub(' ', normalized.lower()).strip()} "


@dataclass(frozen=True)
class SkillOverlap:
    matched: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def coverage(self) -> float | None:
        total = len(self.matched) + len(self.missing)
        return len(self.matched) / total if total else None


def skill_overlap(
    required: Iterable[str], offered: Iterable[str], offered_text: str = ""
) -> SkillOverlap:
    """Which ``required`` skills the other side lists or mentions in its text.

    ``offered_text`` should come through :func:`text_key`; a required skill counts as
    present when it is among ``offered`` or appears in that text as a whole phrase.
    """
    offered_keys = {skill_key(s) for s in offered}
    matched: list[str] = []
    missing: list[str] = []
    seen: set[str] = set()
    for skill in required:
        key = skill_key(skill)
        if not key or key in seen:
            continue
        seen.add(key)
        present = key in offered_keys or (bool(offered_text) and f" {key} " in offered_text)
        (matched if present else missing).append(skill)
    return SkillOverlap(tuple(matched), tuple(missing))


def persian_number(value: int) -> str:
    return str(value).translate(_PERSIAN_DIGITS)


def location_relation(
    province_a: str | None, city_a: str | None, province_b: str | None, city_b: str | None
) -> str | None:
    if city_a and city_b and city_a == city_b:
        return "same_city"
    if province_a and province_b:
        return "same_province" if province_a == province_b else "other_province"
    return None


_LOCATION_FA = {
    "same_city": "همان شهر",
    "same_province": "همان استان",
    "other_province": "استان دیگر",
}


def explain(overlap: SkillOverlap, location: str | None, same_occupation: bool | None) -> str:
    """E.g. «۴ از ۵ مهارت خواسته‌شده؛ همان استان؛ همان گروه شغلی»."""
    parts: list[str] = []
    total = len(overlap.matched) + len(overlap.missing)
    if total:
        parts.append(
            f"{persian_number(len(overlap.matched))} از {persian_number(total)} مهارت خواسته‌شده"
        )
    else:
        parts.append("شباهت متن رزومه و آگهی")
    if location:
        parts.append(_LOCATION_FA[location])
    if same_occupation:
        parts.append("همان گروه شغلی")
    return "؛ ".join(parts)


_LEVEL_FA = {3: "همان شهر", 2: "همان استان", 1: "استان همسایه", 0: "استان دیگر"}
_OCCUPATION_FA = {
    4: "همان شغل",
    3: "گروه شغلی نزدیک",
    2: "گروه شغلی مرتبط",
}


def explain_fit(
    *,
    matched: int,
    asked: int,
    location: float | None,
    remote: bool,
    occupation_level: float | None,
    experience_gap: float | None,
    education_gap: float | None,
) -> str:
    """The re-ranker's evidence in a line, e.g.
    «۴ از ۵ مهارت خواسته‌شده؛ همان استان؛ همان شغل؛ سابقه کافی».

    ``location`` and ``occupation_level`` are the levels of :mod:`matching.features`;
    NaN or None means unknown and is left out.
    """
    parts = [
        f"{persian_number(matched)} از {persian_number(asked)} مهارت خواسته‌شده"
        if asked
        else "شباهت متن رزومه و آگهی"
    ]
    if remote:
        parts.append("دورکاری")
    elif _known(location):
        parts.append(_LEVEL_FA[int(location)])  # type: ignore[arg-type]
    if _known(occupation_level) and int(occupation_level) in _OCCUPATION_FA:  # type: ignore[arg-type]
        parts.append(_OCCUPATION_FA[int(occupation_level)])  # type: ignore[arg-type]
    if _known(experience_gap):
        gap = int(experience_gap)  # type: ignore[arg-type]
        parts.append(
            "سابقه کافی" if gap >= 0 else f"{persian_number(-gap)} سال سابقه کمتر از خواسته"
        )
    if _known(education_gap) and education_gap < 0:  # type: ignore[operator]
        parts.append("تحصیلات پایین‌تر از خواسته")
    return "؛ ".join(parts)


def _known(value: float | None) -> bool:
    return value is not None and value == value  # NaN is not equal to itself
