"""Build the skills backbone in taxonomy/data/skills/ from ESCO v1.1.1 in ../shared/data/.

    python scripts/build_skills.py [--shared ../shared/data] [--batches .work/skills]

Selects the skills the project labels in Persian: every skill linked as essential to an ESCO
occupation under the ISCO unit groups common in Iranian job ads, plus ESCO's digital,
transversal and language collections. Writes

- ``esco_skills.csv``: the selected skills with English labels, type, collections and their
  broader concepts (skills or skill groups);
- ``skill_groups.csv``: every skill group above a selected skill, with its parents;
- ``occupation_skills.csv``: per ISCO unit group, the share of its ESCO occupations that hold
  each selected skill as essential or optional;
- with ``--batches``, input files for writing the Persian labels.

"Common" unit groups: the 30 most frequent in the project's labelled sample of real ads
(evaluation/data/occupation_titles_fa.tsv, about three quarters of the ads, IT-heavy as the
board is) together with the unit groups of the broader economy that the demo vacancies use at
least seven times (drivers, shop sales, warehouse clerks, cleaners, ...).
"""

from __future__ import annotations

import argparse
import csv
import json
from collections import Counter, defaultdict
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "taxonomy" / "data" / "skills"
TOP_REAL_UNITS = 30
MIN_DEMO_VACANCIES = 7
MAX_ALT_EN = 8
BATCH_SIZE = 640


def common_units() -> list[str]:
    labelled = pd.read_csv(ROOT / "evaluation/data/occupation_titles_fa.tsv", sep="\t", dtype=str)
    real = Counter(labelled["code"].str[:4])
    demo: Counter[str] = Counter()
    with (ROOT / "demo/data/vacancies.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            demo[json.loads(line)["isco_code"]] += 1
    units = {code for code, _ in real.most_common(TOP_REAL_UNITS)}
    units |= {code for code, n in demo.items() if n >= MIN_DEMO_VACANCIES}
    return sorted(units)


def _split_labels(cell: object) -> list[str]:
    if not isinstance(cell, str):
        return []
    parts = [p.strip() for p in cell.replace(" | ", "\n").split("\n")]
    return [p for p in parts if p]


def build(shared: Path, batches: Path | None) -> None:
    esco = shared / "esco-v1.1.1"
    all_skills = pd.read_csv(esco / "en/skills_en.csv", dtype=str)
    occupations = pd.read_csv(esco / "en/occupations_en.csv", dtype=str)
    relations = pd.read_csv(esco / "relations/occupationSkillRelations.csv", dtype=str)
    broader = pd.read_csv(esco / "relations/broaderRelationsSkillPillar.csv", dtype=str)
    groups = pd.read_csv(esco / "en/skillGroups_en.csv", dtype=str)
    collections = {
        name: set(pd.read_csv(esco / f"en/{name}SkillsCollection_en.csv", dtype=str)["conceptUri"])
        for name in ("digital", "transversal", "language", "green")
    }

    occupations["unit"] = occupations["iscoGroup"].str[:4]
    units = common_units()
    occ_unit = dict(zip(occupations["conceptUri"], occupations["unit"], strict=True))
    relations["unit"] = relations["occupationUri"].map(occ_unit)
    essential = relations[
        (relations["relationType"] == "essential") & relations["unit"].isin(units)
    ]
    selected = (
        set(essential["skillUri"])
        | collections["digital"]
        | collections["transversal"]
        | collections["language"]
    )
    # ESCO skills added by curation (found missing in ads; labelled in extra_esco.tsv).
    for extra in sorted(OUT.glob("extra_esco*.tsv")):
        selected |= set(pd.read_csv(extra, sep="\t", dtype=str)["id"])
    skills = all_skills[all_skills["conceptUri"].isin(selected)].copy()
    print(f"{len(units)} common unit groups; {len(skills)} skills selected")

    parents: dict[str, list[str]] = defaultdict(list)
    for child, parent in zip(broader["conceptUri"], broader["broaderUri"], strict=True):
        parents[child].append(parent)

    OUT.mkdir(parents=True, exist_ok=True)
    rows = []
    for record in skills.sort_values("conceptUri").itertuples():
        uri = record.conceptUri
        alt = [a for a in _split_labels(record.altLabels) if a != record.preferredLabel]
        rows.append(
            {
                "id": uri,
                "skill_type": record.skillType if isinstance(record.skillType, str) else "",
                "reuse_level": record.reuseLevel if isinstance(record.reuseLevel, str) else "",
                "label_en": record.preferredLabel,
                "alt_en": " | ".join(alt[:MAX_ALT_EN]),
                "collections": " ".join(n for n, members in collections.items() if uri in members),
                "broader": " ".join(parents.get(uri, [])),
                "description_en": " ".join(str(record.description).split())[:300],
            }
        )
    _write(OUT / "esco_skills.csv", rows)

    # Skill groups above the selected skills, walked up to the pillar's roots.
    group_labels = dict(zip(groups["conceptUri"], groups["preferredLabel"], strict=True))
    needed: set[str] = set()
    frontier = [p for row in rows for p in row["broader"].split()]
    while frontier:
        uri = frontier.pop()
        if uri in needed or uri in selected:
            continue
        needed.add(uri)
        frontier.extend(parents.get(uri, []))
    all_labels = dict(zip(all_skills["conceptUri"], all_skills["preferredLabel"], strict=True))
    group_rows = [
        {
            "id": uri,
            "label_en": group_labels.get(uri) or all_labels.get(uri, ""),
            "broader": " ".join(parents.get(uri, [])),
        }
        for uri in sorted(needed)
    ]
    _write(OUT / "skill_groups.csv", group_rows)

    # Occupation -> skill relations per unit group (all 436 units, selected skills only).
    per_unit_occupations = occupations.groupby("unit")["conceptUri"].nunique()
    linked = relations[relations["skillUri"].isin(selected) & relations["unit"].notna()]
    shares = (
        linked.groupby(["unit", "skillUri", "relationType"])["occupationUri"]
        .nunique()
        .reset_index()
    )
    relation_rows = [
        {
            "unit": r.unit,
            "skill_id": r.skillUri,
            "relation": r.relationType,
            "share": f"{r.occupationUri / per_unit_occupations[r.unit]:.3f}",
        }
        for r in shares.sort_values(
            ["unit", "relationType", "occupationUri"], ascending=[True, True, False]
        ).itertuples()
    ]
    _write(OUT / "occupation_skills.csv", relation_rows)
    print(f"{len(group_rows)} skill groups; {len(relation_rows)} unit->skill relations")

    if batches:
        _write_batches(rows, batches)


def _write_batches(rows: list[dict[str, str]], folder: Path) -> None:
    """Batches grouped by broader concept so each writer sees related skills together."""
    folder.mkdir(parents=True, exist_ok=True)
    ordered = sorted(
        rows, key=lambda r: (r["collections"] != "language", r["broader"], r["label_en"])
    )
    for start in range(0, len(ordered), BATCH_SIZE):
        chunk = ordered[start : start + BATCH_SIZE]
        name = folder / f"in_b{start // BATCH_SIZE + 1}.tsv"
        with name.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
            writer.writerow(["id", "skill_type", "label_en", "alt_en", "description_en"])
            for r in chunk:
                writer.writerow(
                    [
                        r["id"],
                        r["skill_type"],
                        r["label_en"],
                        r["alt_en"],
                        r["description_en"][:160],
                    ]
                )


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--batches", type=Path, default=None)
    args = parser.parse_args()
    build(args.shared, args.batches)


if __name__ == "__main__":
    main()
