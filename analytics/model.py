"""The plain tables an analytics run produces; the report writer and the API read them.

Every table is a pandas DataFrame with the columns listed here, one row per item, already
ranked. Shares are fractions in [0, 1]; ``*_low``/``*_high`` are 95% intervals. Labels come in
Persian (``*_fa``) and English; periods in Latin ``1402-01`` and Persian «فروردین ۱۴۰۲».
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

TOP_SKILLS_COLUMNS = (
    "skill_id",
    "label_fa",
    "label_en",
    "count",
    "share",
    "share_low",
    "share_high",
)
# One row per period × province × ISCO group × skill cell that has support; cells whose
# denominator is below the minimum are kept with ``suppressed`` set and no share.
DEMAND_COLUMNS = (
    "period",  # "1402-01" (month) or "1402-Q1" (quarter)
    "period_fa",
    "grain",  # "month" or "quarter"
    "province",
    "isco_level",  # "major" (1 digit) or "sub_major" (2 digits)
    "isco_group",
    "isco_group_fa",
    "skill_id",
    "label_fa",
    "count",  # vacancies in the cell asking for the skill
    "ads",  # vacancies in the cell
    "share",
    "share_low",
    "share_high",
    "suppressed",
)
# Monthly series of the charted skills (the top skills and the strongest trends).
MONTHLY_COLUMNS = ("month", "month_fa", "skill_id", "label_fa", "count", "ads", "share")
TREND_COLUMNS = (
    "skill_id",
    "label_fa",
    "label_en",
    "count",
    "growth",  # rate ratio over 12 months of the skill's share of vacancies
    "growth_low",
    "growth_high",
    "p_value",
    "q_value",  # Benjamini–Hochberg over all tested skills
    "direction",  # "rising", "falling", "stable" or "insufficient" (below minimum support)
    "first_month",  # first month with a mention, "1402-01"
)
EMERGING_COLUMNS = (
    "cluster",  # an int id within this run
    "name",  # the cluster's most typical phrase
    "phrases",  # every phrase of the cluster, most frequent first, joined with " ؛ "
    "count",  # vacancies mentioning any of them
    "first_month",
    "growth",
    "growth_low",
    "growth_high",
    "q_value",
    "examples",  # up to 3 example vacancies "id: title", joined with " ؛ "
)
GAP_COLUMNS = (
    "skill_id",
    "label_fa",
    "isco_group",  # ISCO sub-major (2 digits)
    "isco_group_fa",
    "province",  # or "همه" when the cell is national
    "demand_count",
    "demand_ads",
    "demand_share",
    "supply_count",
    "supply_people",
    "supply_share",
    "gap",  # demand_share - supply_share
    "courses",  # training courses teaching the skill, "title (N ساعت)" joined with " ؛ "
)


@dataclass(frozen=True)
class ReportScope:
    first_month: str  # "1402-01"
    last_month: str
    province: str | None
    vacancies: int
    jobseekers: int
    generated_at: str  # ISO 8601 timestamp
    generated_at_fa: str  # Jalali date, Persian digits


@dataclass(frozen=True)
class SkillReport:
    scope: ReportScope
    top_skills: pd.DataFrame
    demand: pd.DataFrame
    monthly: pd.DataFrame
    trends: pd.DataFrame
    emerging: pd.DataFrame
    gaps: pd.DataFrame
