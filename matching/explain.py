"""Skill overlap and the short Persian explanation that comes with every match."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from nlp.normalize import normalize

_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_SEPARATORS = re.compile(r"[\s\u200c]+")


def skill_key(skill: str) -> str:
    """Comparison key of a skill label: normalised, lower case, ZWNJ and spaces unified."""
    return _SEPARATORS.sub(" ", normalize(skill).lower()).strip()


def text_key(text: str) -> str:
    """The same treatment for a whole document, padded so whole-word search is a find()."""
    return f" {_SEPARATORS.sub(' ', normalize(text).lower()).strip()} "


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
