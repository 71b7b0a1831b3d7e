"""Skill demand: counts and shares of vacancies by period, province and ISCO group.

A share is read only where it rests on enough vacancies: a cell with fewer than
``min_ads`` vacancies, or fewer than ``min_count`` asking for the skill, keeps its count but
gets no share (``suppressed``), the way statistical offices publish small cells.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.facts import NATIONAL, Facts
from analytics.labels import Labels
from analytics.model import DEMAND_COLUMNS, MONTHLY_COLUMNS, TOP_SKILLS_COLUMNS
from analytics.periods import (
    month_label,
    month_label_fa,
    quarter_label,
    quarter_label_fa,
)

Z95 = 1.959963984540054


@dataclass(frozen=True)
class SupportRules:
    min_ads: int = 30  # vacancies in a cell before its shares are shown
    min_count: int = 5  # vacancies asking for the skill before a cell is listed at all


def wilson(count: np.ndarray, total: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """95% Wilson score interval of ``count / total`` (NaN where ``total`` is 0)."""
    k = np.asarray(count, dtype=np.float64)
    n = np.asarray(total, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        centre = (p + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
        half = Z95 * np.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / (1 + Z95**2 / n)
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def top_skills(facts: Facts, labels: Labels, limit: int = 200) -> pd.DataFrame:
    """The most requested skills over all vacancies of ``facts``."""
    if len(facts) == 0 or facts.skills.empty:
        return pd.DataFrame(columns=list(TOP_SKILLS_COLUMNS))
    counts = facts.skills["skill"].value_counts().head(limit)
    total = len(facts)
    low, high = wilson(counts.to_numpy(), np.full(len(counts), total))
    ids = [facts.skill_ids[int(code)] for code in counts.index]
    return pd.DataFrame(
        {
            "skill_id": ids,
            "label_fa": [labels.skill_fa(s) for s in ids],
            "label_en": [labels.skill_en(s) for s in ids],
            "count": counts.to_numpy(dtype=np.int64),
            "share": counts.to_numpy() / total,
            "share_low": low,
            "share_high": high,
        }
    )


def _period_keys(months: np.ndarray, grain: str) -> np.ndarray:
    return months if grain == "month" else (months // 12) * 4 + (months % 12) // 3


def demand_cells(
    facts: Facts,
    labels: Labels,
    *,
    grain: str,
    level: str,
    rules: SupportRules,
) -> pd.DataFrame:
    """Cells period × province (and nationally) × ISCO group × skill.

    Cells with fewer than ``rules.min_count`` vacancies asking for the skill are not listed
    (they would be suppressed anyway, and at national scale they are millions); listed cells
    whose province × group has fewer than ``rules.min_ads`` vacancies keep their count but no
    share. Grouping runs on integer keys: strings are factorised once.
    """
    records = facts.records
    if len(records) == 0 or facts.skills.empty:
        return pd.DataFrame(columns=list(DEMAND_COLUMNS))
    period = _period_keys(records["month"].to_numpy(), grain)
    period_code, periods = pd.factorize(period, sort=True)
    group_code, groups = pd.factorize(records[f"isco_{level}"], sort=True)
    coded = (np.asarray(groups, dtype=object) != "")[group_code]
    province_code, provinces = pd.factorize(records["province"], sort=True)
    n_prov = len(provinces) + 1  # the last code is the whole country
    n_group = len(groups)
    skill_rows = facts.skills["row"].to_numpy()
    skill_code, skills = pd.factorize(facts.skills["skill"], sort=True)
    keep_skill = coded[skill_rows]
    frames = []
    for national in (False, True):
        prov = np.full(len(records), n_prov - 1) if national else province_code
        cell = (period_code.astype(np.int64) * n_prov + prov) * n_group + group_code
        ads = np.bincount(cell[coded], minlength=len(periods) * n_prov * n_group)
        key = cell[skill_rows[keep_skill]] * len(skills) + skill_code[keep_skill]
        # Sorting the keys beats hashing them at millions of distinct cells.
        unique, counts = np.unique(key, return_counts=True)
        listed = counts >= rules.min_count
        unique, counts = unique[listed], counts[listed]
        cell_of = unique // len(skills)
        frames.append(
            pd.DataFrame(
                {
                    "cell": cell_of,
                    "skill": unique % len(skills),
                    "count": counts,
                    "ads": ads[cell_of],
                }
            )
        )
    cells = pd.concat(frames, ignore_index=True)
    cell = cells["cell"].to_numpy()
    group_of = cell % n_group
    prov_of = (cell // n_group) % n_prov
    period_of = cell // (n_group * n_prov)
    counts_arr = cells["count"].to_numpy()
    ads_arr = cells["ads"].to_numpy()
    suppressed = ads_arr < rules.min_ads
    low, high = wilson(counts_arr, ads_arr)
    if grain == "month":
        latin = [month_label(p) for p in periods]
        persian = [month_label_fa(p) for p in periods]
    else:
        latin = [quarter_label(p) for p in periods]
        persian = [quarter_label_fa(p) for p in periods]
    province_names = np.array([*provinces, NATIONAL], dtype=object)
    skill_ids = np.array([facts.skill_ids[int(c)] for c in skills], dtype=object)
    skill_fa = np.array([labels.skill_fa(s) for s in skill_ids], dtype=object)
    group_names = np.array(list(groups), dtype=object)
    group_fa = np.array([labels.isco_fa(g) for g in groups], dtype=object)
    skill_of = cells["skill"].to_numpy()
    out = pd.DataFrame(
        {
            "period": np.array(latin, dtype=object)[period_of],
            "period_fa": np.array(persian, dtype=object)[period_of],
            "grain": grain,
            "province": province_names[prov_of],
            "isco_level": level,
            "isco_group": group_names[group_of],
            "isco_group_fa": group_fa[group_of],
            "skill_id": skill_ids[skill_of],
            "label_fa": skill_fa[skill_of],
            "count": counts_arr.astype(np.int64),
            "ads": ads_arr.astype(np.int64),
            "share": np.where(suppressed, np.nan, counts_arr / ads_arr),
            "share_low": np.where(suppressed, np.nan, low),
            "share_high": np.where(suppressed, np.nan, high),
            "suppressed": suppressed,
        }
    )
    order = np.lexsort((-counts_arr, group_of, prov_of, period_of))
    return out.iloc[order].reset_index(drop=True)


def monthly_series(facts: Facts, labels: Labels, skill_ids: list[str]) -> pd.DataFrame:
    """Month-by-month count and share of vacancies for the given skills."""
    if not skill_ids or len(facts) == 0:
        return pd.DataFrame(columns=list(MONTHLY_COLUMNS))
    months = facts.records["month"].to_numpy()
    first, last = int(months.min()), int(months.max())
    all_months = np.arange(first, last + 1)
    ads = np.bincount(months - first, minlength=len(all_months))
    code_of = {skill: code for code, skill in facts.skill_ids.items()}
    rows = []
    for skill in skill_ids:
        code = code_of.get(skill)
        mask = facts.skills["skill"].to_numpy() == code
        hit_months = months[facts.skills["row"].to_numpy()[mask]]
        counts = np.bincount(hit_months - first, minlength=len(all_months))
        for i, month in enumerate(all_months):
            rows.append(
                (
                    month_label(month),
                    month_label_fa(month),
                    skill,
                    labels.skill_fa(skill),
                    int(counts[i]),
                    int(ads[i]),
                    counts[i] / ads[i] if ads[i] else np.nan,
                )
            )
    return pd.DataFrame(rows, columns=list(MONTHLY_COLUMNS))
