"""Facts, demand, trends, emerging phrases and gaps over a market with known shares."""

from __future__ import annotations

import numpy as np
import pytest

from analytics.build import build_report, load_market_facts, skill_trends
from analytics.demand import SupportRules, demand_cells, top_skills, wilson
from analytics.emerging import EmergingRules, emerging_phrases
from analytics.facts import NATIONAL, Window
from analytics.gaps import skill_gaps
from analytics.labels import Labels
from karyab.records import Vacancy
from storage.sql_store import SqlStore, sqlite_url
from taxonomy.courses import load_courses
from tests.analytics.conftest import EXCEL, SEPIDAR, SQL, TEAMWORK

WHOLE = Window.parse("1402-01", "1403-12")


def test_facts_hold_every_record_and_skill(market_store: SqlStore) -> None:
    facts = load_market_facts(market_store)
    assert len(facts.vacancies) == 960 and len(facts.jobseekers) == 300
    stored = {facts.vacancies.skill_ids[c] for c in facts.vacancies.skills["skill"]}
    assert stored == {SQL, SEPIDAR, EXCEL, TEAMWORK}
    assert set(facts.vacancies.phrases["phrase"]) == {"نظم", "لنگ چین", "لنگچین"}


def test_window_and_province_filter(market_store: SqlStore) -> None:
    facts = load_market_facts(market_store).vacancies
    year = facts.within(Window.parse("1403-01", "1403-12"))
    assert len(year) == 480
    tehran = facts.within(Window.parse("1402-01", "1403-12", "تهران"))
    assert set(tehran.records["province"]) == {"تهران"}
    # Rows are renumbered and the skill rows follow their records.
    assert tehran.skills["row"].max() < len(tehran)
    keys = set(tehran.records["posting"])
    assert all(k in keys for k in tehran.records["posting"].iloc[tehran.skills["row"]])


def test_records_without_a_date_stay_out_of_windows(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = SqlStore(sqlite_url(tmp_path / "s.sqlite3"))
    store.archive("vacancy", [Vacancy("a", "t", "x", posted_at=None, skill_ids=(SQL,))])
    store.archive("vacancy", [Vacancy("b", "t", "x", posted_at="not a date", skill_ids=(SQL,))])
    facts = load_market_facts(store).vacancies
    assert len(facts) == 2 and len(facts.within(WHOLE)) == 0


def test_top_skills_shares_and_intervals(market_store: SqlStore, labels: Labels) -> None:
    facts = load_market_facts(market_store).vacancies.within(WHOLE)
    top = top_skills(facts, labels)
    excel = top.set_index("skill_id").loc[EXCEL]
    assert excel["share"] == pytest.approx(0.3, abs=0.04)
    assert excel["share_low"] < excel["share"] < excel["share_high"]
    assert top["label_fa"].str.len().min() > 0


@pytest.mark.parametrize(
    ("count", "total", "low", "high"),
    [(0, 10, 0.0, 0.2775), (5, 10, 0.2366, 0.7634), (50, 100, 0.4038, 0.5962)],
)
def test_wilson_interval_table(count: int, total: int, low: float, high: float) -> None:
    lo, hi = wilson(np.array([count]), np.array([total]))
    assert lo[0] == pytest.approx(low, abs=1e-3) and hi[0] == pytest.approx(high, abs=1e-3)


def test_small_cells_are_suppressed(market_store: SqlStore, labels: Labels) -> None:
    facts = load_market_facts(market_store).vacancies.within(WHOLE)
    rules = SupportRules(min_ads=30, min_count=5)
    monthly = demand_cells(facts, labels, grain="month", level="major", rules=rules)
    # A province has about 13 ads of a major group a month: below 30, so no shares.
    provincial = monthly[monthly["province"] != NATIONAL]
    assert provincial["suppressed"].all() and provincial["share"].isna().all()
    quarterly = demand_cells(facts, labels, grain="quarter", level="sub_major", rules=rules)
    national = quarterly[(quarterly["province"] == NATIONAL) & ~quarterly["suppressed"]]
    assert not national.empty
    assert (national["share"] == national["count"] / national["ads"]).all()
    assert set(quarterly["period"]) == {f"{y}-Q{q}" for y in (1402, 1403) for q in range(1, 5)}
    assert set(quarterly["isco_group"]) == {"24", "25"}
    # National ads of a quarter add up to the quarter's vacancies.
    cells = quarterly[quarterly["province"] == NATIONAL].drop_duplicates(["period", "isco_group"])
    assert cells.groupby("period")["ads"].sum().tolist() == [120] * 8


def test_trends_find_rising_and_falling_skills(market_store: SqlStore, labels: Labels) -> None:
    facts = load_market_facts(market_store).vacancies.within(WHOLE)
    trends = skill_trends(facts, WHOLE, labels).set_index("skill_id")
    assert trends.loc[SQL, "direction"] == "rising"
    assert trends.loc[SEPIDAR, "direction"] == "falling"
    assert trends.loc[EXCEL, "direction"] == "stable"
    assert trends.loc[TEAMWORK, "direction"] == "stable"
    assert trends.loc[SQL, "growth_low"] > 1 and trends.loc[SEPIDAR, "growth_high"] < 1


def test_new_phrase_spellings_cluster_and_emerge(market_store: SqlStore) -> None:
    facts = load_market_facts(market_store).vacancies.within(WHOLE)
    emerging = emerging_phrases(facts, lookup=market_store.posting_titles)
    assert len(emerging) == 1
    row = emerging.iloc[0]
    assert set(row["phrases"].split(" ؛ ")) == {"لنگ چین", "لنگچین"}
    assert row["first_month"] >= "1403-01" and row["growth"] > 1.5
    assert row["examples"].count(":") == EmergingRules().examples


def test_gaps_compare_like_with_like(market_store: SqlStore, labels: Labels) -> None:
    facts = load_market_facts(market_store)
    gaps = skill_gaps(
        facts.vacancies.within(WHOLE), facts.jobseekers.within(WHOLE), labels, load_courses()
    )
    # Sepidar and SQL: wanted by about a quarter of ads, held by (almost) no jobseeker;
    # Excel: held by more jobseekers than ads ask for it.
    national = gaps[(gaps["province"] == NATIONAL) & (gaps["isco_group"] == "24")]
    assert set(national["skill_id"].head(2)) == {SQL, SEPIDAR}
    assert (national["gap"].head(2) > 0.15).all()
    # Each gap comes with courses that suit the group: Sepidar's is named after it.
    [sepidar] = national.loc[national["skill_id"] == SEPIDAR, "courses"]
    assert "سپیدار" in sepidar.split(" ؛ ")[0]
    assert (gaps.loc[gaps["skill_id"] == EXCEL, "gap"] < 0).all()
    top = gaps.iloc[0]
    assert top["gap"] == pytest.approx(top["demand_share"] - top["supply_share"])
    assert (gaps["demand_ads"] >= 20).all() and (gaps["supply_people"] >= 10).all()
    assert list(gaps["gap"]) == sorted(gaps["gap"], reverse=True)


def test_report_assembles_every_table(market_store: SqlStore, labels: Labels) -> None:
    report = build_report(load_market_facts(market_store), WHOLE, labels, load_courses())
    assert report.scope.vacancies == 960 and report.scope.first_month == "1402-01"
    assert {"rising", "falling"} <= set(report.trends["direction"])
    assert set(report.monthly["skill_id"]) >= {SQL, SEPIDAR}
    assert len(report.monthly) % 24 == 0


def test_an_empty_window_gives_empty_tables(market_store: SqlStore, labels: Labels) -> None:
    report = build_report(
        load_market_facts(market_store), Window.parse("1390-01", "1390-12"), labels, None
    )
    assert report.scope.vacancies == 0
    for table in (report.top_skills, report.demand, report.trends, report.emerging, report.gaps):
        assert table.empty
