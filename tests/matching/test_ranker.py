"""First-stage retrieval tiers, capacity awareness and the learned model's persistence."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest

from karyab.records import Jobseeker, Vacancy
from matching.features import FEATURES
from matching.profiles import Geography, ProfileTable
from matching.ranker import FirstStage, HybridRanker, Pool, capacity_adjusted
from models.ranker import LearnedRanker, RankerModelError


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


@pytest.fixture(scope="module")
def geography() -> Geography:
    return Geography.load()


def _pools(geography: Geography) -> tuple[Pool, Pool]:
    """One jobseeker in Shiraz; 30 vacancies in Tabriz slightly closer in meaning than the
    Shiraz, Bushehr (neighbour) and remote ones."""
    rng = np.random.default_rng(0)
    base = rng.normal(size=16)
    seeker = Jobseeker(id="s1", title="حسابدار", text="", province="فارس", city="شیراز")
    far = [
        Vacancy(id=f"far{i}", title="حسابدار", text="", province="آذربایجان شرقی", city="تبریز")
        for i in range(30)
    ]
    near = [
        Vacancy(id="shiraz", title="حسابدار", text="", province="فارس", city="شیراز"),
        Vacancy(id="bushehr", title="حسابدار", text="", province="بوشهر", city="بوشهر"),
        Vacancy(
            id="remote",
            title="حسابدار",
            text="",
            province="تهران",
            city="تهران",
            employment_type="remote",
        ),
    ]
    vacancies = far + near
    far_vectors = base + 0.05 * rng.normal(size=(30, 16))
    near_vectors = base + 0.4 * rng.normal(size=(3, 16))
    vectors = _unit(np.vstack([far_vectors, near_vectors]))
    seeker_pool = Pool.build(
        ProfileTable.from_records([seeker], geography),
        _unit(base[None, :]),
        ["حسابدار"],
        [seeker.province],
    )
    vacancy_pool = Pool.build(
        ProfileTable.from_records(vacancies, geography),
        vectors,
        [v.title for v in vacancies],
        [v.province for v in vacancies],
    )
    return seeker_pool, vacancy_pool


def test_local_and_remote_candidates_survive_a_crowded_national_top_k(
    geography: Geography,
) -> None:
    seekers, vacancies = _pools(geography)
    ranker = HybridRanker(None, geography, first_stage=FirstStage(depth=10, remote_depth=5))
    national = vacancies.index.search(seekers.vectors, 10)[0]
    assert not {"shiraz", "bushehr", "remote"} & {hit.id for hit in national}
    (first,) = ranker.retrieve(seekers, [0], vacancies)
    found = [vacancies.table.ids[row] for row in first.rows]
    assert {"shiraz", "bushehr", "remote"} <= set(found)
    assert len(found) == len(set(found))
    assert list(first.scores) == sorted(first.scores, reverse=True)


def _occupation_pools(
    geography: Geography, *, guess: str | None, skills: tuple[str, ...] = ()
) -> tuple[Pool, Pool]:
    """A coded jobseeker (2411, Shiraz) and 40 local vacancies nearer in meaning than the
    last one, which the coder abstained on (its guess: ``guess``)."""
    rng = np.random.default_rng(1)
    base = rng.normal(size=16)
    seeker = Jobseeker(
        id="s1",
        title="حسابدار",
        text="",
        province="فارس",
        isco_code="2411",
        skill_ids=("sepidar", "excel"),
    )
    crowd = [
        Vacancy(id=f"v{i}", title="x", text="", province="فارس", isco_code="5223")
        for i in range(40)
    ]
    unsure = Vacancy(
        id="unsure", title="x", text="", province="فارس", isco_guess=guess, skill_ids=skills
    )
    vectors = _unit(
        np.vstack([base + 0.05 * rng.normal(size=(40, 16)), base + 0.6 * rng.normal(size=16)])
    )
    records = [*crowd, unsure]
    return (
        Pool.build(
            ProfileTable.from_records([seeker], geography), _unit(base[None, :]), ["x"], ["فارس"]
        ),
        Pool.build(
            ProfileTable.from_records(records, geography),
            vectors,
            ["x"] * len(records),
            [r.province for r in records],
        ),
    )


@pytest.mark.parametrize(
    ("guess", "found"),
    [
        ("2411", True),  # the coder's guess puts it in the asker's occupation tier
        ("2412", True),  # same minor group 241
        ("5223", False),  # another group: left to the crowded cosine tiers
    ],
)
def test_occupation_tier_searches_the_coders_guess(
    geography: Geography, guess: str, found: bool
) -> None:
    seekers, vacancies = _occupation_pools(geography, guess=guess)
    stage = FirstStage(depth=10, occupation_depth=10, uncoded_depth=0, remote_depth=0)
    (first,) = HybridRanker(None, geography, first_stage=stage).retrieve(seekers, [0], vacancies)
    assert ("unsure" in {vacancies.table.ids[r] for r in first.rows}) is found
    # The guess is for search only: the record's code (and the features) stay empty.
    assert vacancies.table.isco[-1] == -1


@pytest.mark.parametrize(
    ("skills", "weight", "rank_better"),
    [
        (("sepidar", "excel"), 0.3, True),  # every skill it asks, the jobseeker shows
        (("sepidar", "excel"), 0.0, False),  # the same without the prior
        (("welding",), 0.3, False),  # asks what the jobseeker lacks
    ],
)
def test_skill_coverage_lifts_a_candidate_in_the_first_stage_order(
    geography: Geography, skills: tuple[str, ...], weight: float, rank_better: bool
) -> None:
    seekers, vacancies = _occupation_pools(geography, guess="2411", skills=skills)
    stage = FirstStage(depth=50, occupation_depth=10, uncoded_depth=0, remote_depth=0)
    without = HybridRanker(
        None, geography, first_stage=FirstStage(**{**stage.__dict__, "skills": 0.0})
    )
    ranker = HybridRanker(
        None, geography, first_stage=FirstStage(**{**stage.__dict__, "skills": weight})
    )
    target = vacancies.row_of["unsure"]
    (base,) = without.retrieve(seekers, [0], vacancies)
    (first,) = ranker.retrieve(seekers, [0], vacancies)
    before = list(base.rows).index(target)
    after = list(first.rows).index(target)
    assert (after < before) is rank_better


def test_rank_without_a_model_keeps_the_first_stage(geography: Geography) -> None:
    seekers, vacancies = _pools(geography)
    (ranked,) = HybridRanker(None, geography, first_stage=FirstStage(depth=10)).rank(
        seekers, [0], vacancies, today=0.0
    )
    assert np.array_equal(ranked.final.rows, ranked.first_stage.rows)
    assert ranked.features.shape == (len(ranked.final.rows), len(FEATURES))


def test_rank_orders_by_the_model(geography: Geography) -> None:
    seekers, vacancies = _pools(geography)
    # A model that has learned "same city is best": the location feature is the grade.
    features = np.zeros((200, len(FEATURES)), dtype=np.float32)
    features[:, FEATURES.index("location")] = np.tile([0, 1, 2, 3], 50)
    grades = features[:, FEATURES.index("location")].astype(np.float64)
    model = LearnedRanker(max_iter=20, min_samples_leaf=5).fit(features, grades)
    (ranked,) = HybridRanker(model, geography, first_stage=FirstStage(depth=10)).rank(
        seekers, [0], vacancies, today=0.0
    )
    assert vacancies.table.ids[ranked.final.rows[0]] == "shiraz"


@pytest.mark.parametrize(
    ("counts", "expected_first"),
    [
        # "hot" is a strong fit for 4 queries; with capacity 2 it drops below "quiet".
        (4, "quiet"),
        # Within capacity nothing changes.
        (2, "hot"),
    ],
)
def test_capacity_lowers_vacancies_everyone_is_pushed_to(counts: int, expected_first: str) -> None:
    results = {f"q{i}": [("hot", 3.0), ("quiet", 2.4)] for i in range(counts)}
    results["other"] = [("quiet", 2.0)]
    adjusted = capacity_adjusted(results, strong_score=2.5, capacity=2.0, weight=1.0)
    assert adjusted["q0"][0][0] == expected_first
    assert adjusted["other"] == [("quiet", 2.0)]


def test_ranker_model_round_trip_and_refusals(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    features = rng.normal(size=(300, len(FEATURES))).astype(np.float32)
    grades = (features[:, 0] > 0).astype(np.float64) * 2
    model = LearnedRanker(max_iter=30).fit(features, grades, metadata={"note": "test"})
    path = tmp_path / "ranker.pkl"
    model.save(path)
    loaded = LearnedRanker.load(path)
    assert np.allclose(loaded.predict(features), model.predict(features))
    assert loaded.metadata_ == {"note": "test"}
    assert list(tmp_path.iterdir()) == [path]  # no temp file left behind

    with pytest.raises(ValueError, match="feature columns"):
        LearnedRanker().fit(features[:, :3], grades)
    other = tmp_path / "other.pkl"
    other.write_bytes(pickle.dumps({"version": 999, "features": FEATURES, "ranker": model}))
    with pytest.raises(RankerModelError, match="another format"):
        LearnedRanker.load(other)
    other.write_bytes(pickle.dumps({"version": 1, "features": ("x",), "ranker": model}))
    with pytest.raises(RankerModelError, match="other features"):
        LearnedRanker.load(other)
