"""The bundled demo market: coverage, record shape, noise, and that it matches its generator."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jdatetime
import pytest

from demo import load_demo_jobseekers, load_demo_vacancies
from demo.content import FAMILIES, OCCUPATIONS
from demo.content.common import PROVINCES
from demo.generate import (
    DATA_DIR,
    JOBSEEKERS_FILE,
    VACANCIES_FILE,
    DemoData,
    generate_demo,
    to_jsonl,
    write_demo,
)
from demo.records import (
    EDUCATION_LEVELS,
    EMPLOYMENT_TYPES,
    JOBSEEKER_KEYS,
    STYLES,
    VACANCY_KEYS,
)
from taxonomy.isco import load_isco

PERSIAN_LETTER = re.compile(r"[\u0600-\u06FF]")
LATIN_LETTER = re.compile(r"[A-Za-z]")
Record = dict[str, Any]


@pytest.fixture(scope="module")
def fresh() -> DemoData:
    return generate_demo()


@pytest.fixture(scope="module")
def vacancies() -> list[Record]:
    return load_demo_vacancies()


@pytest.fixture(scope="module")
def jobseekers() -> list[Record]:
    return load_demo_jobseekers()


def _both(vacancies: list[Record], jobseekers: list[Record]) -> list[list[Record]]:
    return [vacancies, jobseekers]


def _normalise(text: str) -> str:
    """Undo the generator's orthographic noise so a skill can be found in a noisy text."""
    text = text.translate(str.maketrans("يك۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "یک01234567890123456789"))
    return re.sub(r"[\s\u200c]+", "", text)


# -- the committed files are exactly what the generator writes -------------------------


def test_generator_is_deterministic(fresh: DemoData) -> None:
    again = generate_demo()
    assert again == fresh
    assert to_jsonl(again.vacancies) == to_jsonl(fresh.vacancies)
    assert generate_demo(seed=7).vacancies != fresh.vacancies


def test_committed_jsonl_equals_a_fresh_generation(fresh: DemoData) -> None:
    vacancies = (DATA_DIR / VACANCIES_FILE).read_text(encoding="utf-8")
    jobseekers = (DATA_DIR / JOBSEEKERS_FILE).read_text(encoding="utf-8")
    assert vacancies == to_jsonl(fresh.vacancies), "run `python -m demo.generate`"
    assert jobseekers == to_jsonl(fresh.jobseekers), "run `python -m demo.generate`"


def test_write_demo_writes_both_files(tmp_path: Path) -> None:
    write_demo(tmp_path, seed=11)
    data = generate_demo(seed=11)
    assert (tmp_path / VACANCIES_FILE).read_text(encoding="utf-8") == to_jsonl(data.vacancies)
    assert (tmp_path / JOBSEEKERS_FILE).read_text(encoding="utf-8") == to_jsonl(data.jobseekers)


def test_loaders_return_the_generated_records(
    fresh: DemoData, vacancies: list[Record], jobseekers: list[Record]
) -> None:
    assert vacancies == fresh.vacancies
    assert jobseekers == fresh.jobseekers


# -- size and coverage -------------------------------------------------------------------


def test_counts(vacancies: list[Record], jobseekers: list[Record]) -> None:
    assert len(vacancies) >= 360
    assert len(jobseekers) >= 180
    assert len(vacancies) == sum(o.vacancies for o in OCCUPATIONS)
    assert len(jobseekers) == sum(o.cvs for o in OCCUPATIONS)


def test_major_and_unit_group_coverage(vacancies: list[Record], jobseekers: list[Record]) -> None:
    for records in _both(vacancies, jobseekers):
        codes = Counter(r["isco_code"] for r in records)
        majors = {code[0] for code in codes}
        assert {"1", "2", "3", "4", "5", "7", "8", "9"} <= majors
        assert len(codes) >= 25


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_families_are_well_represented(
    family: str, vacancies: list[Record], jobseekers: list[Record]
) -> None:
    codes = set(FAMILIES[family])
    assert sum(r["isco_code"] in codes for r in vacancies) >= 25
    assert sum(r["isco_code"] in codes for r in jobseekers) >= 12


def test_provinces_and_cities(vacancies: list[Record], jobseekers: list[Record]) -> None:
    cities = {p.name: set(p.cities) for p in PROVINCES}
    for records in _both(vacancies, jobseekers):
        provinces = Counter(r["province"] for r in records)
        assert len(provinces) >= 12
        assert provinces.most_common(1)[0][0] == "تهران"
        for r in records:
            assert r["city"] in cities[r["province"]], (r["id"], r["province"], r["city"])


def test_styles(vacancies: list[Record], jobseekers: list[Record]) -> None:
    for records in _both(vacancies, jobseekers):
        styles = Counter(r["style"] for r in records)
        assert set(styles) == set(STYLES)
        assert min(styles.values()) >= len(records) // 5


def test_isco_codes_are_official_unit_groups(
    vacancies: list[Record], jobseekers: list[Record]
) -> None:
    official = {group.code for group in load_isco().units(official_only=True)}
    used = {r["isco_code"] for r in vacancies + jobseekers} | {o.isco_code for o in OCCUPATIONS}
    assert used <= official, sorted(used - official)


# -- record shape --------------------------------------------------------------------------


def _check_ids(records: Sequence[Record], pattern: str) -> None:
    ids = [r["id"] for r in records]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(pattern, i) for i in ids)


def test_vacancy_records(vacancies: list[Record]) -> None:
    _check_ids(vacancies, r"v\d{4}")
    for r in vacancies:
        assert tuple(r) == VACANCY_KEYS
        assert re.fullmatch(r"\d{4}", r["isco_code"])
        assert r["min_experience_years"] is None or (
            isinstance(r["min_experience_years"], int) and 0 <= r["min_experience_years"] <= 20
        )
        assert r["education"] is None or r["education"] in EDUCATION_LEVELS
        assert r["employment_type"] in EMPLOYMENT_TYPES
        assert r["gender"] in (None, "male", "female")
        assert r["employer"] and r["title"]
        assert r["skills"] and all(isinstance(s, str) and s for s in r["skills"])


def test_jobseeker_records(jobseekers: list[Record]) -> None:
    _check_ids(jobseekers, r"js\d{4}")
    for r in jobseekers:
        assert tuple(r) == JOBSEEKER_KEYS
        assert re.fullmatch(r"\d{4}", r["isco_code"])
        assert isinstance(r["experience_years"], int) and 0 <= r["experience_years"] <= 20
        assert r["education"] in EDUCATION_LEVELS
        assert r["skills"] and r["title"]


def test_dates_are_valid_jalali(vacancies: list[Record], jobseekers: list[Record]) -> None:
    first, last = jdatetime.date(1402, 1, 1), jdatetime.date(1403, 12, 29)
    dates = [r["posted_at"] for r in vacancies] + [r["registered_at"] for r in jobseekers]
    for value in dates:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)
        year, month, day = map(int, value.split("-"))
        parsed = jdatetime.date(year, month, day)  # raises on an impossible date
        assert first <= parsed <= last


def test_texts_are_non_empty_and_mostly_persian(
    vacancies: list[Record], jobseekers: list[Record]
) -> None:
    for r in vacancies + jobseekers:
        text = r["text"]
        persian, latin = len(PERSIAN_LETTER.findall(text)), len(LATIN_LETTER.findall(text))
        assert len(text.split()) >= 30, r["id"]
        assert persian > latin, r["id"]


def test_skills_are_mentioned_in_the_text(
    vacancies: list[Record], jobseekers: list[Record]
) -> None:
    for r in vacancies + jobseekers:
        text = _normalise(r["text"])
        for skill in r["skills"]:
            assert _normalise(skill) in text, (r["id"], skill)


def test_gender_comes_from_the_title_marker(vacancies: list[Record]) -> None:
    markers = {"male": ("آقا",), "female": ("خانم", "بانوان")}
    for r in vacancies:
        for gender, words in markers.items():
            assert any(w in r["title"] for w in words) == (r["gender"] == gender), r["id"]


def test_no_real_phone_numbers(vacancies: list[Record], jobseekers: list[Record]) -> None:
    digits = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
    for r in vacancies + jobseekers:
        assert not re.search(r"09\d{9}", r["text"].translate(digits)), r["id"]


# -- realistic noise --------------------------------------------------------------------


def test_noise_variants_appear(vacancies: list[Record], jobseekers: list[Record]) -> None:
    records = vacancies + jobseekers
    texts = [r["title"] + "\n" + r["text"] for r in records]

    def share(pattern: str) -> float:
        return sum(bool(re.search(pattern, t)) for t in texts) / len(texts)

    assert share("[يك]") >= 0.05  # Arabic yeh / kaf
    assert share("[ی]") >= 0.5
    assert share("[۰-۹]") >= 0.3  # Persian digits
    assert share("[0-9]") >= 0.2  # Latin digits
    assert share("می\u200cتوان|می\u200cکند|می\u200cشود") >= 0.2  # ZWNJ kept
    assert share(r"(?<!\S)می (توان|کند|شود|دهم)") >= 0.05  # ZWNJ typed as a space
    assert share(r"(?<!\S)می(توان|کند|شود|دهم)") >= 0.05  # ZWNJ dropped
    assert share("[A-Za-z]{3,}") >= 0.3  # English terms
    gendered = sum(r["gender"] is not None for r in vacancies)
    assert 0.2 <= gendered / len(vacancies) <= 0.7
    bullets = "\n".join(r["text"] for r in records if r["style"] == "bullets")
    for marker in ("\n- ", "\n• ", "\n* "):
        assert marker in bullets
    assert re.search(r"\n[1۱٠١][.)\-] ", bullets)
