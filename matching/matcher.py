"""Matching in both directions: vacancies for a jobseeker, jobseekers for a vacancy.

Each side is stored twice in vector form: as an e5 ``passage`` (what is searched over) and
as a ``query`` (what searches). Candidates come from the other side's index ranked by
cosine similarity; each carries matched and missing skills and a Persian explanation.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal, Protocol

import numpy as np

from index.vector_index import Hit, VectorIndex
from karyab.records import Education, Jobseeker, Match, Vacancy
from matching.explain import (
    SkillOverlap,
    explain,
    location_relation,
    skill_overlap,
    text_key,
)
from models.encoder import Encoder
from nlp.normalize import normalize
from skills.gaps import skill_gap, training_for
from skills.gazetteer import SkillGazetteer
from taxonomy.courses import CourseCatalogue
from taxonomy.skills import SkillTaxonomy

logger = logging.getLogger(__name__)

Side = Literal["vacancy", "jobseeker"]


class RecordLookup(Protocol):
    def get(self, kind: Side, record_id: str) -> Vacancy | Jobseeker | None: ...

    def get_vector(
        self, kind: Side, record_id: str, which: Literal["query", "passage"]
    ) -> np.ndarray | None: ...


class UnknownRecordError(LookupError):
    """No stored vacancy or jobseeker has this id."""

    def __init__(self, kind: Side, record_id: str) -> None:
        super().__init__(f"no {kind} with id {record_id!r}")
        self.kind = kind
        self.record_id = record_id


@dataclass(frozen=True)
class SearchFilters:
    """Hard filters set by the user; ``None`` leaves a field unconstrained."""

    province: str | None = None
    city: str | None = None
    min_experience_years: int | None = None
    min_education: Education | None = None
    isco_code: str | None = None

    def where(self, side: Side) -> dict[str, object]:
        where: dict[str, object] = {}
        if self.province:
            where["province"] = self.province
        if self.city:
            where["city"] = self.city
        if self.isco_code:
            where["isco_code"] = self.isco_code
        if side == "jobseeker":
            if self.min_experience_years is not None:
                where["experience_years"] = {"gte": self.min_experience_years}
            if self.min_education is not None:
                where["education_rank"] = {"gte": self.min_education.rank}
        return where


@dataclass(frozen=True)
class SkillKnowledge:
    """What explaining skill gaps needs: the taxonomy's labels and hierarchy, the gazetteer
    (to tell which declared skills the taxonomy knows) and the course catalogue."""

    taxonomy: SkillTaxonomy
    catalogue: CourseCatalogue
    gazetteer: SkillGazetteer
    _in_taxonomy: Callable[[str], bool] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Declared skills repeat across every result list; look each one up once.
        lookup = lru_cache(maxsize=65536)(self._names_a_taxonomy_skill)
        object.__setattr__(self, "_in_taxonomy", lookup)

    def _names_a_taxonomy_skill(self, declared: str) -> bool:
        return bool(self.gazetteer.find(normalize(declared)))

    def compare(
        self, vacancy: Vacancy, seeker: Jobseeker, seeker_text: str
    ) -> tuple[SkillOverlap, dict[str, object]] | None:
        """Taxonomy-level gap, plus the literal check for declared skills the taxonomy does
        not know (a new framework, a local product); None when neither side has any."""
        if not vacancy.skill_ids:
            return None
        gap = skill_gap(vacancy.skill_ids, seeker.skill_ids, self.taxonomy)
        unknown = [d for d in vacancy.skills if not self._in_taxonomy(d)]
        literal = skill_overlap(unknown, seeker.skills, seeker_text)
        label = self._label
        overlap = SkillOverlap(
            tuple(label(i) for i in gap.matched) + literal.matched,
            tuple(label(i) for i in gap.missing) + literal.missing,
        )
        details: dict[str, object] = {
            "matched_skill_ids": list(gap.matched),
            "missing_skill_ids": list(gap.missing),
            "transferable_skills": [
                {"missing": label(t.missing_id), "held": label(t.held_id)} for t in gap.transferable
            ],
            "training": [
                {
                    "skill": label(offer.skill_id),
                    "courses": [
                        {"id": course.id, "title_fa": course.title_fa, "hours": course.hours}
                        for course in map(self.catalogue.get, offer.course_ids)
                    ],
                }
                for offer in training_for(gap.missing, self.catalogue)
            ],
        }
        return overlap, details

    def _label(self, skill_id: str) -> str:
        return self.taxonomy.get(skill_id).label_fa if skill_id in self.taxonomy else skill_id


class Matcher:
    """Semantic matching over the two indexes, explained with skills and location."""

    def __init__(
        self,
        encoder: Encoder,
        records: RecordLookup,
        vacancy_index: VectorIndex,
        jobseeker_index: VectorIndex,
        skills: SkillKnowledge | None = None,
    ) -> None:
        self.encoder = encoder
        self.records = records
        self.skills = skills
        self.indexes: dict[Side, VectorIndex] = {
            "vacancy": vacancy_index,
            "jobseeker": jobseeker_index,
        }

    def recommend_vacancies(
        self, jobseeker_id: str, k: int = 10, filters: SearchFilters | None = None
    ) -> list[Match]:
        """Vacancies for a stored jobseeker."""
        seeker = self._require("jobseeker", jobseeker_id)
        assert isinstance(seeker, Jobseeker)
        vector = self._query_vector("jobseeker", jobseeker_id)
        hits = self._search("vacancy", vector, k, filters)
        return self._explain_vacancies(hits, seeker, text_key(seeker.document()))

    def shortlist_jobseekers(
        self, vacancy_id: str, k: int = 10, filters: SearchFilters | None = None
    ) -> list[Match]:
        """Jobseekers for a stored vacancy."""
        vacancy = self._require("vacancy", vacancy_id)
        assert isinstance(vacancy, Vacancy)
        vector = self._query_vector("vacancy", vacancy_id)
        hits = self._search("jobseeker", vector, k, filters)
        return self._explain_jobseekers(hits, vacancy)

    def match_text(
        self,
        text: str,
        kind: Literal["cv", "vacancy"],
        k: int = 10,
        filters: SearchFilters | None = None,
        skill_ids: tuple[str, ...] = (),
    ) -> list[Match]:
        """Vacancies for a CV text, or jobseekers for a vacancy text, without storing it.

        ``skill_ids`` are the text's inferred skills, for the skill-gap explanation.
        """
        vector = self.encoder.encode([text], "query")
        if kind == "cv":
            seeker = Jobseeker(id="", title="", text=text, skill_ids=skill_ids)
            hits = self._search("vacancy", vector, k, filters)
            return self._explain_vacancies(hits, seeker, text_key(text))
        vacancy = Vacancy(id="", title="", text=text, skill_ids=skill_ids)
        hits = self._search("jobseeker", vector, k, filters)
        return self._explain_jobseekers(hits, vacancy)

    # -- internals --------------------------------------------------------------------

    def _require(self, kind: Side, record_id: str) -> Vacancy | Jobseeker:
        record = self.records.get(kind, record_id)
        if record is None:
            raise UnknownRecordError(kind, record_id)
        return record

    def _query_vector(self, kind: Side, record_id: str) -> np.ndarray:
        vector = self.records.get_vector(kind, record_id, "query")
        if vector is None:
            raise UnknownRecordError(kind, record_id)
        return vector.reshape(1, -1)

    def _search(
        self, side: Side, vector: np.ndarray, k: int, filters: SearchFilters | None
    ) -> list[Hit]:
        if k < 1:
            raise ValueError("k must be at least 1")
        where = filters.where(side) if filters else None
        return self.indexes[side].search(vector, k, where=where or None)[0]

    def _explain_vacancies(
        self, hits: list[Hit], seeker: Jobseeker, seeker_text: str
    ) -> list[Match]:
        matches: list[Match] = []
        for rank, hit in enumerate(hits, start=1):
            vacancy = self.records.get("vacancy", hit.id)
            if not isinstance(vacancy, Vacancy):
                logger.warning("index holds vacancy %s that the store lacks", hit.id)
                continue
            overlap, skill_details = self._overlap(vacancy, seeker, seeker_text)
            details = {"employer": vacancy.employer, **skill_details}
            matches.append(_match(hit, rank, vacancy, seeker, overlap, details))
        return matches

    def _explain_jobseekers(self, hits: list[Hit], vacancy: Vacancy) -> list[Match]:
        matches: list[Match] = []
        for rank, hit in enumerate(hits, start=1):
            seeker = self.records.get("jobseeker", hit.id)
            if not isinstance(seeker, Jobseeker):
                logger.warning("index holds jobseeker %s that the store lacks", hit.id)
                continue
            overlap, skill_details = self._overlap(vacancy, seeker, text_key(seeker.document()))
            details: dict[str, object] = {
                "experience_years": seeker.experience_years,
                "education": seeker.education.value if seeker.education else None,
                **skill_details,
            }
            matches.append(_match(hit, rank, seeker, vacancy, overlap, details))
        return matches

    def _overlap(
        self, vacancy: Vacancy, seeker: Jobseeker, seeker_text: str
    ) -> tuple[SkillOverlap, dict[str, object]]:
        """Taxonomy skills when both sides have them; the declared labels otherwise."""
        if self.skills is not None:
            compared = self.skills.compare(vacancy, seeker, seeker_text)
            if compared is not None:
                return compared
        return skill_overlap(vacancy.skills, seeker.skills, seeker_text), {}


def _match(
    hit: Hit,
    rank: int,
    found: Vacancy | Jobseeker,
    asking: Vacancy | Jobseeker,
    overlap: SkillOverlap,
    details: dict[str, object],
) -> Match:
    """A result ``found`` for the side ``asking``, with its evidence."""
    location = location_relation(asking.province, asking.city, found.province, found.city)
    same_occupation = _same_occupation(asking.isco_code, found.isco_code)
    return Match(
        id=found.id,
        title=found.title,
        score=hit.score,
        rank=rank,
        province=found.province,
        city=found.city,
        occupation=found.isco_code,
        matched_skills=overlap.matched,
        missing_skills=overlap.missing,
        explanation=explain(overlap, location, same_occupation),
        details={**details, "location": location},
    )


def _same_occupation(a: str | None, b: str | None) -> bool | None:
    if not a or not b:
        return None
    return a == b
