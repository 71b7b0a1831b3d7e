"""Build taxonomy/data/isco08.csv from the reference data in ../shared/data/isco08/.

    python scripts/build_isco.py [--shared ../shared/data]

Keeps the 619 official ISCO-08 groups with their ILO definitions and the Iranian national
extension codes (flagged ``official=False``), and fills the Persian titles the source lacks.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "taxonomy" / "data" / "isco08.csv"

# Persian titles the Statistical Centre of Iran's list lacks, written by the project.
MISSING_FA = {
    "01": "افسران نیروهای مسلح",
    "011": "افسران نیروهای مسلح",
    "0110": "افسران نیروهای مسلح",
    "02": "درجه‌داران نیروهای مسلح",
    "021": "درجه‌داران نیروهای مسلح",
    "0210": "درجه‌داران نیروهای مسلح",
    "03": "سایر رده‌های نیروهای مسلح",
    "031": "سایر رده‌های نیروهای مسلح",
    "0310": "سایر رده‌های نیروهای مسلح",
    "7536": "کفاشان و کارکنان مشاغل مرتبط",
}

# English titles for the Iranian national extension codes, translated by the project.
NATIONAL_EN = {
    "04": "Armed forces and police, career personnel",
    "041": "Armed forces and police, career personnel",
    "0410": "Armed forces and police, career personnel",
    "05": "Conscript officers, non-commissioned officers and soldiers",
    "051": "Conscript officers, non-commissioned officers and soldiers",
    "0510": "Conscript officers, non-commissioned officers and soldiers",
    "1214": "Finance and insurance managers",
    "1215": "Administrative, legal and planning managers",
    "1325": "Transport and storage managers",
    "2134": "Environmental protection specialists and engineers",
    "2357": "Other music teachers",
    "2414": "Financial and investment advisers and analysts",
    "2637": "Islamic religious professionals",
    "2638": "Non-Islamic religious professionals",
    "2639": "Social and religious professionals not elsewhere classified",
    "3414": "Islamic religious associate professionals",
    "3415": "Non-Islamic religious associate professionals",
    "4324": "Stores and production supply clerks",
    "5143": "Hair, face and body beauticians and related workers",
    "5224": "Shopkeepers, shop supervisors and salespersons",
    "6225": "Inland, coastal and deep-sea fishery workers",
    "7225": "Metalworking, turning, polishing and grinding machine setters and tool sharpeners",
    "7517": "Bakers",
    "7518": "Pastry-cooks and confectioners",
    "7537": "Tailors and other hand sewers",
    "8184": "Pottery and related products machine operators",
    "8185": "Glass-making and related products machine operators",
    "9314": "Civil engineering and building construction labourers",
    "9335": "Drivers of hand- and animal-drawn vehicles",
    "9614": "Refuse and recyclables collection and sorting workers",
    "9625": "Other elementary workers",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data"
    )
    args = parser.parse_args()
    source = args.shared / "isco08"
    with (source / "ISCOGroups_en_esco_v1.1.1.csv").open(encoding="utf-8") as handle:
        definitions = {row["code"]: row["description"].strip() for row in csv.DictReader(handle)}
    with (source / "isco08_structure_en_fa.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "code",
                "level",
                "parent_code",
                "official",
                "title_en",
                "title_fa",
                "title_fa_source",
                "definition",
            ]
        )
        for row in rows:
            code = row["code"]
            title_fa = row["title_fa"].strip()
            source_note = "bssir"
            if not title_fa:
                title_fa = MISSING_FA.get(code, "")
                source_note = "karyab" if title_fa else ""
            if not title_fa:
                raise SystemExit(f"no Persian title for {code}")
            writer.writerow(
                [
                    code,
                    row["level"],
                    row["parent_code"],
                    "1" if row["official_isco08"] == "True" else "0",
                    row["title_en"].strip() or NATIONAL_EN.get(code, ""),
                    title_fa,
                    source_note,
                    definitions.get(code, ""),
                ]
            )
    print(f"wrote {len(rows)} groups to {OUT}")
    _write_english_titles(args.shared)


def _write_english_titles(shared: Path) -> None:
    """English occupation titles per unit group: the ILO index and ESCO's labels."""
    out = OUT.parent / "occupation_titles_en.csv"
    seen: set[tuple[str, str]] = set()
    rows: list[tuple[str, str, str]] = []
    with (shared / "isco08" / "isco08_ilo_index_titles_en.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            code, title = row["isco08"].strip(), row["title_en"].strip()
            if len(code) == 4 and code != "0001" and len(title) > 1:
                rows.append((code, title, "ilo_index"))
    occupations = shared / "esco-v1.1.1" / "en" / "occupations_en.csv"
    with occupations.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            code = row["iscoGroup"].strip()
            if len(code) != 4:
                continue
            rows.append((code, row["preferredLabel"].strip(), "esco_preferred"))
            for alt in (row["altLabels"] or "").split("\n"):
                if alt.strip():
                    rows.append((code, alt.strip(), "esco_alternative"))
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "title_en", "source"])
        for code, title, source in rows:
            key = (code, title.lower())
            if key not in seen:
                seen.add(key)
                writer.writerow([code, title, source])
    print(f"wrote {len(seen)} English titles to {out}")


if __name__ == "__main__":
    main()
