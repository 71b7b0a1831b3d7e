"""Pair features and the Persian line that explains a re-ranked result."""

from __future__ import annotations

import math

import numpy as np
import pytest

from karyab.records import Education, Jobseeker, Vacancy
from matching.explain import explain_fit
from matching.features import (
    FEATURES,
    lexical_vectors,
    occupation_level,
    pair_features,
    similarities,
)
from matching.profiles import Geography, ProfileTable
from nlp.places import neighbouring_provinces, provinces


@pytest.fixture(scope="module")
def geography() -> Geography:
    return Geography.load()


def test_neighbours_are_symmetric_and_cover_every_province() -> None:
    for name in provinces():
        assert neighbouring_provinces(name), name
        for other in neighbouring_provinces(name):
            assert name in neighbouring_provinces(other)
    assert neighbouring_provinces("استان قلابی") == frozenset()


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (2512, 2512, 4.0),
        (2512, 2513, 3.0),
        (2512, 2522, 2.0),
        (2512, 2611, 1.0),
        (2512, 7411, 0.0),
        (2512, -1, math.nan),
    ],
)
def test_occupation_level(a: int, b: int, expected: float) -> None:
    level = occupation_level(np.array([a]), np.array([b]))[0]
    assert (math.isnan(level) and math.isnan(expected)) or level == expected


def _seeker(**fields: object) -> Jobseeker:
    base: dict[str, object] = {
        "id": "s",
        "title": "حسابدار",
        "text": "",
        "province": "تهران",
        "city": "تهران",
        "isco_code": "2411",
        "experience_years": 5,
        "education": Education.bachelor,
        "skill_ids": ("a", "b", "c"),
    }
    return Jobseeker(**{**base, **fields})  # type: ignore[arg-type]


def _vacancy(**fields: object) -> Vacancy:
    base: dict[str, object] = {
        "id": "v",
        "title": "حسابدار",
        "text": "",
        "province": "تهران",
        "city": "تهران",
        "isco_code": "2411",
        "min_experience_years": 3,
        "education": Education.bachelor,
        "skill_ids": ("a", "b", "d", "e"),
        "posted_at": "1402-02-31",
    }
    return Vacancy(**{**base, **fields})  # type: ignore[arg-type]


def _features(seeker: Jobseeker, vacancy: Vacancy, geography: Geography) -> dict[str, float]:
    seekers = ProfileTable.from_records([seeker], geography)
    vacancies = ProfileTable.from_records([vacancy], geography)
    today = float(vacancies.day[0]) + 10
    row = pair_features(
        seekers,
        np.array([0]),
        vacancies,
        np.array([0]),
        semantic=np.array([0.8]),
        lexical=np.array([0.3]),
        geography=geography,
        today=today,
    )[0]
    return dict(zip(FEATURES, row.tolist(), strict=True))


@pytest.mark.parametrize(
    ("seeker", "vacancy", "expected"),
    [
        ({}, {}, {"skills_matched": 2, "skills_asked": 4, "skills_coverage": 0.5, "location": 3}),
        ({"city": "شهریار"}, {}, {"location": 2}),
        ({"province": "البرز", "city": "کرج"}, {}, {"location": 1}),  # neighbouring province
        ({"province": "فارس", "city": "شیراز"}, {}, {"location": 0}),
        ({"province": None, "city": None}, {}, {"location": math.nan}),
        ({}, {"employment_type": "remote"}, {"remote": 1}),
        ({"experience_years": 1}, {}, {"experience_gap": -2}),
        ({"education": Education.diploma}, {}, {"education_gap": -2}),
        ({"isco_code": "2412"}, {}, {"occupation_level": 3}),
        ({}, {"skill_ids": ()}, {"skills_asked": 0, "skills_coverage": math.nan}),
        ({}, {}, {"semantic": 0.8, "recency_days": 10}),
    ],
)
def test_pair_features(
    seeker: dict[str, object],
    vacancy: dict[str, object],
    expected: dict[str, float],
    geography: Geography,
) -> None:
    found = _features(_seeker(**seeker), _vacancy(**vacancy), geography)
    for name, value in expected.items():
        if math.isnan(value):
            assert math.isnan(found[name]), name
        else:
            assert found[name] == pytest.approx(value, abs=1e-6), name


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        (
            {
                "matched": 4,
                "asked": 5,
                "location": 2.0,
                "remote": False,
                "occupation_level": 4.0,
                "experience_gap": 1.0,
                "education_gap": 0.0,
            },
            "۴ از ۵ مهارت خواسته‌شده؛ همان استان؛ همان شغل؛ سابقه کافی",
        ),
        (
            {
                "matched": 0,
                "asked": 0,
                "location": math.nan,
                "remote": True,
                "occupation_level": None,
                "experience_gap": -2.0,
                "education_gap": -1.0,
            },
            "شباهت متن رزومه و آگهی؛ دورکاری؛ ۲ سال سابقه کمتر از خواسته؛ "
            "تحصیلات پایین‌تر از خواسته",
        ),
        (
            {
                "matched": 1,
                "asked": 3,
                "location": 1.0,
                "remote": False,
                "occupation_level": 3.0,
                "experience_gap": math.nan,
                "education_gap": math.nan,
            },
            "۱ از ۳ مهارت خواسته‌شده؛ استان همسایه؛ گروه شغلی نزدیک",
        ),
    ],
)
def test_explain_fit(kwargs: dict[str, object], expected: str) -> None:
    assert explain_fit(**kwargs) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("first", "second", "days"),
    [
        ("1402-02-31", "1402-03-01", 1),  # Jalali: the second month has 31 days
        ("1402-12-29", "1403-01-01", 1),
        ("2024-03-01", "2024-03-11", 10),  # Gregorian
        ("1402-02-31", "not a date", math.nan),
    ],
)
def test_posting_days(first: str, second: str, days: float, geography: Geography) -> None:
    table = ProfileTable.from_records(
        [_vacancy(id="a", posted_at=first), _vacancy(id="b", posted_at=second)], geography
    )
    gap = table.day[1] - table.day[0]
    assert (math.isnan(gap) and math.isnan(days)) or gap == days


@pytest.mark.parametrize(
    ("query", "documents"),
    [
        ("برنامه‌نویس پایتون", ["برنامه‌نویس پایتون", "برنامه نویس جاوا", "حسابدار", ""]),
        ("", ["حسابدار"]),
        ("python developer", ["Python Developer", "پایتون"]),
    ],
)
def test_similarities_are_each_rows_dot_with_the_query(query: str, documents: list[str]) -> None:
    rows = lexical_vectors(documents)
    one = lexical_vectors([query])
    expected = np.array([rows[i].multiply(one).sum() for i in range(len(documents))])
    got = similarities(rows, one)
    assert got.dtype == np.float64 and got.shape == (len(documents),)
    np.testing.assert_allclose(got, expected, atol=1e-6)
    if query and documents[0] == query:
        assert got[0] == pytest.approx(1.0, abs=1e-5)  # unit rows: a document with itself
