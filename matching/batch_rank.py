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

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np
import numpy.typing as npt
import torch
from scipy import sparse
from tqdm import tqdm

from index.attributes import AttributeTable, compile_filter, validate_attributes
from index.vector_index import Hit
from karyab.records import Jobseeker, Match, Vacancy
from matching.explain import normalized_text_key, text_key
from matching.features import FEATURES, lexical_vectors, similarities
from matching.matcher import (
    Matcher,
    Reranking,
    ScoredCandidate,
    first_stage_tiers,
    reference_day,
)
from matching.profiles import Geography, ProfileTable
from matching.ranker import candidate_features
from nlp.normalize import normalize

logger = logging.getLogger(__name__)

_Int = npt.NDArray[np.int64]
_LEXICAL_BATCH = 2000


class PoolSource(Protocol):
    def generation(self) -> int: ...

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

    def __len__(self) -> int:
        return len(self.records)

    @classmethod
    def load(
        cls, store: PoolSource, matcher: Matcher, *, show_progress: bool = False
    ) -> VacancyPool:
        """Read every vacancy from ``store``. The generation is read first, so a vacancy
        written while loading is newer than the pool and a snapshot's patch picks it up."""
        generation = store.generation()
        records: list[Vacancy] = []
        blocks: list[npt.NDArray[np.float32]] = []
        for batch, vectors in store.iter_vectors("vacancy"):
            records.extend(r for r in batch if isinstance(r, Vacancy))
            blocks.append(np.asarray(vectors, dtype=np.float32))
        dim = matcher.indexes["vacancy"].dim
        vectors = np.concatenate(blocks) if blocks else np.zeros((0, dim), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors = vectors / np.where(norms > 0, norms, 1.0)
        attributes = AttributeTable()
        for row, record in enumerate(records):
            attributes.put(row, validate_attributes(record.attributes()))
        geography = matcher.reranking.geography if matcher.reranking else Geography.load()
        table = ProfileTable.from_records(records, geography)
        parts = []
        progress = tqdm(
            total=len(records), desc="vacancy pool", unit="vacancy", disable=not show_progress
        )
        with progress as bar:
            for start in range(0, len(records), _LEXICAL_BATCH):
                chunk = records[start : start + _LEXICAL_BATCH]
                parts.append(lexical_vectors([normalize(r.document()) for r in chunk]))
                bar.update(len(chunk))
        lexical = sparse.vstack(parts, format="csr") if parts else lexical_vectors([""])[:0]
        logger.info("vacancy pool: %d vacancies at generation %d", len(records), generation)
        return cls(generation, tuple(records), vectors, table, lexical, attributes)


class BlockRanker:
    """Vacancies for many jobseekers at once, as ``matcher`` would rank them one by one."""

    def __init__(self, matcher: Matcher, pool: VacancyPool) -> None:
        self.matcher = matcher
        self.pool = pool
        self._columns: dict[str, _Int | None] = {}

    def rank(
        self, seekers: Sequence[Jobseeker], vectors: npt.NDArray[np.float32], k: int
    ) -> list[list[Match]]:
        """The best ``k`` vacancies of each jobseeker (``vectors``: their query vectors),
        explained, in the order of ``seekers``."""
        if k < 1:
            raise ValueError("k must be at least 1")
        if not seekers or not len(self.pool):
            return [[] for _ in seekers]
        queries = np.asarray(vectors, dtype=np.float32)
        queries = queries / np.linalg.norm(queries, axis=1, keepdims=True)
        cosines = queries @ self.pool.vectors.T  # the block's every cosine, one BLAS call
        if self.matcher.reranking is None:
            return [
                self._by_cosine(seeker, row, k)
                for seeker, row in zip(seekers, cosines, strict=True)
            ]
        return self._reranked(seekers, cosines, k)

    def _by_cosine(
        self, seeker: Jobseeker, cosines: npt.NDArray[np.float32], k: int
    ) -> list[Match]:
        top = _top(cosines, k)
        hits = [Hit(self.pool.records[i].id, float(cosines[i])) for i in top]
        return self.matcher.explain_vacancies(hits, seeker, text_key(seeker.document()))

    def _reranked(
        self, seekers: Sequence[Jobseeker], cosines: npt.NDArray[np.float32], k: int
    ) -> list[list[Match]]:
        reranking = self.matcher.reranking
        assert reranking is not None
        pool = self.pool
        queries = ProfileTable.from_records(list(seekers), reranking.geography)
        # Each jobseeker is seen once a night: normalise once, for n-grams and explanations.
        normalized = [normalize(s.document()) for s in seekers]
        seeker_rows = lexical_vectors(normalized)
        found = self._first_stage(seekers, cosines, k, reranking)
        candidates: list[_Int] = []
        blocks: list[npt.NDArray[np.float32]] = []
        for position, rows in enumerate(found):
            row = cosines[position]
            days = pool.table.day[rows]
            blocks.append(
                candidate_features(
                    queries,
                    position,
                    pool.table,
                    rows,
                    cosine=row[rows].astype(np.float64),
                    lexical=similarities(pool.lexical[rows], seeker_rows[position]),
                    geography=reranking.geography,
                    today=reference_day(days),
                )
            )
            candidates.append(rows)
        # One model call for the block: its fixed cost dwarfs one jobseeker's few hundred rows.
        scores = reranking.model.predict(np.concatenate(blocks))
        results: list[list[Match]] = []
        start = 0
        for position, (seeker, rows, features) in enumerate(
            zip(seekers, candidates, blocks, strict=True)
        ):
            mine = scores[start : start + len(rows)]
            start += len(rows)
            ids = [pool.records[i].id for i in rows.tolist()]
            order = sorted(range(len(rows)), key=lambda j: (-mine[j], ids[j]))[:k]
            scored = [
                ScoredCandidate(
                    pool.records[int(rows[j])],
                    float(cosines[position, rows[j]]),
                    float(mine[j]),
                    dict(zip(FEATURES, features[j].tolist(), strict=True)),
                )
                for j in order
            ]
            asking_text = normalized_text_key(normalized[position])
            results.append(self.matcher.explain_scored(seeker, scored, asking_text))
        return results

    def _first_stage(
        self,
        seekers: Sequence[Jobseeker],
        cosines: npt.NDArray[np.float32],
        k: int,
        reranking: Reranking,
    ) -> list[_Int]:
        """Each jobseeker's candidate rows: the union of its tiers' nearest vacancies.

        The jobseekers sharing a tier (everyone shares the national one, a province's
        jobseekers their local one) get their nearest at once, one top-k over their rows of
        the block's cosines (torch's is 4× faster than a numpy partition per jobseeker).
        """
        tiers: dict[tuple[str, int], tuple[dict[str, object], list[int]]] = {}
        for position, seeker in enumerate(seekers):
            for where, limit in first_stage_tiers("vacancy", seeker, k, None, reranking):
                key = (_filter_key(where), limit)
                tiers.setdefault(key, (where, []))[1].append(position)
        found: list[dict[int, None]] = [{} for _ in seekers]
        block = torch.from_numpy(cosines)
        for (_, limit), (where, positions) in tiers.items():
            columns = self._select(where)
            if columns is not None and not columns.size:
                continue
            scores = block if len(positions) == len(seekers) else block[positions]
            if columns is not None:
                scores = scores[:, torch.from_numpy(columns)]
            width = scores.shape[1]
            nearest = torch.topk(scores, min(limit, width), dim=1, sorted=False).indices.numpy()
            if columns is not None:
                nearest = columns[nearest]
            for position, rows in zip(positions, nearest.tolist(), strict=True):
                found[position].update(dict.fromkeys(rows))
        return [np.fromiter(rows, dtype=np.int64, count=len(rows)) for rows in found]

    def _select(self, where: dict[str, object]) -> _Int | None:
        """Pool rows passing an index filter (None: every row), kept per filter: the
        jobseekers of a block share provinces and occupations."""
        if not where:
            return None
        key = _filter_key(where)
        if key not in self._columns:
            self._columns[key] = np.sort(self.pool.attributes.select(compile_filter(where)))
        return self._columns[key]


def _filter_key(where: dict[str, object]) -> str:
    return repr(sorted((name, repr(value)) for name, value in where.items()))


def _top(scores: npt.NDArray[np.float32], limit: int) -> _Int:
    """Positions of the ``limit`` highest scores, best first."""
    if limit < len(scores):
        chosen = np.argpartition(-scores, limit - 1)[:limit]
    else:
        chosen = np.arange(len(scores))
    return chosen[np.argsort(-scores[chosen], kind="stable")].astype(np.int64)
