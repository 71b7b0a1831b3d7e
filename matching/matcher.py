"""Matching in both directions: vacancies for a jobseeker, jobseekers for a vacancy.

Each side is stored twice in vector form: as an e5 ``passage`` (what is searched over) and
as a ``query`` (what searches). Candidates come from the other side's index ranked by
cosine similarity; each carries matched and missing skills and a Persian explanation.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
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


class Matcher:
    """Semantic matching over the two indexes, explained with skills and location."""

    def __init__(
        self,
        encoder: Encoder,
        records: RecordLookup,
        vacancy_index: VectorIndex,
        jobseeker_index: VectorIndex,
    ) -> None:
        self.encoder = encoder
        self.records = records
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
    ) -> list[Match]:
        """Vacancies for a CV text, or jobseekers for a vacancy text, without storing it."""
        vector = self.encoder.encode([text], "query")
        if kind == "cv":
            seeker = Jobseeker(id="", title="", text=text)
            hits = self._search("vacancy", vector, k, filters)
            return self._explain_vacancies(hits, seeker, text_key(text))
        vacancy = Vacancy(id="", title="", text=text)
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
            overlap = skill_overlap(vacancy.skills, seeker.skills, seeker_text)
            matches.append(
                _match(hit, rank, vacancy, seeker, overlap, {"employer": vacancy.employer})
            )
        return matches

    def _explain_jobseekers(self, hits: list[Hit], vacancy: Vacancy) -> list[Match]:
        matches: list[Match] = []
        for rank, hit in enumerate(hits, start=1):
            seeker = self.records.get("jobseeker", hit.id)
            if not isinstance(seeker, Jobseeker):
                logger.warning("index holds jobseeker %s that the store lacks", hit.id)
                continue
            overlap = skill_overlap(vacancy.skills, seeker.skills, text_key(seeker.document()))
            details: dict[str, object] = {
                "experience_years": seeker.experience_years,
                "education": seeker.education.value if seeker.education else None,
            }
            matches.append(_match(hit, rank, seeker, vacancy, overlap, details))
        return matches


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
