"""The nightly batch patches yesterday's snapshots with the vacancies written since: what it
keeps and adds is what ranking every vacancy again gives, on the demo market with the
re-ranker."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from karyab.records import Vacancy
from karyab.service import Karyab
from karyab.settings import Settings
from matching import lexical_cache
from matching.batch_rank import BlockRanker, VacancyPool, ranking_fingerprint
from matching.features import FEATURES
from matching.snapshots import match_to_dict
from models.encoder import HashingEncoder
from models.ranker import LearnedRanker
from storage.snapshots import StoredMatch

DEPTH = 20


@pytest.fixture()
def engine(tmp_path: Path, skill_inferencer) -> Karyab:  # type: ignore[no-untyped-def]
    settings = Settings(
        data_dir=tmp_path,
        encoder="hashing",
        occupation_coder=False,
        ranker=True,
        snapshot_depth=DEPTH,
    )
    engine = Karyab.open(settings, HashingEncoder(), skills=skill_inferencer)
    engine.load_demo_if_empty(show_progress=False, history=False)
    return engine


def _full(engine: Karyab, ids: list[str]) -> dict[str, list[tuple[str, float]]]:
    """Every jobseeker's top ``DEPTH`` (id, score), ranking the whole market again."""
    ranker = BlockRanker(engine.matcher, VacancyPool.load(engine.store, engine.matcher))
    seekers = engine.store.get_many("jobseeker", ids)
    vectors = engine.store.get_vectors("jobseeker", ids, "query")
    ranked = ranker.rank([seekers[i] for i in ids], np.stack([vectors[i] for i in ids]), DEPTH)  # type: ignore[misc]
    return {i: [(m.id, m.score) for m in r] for i, r in zip(ids, ranked, strict=True)}


def _stored(engine: Karyab, ids: list[str]) -> dict[str, list[tuple[str, float]]]:
    snapshots = engine.store.snapshots(ids)
    return {i: [(m.id, m.score) for m in snapshots[i].matches] for i in ids}


def _night_of_new_vacancies(engine: Karyab) -> list[str]:
    """A full batch, then a day's intake: vacancies like ones already posted (same day),
    rewritten to be near some jobseekers, and the next night's batch."""
    first = engine.batch_match()
    ids = engine.indexes["jobseeker"].ids()
    assert (first.matched, first.patched) == (len(ids), 0)
    snapshots = engine.store.snapshots(ids)
    assert all(s.first_stage and len(s.first_stage.cuts) >= 1 for s in snapshots.values())
    demo = [engine.get("vacancy", i) for i in engine.indexes["vacancy"].ids()[::12]]
    new = [
        replace(v, id=f"new-{n}", title=v.title + " (فوری)", text=v.text + " استخدام فوری")
        for n, v in enumerate(demo)
        if isinstance(v, Vacancy)
    ]
    engine.add_vacancies(new)
    night = engine.batch_match()
    assert (night.matched, night.patched) == (len(ids), len(ids))
    return ids


def test_a_patch_is_the_full_ranking_when_no_tier_is_full(engine: Karyab) -> None:
    # First-stage tiers deeper than the market: every vacancy is a candidate, so the new
    # ones push nothing out, and patching must give exactly what ranking again gives.
    reranking = engine.matcher.reranking
    assert reranking is not None
    deep = replace(
        reranking.first_stage, depth=10_000, occupation_depth=10_000, remote_depth=10_000
    )
    engine.matcher.reranking = replace(reranking, first_stage=deep)
    ids = _night_of_new_vacancies(engine)
    patched, full = _stored(engine, ids), _full(engine, ids)
    assert sum(any(m.startswith("new-") for m, _ in patched[i]) for i in ids) > 10
    for i in ids:
        assert [m for m, _ in patched[i]] == [m for m, _ in full[i]], i
        np.testing.assert_allclose([s for _, s in patched[i]], [s for _, s in full[i]], atol=1e-9)
    # Whole results too: the kept matches' explanations, ranks and features as re-scored.
    ranker = BlockRanker(engine.matcher, VacancyPool.load(engine.store, engine.matcher))
    seekers = engine.store.get_many("jobseeker", ids)
    vectors = engine.store.get_vectors("jobseeker", ids, "query")
    ranked = ranker.rank([seekers[i] for i in ids], np.stack([vectors[i] for i in ids]), DEPTH)  # type: ignore[misc]
    snapshots = engine.store.snapshots(ids)
    for i, matches in zip(ids, ranked, strict=True):
        expected = [StoredMatch.from_dict(match_to_dict(m)).to_dict() for m in matches]
        stored = [m.to_dict() for m in snapshots[i].matches]
        for want, got in zip(expected, stored, strict=True):
            # Cosines from different products differ in the last bits, so a rounded
            # feature may differ in its last digit.
            features = got["details"].pop("features")
            assert features == pytest.approx(want["details"].pop("features"), abs=1.01e-4)
            assert {**got, "score": 0} == {**want, "score": 0}, i


def test_a_night_of_new_vacancies_is_patched_in(engine: Karyab) -> None:
    ids = _night_of_new_vacancies(engine)
    patched, full = _stored(engine, ids), _full(engine, ids)
    assert sum(any(m.startswith("new-") for m, _ in patched[i]) for i in ids) > 10
    # A new vacancy can push an old one out of a tier's reach: ranked again it is no longer
    # a candidate, patched it stays one (and its date can move the day recency counts
    # from). Here 8 % of the market is new in a night, far more than a real one.
    assert sum(patched[i] == full[i] for i in ids) >= 0.6 * len(ids)
    top = [m for i in ids for m, _ in full[i][:10]]
    kept = sum(m in {p for p, _ in patched[i]} for i in ids for m, _ in full[i][:10])
    assert kept >= 0.95 * len(top)


def test_removed_vacancies_cost_positions_and_a_changed_profile_is_ranked_again(
    engine: Karyab,
) -> None:
    engine.batch_match()
    ids = engine.indexes["jobseeker"].ids()
    before = engine.store.snapshots(ids)
    target = ids[0]
    gone = [m.id for m in before[target].matches[:3]]
    engine.delete("vacancy", gone)
    seeker = engine.get("jobseeker", ids[1])
    assert seeker is not None
    engine.add_jobseekers([replace(seeker, text=seeker.text + " و زبان انگلیسی")])
    night = engine.batch_match()
    assert night.patched == len(ids) - 1  # all but the changed profile
    after = engine.store.snapshots(ids)
    assert after[ids[1]].depth == DEPTH and after[ids[1]].first_stage is not None
    assert not set(gone) & {m.id for m in after[target].matches}
    ranks = [m.rank for m in after[target].matches]
    assert ranks == list(range(1, len(ranks) + 1))
    assert after[target].depth == DEPTH - 3  # it vouches for three positions fewer
    full = [i for i, _ in _full(engine, [target])[target]]
    assert [m.id for m in after[target].matches][: DEPTH - 3] == full[: DEPTH - 3]
    # Served from the patched snapshot while it vouches; deeper asks search.
    assert [m.id for m in engine.recommendations(target, DEPTH - 3)] == full[: DEPTH - 3]
    assert engine.cached_recommendations(target, DEPTH) is None
    # The next night patches it again: it still vouches for more than half its depth.
    engine.add_vacancies([Vacancy(id="later", title="حسابدار", text="حسابداری")])
    assert engine.batch_match().patched == len(ids)
    assert engine.store.snapshots([target])[target].depth == DEPTH - 3


def test_a_new_reranker_ranks_everyone_in_full_once(engine: Karyab, tmp_path: Path) -> None:
    reranking = engine.matcher.reranking
    assert reranking is not None
    engine.batch_match()
    ids = engine.indexes["jobseeker"].ids()
    # The same model saved and loaded is the same ranking; a retrained one is not.
    reranking.model.save(tmp_path / "ranker.pkl")
    reloaded = replace(reranking, model=LearnedRanker.load(tmp_path / "ranker.pkl"))
    assert ranking_fingerprint(reloaded) == ranking_fingerprint(reranking)
    rng = np.random.default_rng(5)
    features = rng.uniform(0, 3, size=(400, len(FEATURES))).astype(np.float32)
    retrained = LearnedRanker(max_iter=20).fit(features, features[:, 1] + features[:, 4])
    new = replace(reranking, model=retrained)
    assert ranking_fingerprint(new) != ranking_fingerprint(reranking)
    deeper = replace(reranking, first_stage=replace(reranking.first_stage, depth=7))
    assert ranking_fingerprint(deeper) != ranking_fingerprint(reranking)
    with pytest.MonkeyPatch.context() as patch:  # a normaliser that reads text otherwise
        patch.setattr(lexical_cache, "normalize", lambda text: text.upper())
        renormalised = ranking_fingerprint(reranking)
    assert renormalised != ranking_fingerprint(reranking)

    engine.matcher.reranking = new
    try:
        engine.add_vacancies([Vacancy(id="after-retraining", title="حسابدار", text="حسابداری")])
        night = engine.batch_match()
        assert (night.matched, night.patched) == (len(ids), 0)
        snapshots = engine.store.snapshots(ids).values()
        assert {s.first_stage.ranking for s in snapshots if s.first_stage} == {
            ranking_fingerprint(new)
        }
        engine.add_vacancies([Vacancy(id="the-day-after", title="انباردار", text="انبارداری")])
        assert engine.batch_match().patched == len(ids)  # patched again from then on
    finally:
        engine.matcher.reranking = reranking


def test_a_snapshot_patched_by_a_request_is_patched_again_at_night(engine: Karyab) -> None:
    engine.batch_match()
    ids = engine.indexes["jobseeker"].ids()
    target = ids[3]
    before = engine.store.snapshot(target)
    assert before is not None and before.first_stage is not None
    engine.add_vacancies([Vacancy(id="by-day", title="حسابدار", text="حسابداری و اکسل")])
    engine.recommendations(target, 5)  # the request path patches the snapshot
    after = engine.store.snapshot(target)
    assert after is not None and after.watermark > before.watermark
    assert after.first_stage == before.first_stage
    engine.add_vacancies([Vacancy(id="by-night", title="انباردار", text="انبارداری")])
    assert engine.batch_match().patched == len(ids)
