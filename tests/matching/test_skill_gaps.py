"""Matches explained with taxonomy skills: matched, missing, transferable, training."""

from __future__ import annotations

from pathlib import Path

import pytest

from karyab.records import Jobseeker, Vacancy
from karyab.service import Karyab
from karyab.settings import Settings
from matching.explain import text_key
from models.encoder import HashingEncoder
from skills.inference import SkillInferencer


@pytest.fixture()
def engine(tmp_path: Path, skill_inferencer: SkillInferencer) -> Karyab:
    settings = Settings(
        data_dir=tmp_path, encoder="hashing", load_demo=False, occupation_coder=False
    )
    engine = Karyab.open(settings, HashingEncoder(), skills=skill_inferencer)
    engine.add_vacancies(
        [
            Vacancy(
                id="acc",
                title="حسابدار",
                text="مسلط به نرم‌افزار سپیدار و اکسل، آشنا با زبان انگلیسی",
                province="تهران",
                city="تهران",
                skills=("قانون کار",),
            ),
            Vacancy(
                id="dev",
                title="برنامه‌نویس",
                text="مسلط به Python و SQL Server",
                skills=("FrameworkNobodyKnows",),
            ),
        ]
    )
    engine.add_jobseekers(
        [
            Jobseeker(
                id="js",
                title="حسابدار",
                text="پنج سال کار با نرم‌افزار هلو و اکسل",
                province="تهران",
                city="تهران",
            )
        ]
    )
    return engine


def test_records_get_taxonomy_skills_on_write(engine: Karyab) -> None:
    vacancy = engine.get("vacancy", "acc")
    assert vacancy is not None
    labels = {engine.skills.taxonomy.get(i).label_fa for i in vacancy.skill_ids}  # type: ignore[union-attr]
    assert {"نرم‌افزار حسابداری سپیدار", "کار با نرم‌افزار صفحه‌گسترده", "قانون کار"} <= labels


def test_gap_with_training_and_transfer(engine: Karyab) -> None:
    [match] = [m for m in engine.recommendations("js", k=2) if m.id == "acc"]
    assert "کار با نرم‌افزار صفحه‌گسترده" in match.matched_skills
    assert "نرم‌افزار حسابداری سپیدار" in match.missing_skills
    # Holoo and Sepidar are both accounting software: the gap is a transferable one.
    transfers = match.details["transferable_skills"]
    assert {"missing": "نرم‌افزار حسابداری سپیدار", "held": "نرم‌افزار حسابداری هلو"} in transfers
    training = {t["skill"]: t["courses"] for t in match.details["training"]}
    assert training, match.details
    for courses in training.values():
        assert courses and all(c["title_fa"] and c["hours"] > 0 for c in courses)


def test_unknown_declared_skills_are_compared_literally(engine: Karyab) -> None:
    results = engine.match_text("برنامه‌نویس Python با FrameworkNobodyKnows", "cv", k=2)
    dev = next(r for r in results if r.id == "dev")
    assert "پایتون" in dev.matched_skills
    assert "FrameworkNobodyKnows" in dev.matched_skills


def test_each_comparison_owns_its_training_details(engine: Karyab) -> None:
    # Courses are looked up once per skill and kept; details edited by a caller must not
    # change the next comparison.
    knowledge = engine.matcher.skills
    vacancy, seeker = engine.get("vacancy", "acc"), engine.get("jobseeker", "js")
    assert knowledge is not None and isinstance(vacancy, Vacancy)
    assert isinstance(seeker, Jobseeker)
    compared = knowledge.compare(vacancy, seeker, text_key(seeker.document()))
    assert compared is not None
    training = compared[1]["training"]
    assert isinstance(training, list) and training
    expected = [dict(t, courses=[dict(c) for c in t["courses"]]) for t in training]
    for offer in training:
        offer["courses"][0]["title_fa"] = "changed"
        offer["courses"].clear()
    again = knowledge.compare(vacancy, seeker, text_key(seeker.document()))
    assert again is not None and again[1]["training"] == expected


def test_training_suits_the_vacancys_occupation(engine: Karyab) -> None:
    # Personal hygiene is taught inside hairdressing and nail courses: a developer vacancy
    # asking for it gets none of them, a barber's vacancy does.
    knowledge = engine.matcher.skills
    assert knowledge is not None
    hygiene = next(s.id for s in knowledge.taxonomy if s.label_fa == "رعایت بهداشت فردی")
    seeker = engine.get("jobseeker", "js")
    assert isinstance(seeker, Jobseeker)

    def training(isco_code: str) -> list[dict[str, object]]:
        vacancy = Vacancy(id="v", title="x", text="x", isco_code=isco_code, skill_ids=(hygiene,))
        compared = knowledge.compare(vacancy, seeker, text_key(seeker.document()))
        assert compared is not None
        return compared[1]["training"]  # type: ignore[return-value]

    assert training("2512") == []
    [barber] = training("5141")
    assert barber["skill"] == "رعایت بهداشت فردی" and barber["courses"]
