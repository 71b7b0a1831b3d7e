"""The nightly batch on a slice: jobseekers ranked per second against N stored vacancies, by
slice size, on the local engine (the baseline) and on Ray actors, in the same run.

The store is benchmarks/api_load.py's (the demo market plus e5-shaped copies of its
vacancies, 100,385 in all by default). Before each measurement every snapshot is dropped,
so the batch ranks the whole slice; the rate of the largest slice gives the hours a
1,000,000-jobseeker night would take at that rate (the scaling curve says whether the rate
holds as slices grow).

    python benchmarks/batch_match.py [--vacancies 100000] [--slices 25,50,100,200]
        [--ray-workers 2] [--data-dir DIR] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.api_load import build_store  # noqa: E402

NIGHT = 1_000_000


def _measure(karyab: Any, size: int, **options: Any) -> float:
    ids = [j for j, _ in karyab.store.record_seqs("jobseeker")]
    karyab.store.delete_snapshots(ids)
    karyab.store.set_meta_value("batch_match_reference", None)
    report = karyab.batch_match(limit=size, **options)
    assert report.matched == size, report
    return float(report.per_second)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--vacancies", type=int, default=100_000)
    parser.add_argument("--slices", default="25,50,100,200")
    parser.add_argument("--ray-workers", type=int, default=2, help="0 skips Ray")
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    from karyab.service import Karyab
    from karyab.settings import Settings

    data_dir = args.data_dir or REPO / ".karyab-data" / f"load-{args.vacancies}"
    counts, jobseekers = build_store(data_dir, args.vacancies)
    slices = [s for s in (int(x) for x in args.slices.split(",")) if s <= len(jobseekers)]
    print(f"store: {counts['vacancy']} vacancies, {counts['jobseeker']} jobseekers")
    engine = Karyab.open(Settings(data_dir=data_dir, load_demo=False))
    results: dict[str, dict[int, float]] = {"local": {}, "ray": {}}
    try:
        for size in slices:
            local = _measure(engine, size)
            results["local"][size] = local
            line = f"slice {size:5d}: local {local:7.2f} jobseekers/s (baseline)"
            if args.ray_workers:
                rate = _measure(engine, size, engine="ray", workers=args.ray_workers)
                results["ray"][size] = rate
                line += f"  ray x{args.ray_workers} {rate:7.2f}/s  {rate / local:.2f}x"
            print(line, flush=True)
    finally:
        engine.close()
    largest = max(slices)
    for name, rates in results.items():
        if rates:
            rate = rates[largest]
            hours = NIGHT / rate / 3600
            print(f"{name}: {NIGHT:,} jobseekers at {rate:.2f}/s would take {hours:.1f} h")
    if args.json:
        args.json.write_text(json.dumps({"vacancies": counts["vacancy"], "rates": results}))


if __name__ == "__main__":
    main()
