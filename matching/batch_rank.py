"""Ranking a block of jobseekers at once, for the nightly batch: the candidates, scores and
explanations of :meth:`matching.matcher.Matcher.recommend_vacancies`, at a fraction of the
cost.

A request searches the FAISS index once per first-stage tier and calls the re-ranker once;
a night of a million jobseekers would make millions of searches and model calls, each with
its fixed overhead. Here the vacancies are loaded once into a :class:`VacancyPool` (records,
vectors, profile columns, lexical rows), a block of jobseekers gets every cosine with one
matrix product, each tier is a column subset of it (the same tiers,
:func:`matching.matcher.first_stage_tiers`), and one model call scores every candidate of
the block. The search is exact, so results equal the request path's while its index is
exact (up to ties in cosine); past the index's exact limit the batch is the more accurate.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal, Protocol

import numpy as np
import numpy.typing as npt
import torch
from scipy import sparse

from index.attributes import AttributeTable, compile_filter, validate_attributes
from index.vector_index import Hit
from karyab.records import Jobseeker, Match, Vacancy
from matching.explain import normalized_text_key, text_key
from matching.features import FEATURES, similarities
from matching.lexical_cache import fingerprint as lexical_fingerprint
from matching.lexical_cache import pool_lexical
from matching.matcher import (
    Matcher,
    Reranking,
    ScoredCandidate,
    feature_details,
    first_stage_tiers,
    reference_day,
)
from matching.ngrams import NgramHasher
from matching.profiles import Geography, ProfileTable
from matching.ranker import candidate_features
from matching.snapshots import match_from_dict, merge
from nlp.normalize import normalize
from storage.snapshots import FirstStage, StoredMatch

logger = logging.getLogger(__name__)

_Int = npt.NDArray[np.int64]


class PoolSource(Protocol):
    def generation(self) -> int: ...

    def record_seqs(self, kind: Literal["vacancy", "jobseeker"]) -> Iterable[tuple[str, int]]: ...

    def iter_vectors(
        self, kind: Literal["vacancy", "jobseeker"], batch: int = ...
    ) -> Iterator[tuple[list[Vacancy | Jobseeker], np.ndarray]]: ...


@dataclass(frozen=True)
class VacancyPool:
    """Every stored vacancy, as of store generation ``generation``, ready for block ranking;
    row ``i`` of each field describes ``records[i]``."""

    generation: int
    records: tuple[Vacancy, ...]
    vectors: npt.NDArray[np.float32]  # unit rows, as the index holds them
    table: ProfileTable
    lexical: sparse.csr_matrix
    attributes: AttributeTable  # row number as internal id, the index's filter fields
    seqs: _Int  # the store generation each vacancy was last written at
    rows: dict[str, int]  # vacancy id → row

    def __len__(self) -> int:
        return len(self.records)

    def written_after(self, generation: int) -> _Int:
        """Rows of the vacancies written after ``generation``, in row order."""
        return np.flatnonzero(self.seqs > generation)

    def unchanged_since(self, vacancy_id: str, generation: int) -> bool:
        """The vacancy is in the pool as it was at ``generation``."""
        row = self.rows.get(vacancy_id)
        return row is not None and int(self.seqs[row]) <= generation

    @classmethod
    def load(
        cls,
        store: PoolSource,
        matcher: Matcher,
        *,
        lexical_cache: Path | None = None,
        show_progress: bool = False,
    ) -> VacancyPool:
        """Read every vacancy from ``store``. The generation is read first, so a vacancy
        written while loading is newer than the pool and a snapshot's patch picks it up.
        ``lexical_cache``: a file keeping the vacancies' n-gram rows from one load to the
        next (:mod:`matching.lexical_cache`), so a night computes only the new ones."""
        generation = store.generation()
        records: list[Vacancy] = []
        blocks: list[npt.NDArray[np.float32]] = []
        for batch, vectors in store.iter_vectors("vacancy"):
            records.extend(r for r in batch if isinstance(r, Vacancy))
            blocks.append(np.asarray(vectors, dtype=np.float32))
        # Read after the records: a vacancy written in between counts as newer than the pool.
        written = dict(store.record_seqs("vacancy"))
        never = np.iinfo(np.int64).max
        seqs = np.array([written.get(r.id, never) for r in records], dtype=np.int64)
        dim = matcher.indexes["vacancy"].dim
        vectors = np.concatenate(blocks) if blocks else np.zeros((0, dim), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors = vectors / np.where(norms > 0, norms, 1.0)
        attributes = AttributeTable()
        for row, record in enumerate(records):
            attributes.put(row, validate_attributes(record.attributes()))
        geography = matcher.reranking.geography if matcher.reranking else Geography.load()
        table = ProfileTable.from_records(records, geography)
        lexical = pool_lexical(
            records, seqs, generation, lexical_cache, show_progress=show_progress
        )
        rows = {record.id: row for row, record in enumerate(records)}
        logger.info("vacancy pool: %d vacancies at generation %d", len(records), generation)
        return cls(generation, tuple(records), vectors, table, lexical, attributes, seqs, rows)


@dataclass(frozen=True)
class Ranked:
    """A jobseeker's best vacancies, and how the ranking found and scored its candidates
    (None without a re-ranker)."""

    matches: Sequence[Match | StoredMatch]  # StoredMatch: a patch's kept match, scored again
    stage: FirstStage | None = None


class BlockRanker:
    """Vacancies for many jobseekers at once, as ``matcher`` would rank them one by one."""

    def __init__(self, matcher: Matcher, pool: VacancyPool) -> None:
        self.matcher = matcher
        self.pool = pool
        self._columns: dict[str, _Int | None] = {}
        self._new_in_tier: dict[tuple[str, int], npt.NDArray[np.bool_]] = {}
        self._ngrams = NgramHasher()  # a night's CVs share most of their words
        self.ranking = ranking_fingerprint(matcher.reranking) if matcher.reranking else ""

    def rank(
        self, seekers: Sequence[Jobseeker], vectors: npt.NDArray[np.float32], k: int
    ) -> list[list[Match]]:
        """The best ``k`` vacancies of each jobseeker (``vectors``: their query vectors),
        explained, in the order of ``seekers``."""
        ranked = self.rank_block(seekers, vectors, k)
        return [[m for m in one.matches if isinstance(m, Match)] for one in ranked]

    def rank_block(
        self, seekers: Sequence[Jobseeker], vectors: npt.NDArray[np.float32], k: int
    ) -> list[Ranked]:
        """:meth:`rank`, with each jobseeker's first-stage cuts."""
        if k < 1:
            raise ValueError("k must be at least 1")
        if not seekers or not len(self.pool):
            return [Ranked([]) for _ in seekers]
        queries = _unit(vectors)
        cosines = queries @ self.pool.vectors.T  # the block's every cosine, one BLAS call
        if self.matcher.reranking is None:
            return [
                Ranked(self._by_cosine(seeker, row, np.arange(len(row)), k))
                for seeker, row in zip(seekers, cosines, strict=True)
            ]
        found, cuts = self._first_stage(seekers, cosines, k, self.matcher.reranking)
        scored = self._score(seekers, found, [cosines[p, rows] for p, rows in enumerate(found)], k)
        return [
            Ranked(matches, FirstStage(tier_cuts, best, day, document, self.ranking))
            for (matches, best, day, document), tier_cuts in zip(scored, cuts, strict=True)
        ]

    def patch(
        self,
        seekers: Sequence[Jobseeker],
        vectors: npt.NDArray[np.float32],
        watermarks: Sequence[int],
        stages: Sequence[FirstStage | None],
        kept: Sequence[list[StoredMatch]],
        k: int,
    ) -> list[Ranked | None]:
        """Each jobseeker's best ``k`` once the vacancies written after its watermark are
        taken in. ``kept``: its ranking at the watermark less the vacancies removed or
        rewritten since; it is joined by the new vacancies its first stage would have
        taken, those above the cut of a tier they belong to (``stages``, from
        :meth:`rank_block`; every new vacancy without a re-ranker).

        Scored as ranking the market again scores them: cosines relative to the better of
        the old ranking's best and the new candidates', recency from the newer of their
        days, and the kept ones scored again with them (not explained again: their
        explanations do not depend on either). None for a jobseeker whose stage is missing,
        or was made by another re-ranker, other first-stage settings or another normaliser
        (:func:`ranking_fingerprint`): it needs a full ranking.
        """
        if k < 1:
            raise ValueError("k must be at least 1")
        queries = _unit(vectors) if len(seekers) else vectors
        reranking = self.matcher.reranking
        pool = self.pool
        news = {w: pool.written_after(w) for w in set(watermarks)}
        # The cosines with the new vacancies, one product per watermark (a chunk has few).
        new_cosines: list[npt.NDArray[np.float32]] = [np.zeros(0, np.float32)] * len(seekers)
        for watermark, new in news.items():
            mine = [p for p, w in enumerate(watermarks) if w == watermark]
            block = queries[mine] @ pool.vectors[new].T
            for i, position in enumerate(mine):
                new_cosines[position] = block[i]
        out: list[Ranked | None] = [None for _ in seekers]
        found: dict[int, tuple[_Int, npt.NDArray[np.float32], dict[int, StoredMatch]]] = {}
        for position, seeker in enumerate(seekers):
            watermark = watermarks[position]
            new = news[watermark]
            cosines = new_cosines[position]
            if reranking is None:
                fresh = self._by_cosine(seeker, cosines, new, k)
                held = [match_from_dict(m.to_dict()) for m in kept[position]]
                out[position] = Ranked(merge(held, fresh, k))
                continue
            tiers = first_stage_tiers("vacancy", seeker, k, None, reranking)
            stage = stages[position]
            if stage is None or stage.ranking != self.ranking or len(stage.cuts) != len(tiers):
                continue
            taken = np.zeros(len(new), dtype=bool)
            for (where, _), cut in zip(tiers, stage.cuts, strict=True):
                in_tier = self._new_in(where, watermark, new)
                taken |= in_tier if cut is None else in_tier & (cosines >= cut)
            if not taken.any():  # nothing new reaches it: scores and days are as they were
                renumbered = [replace(m, rank=r) for r, m in enumerate(kept[position], start=1)]
                out[position] = Ranked(renumbered, stage)
                continue
            old = np.array([pool.rows[m.id] for m in kept[position]], dtype=np.int64)
            rows = np.concatenate([old, new[taken]])
            both = np.concatenate([pool.vectors[old] @ queries[position], cosines[taken]])
            found[position] = (rows, both, dict(zip(old.tolist(), kept[position], strict=True)))
        positions = list(found)
        scored = self._score(
            [seekers[p] for p in positions],
            [found[p][0] for p in positions],
            [found[p][1] for p in positions],
            k,
            before=[stages[p] for p in positions],
            explained=[found[p][2] for p in positions],
        )
        for position, (matches, best, day, document) in zip(positions, scored, strict=True):
            stage = stages[position]
            assert stage is not None
            out[position] = Ranked(
                matches, FirstStage(stage.cuts, best, day, document, self.ranking)
            )
        return out

    def _new_in(self, where: dict[str, object], watermark: int, new: _Int) -> npt.NDArray[np.bool_]:
        """Which of ``new`` (the rows written after ``watermark``) a tier's filter passes,
        kept per filter and watermark: a night's jobseekers share both."""
        key = (_filter_key(where), watermark)
        if key not in self._new_in_tier:
            columns = self._select(where)
            self._new_in_tier[key] = (
                np.ones(len(new), dtype=bool) if columns is None else np.isin(new, columns)
            )
        return self._new_in_tier[key]

    def _by_cosine(
        self, seeker: Jobseeker, cosines: npt.NDArray[np.float32], rows: _Int, k: int
    ) -> list[Match]:
        """The best ``k`` of ``rows`` (``cosines``: theirs, in the same order) by cosine."""
        top = _top(cosines, k)
        hits = [Hit(self.pool.records[rows[i]].id, float(cosines[i])) for i in top]
        return self.matcher.explain_vacancies(hits, seeker, text_key(seeker.document()))

    def _score(
        self,
        seekers: Sequence[Jobseeker],
        found: Sequence[_Int],
        cosines: Sequence[npt.NDArray[np.float32]],
        k: int,
        before: Sequence[FirstStage | None] | None = None,
        explained: Sequence[dict[int, StoredMatch]] | None = None,
    ) -> list[tuple[list[Match | StoredMatch], float, float, str]]:
        """Re-rank each jobseeker's candidate rows ``found`` (``cosines``: theirs, in the same
        order) and explain its best ``k``; with the best cosine the features were relative
        to and the day recency counted from (the candidates' own, or a patched ranking's
        ``before`` where better and newer), and the normalised document (a patch's
        ``before`` has it).
        ``explained``: rows whose match is known (a patch's kept ones), given their new
        score, rank and features instead of explained again."""
        if not seekers:
            return []
        reranking = self.matcher.reranking
        assert reranking is not None
        pool = self.pool
        queries = ProfileTable.from_records(list(seekers), reranking.geography)
        earlier = list(before) if before is not None else [None] * len(seekers)
        # Normalised once, for n-grams and explanations; a patched ranking kept it.
        normalized = [
            stage.document if stage is not None and stage.document else normalize(s.document())
            for s, stage in zip(seekers, earlier, strict=True)
        ]
        seeker_rows = self._ngrams(normalized)
        blocks: list[npt.NDArray[np.float32]] = []
        reference: list[tuple[float, float]] = []
        for position, (rows, cosine) in enumerate(zip(found, cosines, strict=True)):
            best = float(cosine.max()) if len(cosine) else 0.0
            today = reference_day(pool.table.day[rows])
            stage = earlier[position]
            if stage is not None:
                best, today = max(best, stage.best_cosine), max(today, stage.day)
            reference.append((best, today))
            blocks.append(
                candidate_features(
                    queries,
                    position,
                    pool.table,
                    rows,
                    cosine=cosine.astype(np.float64),
                    lexical=similarities(pool.lexical[rows], seeker_rows[position]),
                    geography=reranking.geography,
                    today=today,
                    best=best,
                )
            )
        # One model call for the block: its fixed cost dwarfs one jobseeker's few hundred rows.
        scores = reranking.model.predict(np.concatenate(blocks))
        results: list[tuple[list[Match | StoredMatch], float, float, str]] = []
        start = 0
        for position, (seeker, rows, features) in enumerate(
            zip(seekers, found, blocks, strict=True)
        ):
            mine = scores[start : start + len(rows)]
            start += len(rows)
            ids = [pool.records[i].id for i in rows.tolist()]
            order = sorted(range(len(rows)), key=lambda j: (-mine[j], ids[j]))[:k]
            scored = [
                ScoredCandidate(
                    pool.records[int(rows[j])],
                    float(cosines[position][j]),
                    float(mine[j]),
                    dict(zip(FEATURES, features[j].tolist(), strict=True)),
                )
                for j in order
            ]
            asking_text = normalized_text_key(normalized[position])
            known = explained[position] if explained is not None else {}
            matches: list[Match | StoredMatch]
            if not known:
                matches = list(self.matcher.explain_scored(seeker, scored, asking_text))
            else:
                fresh = [s for j, s in zip(order, scored, strict=True) if int(rows[j]) not in known]
                made = iter(self.matcher.explain_scored(seeker, fresh, asking_text))
                matches = []
                for rank, (j, item) in enumerate(zip(order, scored, strict=True), start=1):
                    was = known.get(int(rows[j]))
                    if was is None:
                        matches.append(replace(next(made), rank=rank))
                    else:
                        shown = feature_details(item.features)
                        matches.append(was.rescored(item.score, rank, shown))
            results.append((matches, *reference[position], normalized[position]))
        return results

    def _first_stage(
        self,
        seekers: Sequence[Jobseeker],
        cosines: npt.NDArray[np.float32],
        k: int,
        reranking: Reranking,
    ) -> tuple[list[_Int], list[tuple[float | None, ...]]]:
        """Each jobseeker's candidate rows: the union of its tiers' nearest vacancies; and
        each tier's cut, the cosine of its last candidate (None when it took every vacancy
        of the tier), in the order of :func:`matching.matcher.first_stage_tiers`.

        The jobseekers sharing a tier (everyone shares the national one, a province's
        jobseekers their local one) get their nearest at once, one top-k over their rows of
        the block's cosines (torch's is 4× faster than a numpy partition per jobseeker).
        """
        tiers: dict[tuple[str, int], tuple[dict[str, object], list[int]]] = {}
        planned: list[list[tuple[str, int]]] = []
        for position, seeker in enumerate(seekers):
            keys = []
            for where, limit in first_stage_tiers("vacancy", seeker, k, None, reranking):
                key = (_filter_key(where), limit)
                tiers.setdefault(key, (where, []))[1].append(position)
                keys.append(key)
            planned.append(keys)
        found: list[dict[int, None]] = [{} for _ in seekers]
        cut_of: dict[tuple[tuple[str, int], int], float | None] = {}
        block = torch.from_numpy(cosines)
        for key, (where, positions) in tiers.items():
            limit = key[1]
            columns = self._select(where)
            if columns is not None and not columns.size:
                continue
            scores = block if len(positions) == len(seekers) else block[positions]
            if columns is not None:
                scores = scores[:, torch.from_numpy(columns)]
            width = scores.shape[1]
            values, indices = torch.topk(scores, min(limit, width), dim=1, sorted=False)
            nearest = indices.numpy()
            if columns is not None:
                nearest = columns[nearest]
            lowest = values.min(dim=1).values.tolist() if width > limit else None
            for i, (position, rows) in enumerate(zip(positions, nearest.tolist(), strict=True)):
                found[position].update(dict.fromkeys(rows))
                cut_of[(key, position)] = None if lowest is None else float(lowest[i])
        rows = [np.fromiter(rows, dtype=np.int64, count=len(rows)) for rows in found]
        cuts = [
            tuple(cut_of.get((key, position)) for key in keys)
            for position, keys in enumerate(planned)
        ]
        return rows, cuts

    def _select(self, where: dict[str, object]) -> _Int | None:
        """Pool rows passing an index filter (None: every row), kept per filter: the
        jobseekers of a block share provinces and occupations."""
        if not where:
            return None
        key = _filter_key(where)
        if key not in self._columns:
            self._columns[key] = np.sort(self.pool.attributes.select(compile_filter(where)))
        return self._columns[key]


def ranking_fingerprint(reranking: Reranking) -> str:
    """What a ranking's cuts and scores depend on besides the market and the profile: the
    re-ranker, known by its scores on a fixed probe of features (a retrained model scores
    differently; no file date or name to trust), the first-stage settings, and how
    documents are normalised and cut into n-grams (a patch reuses the normalised CV)."""
    probe = np.random.default_rng(0).uniform(-1.0, 5.0, size=(64, len(FEATURES)))
    scores = reranking.model.predict(probe.astype(np.float32))
    parts = (FEATURES, reranking.first_stage, np.round(scores, 6).tolist(), lexical_fingerprint())
    identity = repr(parts)
    return hashlib.sha256(identity.encode()).hexdigest()[:16]


def _unit(vectors: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    queries = np.asarray(vectors, dtype=np.float32)
    return queries / np.linalg.norm(queries, axis=1, keepdims=True)


def _filter_key(where: dict[str, object]) -> str:
    return repr(sorted((name, repr(value)) for name, value in where.items()))


def _top(scores: npt.NDArray[np.float32], limit: int) -> _Int:
    """Positions of the ``limit`` highest scores, best first."""
    if limit < len(scores):
        chosen = np.argpartition(-scores, limit - 1)[:limit]
    else:
        chosen = np.arange(len(scores))
    return chosen[np.argsort(-scores[chosen], kind="stable")].astype(np.int64)
