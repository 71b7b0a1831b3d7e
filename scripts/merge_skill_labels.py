"""Merge reviewed Persian skill-label batches into taxonomy/data/skills/labels_fa/.

    python scripts/merge_skill_labels.py .work/skills [--batch 3 ...]

Each batch ``out_bN.tsv`` (id, label_fa, alt_fa) must cover exactly the ids of its input
``in_bN.tsv`` in order, with no empty label and no empty alternative; the reviewer's log
``review_bN.tsv`` must exist (a batch is merged only after its review) and is kept beside the
labels. Problems are printed and nothing is written for a failing batch.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "taxonomy" / "data" / "skills" / "labels_fa"
REVIEWS = LABELS.parent / "reviews"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def check_batch(work: Path, n: int) -> list[str]:
    problems: list[str] = []
    source, out, review = (work / f"{p}_b{n}.tsv" for p in ("in", "out", "review"))
    if not out.exists():
        return [f"b{n}: no output"]
    if not review.exists():
        problems.append(f"b{n}: not reviewed yet ({review.name} missing)")
    expected = [r["id"] for r in _rows(source)]
    rows = _rows(out)
    if [r["id"] for r in rows] != expected:
        problems.append(f"b{n}: ids differ from the input ({len(rows)} vs {len(expected)} rows)")
    for row in rows:
        label = (row.get("label_fa") or "").strip()
        alts = (row.get("alt_fa") or "").split(" | ")
        if not label:
            problems.append(f"b{n}: {row['id']}: empty label_fa")
        if any(not a.strip() for a in alts) and (row.get("alt_fa") or "").strip():
            problems.append(f"b{n}: {row['id']}: empty alternative")
        if "ي" in label or "ك" in label:
            problems.append(f"b{n}: {row['id']}: Arabic letters in label_fa")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("work", type=Path)
    parser.add_argument("--batch", type=int, action="append")
    args = parser.parse_args()
    batches = args.batch or sorted(int(p.stem.split("_b")[1]) for p in args.work.glob("in_b*.tsv"))
    failed = False
    REVIEWS.mkdir(parents=True, exist_ok=True)
    for n in batches:
        problems = check_batch(args.work, n)
        if problems:
            failed = True
            print("\n".join(problems[:20]), file=sys.stderr)
            continue
        shutil.copy(args.work / f"out_b{n}.tsv", LABELS / f"b{n}.tsv")
        shutil.copy(args.work / f"review_b{n}.tsv", REVIEWS / f"review_b{n}.tsv")
        print(f"merged b{n}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
