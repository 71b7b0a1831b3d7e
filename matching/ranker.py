"""Hybrid ranking: FAISS retrieves candidates, a learned model re-ranks them on pair features.

First stage: exact cosine search over the target side's FAISS index, three times per query:
everywhere, within the query's province and its neighbours (a jobseeker rarely moves across
the country, and a national top-k would fill up with far-away lookalikes), and, for
vacancies, among remote jobs. The union is ordered by cosine plus a small location prior.
Second stage: the learned model scores every candidate on :data:`matching.features.FEATURES`.
"""

from __future__ import annotations

import logging
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse

from index.vector_index import VectorIndex
from matching.features import lexical_vectors, pair_features, similarities, skill_coverage
from matching.profiles import Geography, ProfileTable
from models.ranker import LearnedRanker

logger = logging.getLogger(__name__)

_Int = npt.NDArray[np.int64]
_Float = npt.NDArray[np.float64]


@dataclass(frozen=True)
class FirstStage:
    """How far the first stage reaches and how it orders what it found.

    Tiers: the ``depth`` nearest everywhere and in the asker's province and its neighbours;
    the ``occupation_depth`` nearest of the asker's ISCO minor group there (nationally for
    remote work), where a record the coder abstained on counts in the group of its best
    guess; the ``uncoded_depth`` nearest records there with no code at all; the
    ``remote_depth`` nearest remote vacancies. The union is ordered by cosine plus priors
    for place, occupation (code or guess), requirements met and skill coverage (set on the
    medium market of seed 11; the evaluation runs on seed 23).
    """

    depth: int = 100
    remote_depth: int = 30
    occupation_depth: int = 200
    uncoded_depth: int = 100
    same_province: float = 0.2
    neighbour: float = 0.15
    remote: float = 0.2
    same_unit: float = 0.1
    same_minor: float = 0.05
    # Experience and education within a step of what the vacancy asks (or unknown).
    requirements: float = 0.15
    # Times the share of the vacancy's taxonomy skills the jobseeker shows.
    skills: float = 0.3


@dataclass(frozen=True)
class Pool:
    """One side's records ready for ranking: profiles, e5 vectors, lexical vectors, index."""

    table: ProfileTable
    vectors: npt.NDArray[np.float32]
    lexical: sparse.csr_matrix
    index: VectorIndex
    names: tuple[str | None, ...]  # province names as stored, for filters
    row_of: dict[str, int]

    @classmethod
    def build(
        cls,
        table: ProfileTable,
        vectors: npt.NDArray[np.float32],
        documents: Sequence[str],
        provinces: Sequence[str | None],
    ) -> Pool:
        index = VectorIndex(vectors.shape[1])
        attributes = [
            {"province": province, "remote": int(remote), "isco_minor": _minor(code) or UNCODED}
            for province, remote, code in zip(
                provinces, table.remote, table.isco_search, strict=True
            )
        ]
        index.upsert(list(table.ids), vectors, attributes)
        return cls(
            table=table,
            vectors=vectors,
            lexical=lexical_vectors(documents),
            index=index,
            names=tuple(provinces),
            row_of={doc_id: row for row, doc_id in enumerate(table.ids)},
        )


@dataclass(frozen=True)
class Ranked:
    """One query's results: target rows and scores, best first."""

    rows: _Int
    scores: _Float


@dataclass(frozen=True)
class RankedQuery:
    first_stage: Ranked
    final: Ranked
    features: npt.NDArray[np.float32]  # rows aligned with final.rows


class HybridRanker:
    """Retrieve with FAISS, re-rank with :class:`models.ranker.LearnedRanker`."""

    def __init__(
        self,
        model: LearnedRanker | None,
        geography: Geography,
        *,
        first_stage: FirstStage | None = None,
    ) -> None:
        self.model = model
        self.geography = geography
        self.first_stage = first_stage or FirstStage()

    def retrieve(self, queries: Pool, query_rows: Sequence[int], target: Pool) -> list[Ranked]:
        """First-stage candidates of each query from every tier, ordered by cosine plus
        the place and occupation priors."""
        stage = self.first_stage
        found: list[dict[int, float]] = [{} for _ in query_rows]
        vectors = queries.vectors[np.asarray(query_rows, dtype=np.int64)]
        everyone = range(len(query_rows))
        self._collect(found, target, vectors, everyone, None, stage.depth)
        by_province: dict[str, list[int]] = defaultdict(list)
        by_occupation: dict[tuple[str, str], list[int]] = defaultdict(list)
        by_minor: dict[str, list[int]] = defaultdict(list)  # remote-wide occupation tiers
        for position, row in enumerate(query_rows):
            name = queries.names[row]
            minor = _minor(int(queries.table.isco_search[row]))
            remote_query = bool(queries.table.remote[row])
            if name and not remote_query:
                by_province[name].append(position)
                if minor:
                    by_occupation[(name, minor)].append(position)
            if minor and (remote_query or target.table.side == "vacancy"):
                by_minor[minor].append(position)
        for name, positions in by_province.items():
            local = [name, *self.geography.neighbours(name)]
            self._collect(found, target, vectors, positions, {"province": local}, stage.depth)
        if stage.occupation_depth:
            for (name, minor), positions in by_occupation.items():
                where: dict[str, object] = {
                    "province": [name, *self.geography.neighbours(name)],
                    "isco_minor": minor,
                }
                self._collect(found, target, vectors, positions, where, stage.occupation_depth)
            # Records the coder left uncoded are invisible to the occupation tiers above.
            for name, positions in by_province.items():
                where = {
                    "province": [name, *self.geography.neighbours(name)],
                    "isco_minor": UNCODED,
                }
                self._collect(found, target, vectors, positions, where, stage.uncoded_depth)
            for minor, positions in by_minor.items():
                # A remote vacancy takes jobseekers from anywhere; a jobseeker can take a
                # remote vacancy from anywhere: search the occupation nationally.
                where = {"isco_minor": minor}
                if target.table.side == "vacancy":
                    where["remote"] = 1
                self._collect(found, target, vectors, positions, where, stage.occupation_depth)
        if target.table.side == "vacancy" and stage.remote_depth:
            remote: dict[str, object] = {"remote": 1}
            self._collect(found, target, vectors, everyone, remote, stage.remote_depth)
        return [
            self._first_stage_order(queries, row, target, hits)
            for row, hits in zip(query_rows, found, strict=True)
        ]

    def _collect(
        self,
        found: list[dict[int, float]],
        target: Pool,
        vectors: npt.NDArray[np.float32],
        positions: Sequence[int] | range,
        where: dict[str, object] | None,
        depth: int,
    ) -> None:
        positions = list(positions)
        if not positions or depth < 1:  # a tier set to depth 0 is switched off
            return
        results = target.index.search(vectors[positions], depth, where=where)
        for position, hits in zip(positions, results, strict=True):
            bucket = found[position]
            for hit in hits:
                bucket[target.row_of[hit.id]] = hit.score

    def _first_stage_order(
        self, queries: Pool, row: int, target: Pool, hits: dict[int, float]
    ) -> Ranked:
        if not hits:
            return Ranked(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))
        rows = np.fromiter(hits, dtype=np.int64, count=len(hits))
        cosine = np.fromiter(hits.values(), dtype=np.float64, count=len(hits))
        query_province = queries.table.province[row]
        provinces = target.table.province[rows]
        level = np.zeros(len(rows))
        # A remote vacancy is as near to every jobseeker: no place prior for it.
        if query_province >= 0 and not queries.table.remote[row]:
            level = np.where(provinces == query_province, 2.0, level)
            adjacent = np.zeros(len(rows), dtype=bool)
            known = provinces >= 0
            adjacent[known] = self.geography.adjacent[query_province, provinces[known]]
            level = np.where(adjacent, 1.0, level)
        stage = self.first_stage
        prior = np.select([level == 2.0, level == 1.0], [stage.same_province, stage.neighbour], 0.0)
        if target.table.side == "vacancy":
            prior = np.maximum(prior, np.where(target.table.remote[rows], stage.remote, 0.0))
        query_code = int(queries.table.isco_search[row])
        if query_code >= 0 and (stage.same_unit or stage.same_minor):
            codes = target.table.isco_search[rows]
            prior += np.where(
                codes == query_code,
                stage.same_unit,
                np.where((codes // 10) == (query_code // 10), stage.same_minor, 0.0),
            )
        if stage.requirements:
            prior += stage.requirements * self._meets(queries, row, target, rows)
        if stage.skills:
            prior += stage.skills * _skill_coverage(queries.table, row, target.table, rows)
        score = cosine + prior
        order = np.lexsort((rows, -score))
        return Ranked(rows[order], score[order])

    @staticmethod
    def _meets(queries: Pool, row: int, target: Pool, rows: _Int) -> _Float:
        """1 where experience and education are at most one step short (or unknown)."""
        if queries.table.side == "jobseeker":
            years = queries.table.years[row] - target.table.years[rows]
            level = queries.table.education[row] - target.table.education[rows]
        else:
            years = target.table.years[rows] - queries.table.years[row]
            level = target.table.education[rows] - queries.table.education[row]
        ok = ~(years < -1) & ~(level < -1)  # NaN compares False: unknown counts as met
        return ok.astype(np.float64)

    def features(
        self, queries: Pool, row: int, target: Pool, rows: _Int, *, today: float
    ) -> npt.NDArray[np.float32]:
        """Pair features of query ``row`` against target ``rows``."""
        cosine = target.vectors[rows] @ queries.vectors[row]
        lexical = similarities(target.lexical[rows], queries.lexical[row])
        return candidate_features(
            queries.table,
            row,
            target.table,
            rows,
            cosine=cosine.astype(np.float64),
            lexical=lexical,
            geography=self.geography,
            today=today,
        )

    def rank(
        self, queries: Pool, query_rows: Sequence[int], target: Pool, *, today: float
    ) -> list[RankedQuery]:
        """Both stages for every query; without a model the first stage is the result."""
        firsts = self.retrieve(queries, query_rows, target)
        blocks = [
            self.features(queries, row, target, first.rows, today=today)
            for row, first in zip(query_rows, firsts, strict=True)
        ]
        if self.model is None:
            return [RankedQuery(f, f, x) for f, x in zip(firsts, blocks, strict=True)]
        # One predict call for all pairs: the model's per-call overhead dwarfs a small block.
        scores = self.model.predict(np.concatenate(blocks)) if blocks else np.zeros(0)
        out: list[RankedQuery] = []
        start = 0
        for first, block in zip(firsts, blocks, strict=True):
            mine = scores[start : start + len(block)]
            start += len(block)
            order = np.lexsort((first.rows, -mine))
            out.append(RankedQuery(first, Ranked(first.rows[order], mine[order]), block[order]))
        return out


UNCODED = "?"  # the isco_minor of records with neither a code nor a guess


def _skill_coverage(queries: ProfileTable, row: int, target: ProfileTable, rows: _Int) -> _Float:
    """Share of each pair's vacancy skills that its jobseeker shows (0 when none asked)."""
    repeated = np.full(len(rows), row, dtype=np.int64)
    if queries.side == "jobseeker":
        _, _, coverage = skill_coverage(queries, repeated, target, rows)
    else:
        _, _, coverage = skill_coverage(target, rows, queries, repeated)
    return np.nan_to_num(coverage, nan=0.0)


def _minor(code: int) -> str | None:
    """The 3-digit ISCO minor group of a 4-digit code held as an int (-1: uncoded)."""
    return str(code // 10) if code >= 1000 else None


def candidate_features(
    queries: ProfileTable,
    row: int,
    target: ProfileTable,
    rows: _Int,
    *,
    cosine: _Float,
    lexical: _Float,
    geography: Geography,
    today: float,
    best: float | None = None,
) -> npt.NDArray[np.float32]:
    """Features of one query against its candidates, whichever side is asking. ``best``:
    the cosine of a best candidate scored before, where these are scored apart from it."""
    # Relative to the query's best candidate: cosine levels differ between embedding modes
    # (profile heads, full-text passages) while the gaps within one list do not.
    top = float(cosine.max()) if len(cosine) else 0.0
    if best is not None:
        top = max(top, best)
    relative = cosine - top
    repeated = np.full(len(rows), row, dtype=np.int64)
    if queries.side == "jobseeker":
        seekers, s, vacancies, v = queries, repeated, target, rows
    else:
        seekers, s, vacancies, v = target, rows, queries, repeated
    return pair_features(
        seekers,
        s,
        vacancies,
        v,
        semantic=relative,
        lexical=lexical,
        geography=geography,
        today=today,
    )


def capacity_adjusted(
    results: dict[str, list[tuple[str, float]]],
    *,
    strong_score: float,
    capacity: float,
    weight: float,
    scale: float = 1.0,
) -> dict[str, list[tuple[str, float]]]:
    """Lower vacancies that many queries rank as strong fits, so that one vacancy is not
    pushed to everyone: the penalty grows with the log of strong applicants beyond
    ``capacity``. ``scale`` extrapolates counts from a sample of the jobseekers."""
    strong: Counter[str] = Counter()
    for ranked in results.values():
        strong.update(doc for doc, score in ranked if score >= strong_score)
    penalty = {
        doc: weight * math.log(count * scale / capacity)
        for doc, count in strong.items()
        if count * scale > capacity
    }
    adjusted: dict[str, list[tuple[str, float]]] = {}
    for qid, ranked in results.items():
        rescored = [(doc, score - penalty.get(doc, 0.0)) for doc, score in ranked]
        adjusted[qid] = sorted(rescored, key=lambda pair: (-pair[1], pair[0]))
    return adjusted
