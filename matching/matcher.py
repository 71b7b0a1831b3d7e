"""Matching in both directions: vacancies for a jobseeker, jobseekers for a vacancy.

Each profile is embedded once, symmetrically (``models.encoder.profile_vectors``): the same
vector searches the other side and is searched over. Candidates come from the other side's
index; each carries matched and missing skills and a Persian explanation.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal, Protocol

import numpy as np

from index.vector_index import Hit, VectorIndex
from karyab.records import Education, Jobseeker, Match, Vacancy
from matching.documents import LexicalCache
from matching.explain import (
    SkillOverlap,
    explain,
    explain_fit,
    location_relation,
    skill_overlap,
    text_key,
)
from matching.features import FEATURES, similarities
from matching.profiles import Geography, ProfileTable
from matching.ranker import FirstStage, candidate_features
from models.encoder import Encoder, profile_vectors
from models.ranker import LearnedRanker
from nlp.normalize import normalize
from skills.gaps import held_by_parent, skill_gap, training_for
from skills.gazetteer import SkillGazetteer
from taxonomy.courses import CourseCatalogue
from taxonomy.skills import SkillTaxonomy

logger = logging.getLogger(__name__)

Side = Literal["vacancy", "jobseeker"]


class RecordLookup(Protocol):
    def get(self, kind: Side, record_id: str) -> Vacancy | Jobseeker | None: ...

    def get_many(self, kind: Side, ids: Iterable[str]) -> dict[str, Vacancy | Jobseeker]: ...

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
    _parents_held: Callable[[tuple[str, ...]], dict[str, str]] = field(
        init=False, repr=False, compare=False
    )
    _label: Callable[[str], str] = field(init=False, repr=False, compare=False)
    _courses: Callable[[str, str | None], tuple[dict[str, object], ...]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        # Declared skills, skill ids and a jobseeker's skills repeat across every result list
        # (and a night's batch compares each jobseeker with 20 vacancies): look each up once.
        for name, method, size in (
            ("_in_taxonomy", self._names_a_taxonomy_skill, 65536),
            ("_parents_held", self._held_by_parent, 1024),
            ("_label", self._label_of, 65536),
            ("_courses", self._courses_for, 65536),
        ):
            object.__setattr__(self, name, lru_cache(maxsize=size)(method))

    def _names_a_taxonomy_skill(self, declared: str) -> bool:
        return bool(self.gazetteer.find(normalize(declared)))

    def _held_by_parent(self, offered: tuple[str, ...]) -> dict[str, str]:
        return held_by_parent(offered, self.taxonomy)

    def _label_of(self, skill_id: str) -> str:
        return self.taxonomy.get(skill_id).label_fa if skill_id in self.taxonomy else skill_id

    def _courses_for(self, skill_id: str, occupation: str | None) -> tuple[dict[str, object], ...]:
        """The courses offered for a skill a vacancy of ``occupation`` misses, as results list
        them."""
        return tuple(
            {"id": course.id, "title_fa": course.title_fa, "hours": course.hours}
            for offer in training_for([skill_id], self.catalogue, self.taxonomy, occupation)
            for course in map(self.catalogue.get, offer.course_ids)
        )

    def compare(
        self, vacancy: Vacancy, seeker: Jobseeker, seeker_text: str
    ) -> tuple[SkillOverlap, dict[str, object]] | None:
        """Taxonomy-level gap, plus the literal check for declared skills the taxonomy does
        not know (a new framework, a local product); None when neither side has any."""
        if not vacancy.skill_ids:
            return None
        offered = tuple(seeker.skill_ids)
        gap = skill_gap(vacancy.skill_ids, offered, self.taxonomy, self._parents_held(offered))
        unknown = [d for d in vacancy.skills if not self._in_taxonomy(d)]
        literal = skill_overlap(unknown, seeker.skills, seeker_text)
        label = self._label
        overlap = SkillOverlap(
            tuple(label(i) for i in gap.matched) + literal.matched,
            tuple(label(i) for i in gap.missing) + literal.missing,
        )
        training: list[dict[str, object]] = []
        for skill_id in gap.missing:
            courses = self._courses(skill_id, vacancy.isco_code or vacancy.isco_guess)
            if courses:  # copies: a result's details are its own
                training.append({"skill": label(skill_id), "courses": [dict(c) for c in courses]})
        details: dict[str, object] = {
            "matched_skill_ids": list(gap.matched),
            "missing_skill_ids": list(gap.missing),
            "transferable_skills": [
                {"missing": label(t.missing_id), "held": label(t.held_id)} for t in gap.transferable
            ],
            "training": training,
        }
        return overlap, details


@dataclass(frozen=True)
class Reranking:
    """The learned re-ranker and how deep the first stage reaches for it."""

    model: LearnedRanker
    geography: Geography
    first_stage: FirstStage = field(default_factory=FirstStage)


@dataclass(frozen=True)
class ScoredCandidate:
    """A second-stage candidate: the record, its e5 cosine, the re-ranker's score and the
    features it was given."""

    record: Vacancy | Jobseeker
    cosine: float
    score: float
    features: dict[str, float]


class Matcher:
    """Matching over the two indexes, explained with skills and location.

    Without ``reranking`` results are ordered by cosine similarity. With it, FAISS fetches
    candidates (everywhere, in the asker's province and its neighbours, and remote jobs) and
    the learned model orders them on skills, occupation, experience, education, location and
    recency as well (:mod:`matching.ranker`).
    """

    def __init__(
        self,
        encoder: Encoder,
        records: RecordLookup,
        vacancy_index: VectorIndex,
        jobseeker_index: VectorIndex,
        skills: SkillKnowledge | None = None,
        reranking: Reranking | None = None,
        lexical: LexicalCache | None = None,
    ) -> None:
        self.encoder = encoder
        self.records = records
        self.skills = skills
        self.reranking = reranking
        self.lexical = lexical if lexical is not None else LexicalCache()
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
        if self.reranking is not None:
            return self._reranked("vacancy", seeker, vector, k, filters)
        hits = self._search("vacancy", vector, k, filters)
        return self.explain_vacancies(hits, seeker, text_key(seeker.document()))

    def shortlist_jobseekers(
        self, vacancy_id: str, k: int = 10, filters: SearchFilters | None = None
    ) -> list[Match]:
        """Jobseekers for a stored vacancy."""
        vacancy = self._require("vacancy", vacancy_id)
        assert isinstance(vacancy, Vacancy)
        vector = self._query_vector("vacancy", vacancy_id)
        if self.reranking is not None:
            return self._reranked("jobseeker", vacancy, vector, k, filters)
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
        vector = profile_vectors(self.encoder, [text])
        if kind == "cv":
            seeker = Jobseeker(id="", title="", text=text, skill_ids=skill_ids)
            if self.reranking is not None:
                return self._reranked("vacancy", seeker, vector, k, filters)
            hits = self._search("vacancy", vector, k, filters)
            return self.explain_vacancies(hits, seeker, text_key(text))
        vacancy = Vacancy(id="", title="", text=text, skill_ids=skill_ids)
        if self.reranking is not None:
            return self._reranked("jobseeker", vacancy, vector, k, filters)
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

    def _candidates(
        self,
        side: Side,
        asking: Vacancy | Jobseeker,
        vector: np.ndarray,
        k: int,
        filters: SearchFilters | None,
        reranking: Reranking,
    ) -> dict[str, float]:
        """First stage: national, local (province and neighbours) and remote candidates,
        all within the user's filters."""
        index = self.indexes[side]
        tiers = first_stage_tiers(side, asking, k, filters, reranking)
        found: dict[str, float] = {}
        for where, limit in tiers:
            for hit in index.search(vector, limit, where=where or None)[0]:
                found[hit.id] = hit.score
        return found

    def _reranked(
        self,
        side: Side,
        asking: Vacancy | Jobseeker,
        vector: np.ndarray,
        k: int,
        filters: SearchFilters | None,
    ) -> list[Match]:
        reranking = self.reranking
        assert reranking is not None
        found = self._candidates(side, asking, vector, k, filters, reranking)
        return self._rank(side, asking, found, k)

    def recommend_among(self, jobseeker_id: str, vacancy_ids: Iterable[str], k: int) -> list[Match]:
        """A stored jobseeker's best ``k`` vacancies among ``vacancy_ids`` only (those written
        since a recommendation snapshot), scored as the full search scores its candidates."""
        seeker = self._require("jobseeker", jobseeker_id)
        assert isinstance(seeker, Jobseeker)
        index = self.indexes["vacancy"]
        ids = [i for i in dict.fromkeys(vacancy_ids) if i in index]
        if not ids or k < 1:
            return []
        vector = self._query_vector("jobseeker", jobseeker_id).reshape(-1)
        cosines = np.stack([index.get_vector(i) for i in ids]) @ vector
        found = {i: float(c) for i, c in zip(ids, cosines, strict=True)}
        if self.reranking is not None:
            return self._rank("vacancy", seeker, found, k)
        best = sorted(found.items(), key=lambda item: (-item[1], item[0]))[:k]
        hits = [Hit(i, score) for i, score in best]
        return self.explain_vacancies(hits, seeker, text_key(seeker.document()))

    def _rank(
        self, side: Side, asking: Vacancy | Jobseeker, found: dict[str, float], k: int
    ) -> list[Match]:
        """Second stage: score first-stage candidates (id → cosine) and explain the best k."""
        reranking = self.reranking
        assert reranking is not None
        candidates: list[Vacancy | Jobseeker] = []
        cosines: list[float] = []
        stored = self.records.get_many(side, found)  # one query for every candidate
        for record_id, cosine in found.items():
            record = stored.get(record_id)
            if record is None:
                logger.warning("index holds %s %s that the store lacks", side, record_id)
                continue
            candidates.append(record)
            cosines.append(cosine)
        if not candidates:
            return []
        scored = self._score(asking, candidates, np.array(cosines), reranking)
        scored.sort(key=lambda item: (-item.score, item.record.id))
        return self.explain_scored(asking, scored[:k])

    def explain_scored(
        self,
        asking: Vacancy | Jobseeker,
        scored: Sequence[ScoredCandidate],
        asking_text: str | None = None,
    ) -> list[Match]:
        """Matches for re-ranked candidates, in the order given: skills matched and missing,
        training, location and the re-ranker's evidence. ``asking_text``: the asker's
        :func:`matching.explain.text_key`, where the caller has it."""
        if asking_text is None:
            asking_text = text_key(asking.document())
        matches: list[Match] = []
        for rank, item in enumerate(scored, start=1):
            found_record = item.record
            if isinstance(found_record, Vacancy):
                assert isinstance(asking, Jobseeker)
                overlap, skill_details = self._overlap(found_record, asking, asking_text)
                details: dict[str, object] = {"employer": found_record.employer, **skill_details}
            else:
                assert isinstance(asking, Vacancy)
                seeker_text = text_key(found_record.document())
                overlap, skill_details = self._overlap(asking, found_record, seeker_text)
                details = {
                    "experience_years": found_record.experience_years,
                    "education": found_record.education.value if found_record.education else None,
                    **skill_details,
                }
            match = _match(
                Hit(found_record.id, item.score),
                rank,
                found_record,
                asking,
                overlap,
                {
                    **details,
                    "cosine": round(item.cosine, 4),
                    "features": feature_details(item.features),
                },
                explanation=_fit_line(item.features, overlap),
            )
            matches.append(match)
        return matches

    def _score(
        self,
        asking: Vacancy | Jobseeker,
        candidates: list[Vacancy | Jobseeker],
        cosines: np.ndarray,
        reranking: Reranking,
    ) -> list[ScoredCandidate]:
        geography = reranking.geography
        query = ProfileTable.from_records([asking], geography)
        target = ProfileTable.from_records(candidates, geography)
        lexical = self.lexical.rows([asking.document()] + [c.document() for c in candidates])
        rows = np.arange(len(candidates), dtype=np.int64)
        similarity = similarities(lexical[1:], lexical[0])
        days = query.day if query.side == "vacancy" else target.day
        today = reference_day(days)
        features = candidate_features(
            query,
            0,
            target,
            rows,
            cosine=cosines.astype(np.float64),
            lexical=similarity,
            geography=geography,
            today=today,
        )
        scores = reranking.model.predict(features)
        return [
            ScoredCandidate(
                record, float(cosine), float(score), dict(zip(FEATURES, row.tolist(), strict=True))
            )
            for record, cosine, score, row in zip(
                candidates, cosines, scores, features, strict=True
            )
        ]

    def explain_vacancies(
        self, hits: list[Hit], seeker: Jobseeker, seeker_text: str
    ) -> list[Match]:
        """Matches for cosine hits (no re-ranker), in their order, with skills and place."""
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


def first_stage_tiers(
    side: Side,
    asking: Vacancy | Jobseeker,
    k: int,
    filters: SearchFilters | None,
    reranking: Reranking,
) -> list[tuple[dict[str, object], int]]:
    """The searches of the first stage, as (index filter, depth): national, local (the
    asker's province and its neighbours), the asker's occupation there, and remote jobs; all
    within the user's filters. The nightly batch plans the same tiers
    (:mod:`matching.batch_rank`)."""
    if k < 1:
        raise ValueError("k must be at least 1")
    base = filters.where(side) if filters else {}
    stage = reranking.first_stage
    depth = max(k, stage.depth)
    tiers: list[tuple[dict[str, object], int]] = [(base, depth)]
    if asking.province and "province" not in base:
        local = [asking.province, *reranking.geography.neighbours(asking.province)]
        tiers.append(({**base, "province": local}, depth))
        occupation = asking.isco_code or asking.isco_guess
        if occupation and stage.occupation_depth:
            where = {**base, "province": local, "isco_minor": occupation[:3]}
            tiers.append((where, stage.occupation_depth))
    if side == "vacancy" and stage.remote_depth:
        tiers.append(({**base, "remote": 1}, stage.remote_depth))
    return tiers


def _match(
    hit: Hit,
    rank: int,
    found: Vacancy | Jobseeker,
    asking: Vacancy | Jobseeker,
    overlap: SkillOverlap,
    details: dict[str, object],
    explanation: str | None = None,
) -> Match:
    """A result ``found`` for the side ``asking``, with its evidence; ``explanation``: the
    re-ranker's line, where there is one (else skills, place and occupation are said)."""
    location = location_relation(asking.province, asking.city, found.province, found.city)
    if explanation is None:
        explanation = explain(
            overlap, location, _same_occupation(asking.isco_code, found.isco_code)
        )
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
        explanation=explanation,
        details={**details, "location": location},
    )


def _same_occupation(a: str | None, b: str | None) -> bool | None:
    if not a or not b:
        return None
    return a == b


def reference_day(days: np.ndarray) -> float:
    """The day recency counts from: the newest dated candidate, else today."""
    if np.isfinite(days).any():
        return float(np.nanmax(days))
    import datetime as dt

    return float(dt.date.today().toordinal())


def feature_details(features: dict[str, float]) -> dict[str, float | None]:
    """The re-ranker's features as a result's details show them."""
    return {name: _plain(value) for name, value in features.items()}


def _plain(value: float) -> float | None:
    return None if value != value else round(float(value), 4)  # NaN -> None (JSON)


def _fit_line(features: dict[str, float], overlap: SkillOverlap) -> str:
    """The re-ranker's evidence; skill counts come from the same overlap the result lists."""
    return explain_fit(
        matched=len(overlap.matched),
        asked=len(overlap.matched) + len(overlap.missing),
        location=features["location"],
        remote=bool(features["remote"]),
        occupation_level=features["occupation_level"],
        experience_gap=features["experience_gap"],
        education_gap=features["education_gap"],
    )
