"""The Persian index of occupational titles: title -> ISCO-08 unit group.

Files ``taxonomy/data/titles_fa/*.tsv`` hold ``code<TAB>title_fa<TAB>kind`` rows written by
the project, ``kind`` being one of :data:`KINDS`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

TITLES_DIR = Path(__file__).resolve().parent / "data" / "titles_fa"
KINDS = ("official", "common", "colloquial", "english", "transliterated")


@dataclass(frozen=True)
class TitleEntry:
    code: str
    title: str
    kind: str


def load_title_index(directory: Path = TITLES_DIR) -> list[TitleEntry]:
    """Every title in the index, file by file in name order."""
    entries: list[TitleEntry] = []
    for path in sorted(directory.glob("*.tsv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
                entries.append(TitleEntry(row["code"], row["title_fa"].strip(), row["kind"]))
    return entries


ENGLISH_TITLES = TITLES_DIR.parent / "occupation_titles_en.csv"


def load_english_titles(
    path: Path = ENGLISH_TITLES, sources: tuple[str, ...] = ("ilo_index", "esco_preferred")
) -> list[TitleEntry]:
    """English titles per unit group: the ILO index and ESCO labels (``source`` as kind)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            TitleEntry(row["code"], row["title_en"], row["source"])
            for row in csv.DictReader(handle)
            if row["source"] in sources
        ]
