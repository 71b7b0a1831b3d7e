"""Apply a reviewer's corrections to a batch of the Persian title index.

    python scripts/apply_title_reviews.py BATCH.tsv REVIEW.tsv
    python scripts/apply_title_reviews.py FOLDER --dedupe
    python scripts/apply_title_reviews.py FOLDER --resolve DECISIONS.tsv

REVIEW.tsv rows: ``title_fa, code, action, new_code, new_title, reason`` with action ``move``,
``drop`` or ``fix``. The batch is rewritten in place (same order); the review file is kept
beside the data as the record of what the review changed. Applying a review twice is a no-op.
"""

from __future__ import annotations

import argparse
import csv
import re
from pathlib import Path

_SEP = re.compile(r"[\s\u200c]+")


def key(title: str) -> str:
    return _SEP.sub("", title).lower()


def _batch_number(path: Path) -> tuple[int, str]:
    """b2 comes before b10: batches are numbered in the order they were written."""
    digits = re.sub(r"\D", "", path.stem)
    return (int(digits) if digits else 0, path.stem)


def dedupe(directory: Path) -> None:
    """Drop rows whose (code, title) an earlier batch already holds (moves create these)."""
    seen: set[tuple[str, str]] = set()
    for path in sorted(directory.glob("*.tsv"), key=_batch_number):
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
        kept = []
        for row in rows:
            marker = (row["code"], key(row["title_fa"]))
            if marker not in seen:
                seen.add(marker)
                kept.append(row)
        with path.open("w", encoding="utf-8", newline="") as handle:
            handle.write("code\ttitle_fa\tkind\n")
            for row in kept:
                handle.write(f"{row['code']}\t{row['title_fa']}\t{row['kind']}\n")
        print(f"{path.name}: {len(rows) - len(kept)} rows already in an earlier batch")


def resolve(directory: Path, decisions_path: Path) -> None:
    """Give each title that batches coded differently the one code a reviewer chose.

    Decision rows: ``title_fa, code, reason`` with ``code`` a 4-digit code or ``drop``. Rows
    of that title (spacing and ZWNJ aside) under another code are removed; if no batch holds
    the chosen code, the title's first row is moved to it.
    """
    with decisions_path.open(encoding="utf-8", newline="") as handle:
        decisions = {
            key(row["title_fa"]): row["code"].strip()
            for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        }
    paths = sorted(directory.glob("*.tsv"), key=_batch_number)
    batches = {}
    for path in paths:
        with path.open(encoding="utf-8", newline="") as handle:
            batches[path] = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    held = {(key(r["title_fa"]), r["code"]) for rows in batches.values() for r in rows}
    moved: set[str] = set()
    changed = 0
    for path, rows in batches.items():
        kept = []
        for row in rows:
            chosen = decisions.get(key(row["title_fa"]))
            if chosen is None or row["code"] == chosen:
                kept.append(row)
                continue
            changed += 1
            title_key = key(row["title_fa"])
            if chosen != "drop" and (title_key, chosen) not in held and title_key not in moved:
                moved.add(title_key)
                kept.append({**row, "code": chosen})
        with path.open("w", encoding="utf-8", newline="") as handle:
            handle.write("code\ttitle_fa\tkind\n")
            for row in kept:
                handle.write(f"{row['code']}\t{row['title_fa']}\t{row['kind']}\n")
    print(f"{len(decisions)} decisions, {changed} rows removed or moved")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("batch", type=Path, help="a batch file, or with --dedupe its folder")
    parser.add_argument("review", type=Path, nargs="?")
    parser.add_argument("--dedupe", action="store_true", help="dedupe across all batches")
    parser.add_argument(
        "--resolve", type=Path, help="one code per title from a decisions file, across batches"
    )
    args = parser.parse_args()
    if args.dedupe:
        dedupe(args.batch)
        return
    if args.resolve:
        resolve(args.batch, args.resolve)
        return
    if args.review is None:
        parser.error("REVIEW is required unless --dedupe is given")
    with args.batch.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    with args.review.open(encoding="utf-8", newline="") as handle:
        review = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    actions = {(key(r["title_fa"]), r["code"].strip()): r for r in review}
    out, applied, seen = [], 0, set()
    for row in rows:
        change = actions.get((key(row["title_fa"]), row["code"]))
        if change:
            applied += 1
            action = change["action"].strip()
            if action == "drop":
                continue
            if action == "move" and re.fullmatch(r"\d{4}", change["new_code"].strip()):
                row = {**row, "code": change["new_code"].strip()}
            elif action == "fix" and change["new_title"].strip():
                row = {**row, "title_fa": change["new_title"].strip()}
        marker = (row["code"], key(row["title_fa"]))
        if marker not in seen:
            seen.add(marker)
            out.append(row)
    with args.batch.open("w", encoding="utf-8", newline="") as handle:
        handle.write("code\ttitle_fa\tkind\n")
        for row in out:
            handle.write(f"{row['code']}\t{row['title_fa']}\t{row['kind']}\n")
    print(f"{args.batch.name}: {len(rows)} rows, {applied} corrections applied, {len(out)} kept")


if __name__ == "__main__":
    main()
