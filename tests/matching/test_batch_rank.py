"""The nightly batch's block ranking gives every jobseeker what the request path gives them:
the same vacancies, scores, features and explanations, on the demo market."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from karyab.records import Jobseeker
from karyab.service import Karyab
from karyab.settings import Settings
from matching.batch_rank import BlockRanker, VacancyPool
from models.encoder import HashingEncoder
from tests.matching.engines import hashing_engine


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, skill_inferencer) -> Karyab:  # type: ignore[no-untyped-def]
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("block"),
        encoder="hashing",
        occupation_coder=False,
        ranker=True,
    )
    engine = Karyab.open(settings, HashingEncoder(), skills=skill_inferencer)
    engine.load_demo_if_empty(show_progress=False, history=False)
    return engine


def _block(engine: Karyab, ids: list[str], k: int) -> list[list]:  # type: ignore[type-arg]
    ranker = BlockRanker(engine.matcher, VacancyPool.load(engine.store, engine.matcher))
    seekers = engine.store.get_many("jobseeker", ids)
    vectors = engine.store.get_vectors("jobseeker", ids, "query")
    return ranker.rank(
        [seekers[i] for i in ids],  # type: ignore[misc]
        np.stack([vectors[i] for i in ids]),
        k,
    )


def test_block_ranking_equals_the_request_path(engine: Karyab) -> None:
    ids = engine.indexes["jobseeker"].ids()[:60]
    assert len(engine.indexes["vacancy"]) > 300
    blocks = _block(engine, ids, 20)
    for jobseeker_id, block in zip(ids, blocks, strict=True):
        live = engine.matcher.recommend_vacancies(jobseeker_id, 20)
        assert [m.id for m in block] == [m.id for m in live], jobseeker_id
        np.testing.assert_allclose([m.score for m in block], [m.score for m in live], atol=1e-6)
        for mine, theirs in zip(block, live, strict=True):
            assert mine.explanation == theirs.explanation
            assert mine.matched_skills == theirs.matched_skills
            assert mine.missing_skills == theirs.missing_skills
            assert mine.details.keys() == theirs.details.keys()
            assert mine.details["training"] == theirs.details["training"]


def test_without_a_reranker_blocks_order_by_cosine(tmp_path: Path) -> None:
    engine = hashing_engine(tmp_path)
    try:
        engine.load_demo_if_empty(show_progress=False, history=False)
        ids = engine.indexes["jobseeker"].ids()[:10]
        for jobseeker_id, block in zip(ids, _block(engine, ids, 5), strict=True):
            live = engine.matcher.recommend_vacancies(jobseeker_id, 5)
            assert [m.id for m in block] == [m.id for m in live]
    finally:
        engine.close()


def test_an_empty_block_or_pool_gives_empty_lists(tmp_path: Path) -> None:
    engine = hashing_engine(tmp_path)
    try:
        ranker = BlockRanker(engine.matcher, VacancyPool.load(engine.store, engine.matcher))
        seeker = Jobseeker(id="js", title="حسابدار", text="حسابداری")
        assert ranker.rank([seeker], np.ones((1, engine.encoder.dim), dtype=np.float32), 5) == [[]]
        assert ranker.rank([], np.zeros((0, engine.encoder.dim), dtype=np.float32), 5) == []
        with pytest.raises(ValueError):
            ranker.rank([seeker], np.ones((1, engine.encoder.dim), dtype=np.float32), 0)
    finally:
        engine.close()


def test_a_pool_loaded_through_the_lexical_cache_equals_one_loaded_without(
    engine: Karyab, tmp_path: Path
) -> None:
    plain = VacancyPool.load(engine.store, engine.matcher)
    cache = tmp_path / "lexical.npz"
    cold = VacancyPool.load(engine.store, engine.matcher, lexical_cache=cache)
    warm = VacancyPool.load(engine.store, engine.matcher, lexical_cache=cache)
    assert cache.is_file()
    for pool in (cold, warm):
        assert [r.id for r in pool.records] == [r.id for r in plain.records]
        assert (pool.lexical != plain.lexical).nnz == 0
