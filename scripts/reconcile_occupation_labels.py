"""Reconcile two independent ISCO coding passes into the labelled evaluation set.

    python scripts/reconcile_occupation_labels.py PASS_A.tsv PASS_B.tsv \
        -o evaluation/data/occupation_titles_fa.tsv

Each pass has ``id, title, code, alt_codes, note``. Where the passes agree, that code is the
label and the alternatives are the codes both passes listed as also plausible. Where they
disagree, both codes are acceptable: the label is the code that the other pass also listed
(pass B's when both or neither did) and the other code becomes an alternative.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path


def _read(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            row["id"]: row for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        }


def _alts(row: dict[str, str]) -> set[str]:
    return {c.strip() for c in (row.get("alt_codes") or "").split(",") if c.strip()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("pass_a", type=Path)
    parser.add_argument("pass_b", type=Path)
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args()
    a, b = _read(args.pass_a), _read(args.pass_b)
    if a.keys() != b.keys():
        raise SystemExit("the passes cover different ids")
    agree = 0
    rows = []
    for item_id in a:
        ra, rb = a[item_id], b[item_id]
        if ra["title"] != rb["title"]:
            raise SystemExit(f"{item_id}: titles differ between passes")
        ca, cb = ra["code"], rb["code"]
        shared_alts = (_alts(ra) | {ca}) & (_alts(rb) | {cb})
        if ca == cb:
            agree += 1
            code, alternatives = ca, shared_alts - {ca}
        else:
            code = ca if (ca in _alts(rb) and cb not in _alts(ra)) else cb
            other = cb if code == ca else ca
            alternatives = (shared_alts | {other}) - {code}
        rows.append([item_id, ra["title"], code, ",".join(sorted(alternatives)), ca, cb])
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with args.output.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\")
        writer.writerow(["id", "title", "code", "alternatives", "code_a", "code_b"])
        writer.writerows(rows)
    print(f"{len(rows)} titles; the passes agree on {agree} ({agree / len(rows):.1%}) at 4 digits")


if __name__ == "__main__":
    main()
