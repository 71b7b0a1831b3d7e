"""The demo history: 24 Jalali months of ads with planted skill trends."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from random import Random
from typing import Any

import jdatetime
import pytest

from demo import load_demo_history
from demo.content import OCCUPATIONS
from demo.generate import generate_demo
from demo.history import (
    DROPPED_FORMS,
    PLANTED,
    History,
    PlantedTrend,
    days_in_month,
    generate_history,
    monthly_volumes,
    planted_counts,
)
from demo.records import JOBSEEKER_KEYS, VACANCY_KEYS
from demo.vacancies import make_vacancy
from nlp.normalize import normalize

MONTHS = [f"{year}-{month:02d}" for year in (1402, 1403) for month in range(1, 13)]
FIRST_SIX, LAST_SIX = set(MONTHS[:6]), set(MONTHS[-6:])
ZWNJ = "\u200c"
BY_KEY = {occ.key: occ for occ in OCCUPATIONS}


@pytest.fixture(scope="module")
def history() -> History:
    return generate_history()


def _clean(text: str) -> str:
    """Undo the letter noise (Arabic yeh/kaf) and case; keep spaces and ZWNJs."""
    return re.sub(r"[ \t\n]+", " ", text.translate(str.maketrans("يك", "یک")).casefold())


def _pattern(forms: tuple[str, ...]) -> re.Pattern[str]:
    """Whole-word match of any form, each ZWNJ kept, dropped or typed as a space (noise)."""
    variants: set[str] = set()
    for form in forms:
        parts = _clean(form).split(ZWNJ)
        for seps in itertools.product((ZWNJ, "", " "), repeat=len(parts) - 1):
            variants.add(parts[0] + "".join(s + p for s, p in zip(seps, parts[1:], strict=True)))
    alternatives = "|".join(map(re.escape, sorted(variants, key=len, reverse=True)))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def _codes(item: PlantedTrend) -> set[str]:
    return {BY_KEY[key].isco_code for key in item.occupations}


def _shares(history: History, item: PlantedTrend) -> tuple[float, float]:
    """Share of the ads of the item's ISCO codes whose text mentions it: first, last 6 months."""
    pattern = _pattern(item.forms)
    counts = {"first": [0, 0], "last": [0, 0]}
    for ad in history.vacancies:
        month = ad["posted_at"][:7]
        if ad["isco_code"] not in _codes(item) or not (month in FIRST_SIX or month in LAST_SIX):
            continue
        cell = counts["first" if month in FIRST_SIX else "last"]
        cell[0] += bool(pattern.search(_clean(ad["text"])))
        cell[1] += 1
    return counts["first"][0] / counts["first"][1], counts["last"][0] / counts["last"][1]


# -- determinism and shape --------------------------------------------------------------


def test_deterministic_for_a_seed() -> None:
    small = generate_history(seed=5, vacancies=240, jobseekers=30)
    assert generate_history(seed=5, vacancies=240, jobseekers=30) == small
    assert generate_history(seed=6, vacancies=240, jobseekers=30).vacancies != small.vacancies


def test_load_demo_history_is_the_default_generation(history: History) -> None:
    assert load_demo_history() == history


def test_counts_and_ids(history: History) -> None:
    assert len(history.vacancies) == 6000
    assert len(history.jobseekers) == 1500
    assert [ad["id"] for ad in history.vacancies] == [f"h-v{i:05d}" for i in range(1, 6001)]
    assert [cv["id"] for cv in history.jobseekers] == [f"h-j{i:05d}" for i in range(1, 1501)]
    assert all(tuple(ad) == VACANCY_KEYS for ad in history.vacancies)
    assert all(tuple(cv) == JOBSEEKER_KEYS for cv in history.jobseekers)
    assert history.planted == PLANTED
    small = generate_history(seed=5, vacancies=240, jobseekers=30)
    assert (len(small.vacancies), len(small.jobseekers)) == (240, 30)


def _parse(value: str) -> jdatetime.date:
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), value
    year, month, day = map(int, value.split("-"))
    return jdatetime.date(year, month, day)  # raises on an impossible date


def test_months_cover_the_window_in_posting_order(history: History) -> None:
    posted = [ad["posted_at"] for ad in history.vacancies]
    assert posted == sorted(posted)
    assert sorted({value[:7] for value in posted}) == MONTHS
    first, last = jdatetime.date(1402, 1, 1), jdatetime.date(1403, 12, 30)  # 1403 is leap
    assert all(first <= _parse(value) <= last for value in posted)
    registered = [cv["registered_at"] for cv in history.jobseekers]
    assert all(first <= _parse(value) <= last for value in registered)
    assert len({value[:7] for value in registered}) == 24


def test_days_in_month() -> None:
    assert [days_in_month(1402, m) for m in (1, 6, 7, 11, 12)] == [31, 31, 30, 30, 29]
    assert days_in_month(1403, 12) == 30


def test_volumes_grow_with_a_nowruz_dip(history: History) -> None:
    per_month = Counter(ad["posted_at"][:7] for ad in history.vacancies)
    volumes = [per_month[m] for m in MONTHS]
    assert volumes == monthly_volumes(6000)
    assert sum(monthly_volumes(1000)) == 1000
    assert sum(volumes[-6:]) > 1.3 * sum(volumes[:6])
    for farvardin in (0, 12):
        assert volumes[farvardin] < 0.75 * volumes[farvardin + 1]
    assert volumes[12] < volumes[11]
    others = [v for i, v in enumerate(volumes) if i not in (0, 12)]
    assert others == sorted(others)


def test_occupations_follow_their_weights(history: History) -> None:
    for records, weight in ((history.vacancies, "vacancies"), (history.jobseekers, "cvs")):
        seen = Counter(r["isco_code"] for r in records)
        expected = Counter[str]()
        for occ in OCCUPATIONS:
            expected[occ.isco_code] += getattr(occ, weight)
        total = sum(expected.values())
        for code, count in expected.items():
            share = count / total
            assert abs(seen[code] / len(records) - share) < 0.03 + share / 2, code


# -- the planted trends ---------------------------------------------------------------


def test_planted_table() -> None:
    kinds = Counter(item.kind for item in PLANTED)
    assert kinds == {"rising": 6, "falling": 4, "stable": 4, "new": 6}
    keys = [item.key for item in PLANTED]
    assert len(set(keys)) == len(keys) and all(re.fullmatch(r"[a-z0-9_]+", k) for k in keys)
    for item in PLANTED:
        assert item.forms and item.occupations
        assert set(item.occupations) <= set(BY_KEY), item.key
        assert 0 <= item.start_share <= 1 and 0 <= item.end_share <= 1
        assert (item.first_month is not None) == (item.kind == "new"), item.key
        if item.first_month is not None:
            assert item.first_month in MONTHS[1:-6]
            assert item.share(MONTHS[MONTHS.index(item.first_month) - 1]) == 0
        assert item.share("1402-01") == (0 if item.kind == "new" else item.start_share)
        assert item.share("1403-12") == pytest.approx(item.end_share)


@pytest.mark.parametrize("item", PLANTED, ids=lambda item: item.key)
def test_planted_share_moves_in_its_direction(history: History, item: PlantedTrend) -> None:
    first, last = _shares(history, item)
    if item.kind == "rising":
        assert last > 2 * first and last >= 0.25, (first, last)
    elif item.kind == "falling":
        assert first > 2 * last and first >= 0.25, (first, last)
    elif item.kind == "stable":
        assert abs(first - item.start_share) < 0.1 and abs(last - item.end_share) < 0.1
    else:
        assert first == 0 and last >= 0.1, (first, last)


@pytest.mark.parametrize("item", [i for i in PLANTED if i.kind == "new"], ids=lambda i: i.key)
def test_new_phrases_appear_only_from_their_first_month(
    history: History, item: PlantedTrend
) -> None:
    assert item.first_month is not None
    pattern = _pattern(item.forms)
    months = {ad["posted_at"][:7] for ad in history.vacancies if pattern.search(_clean(ad["text"]))}
    assert months and min(months) >= item.first_month
    assert len(months) >= 6
    counts = planted_counts(history, item)
    assert all(counts[m][0] == 0 for m in MONTHS if m < item.first_month)


def _written_by_content(item: PlantedTrend) -> set[str]:
    """ISCO codes of occupations whose own ad material (titles, duties...) writes the item."""
    pattern = _pattern(item.forms)
    return {
        occ.isco_code
        for occ in OCCUPATIONS
        if any(pattern.search(_clean(t)) for t in occ.titles + occ.duties + occ.conditions)
    }


@pytest.mark.parametrize("item", PLANTED, ids=lambda item: item.key)
def test_planted_forms_are_written_in_the_ads(history: History, item: PlantedTrend) -> None:
    """In its occupations an ad mentions the item exactly when the schedule planted it."""
    pattern = _pattern(item.forms)
    forms = set(item.forms)
    # Planting is kept out of occupations whose duties already name the item (Power BI is
    # a data analyst's duty), so only the schedule decides there.
    elsewhere = _written_by_content(item)
    assert not elsewhere & _codes(item), item.key
    used: Counter[str] = Counter()
    for ad in history.vacancies:
        planted = forms & set(ad["skills"])
        assert len(planted) <= 1, ad["id"]
        mentioned = bool(pattern.search(_clean(ad["text"])))
        if ad["isco_code"] in _codes(item):
            assert mentioned == bool(planted), (ad["id"], item.key)
        else:
            assert not planted, ad["id"]
            assert not mentioned or ad["isco_code"] in elsewhere, (ad["id"], item.key)
        used.update(planted)
        if planted:
            assert _pattern(tuple(planted)).search(_clean(ad["text"])), ad["id"]
    assert set(used) == forms, item.key


def test_jobseekers_carry_no_new_phrases(history: History) -> None:
    for item in (i for i in PLANTED if i.kind == "new"):
        pattern = _pattern(item.forms)
        assert not any(pattern.search(_clean(cv["text"])) for cv in history.jobseekers)


# -- the skills gazetteer's view of the planted forms ---------------------------------


def _noisy(form: str) -> list[str]:
    return [form, form.replace(ZWNJ, ""), form.replace(ZWNJ, " ")]


@pytest.mark.parametrize("item", [i for i in PLANTED if i.kind == "new"], ids=lambda i: i.key)
def test_new_forms_are_unknown_to_the_gazetteer(gazetteer: Any, item: PlantedTrend) -> None:
    for form in item.forms:
        for text in (*_noisy(form), f"آشنایی با {form} الزامی است"):
            assert gazetteer.find(normalize(text), skills_context=True) == [], text
    # The spellings differ only by case, ZWNJ or space. normalize() lower-cases but keeps
    # «پرامپت نویسی» and «پرامپت‌نویسی» apart, so a new-phrase detector must fold these too.
    folded = {re.sub(f"[ {ZWNJ}]", "", normalize(form)) for form in item.forms}
    assert len(folded) == 1, folded


@pytest.mark.parametrize("item", [i for i in PLANTED if i.kind != "new"], ids=lambda i: i.key)
def test_trend_forms_are_taxonomy_skills(gazetteer: Any, item: PlantedTrend) -> None:
    skills = set()
    for form in item.forms:
        for text in _noisy(form):
            mentions = gazetteer.find(normalize(text), skills_context=True)
            assert len(mentions) == 1, (text, mentions)
            skills.add(mentions[0].skill_id)
    assert len(skills) == 1, (item.key, skills)


# -- make_vacancy's options ---------------------------------------------------------------


def test_make_vacancy_defaults_are_the_bundled_demo() -> None:
    occ = BY_KEY["accountant"]
    plain = make_vacancy(occ, 3, Random("x"))
    explicit = make_vacancy(occ, 3, Random("x"), extra_skills=(), drop_skills=(), posted=None)
    assert explicit == plain
    assert generate_demo().vacancies[0]["id"] == "v0001"


def test_make_vacancy_options() -> None:
    occ = BY_KEY["python_backend"]
    posted = jdatetime.date(1403, 12, 30)
    for seed in range(40):
        ad = make_vacancy(
            occ,
            1,
            Random(seed),
            extra_skills=("LangChain",),
            drop_skills=("Docker", "python", "|SQL"),
            posted=posted,
        )
        assert ad["posted_at"] == "1403-12-30"
        assert ad["skills"].count("LangChain") == 1
        assert _pattern(("LangChain",)).search(_clean(ad["text"]))
        # «Docker|داکر» is dropped whichever form would have been written; «SQL» also
        # drops «PostgreSQL|پستگرس».
        for gone in ("Docker", "داکر", "Python", "پایتون", "SQL", "PostgreSQL", "پستگرس"):
            assert gone not in ad["skills"], (seed, gone)


def test_history_ads_never_pick_planted_forms_themselves(history: History) -> None:
    dropped = {form.casefold() for form in DROPPED_FORMS}
    for ad in history.vacancies:
        planted = {s for s in ad["skills"] if s in DROPPED_FORMS}
        rest = [s for s in ad["skills"] if s not in planted]
        assert not any(term in s.casefold() for s in rest for term in dropped), ad["id"]
