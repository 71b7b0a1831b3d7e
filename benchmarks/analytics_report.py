"""Analytics report speed over a large stored market (target: 1,000,000 vacancies in ≤ 60 s).

A synthetic market is written into a SQLite store through the store's own archive path:
vacancies over 24 Jalali months in 31 provinces and the ISCO unit groups that have ESCO
skills, each ad holding 4–12 of its occupation's skills (plus planted rising and falling
skills and new phrases) and some unmatched phrases from a long-tailed pool; jobseekers
likewise. Then, timed:

1. facts: reading the store's analytics columns and exploding skills and phrases;
2. tables: demand cells (month and quarter × province × ISCO major and sub-major), trends,
   emerging phrases, gaps, monthly series;
3. files: HTML with charts, CSV tables and the Excel workbook.

Baseline in the same run: reading the store's analytics rows alone, no analysis (the I/O
floor); the ratio says how much the whole report costs against reading the data once.

    python benchmarks/analytics_report.py [--vacancies 1000000] [--jobseekers 200000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np


def _store_market(path: Path, vacancies: int, jobseekers: int, seed: int = 5) -> None:
    from karyab.records import Jobseeker, Vacancy
    from storage.sql_store import SqlStore, sqlite_url
    from taxonomy.skills import load_skills

    taxonomy = load_skills()
    rng = np.random.default_rng(seed)
    units = [
        code
        for code in sorted(_units(taxonomy))
        if len(taxonomy.for_occupation(code, "essential")) >= 8
    ]
    unit_weight = rng.pareto(1.2, len(units)) + 0.1
    unit_weight /= unit_weight.sum()
    skills_of = {u: [r.skill_id for r in taxonomy.for_occupation(u)][:40] for u in units}
    provinces = [f"استان {i:02d}" for i in range(31)]
    province_weight = rng.pareto(1.0, 31) + 0.2
    province_weight /= province_weight.sum()
    planted = [s.id for s in list(taxonomy)[:10]]  # 5 rising, 5 falling, in every occupation
    noise = [f"عبارت {i}" for i in range(5000)]
    noise_weight = 1.0 / np.arange(1, 5001)
    noise_weight /= noise_weight.sum()
    new_phrases = ["لنگ چین", "پرامپت نویسی", "n8n", "میدجرنی", "کپ کات"]

    store = SqlStore(sqlite_url(path))
    batch = 50_000
    pools = [skills_of[u] for u in units]
    for start in range(0, vacancies, batch):
        size = min(batch, vacancies - start)
        month = rng.integers(0, 24, size)
        unit = rng.choice(len(units), size, p=unit_weight)
        province = rng.choice(31, size, p=province_weight)
        count = rng.integers(4, 13, size)
        order = np.argsort(rng.random((size, 40)), axis=1)  # a random permutation per ad
        step = (month / 23)[:, None]
        draws = rng.random((size, 10))
        planted_hit = np.c_[draws[:, :5] < 0.02 + 0.2 * step, draws[:, 5:] < 0.22 - 0.2 * step]
        noise_pick = rng.choice(5000, (size, 2), p=noise_weight)
        noise_count = rng.integers(0, 3, size)
        new_hit = (month >= 12) & (rng.random(size) < 0.05)
        new_pick = rng.integers(0, 5, size)
        records = []
        for i in range(size):
            pool = pools[unit[i]]
            picked = [pool[j] for j in order[i] if j < len(pool)][: count[i]]
            picked += [planted[j] for j in np.flatnonzero(planted_hit[i])]
            phrases = [noise[j] for j in noise_pick[i, : noise_count[i]]]
            if new_hit[i]:
                phrases.append(new_phrases[new_pick[i]])
            year, m = divmod(int(month[i]), 12)
            records.append(
                Vacancy(
                    id=f"b{start + i:07d}",
                    title="آگهی",
                    text="-",
                    province=provinces[province[i]],
                    isco_code=units[unit[i]],
                    posted_at=f"{1402 + year}-{m + 1:02d}-15",
                    skill_ids=tuple(dict.fromkeys(picked)),
                    unmatched_phrases=tuple(dict.fromkeys(phrases)),
                )
            )
        store.archive("vacancy", records)
    seekers = []
    for i in range(jobseekers):
        u = units[rng.choice(len(units), p=unit_weight)]
        pool = skills_of[u]
        picked = [pool[j] for j in rng.choice(len(pool), min(6, len(pool)), False)]
        seekers.append(
            Jobseeker(
                id=f"j{i:07d}",
                title="کارجو",
                text="-",
                province=provinces[rng.choice(31, p=province_weight)],
                isco_code=u,
                registered_at=f"{1402 + i % 2}-{i % 12 + 1:02d}-10",
                skill_ids=tuple(picked),
            )
        )
    store.archive("jobseeker", seekers)
    store.close()


def _units(taxonomy) -> set[str]:  # type: ignore[no-untyped-def]
    from taxonomy.isco import load_isco

    return {g.code for g in load_isco().units() if taxonomy.for_occupation(g.code)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--vacancies", type=int, default=1_000_000)
    parser.add_argument("--jobseekers", type=int, default=200_000)
    parser.add_argument("--keep", type=Path, help="write the store and report here")
    args = parser.parse_args()

    from analytics.build import build_report, load_market_facts
    from analytics.facts import Window
    from analytics.labels import Labels
    from analytics.report import write_report
    from storage.sql_store import SqlStore, sqlite_url
    from taxonomy.courses import load_courses
    from taxonomy.isco import load_isco
    from taxonomy.skills import load_skills

    folder = args.keep or Path(tempfile.mkdtemp(prefix="karyab-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "market.sqlite3"
    if not db.exists():
        started = time.perf_counter()
        _store_market(db, args.vacancies, args.jobseekers)
        print(f"stored {args.vacancies:,} vacancies in {time.perf_counter() - started:.0f} s")
    labels = Labels(load_skills(), load_isco())
    courses = load_courses()
    store = SqlStore(sqlite_url(db))

    started = time.perf_counter()
    raw = [store.read_postings(kind) for kind in ("vacancy", "jobseeker")]  # rows, no analysis
    baseline = time.perf_counter() - started
    del raw

    timings: dict[str, float] = {}
    started = time.perf_counter()
    market = load_market_facts(store)
    timings["facts"] = time.perf_counter() - started
    mark = time.perf_counter()
    report = build_report(market, Window.parse("1402-01", "1403-12"), labels, courses)
    timings["tables"] = time.perf_counter() - mark
    mark = time.perf_counter()
    write_report(report, folder / "report")
    timings["files"] = time.perf_counter() - mark
    total = time.perf_counter() - started
    store.close()

    print(f"vacancies {report.scope.vacancies:,}, jobseekers {report.scope.jobseekers:,}")
    print(
        f"demand cells {len(report.demand):,}; rising {sum(report.trends.direction == 'rising')}"
        f", falling {sum(report.trends.direction == 'falling')}, emerging phrase clusters "
        f"{len(report.emerging)}: {', '.join(report.emerging['name'].head(8))}"
    )
    for stage, seconds in timings.items():
        print(f"  {stage:<7} {seconds:6.1f} s")
    print(f"report total {total:.1f} s (target ≤ 60 s)")
    ratio = total / baseline
    print(f"baseline (read postings only) {baseline:.1f} s; report / baseline = {ratio:.1f}")


if __name__ == "__main__":
    main()
