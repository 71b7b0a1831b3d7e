"""A small hand-made market with known shares, stored the way the service stores records."""

from __future__ import annotations

from pathlib import Path
from random import Random

import pytest

from analytics.labels import Labels
from karyab.records import Jobseeker, Vacancy
from storage.sql_store import SqlStore, sqlite_url
from taxonomy.isco import load_isco

SQL = "http://data.europa.eu/esco/skill/598de5b0-5b58-4ea7-8058-a4bc4d18c742"
EXCEL = "http://data.europa.eu/esco/skill/1973c966-f236-40c9-b2d4-5d71a89019be"
TEAMWORK = "http://data.europa.eu/esco/skill/60c78287-22eb-4103-9c8c-28deaa460da0"
SEPIDAR = "karyab:skill/sepidar-accounting-software"
MONTHS = [f"{year}-{month:02d}" for year in (1402, 1403) for month in range(1, 13)]


def _share(month_index: int, kind: str) -> float:
    step = month_index / 23
    return {"rising": 0.05 + 0.45 * step, "falling": 0.5 - 0.45 * step, "stable": 0.3}[kind]


def make_market() -> tuple[list[Vacancy], list[Jobseeker]]:
    """40 vacancies a month for 24 months in two provinces: SQL rising, Sepidar falling,
    Excel and teamwork stable; «لنگ چین» appears from 1403-01 and «نظم» all along.
    Jobseekers hold Excel and teamwork but rarely SQL."""
    rng = Random(11)
    vacancies: list[Vacancy] = []
    for m, month in enumerate(MONTHS):
        for i in range(40):
            skills = [s for s, kind in ((SQL, "rising"), (SEPIDAR, "falling"), (EXCEL, "stable"))
                      if rng.random() < _share(m, kind)]  # fmt: skip
            if rng.random() < 0.3:
                skills.append(TEAMWORK)
            phrases = ["نظم"] if rng.random() < 0.3 else []
            if m >= 12 and rng.random() < 0.05 + 0.3 * (m - 12) / 11:
                phrases.append(rng.choice(["لنگ چین", "لنگچین"]))
            vacancies.append(
                Vacancy(
                    id=f"v{m:02d}{i:02d}",
                    title="حسابدار" if i % 2 else "برنامه‌نویس",
                    text="-",
                    province="تهران" if i % 3 else "اصفهان",
                    isco_code="2411" if i % 2 else "2512",
                    posted_at=f"{month}-{rng.randint(1, 28):02d}",
                    skill_ids=tuple(skills),
                    unmatched_phrases=tuple(phrases),
                )
            )
    jobseekers = [
        Jobseeker(
            id=f"j{n:03d}",
            title="حسابدار" if n % 2 else "برنامه‌نویس",
            text="-",
            province="تهران" if n % 3 else "اصفهان",
            isco_code="2411" if n % 2 else "2512",
            registered_at=f"{MONTHS[n % 24]}-10",
            skill_ids=tuple(
                s for s, p in ((EXCEL, 0.6), (TEAMWORK, 0.4), (SQL, 0.05)) if rng.random() < p
            ),
        )
        for n in range(300)
    ]
    return vacancies, jobseekers


@pytest.fixture()
def market_store(tmp_path: Path) -> SqlStore:
    store = SqlStore(sqlite_url(tmp_path / "market.sqlite3"))
    vacancies, jobseekers = make_market()
    store.archive("vacancy", vacancies)
    store.archive("jobseeker", jobseekers)
    return store


@pytest.fixture(scope="session")
def labels(skill_taxonomy) -> Labels:  # type: ignore[no-untyped-def]
    return Labels(skill_taxonomy, load_isco())
