"""The service's matcher with the learned re-ranker: candidates from every tier, hard filters
kept, results ordered by fit and explained from the model's features."""

from __future__ import annotations

from pathlib import Path

import pytest

from karyab.records import Education, Jobseeker, Vacancy
from karyab.service import Karyab
from karyab.settings import Settings
from matching.features import FEATURES
from matching.matcher import SearchFilters
from models.encoder import HashingEncoder

AD = "حسابدار مسلط به نرم‌افزار سپیدار و اکسل، تهیه صورت‌های مالی و اظهارنامه مالیاتی"
VACANCIES = [
    Vacancy(
        id=f"acc-{city}",
        title="حسابدار",
        text=AD,
        province=province,
        city=city,
        min_experience_years=3,
        education=Education.bachelor,
        posted_at="1403-05-01",
    )
    for province, city in (
        ("فارس", "شیراز"),
        ("بوشهر", "بوشهر"),
        ("آذربایجان شرقی", "تبریز"),
        ("تهران", "تهران"),
    )
] + [
    Vacancy(
        id="driver",
        title="راننده پایه یک",
        text="رانندگی کامیون بین‌شهری با گواهینامه پایه یک",
        province="فارس",
        city="شیراز",
        posted_at="1403-05-01",
    )
]
SEEKER = Jobseeker(
    id="js-acc",
    title="حسابدار",
    text="هفت سال حسابداری با سپیدار و اکسل، تهیه صورت‌های مالی",
    province="فارس",
    city="شیراز",
    experience_years=7,
    education=Education.bachelor,
)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, skill_inferencer) -> Karyab:  # type: ignore[no-untyped-def]
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("reranked"),
        encoder="hashing",
        load_demo=False,
        occupation_coder=False,
        ranker=True,
    )
    engine = Karyab.open(settings, HashingEncoder(), skills=skill_inferencer)
    assert engine.matcher.reranking is not None
    engine.add_vacancies(VACANCIES)
    engine.add_jobseekers([SEEKER])
    return engine


def test_same_city_first_far_province_last(engine: Karyab) -> None:
    results = engine.recommendations("js-acc", k=5)
    ids = [r.id for r in results]
    assert ids[0] == "acc-شیراز"
    assert ids.index("acc-بوشهر") < ids.index("acc-تبریز")
    assert [r.rank for r in results] == list(range(1, len(results) + 1))
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)


def test_results_carry_features_skills_and_a_fit_explanation(engine: Karyab) -> None:
    top = engine.recommendations("js-acc", k=1)[0]
    assert set(top.details["features"]) == set(FEATURES)
    assert top.details["features"]["location"] == 3
    assert "همان شهر" in top.explanation
    assert "مهارت خواسته‌شده" in top.explanation
    assert top.matched_skills and isinstance(top.missing_skills, tuple)


def test_hard_filters_hold_after_reranking(engine: Karyab) -> None:
    results = engine.recommendations("js-acc", k=5, filters=SearchFilters(province="تهران"))
    assert [r.id for r in results] == ["acc-تهران"]


def test_shortlist_and_free_text_use_the_reranker(engine: Karyab) -> None:
    shortlist = engine.shortlist("acc-شیراز", k=3)
    assert shortlist and shortlist[0].id == "js-acc"
    assert "features" in shortlist[0].details
    matches = engine.match_text(SEEKER.text, "cv", k=3)
    assert matches and "features" in matches[0].details


def test_ranker_is_cached_between_starts(engine: Karyab, tmp_path: Path, skill_inferencer) -> None:  # type: ignore[no-untyped-def]
    cached = sorted(engine.settings.artefacts_dir.glob("ranker-small-*nocoder-skills*.pkl"))
    assert cached
    mtime = cached[0].stat().st_mtime
    settings = Settings(
        data_dir=tmp_path, encoder="hashing", load_demo=False, occupation_coder=False, ranker=True
    )
    again = Karyab.open(settings, HashingEncoder(), skills=skill_inferencer)
    assert again.matcher.reranking is not None
    assert cached[0].stat().st_mtime == mtime
