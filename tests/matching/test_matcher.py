from __future__ import annotations

from pathlib import Path

import pytest

from karyab.records import Education, Jobseeker, Vacancy
from karyab.service import Karyab
from karyab.settings import Settings
from matching.matcher import SearchFilters, UnknownRecordError
from models.encoder import HashingEncoder

VACANCIES = [
    Vacancy(
        id="dev-teh",
        title="برنامه‌نویس Python",
        text="توسعه بک‌اند با Django و PostgreSQL",
        province="تهران",
        city="تهران",
        isco_code="2512",
        skills=("Python", "Django", "Docker"),
    ),
    Vacancy(
        id="dev-isf",
        title="برنامه‌نویس Python",
        text="توسعه بک‌اند با Django",
        province="اصفهان",
        city="اصفهان",
        isco_code="2512",
        skills=("Python", "Django"),
    ),
    Vacancy(
        id="acc-shz",
        title="حسابدار",
        text="مسلط به سپیدار و اکسل، تهیه صورت‌های مالی",
        province="فارس",
        city="شیراز",
        isco_code="2411",
        skills=("سپیدار", "اکسل"),
    ),
    Vacancy(
        id="drv-mhd",
        title="راننده پایه یک",
        text="رانندگی کامیون بین‌شهری",
        province="خراسان رضوی",
        city="مشهد",
        isco_code="8332",
        skills=("گواهینامه پایه یک",),
    ),
]
SEEKERS = [
    Jobseeker(
        id="js-dev",
        title="برنامه‌نویس Python",
        text="سه سال توسعه بک‌اند با Django",
        province="تهران",
        city="تهران",
        isco_code="2512",
        experience_years=3,
        education=Education.bachelor,
        skills=("Python", "Django"),
    ),
    Jobseeker(
        id="js-acc",
        title="حسابدار",
        text="کار با سپیدار",
        province="فارس",
        city="شیراز",
        isco_code="2411",
        experience_years=8,
        education=Education.master,
        skills=("سپیدار",),
    ),
    Jobseeker(
        id="js-junior",
        title="برنامه‌نویس Python تازه‌کار",
        text="آشنا با Python",
        province="اصفهان",
        city="اصفهان",
        experience_years=0,
        education=Education.diploma,
    ),
]


@pytest.fixture()
def engine(tmp_path: Path) -> Karyab:
    """Without skills inference: declared skills are compared as literal labels."""
    settings = Settings(
        data_dir=tmp_path, encoder="hashing", load_demo=False, occupation_coder=False, skills=False
    )
    engine = Karyab.open(settings, HashingEncoder())
    engine.add_vacancies(VACANCIES)
    engine.add_jobseekers(SEEKERS)
    return engine


def test_recommendations_carry_skills_and_location(engine: Karyab) -> None:
    results = engine.recommendations("js-dev", k=2)
    assert {r.id for r in results} == {"dev-teh", "dev-isf"}
    best = next(r for r in results if r.id == "dev-teh")
    assert best.matched_skills == ("Python", "Django")
    assert best.missing_skills == ("Docker",)
    assert "همان شهر" in best.explanation
    assert [r.rank for r in results] == [1, 2]


def test_filters_still_return_matches(engine: Karyab) -> None:
    results = engine.recommendations("js-dev", k=5, filters=SearchFilters(province="فارس"))
    assert [r.id for r in results] == ["acc-shz"]


def test_shortlist_with_experience_and_education_filters(engine: Karyab) -> None:
    everyone = engine.shortlist("dev-isf", k=3)
    assert everyone[0].id in {"js-dev", "js-junior"}
    filtered = engine.shortlist(
        "dev-isf",
        k=3,
        filters=SearchFilters(min_experience_years=1, min_education=Education.bachelor),
    )
    assert {r.id for r in filtered} == {"js-dev", "js-acc"}
    assert all(r.details["experience_years"] >= 1 for r in filtered)


def test_match_text_both_directions(engine: Karyab) -> None:
    cv = "حسابدار با ۵ سال سابقه، مسلط به سپیدار و اكسل"
    results = engine.match_text(cv, "cv", k=1)
    assert results[0].id == "acc-shz"
    assert set(results[0].matched_skills) == {"سپیدار", "اکسل"}
    seekers = engine.match_text("نیازمند حسابدار آشنا به سپیدار", "vacancy", k=1)
    assert seekers[0].id == "js-acc"


def test_unknown_ids(engine: Karyab) -> None:
    with pytest.raises(UnknownRecordError):
        engine.recommendations("nobody", k=3)
    with pytest.raises(UnknownRecordError):
        engine.shortlist("nothing", k=3)


def test_index_rebuilt_from_store_after_restart(tmp_path: Path, engine: Karyab) -> None:
    engine.add_vacancies([Vacancy(id="late", title="انباردار", text="انبارداری")])
    # no save_indexes(): the saved state is stale, so the index is rebuilt from the store
    reopened = Karyab.open(engine.settings, HashingEncoder())
    assert "late" in reopened.indexes["vacancy"]
    assert len(reopened.indexes["vacancy"]) == 5
    engine.close()
    again = Karyab.open(engine.settings, HashingEncoder())
    assert len(again.indexes["jobseeker"]) == 3
