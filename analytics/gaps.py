"""Supply–demand gaps: a skill's share among vacancies against its share among jobseekers.

Compared within an ISCO sub-major group and province (and nationally), so a gap says
"accountants' ads in Isfahan ask for this and accountants looking for work there lack it",
not a difference in the occupation mix. The largest gaps come with the courses that teach
the skill.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.facts import NATIONAL, Facts
from analytics.labels import Labels
from analytics.model import GAP_COLUMNS
from skills.gaps import training_for
from taxonomy.courses import CourseCatalogue


@dataclass(frozen=True)
class GapRules:
    min_ads: int = 20  # vacancies in a group × province cell
    min_people: int = 10  # jobseekers in the cell
    min_count: int = 5  # vacancies asking for the skill
    courses_per_skill: int = 3
    limit: int = 500


def _cell_shares(facts: Facts, national: bool) -> tuple[pd.DataFrame, pd.Series]:
    """(group, province, skill_id) → count, and (group, province) → size."""
    records = facts.records
    group_code, groups = pd.factorize(records["isco_sub_major"], sort=True)
    if national:
        province_code, provinces = np.zeros(len(records), dtype=np.int64), [NATIONAL]
    else:
        province_code, provinces = pd.factorize(records["province"], sort=True)
    coded = (np.asarray(groups, dtype=object) != "")[group_code]
    cell = group_code.astype(np.int64) * len(provinces) + province_code
    n_cells = len(groups) * len(provinces)
    size = np.bincount(cell[coded], minlength=n_cells)
    rows = facts.skills["row"].to_numpy()
    skill_code, skills = pd.factorize(facts.skills["skill"], sort=True)
    keep = coded[rows]
    unique, counts = np.unique(
        cell[rows[keep]] * len(skills) + skill_code[keep], return_counts=True
    )
    cell_of = unique // len(skills)
    group_names = np.asarray(groups, dtype=object)
    province_names = np.asarray(provinces, dtype=object)
    skill_ids = np.array([facts.skill_ids[int(c)] for c in skills], dtype=object)
    table = pd.DataFrame(
        {
            "group": group_names[cell_of // len(provinces)],
            "province": province_names[cell_of % len(provinces)],
            "skill_id": skill_ids[unique % len(skills)],
            "count": counts,
        }
    )
    present = np.flatnonzero(size)
    sizes = pd.Series(
        size[present],
        index=pd.MultiIndex.from_arrays(
            [group_names[present // len(provinces)], province_names[present % len(provinces)]],
            names=["group", "province"],
        ),
    )
    return table, sizes


def skill_gaps(
    vacancies: Facts,
    jobseekers: Facts,
    labels: Labels,
    courses: CourseCatalogue | None,
    rules: GapRules | None = None,
) -> pd.DataFrame:
    rules = rules or GapRules()
    if len(vacancies) == 0 or len(jobseekers) == 0:
        return pd.DataFrame(columns=list(GAP_COLUMNS))
    frames = []
    for national in (True, False):
        demand, ads = _cell_shares(vacancies, national)
        supply, people = _cell_shares(jobseekers, national)
        merged = demand.merge(
            supply, on=["group", "province", "skill_id"], how="left", suffixes=("_d", "_s")
        )
        merged["count_s"] = merged["count_s"].fillna(0).astype(np.int64)
        merged["ads"] = ads.reindex(
            pd.MultiIndex.from_frame(merged[["group", "province"]])
        ).to_numpy()
        people_of = people.reindex(pd.MultiIndex.from_frame(merged[["group", "province"]]))
        merged["people"] = people_of.fillna(0).to_numpy().astype(np.int64)
        frames.append(merged)
    cells = pd.concat(frames, ignore_index=True)
    supported = (
        (cells["ads"] >= rules.min_ads)
        & (cells["people"] >= rules.min_people)
        & (cells["count_d"] >= rules.min_count)
    )
    cells = cells[supported].copy()
    if cells.empty:
        return pd.DataFrame(columns=list(GAP_COLUMNS))
    cells["demand_share"] = cells["count_d"] / cells["ads"]
    cells["supply_share"] = cells["count_s"] / cells["people"]
    cells["gap"] = cells["demand_share"] - cells["supply_share"]
    cells = cells.sort_values(["gap", "count_d"], ascending=[False, False]).head(rules.limit)

    def course_list(skill_id: str, group: str) -> str:
        """The courses that suit the cell's occupation group (as results offer them)."""
        if courses is None:
            return ""
        offers = training_for(
            [skill_id], courses, labels.skills, group or None, rules.courses_per_skill
        )
        taught = [courses.get(c) for offer in offers for c in offer.course_ids]
        return " ؛ ".join(f"{c.title_fa} ({c.hours} ساعت)" for c in taught)

    return pd.DataFrame(
        {
            "skill_id": cells["skill_id"].to_numpy(),
            "label_fa": [labels.skill_fa(s) for s in cells["skill_id"]],
            "isco_group": cells["group"].to_numpy(),
            "isco_group_fa": [labels.isco_fa(g) for g in cells["group"]],
            "province": cells["province"].to_numpy(),
            "demand_count": cells["count_d"].to_numpy(dtype=np.int64),
            "demand_ads": cells["ads"].to_numpy(dtype=np.int64),
            "demand_share": cells["demand_share"].to_numpy(),
            "supply_count": cells["count_s"].to_numpy(dtype=np.int64),
            "supply_people": cells["people"].to_numpy(dtype=np.int64),
            "supply_share": cells["supply_share"].to_numpy(),
            "gap": cells["gap"].to_numpy(),
            "courses": [
                course_list(s, g) for s, g in zip(cells["skill_id"], cells["group"], strict=True)
            ],
        }
    )
