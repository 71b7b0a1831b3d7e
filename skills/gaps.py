"""Matched, missing and transferable skills between a vacancy and a person, with training.

A missing skill is *transferable* when the person holds a skill with the same direct broader
concept in ESCO's hierarchy (e.g. the vacancy wants PostgreSQL, the CV shows MySQL: both sit
under "database management systems"): close enough to learn fast, and worth saying. Every
missing skill comes with the shortest courses of the catalogue that teach it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from taxonomy.courses import CourseCatalogue
from taxonomy.skills import SkillTaxonomy

COURSES_PER_SKILL = 2


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


def training_for(missing: Sequence[str], catalogue: CourseCatalogue) -> list[TrainingOffer]:
    offers: list[TrainingOffer] = []
    for skill_id in missing:
        courses = catalogue.teaching(skill_id)[:COURSES_PER_SKILL]
        if courses:
            offers.append(TrainingOffer(skill_id, tuple(c.id for c in courses)))
    return offers
