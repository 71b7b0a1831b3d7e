"""Matched, missing and transferable skills between a vacancy and a person, with training.

A missing skill is *transferable* when the person holds a skill with the same direct broader
concept in ESCO's hierarchy (e.g. the vacancy wants PostgreSQL, the CV shows MySQL: both sit
under "database management systems"): close enough to learn fast, and worth saying. Every
missing skill comes with the shortest courses of the catalogue that teach it and suit the
vacancy's occupation (:func:`course_fit`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from os.path import commonprefix

from nlp.normalize import normalize
from taxonomy.courses import Course, CourseCatalogue
from taxonomy.skills import SkillTaxonomy

COURSES_PER_SKILL = 2
# Courses for any trade: a language, communication, time management.
GENERAL_SECTORS = frozenset({"مهارت‌های عمومی و شغلی", "زبان‌های خارجی"})
# A trade's course suits an occupation of the same ISCO sub-major group (two digits).
CLOSE_DIGITS = 2
NAMED = 5  # the fit of a course named after the skill, or for any trade
# A skill held in this many ISCO sub-major groups or more is asked by every trade, and a
# trade's course that teaches it on the side suits only its own and close occupations.
BROAD_SKILL = 8


@dataclass(frozen=True)
class Transfer:
    missing_id: str
    held_id: str  # the person's skill that shares the missing one's broader concept
    via: str  # id of that shared concept


@dataclass(frozen=True)
class SkillGap:
    matched: tuple[str, ...]
    missing: tuple[str, ...]
    transferable: tuple[Transfer, ...]

    @property
    def coverage(self) -> float | None:
        total = len(self.matched) + len(self.missing)
        return len(self.matched) / total if total else None


def held_by_parent(offered: Iterable[str], taxonomy: SkillTaxonomy) -> dict[str, str]:
    """Each broader concept of the person's skills, with the first (by id) skill under it."""
    by_parent: dict[str, str] = {}
    for skill_id in sorted(set(offered)):
        for parent in taxonomy.parents(skill_id):
            by_parent.setdefault(parent, skill_id)
    return by_parent


def skill_gap(
    required: Sequence[str],
    offered: Iterable[str],
    taxonomy: SkillTaxonomy,
    parents_held: Mapping[str, str] | None = None,
) -> SkillGap:
    """``parents_held``: :func:`held_by_parent` of ``offered``, where the caller keeps it
    (a jobseeker is compared with many vacancies)."""
    held = set(offered)
    matched: list[str] = []
    missing: list[str] = []
    for skill_id in dict.fromkeys(required):
        (matched if skill_id in held else missing).append(skill_id)
    if parents_held is None:
        parents_held = held_by_parent(held, taxonomy)
    transfers: list[Transfer] = []
    for skill_id in missing:
        for parent in taxonomy.parents(skill_id):
            if parent in parents_held:
                transfers.append(Transfer(skill_id, parents_held[parent], parent))
                break
    return SkillGap(tuple(matched), tuple(missing), tuple(transfers))


@dataclass(frozen=True)
class TrainingOffer:
    skill_id: str
    course_ids: tuple[str, ...]


@lru_cache(maxsize=8192)  # course titles and skill labels repeat across every result
def _words(text: str) -> tuple[str, ...]:
    # Word characters only: ZWNJ, spaces and punctuation («سپیدار،») all separate words.
    return tuple(re.findall(r"\w+", normalize(text).casefold()))


def _names(title: tuple[str, ...], label: tuple[str, ...]) -> bool:
    width = len(label)
    return bool(width) and any(
        title[start : start + width] == label for start in range(len(title) - width + 1)
    )


def course_fit(
    course: Course,
    skill_labels: Iterable[str],
    occupation: str | None,
    sector_units: Collection[str] = (),
) -> int | None:
    """How well ``course`` closes a missing skill (``skill_labels``: its surface forms) for a
    vacancy of ISCO code ``occupation`` (None when unknown), higher is better; None when it
    does not suit at all. ``sector_units``: the unit groups the catalogue trains for in the
    course's sector.

    A course named after the skill (``Excel``, ``مدیریت استرس``) or for any trade suits
    every occupation (5). A trade's course teaches the skill as a part of the trade («رعایت
    بهداشت فردی» in a nail technician's course): it suits an occupation of the same ISCO
    sub-major group as one it trains for (2 to 4, the digits shared), or of its sector
    (a cook's skill from a kitchen helper's course: 1), and no other.
    """
    if occupation is None:
        return 0
    title = _words(f"{course.title_fa} {course.title_en}")
    if course.sector in GENERAL_SECTORS or any(
        _names(title, _words(label)) for label in skill_labels
    ):
        return NAMED
    # ISCO digits shared from the left: character by character, as commonprefix compares.
    prefixes = (commonprefix((unit, occupation)) for unit in course.isco_units)  # noqa: RUF071
    shared = max(map(len, prefixes), default=0)
    if shared >= min(CLOSE_DIGITS, len(occupation)):
        return shared
    if any(unit.startswith(occupation) or occupation.startswith(unit) for unit in sector_units):
        return 1
    return None


def training_for(
    missing: Sequence[str],
    catalogue: CourseCatalogue,
    taxonomy: SkillTaxonomy | None = None,
    occupation: str | None = None,
    limit: int = COURSES_PER_SKILL,
) -> list[TrainingOffer]:
    """The best ``limit`` courses for each missing skill of a vacancy of ISCO code
    ``occupation`` (a unit group, or a coarser group for a report's cells).

    With the occupation (and the ``taxonomy``, for the skill's labels and breadth), the
    courses that suit it come first (:func:`course_fit`); a broad skill
    (:data:`BROAD_SKILL`) gets only those, since a nail technician's course is no answer to
    a developer vacancy's «رعایت بهداشت فردی». Ties keep the catalogue's order, focused and
    short first.
    """
    offers: list[TrainingOffer] = []
    for skill_id in missing:
        courses = catalogue.teaching(skill_id)
        if occupation is not None and taxonomy is not None and skill_id in taxonomy:
            labels = taxonomy.get(skill_id).labels
            broad = taxonomy.breadth(skill_id) >= BROAD_SKILL
            ranked: list[tuple[int, int, Course]] = []
            for order, course in enumerate(courses):
                fit = course_fit(course, labels, occupation, catalogue.sector_units(course.sector))
                if fit is not None or not broad:
                    ranked.append((-1 if fit is None else fit, order, course))
            courses = [course for _, _, course in sorted(ranked, key=lambda r: (-r[0], r[1]))]
        courses = courses[:limit]
        if courses:
            offers.append(TrainingOffer(skill_id, tuple(c.id for c in courses)))
    return offers
