"""One analytics run: read the facts, compute every table, assemble a :class:`SkillReport`."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

import jdatetime
import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from analytics.demand import SupportRules, demand_cells, monthly_series, top_skills
from analytics.emerging import EmergingRules, PhraseEmbedder, emerging_phrases
from analytics.facts import Facts, MarketFacts, Window, facts_from_columns
from analytics.gaps import GapRules, skill_gaps
from analytics.labels import Labels
from analytics.model import TREND_COLUMNS, ReportScope, SkillReport
from analytics.periods import month_label, to_persian_digits
from analytics.trends import TrendRules, benjamini_hochberg, classify, fit_trends
from storage.sql_store import SqlStore
from taxonomy.courses import CourseCatalogue

logger = logging.getLogger(__name__)

CHARTED_TRENDS = 5  # rising and falling skills drawn month by month
CHARTED_TOP = 5


@dataclass(frozen=True)
class AnalyticsRules:
    support: SupportRules = field(default_factory=SupportRules)
    trends: TrendRules = field(default_factory=TrendRules)
    emerging: EmergingRules = field(default_factory=EmergingRules)
    gaps: GapRules = field(default_factory=GapRules)


def load_market_facts(store: SqlStore) -> MarketFacts:
    """Every live and archived vacancy and jobseeker of the store, as facts."""
    codes = store.skill_code_map()
    return MarketFacts(
        vacancies=facts_from_columns(store.read_postings("vacancy"), codes),
        jobseekers=facts_from_columns(store.read_postings("jobseeker"), codes),
        lookup=store.posting_titles,
    )


def skill_trends(
    facts: Facts, window: Window, labels: Labels, rules: TrendRules | None = None
) -> pd.DataFrame:
    """Every skill mentioned in the window: growth per year with its interval, ranked."""
    rules = rules or TrendRules()
    if len(facts) == 0 or facts.skills.empty:
        return pd.DataFrame(columns=list(TREND_COLUMNS))
    months = facts.records["month"].to_numpy() - window.first_month
    width = window.months
    exposure = np.bincount(months, minlength=width).astype(np.float64)
    codes, uniques = pd.factorize(facts.skills["skill"])
    hit_month = months[facts.skills["row"].to_numpy()]
    matrix = np.bincount(codes * width + hit_month, minlength=len(uniques) * width).reshape(
        len(uniques), width
    )
    totals = matrix.sum(axis=1)
    fit = fit_trends(matrix, exposure)
    tested = totals >= rules.min_count
    q = np.ones(len(uniques))
    q[tested] = benjamini_hochberg(fit.p_value[tested])
    direction = classify(fit, q, totals, rules)
    first_seen = np.argmax(matrix > 0, axis=1) + window.first_month
    ids = [facts.skill_ids[int(code)] for code in uniques]
    frame = pd.DataFrame(
        {
            "skill_id": ids,
            "label_fa": [labels.skill_fa(s) for s in ids],
            "label_en": [labels.skill_en(s) for s in ids],
            "count": totals.astype(np.int64),
            "growth": fit.growth,
            "growth_low": fit.growth_low,
            "growth_high": fit.growth_high,
            "p_value": fit.p_value,
            "q_value": q,
            "direction": direction,
            "first_month": [month_label(int(m)) for m in first_seen],
        }
    )
    order = {"rising": 0, "falling": 1, "stable": 2, "insufficient": 3}
    frame["_order"] = frame["direction"].map(order)
    frame["_strength"] = np.abs(np.log(frame["growth"].fillna(1.0)))
    frame = frame.sort_values(["_order", "_strength", "count"], ascending=[True, False, False])
    return frame.drop(columns=["_order", "_strength"]).reset_index(drop=True)


class _Progress:
    """Stage-by-stage progress for long runs (a no-op when not shown)."""

    def __init__(self, stages: int, show: bool) -> None:
        self._bar = tqdm(total=stages, desc="analytics", unit="step", disable=not show)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        self._bar.set_postfix_str(name)
        yield
        self._bar.update(1)

    def close(self) -> None:
        self._bar.close()


def build_report(
    market: MarketFacts,
    window: Window,
    labels: Labels,
    courses: CourseCatalogue | None,
    *,
    embed: PhraseEmbedder | None = None,
    rules: AnalyticsRules | None = None,
    show_progress: bool = False,
) -> SkillReport:
    rules = rules or AnalyticsRules()
    progress = _Progress(7, show_progress)
    try:
        with progress.stage("window"):
            vacancies = market.vacancies.within(window)
            jobseekers = market.jobseekers.within(window)
        logger.info(
            "report %s..%s%s: %d vacancies, %d jobseekers",
            month_label(window.first_month),
            month_label(window.last_month),
            f" in {window.province}" if window.province else "",
            len(vacancies),
            len(jobseekers),
        )
        with progress.stage("top skills"):
            top = top_skills(vacancies, labels)
        with progress.stage("demand cells"):
            demand = pd.concat(
                [
                    demand_cells(vacancies, labels, grain=grain, level=level, rules=rules.support)
                    for grain in ("month", "quarter")
                    for level in ("major", "sub_major")
                ],
                ignore_index=True,
            )
        with progress.stage("trends"):
            trends = skill_trends(vacancies, window, labels, rules.trends)
        with progress.stage("emerging phrases"):
            emerging = emerging_phrases(
                vacancies, embed=embed, rules=rules.emerging, lookup=market.lookup
            )
        with progress.stage("gaps"):
            gaps = skill_gaps(vacancies, jobseekers, labels, courses, rules.gaps)
        with progress.stage("monthly series"):
            charted = list(top["skill_id"].head(CHARTED_TOP))
            for direction in ("rising", "falling"):
                picked = trends.loc[trends["direction"] == direction, "skill_id"]
                charted += list(picked.head(CHARTED_TRENDS))
            monthly = monthly_series(vacancies, labels, list(dict.fromkeys(charted)))
    finally:
        progress.close()
    now = datetime.now(UTC)
    today = jdatetime.date.fromgregorian(date=now.date())
    scope = ReportScope(
        first_month=month_label(window.first_month),
        last_month=month_label(window.last_month),
        province=window.province,
        vacancies=len(vacancies),
        jobseekers=len(jobseekers),
        generated_at=now.isoformat(timespec="seconds"),
        generated_at_fa=to_persian_digits(f"{today.year}/{today.month:02d}/{today.day:02d}"),
    )
    return SkillReport(scope, top, demand, monthly, trends, emerging, gaps)
