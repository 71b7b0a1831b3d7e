"""The seeded labour market of the placement evaluation: records, truths, fit model, files."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from random import Random
from typing import Any

import pytest

from demo.content import OCCUPATIONS
from demo.jobseekers import draft_jobseeker, make_jobseeker
from demo.vacancies import draft_vacancy, make_vacancy
from evaluation.market import (
    DocumentTruth,
    Market,
    MarketConfig,
    generate_market,
    iter_vacancies,
    read_market,
    relevance,
    write_large,
    write_market,
)
from evaluation.market.canon import canonical_skills
from evaluation.market.generate import JOBSEEKER_FIELDS, VACANCY_FIELDS, iter_vacancy_documents
from evaluation.market.io import (
    CONFIG_FILE,
    JOBSEEKERS_FILE,
    QRELS_JOBSEEKERS_FILE,
    TRUTH_FILE,
    VACANCIES_FILE,
)
from karyab.records import Jobseeker, Vacancy

ZWNJ = "\u200c"


@pytest.fixture(scope="module")
def standard() -> Market:
    return generate_market(MarketConfig(size="small", setting="standard", seed=7))


@pytest.fixture(scope="module")
def untuned() -> Market:
    return generate_market(MarketConfig(size="small", setting="untuned", seed=7))


def _files(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


# --- determinism and records -----------------------------------------------------------


def test_same_config_gives_byte_identical_files(standard: Market, tmp_path: Path) -> None:
    again = generate_market(MarketConfig(size="small", setting="standard", seed=7))
    write_market(standard, tmp_path / "a")
    write_market(again, tmp_path / "b")
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert not [p for p in (tmp_path / "a").iterdir() if p.name.startswith(".")]


def test_other_seed_gives_another_market(standard: Market) -> None:
    other = next(iter_vacancies(MarketConfig(seed=8), count=1))
    assert other != standard.vacancies[0]


def test_sizes_share_their_first_documents(standard: Market) -> None:
    large = list(iter_vacancies(MarketConfig(size="large", seed=7), count=3))
    assert large == standard.vacancies[:3]


def test_counts_and_unique_ids(standard: Market) -> None:
    assert (len(standard.jobseekers), len(standard.vacancies)) == (400, 200)
    ids = [r["id"] for r in standard.vacancies + standard.jobseekers]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"v\d{6}", r["id"]) for r in standard.vacancies)
    assert all(re.fullmatch(r"js\d{6}", r["id"]) for r in standard.jobseekers)
    assert set(standard.truth) == set(ids)


@pytest.mark.parametrize("setting", ["standard", "untuned"])
def test_visible_records_hide_the_truth_and_load(
    setting: str, standard: Market, untuned: Market
) -> None:
    market = standard if setting == "standard" else untuned
    for record in market.vacancies:
        assert tuple(record) == VACANCY_FIELDS
        vacancy = Vacancy.from_dict(record)
        assert vacancy.isco_code is None and vacancy.skills == ()
        assert record["employment_type"] in ("full_time", "part_time", "remote", "project")
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", record["posted_at"])
    for record in market.jobseekers:
        assert tuple(record) == JOBSEEKER_FIELDS
        jobseeker = Jobseeker.from_dict(record)
        assert jobseeker.isco_code is None and jobseeker.skills == ()


def test_truths_hold_canonical_skills(standard: Market) -> None:
    vacancies = [t for t in standard.truth.values() if t.kind == "vacancy"]
    assert any(t.remote for t in vacancies)
    for truth in vacancies:
        assert set(truth.essential_skills) <= set(truth.skills)
        assert not set(truth.essential_skills) & set(truth.optional_skills)
    occupations = {occ.key: occ for occ in OCCUPATIONS}
    for truth in standard.truth.values():
        assert occupations[truth.occupation].isco_code == truth.isco_code
        assert truth.years is not None or truth.kind == "vacancy"


# --- qrels -----------------------------------------------------------------------------


def test_qrels_are_symmetric(standard: Market) -> None:
    forward = {
        (s, v, g) for s, docs in standard.qrels_for_jobseekers.items() for v, g in docs.items()
    }
    backward = {
        (s, v, g) for v, docs in standard.qrels_for_vacancies.items() for s, g in docs.items()
    }
    assert forward == backward
    assert forward and {g for _, _, g in forward} == {1, 2, 3}


def test_qrels_match_the_scalar_fit_model(standard: Market) -> None:
    vacancies = [standard.truth[r["id"]] for r in standard.vacancies]
    jobseekers = [standard.truth[r["id"]] for r in standard.jobseekers]
    for v in vacancies:
        expected = {s.id: g for s in jobseekers if (g := relevance(v, s)) > 0}
        assert standard.qrels_for_vacancies.get(v.id, {}) == expected


# --- the fit model ---------------------------------------------------------------------


def _vacancy(**changes: Any) -> DocumentTruth:
    truth = DocumentTruth(
        id="v1",
        kind="vacancy",
        occupation="python_backend",
        isco_code="2512",
        skills=("Python", "Django", "Git"),
        essential_skills=("Python", "Django", "Git"),
        optional_skills=(),
        certificates=(),
        years=3,
        education="bachelor",
        province="تهران",
        city="تهران",
        remote=False,
        employment_type="full_time",
        style="form",
    )
    return replace(truth, **changes)


def _jobseeker(**changes: Any) -> DocumentTruth:
    truth = DocumentTruth(
        id="js1",
        kind="jobseeker",
        occupation="python_backend",
        isco_code="2512",
        skills=("Python", "Django", "Git", "Docker"),
        essential_skills=(),
        optional_skills=(),
        certificates=(),
        years=4,
        education="bachelor",
        province="تهران",
        city="تهران",
        remote=False,
        employment_type=None,
        style="form",
    )
    return replace(truth, **changes)


@pytest.mark.parametrize(
    ("vacancy", "jobseeker", "grade"),
    [
        # same occupation, same city, every essential skill
        ({}, {}, 3),
        # same province, another city
        ({}, {"city": "شهریار"}, 3),
        # neighbouring province (Alborz borders Tehran)
        ({}, {"province": "البرز", "city": "کرج"}, 2),
        # another province, no border: not relevant
        ({}, {"province": "بوشهر", "city": "بوشهر"}, 0),
        # a remote job far away is still relevant
        ({"remote": True, "province": "فارس", "city": "شیراز"}, {"province": "بوشهر"}, 3),
        # another ISCO major group (a van driver)
        ({}, {"occupation": "car_van_driver", "isco_code": "8322"}, 0),
        # same minor group (2514) without the skills
        ({}, {"occupation": "mobile_dev", "isco_code": "2514", "skills": ("Kotlin",)}, 0),
        # same unit group but none of the essential skills
        ({}, {"skills": ("C#", "Docker")}, 0),
        # one of three essential skills, here and in the province
        ({}, {"skills": ("Python",)}, 2),
        ({}, {"skills": ("Python",), "city": "ورامین"}, 1),
        # experience: one, two and four years short
        ({}, {"years": 2}, 3),
        ({}, {"years": 1}, 2),
        ({"years": 5}, {"years": 1}, 0),
        # education: one and two levels below the minimum
        ({}, {"education": "associate"}, 3),
        ({}, {"education": "diploma"}, 1),
        # no stated minimum
        ({"years": None, "education": None}, {"years": 0, "education": "diploma"}, 3),
    ],
)
def test_fit_model_grades(vacancy: dict[str, Any], jobseeker: dict[str, Any], grade: int) -> None:
    assert relevance(_vacancy(**vacancy), _jobseeker(**jobseeker)) == grade


def test_missing_experience_lowers_the_grade() -> None:
    grades = [relevance(_vacancy(years=5), _jobseeker(years=y)) for y in (5, 4, 3, 2, 0)]
    assert grades == sorted(grades, reverse=True) and grades[0] > grades[-1]


def test_fit_wants_a_vacancy_then_a_jobseeker() -> None:
    with pytest.raises(ValueError):
        relevance(_jobseeker(), _vacancy())


@pytest.mark.parametrize(
    ("occupation", "forms", "canonical"),
    [
        ("accountant", ["اکسل", "Excel"], ("Excel",)),
        ("python_backend", ["پایتون", "Django"], ("Python", "Django")),
        ("data_analyst", ["Python"], ("Python",)),
        ("car_van_driver", ["گواهینامه پایه ۲"], ("گواهینامه پایه دو",)),
    ],
)
def test_skill_forms_map_to_canonical_skills(
    occupation: str, forms: list[str], canonical: tuple[str, ...]
) -> None:
    assert canonical_skills(occupation, forms) == canonical


# --- the untuned setting ---------------------------------------------------------------


def test_untuned_rewrites_the_text_but_keeps_the_truth(standard: Market, untuned: Market) -> None:
    changed = sum(
        a["text"] != b["text"] for a, b in zip(standard.vacancies, untuned.vacancies, strict=True)
    )
    assert changed == len(standard.vacancies)
    texts = [r["text"] for r in untuned.vacancies]
    assert sum("#استخدام" in t for t in texts) > len(texts) / 5
    assert sum(ZWNJ not in t for t in texts) > sum(
        ZWNJ not in r["text"] for r in standard.vacancies
    )
    assert sum(r["title"] == "" for r in untuned.jobseekers) > len(untuned.jobseekers) / 4
    assert all(r["title"] for r in standard.jobseekers)
    without_style = {k: replace(t, style="") for k, t in standard.truth.items()}
    assert without_style == {k: replace(t, style="") for k, t in untuned.truth.items()}
    assert untuned.qrels_for_jobseekers == standard.qrels_for_jobseekers


# --- files -----------------------------------------------------------------------------


def test_write_read_round_trip(untuned: Market, tmp_path: Path) -> None:
    write_market(untuned, tmp_path)
    assert read_market(tmp_path) == untuned
    first = json.loads((tmp_path / QRELS_JOBSEEKERS_FILE).read_text("utf-8").splitlines()[0])
    assert set(first) == {"query_id", "doc_id", "grade"}


def test_large_is_streamed_not_generated() -> None:
    with pytest.raises(ValueError):
        generate_market(MarketConfig(size="large"))


def test_write_large_streams_the_requested_counts(standard: Market, tmp_path: Path) -> None:
    write_large(
        MarketConfig(size="large", seed=7), tmp_path, vacancies_override=25, jobseekers_override=7
    )

    def lines(name: str) -> list[str]:
        return (tmp_path / name).read_text("utf-8").splitlines()

    assert len(lines(VACANCIES_FILE)) == 25
    assert len(lines(JOBSEEKERS_FILE)) == 7
    assert len(lines(TRUTH_FILE)) == 32
    assert json.loads(lines(VACANCIES_FILE)[0]) == standard.vacancies[0]
    assert json.loads(lines(JOBSEEKERS_FILE)[-1]) == standard.jobseekers[6]
    config = json.loads((tmp_path / CONFIG_FILE).read_text("utf-8"))
    assert config["size"] == "large" and config["vacancies"] == 25
    assert not (tmp_path / QRELS_JOBSEEKERS_FILE).exists()


def test_config_rejects_unknown_values() -> None:
    with pytest.raises(ValueError):
        MarketConfig(size="huge")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        MarketConfig(setting="tuned")  # type: ignore[arg-type]


# --- the demo helpers keep the demo's output -------------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_drafts_are_the_demo_records(seed: int) -> None:
    occ = OCCUPATIONS[seed * 7]
    assert draft_vacancy(occ, 5, Random(seed)).record == make_vacancy(occ, 5, Random(seed))
    assert draft_jobseeker(occ, 5, Random(seed)).record == make_jobseeker(occ, 5, Random(seed))


def test_worker_processes_write_the_same_documents() -> None:
    config = MarketConfig(size="large", seed=3)
    one = list(iter_vacancies(config, count=600))
    assert [r for r, _ in iter_vacancy_documents(config, count=600, workers=2)] == one
