"""Coding review on a large store: the queue of uncoded titles and a person's decision.

A store of N uncoded vacancies is written with titles from the project's Persian title index,
dressed as ads dress them (gender markers, cities, «استخدام ... فوری», Arabic letters, ZWNJ
as a space), and a Zipf-like spread, as some titles recur far more than others. Measured:

* the queue by title key, first call (every distinct stored title parsed once) and again
  (parsed keys remembered), against the baseline measured in the same run: grouping by the
  exact title string in SQL, which is cheaper but splits one occupation into many rows;
* how many uncoded records the first 50 rows of each queue cover (what 50 decisions code);
* one decision on the most frequent key (finds and codes its records in one transaction);
* checking the auto-coding: a further ``--auto-coded`` vacancies are coded by the coder on
  write; a check sample is drawn from them (against the baseline of drawing the same number
  of coded records in SQL), ``--decided`` queue keys are decided, and the coder is measured
  on every decision (against the baseline of the coder coding the same titles alone);
* coding every stored record again after a stricter cut (recode-occupations), against the
  baseline of coding the same number of records on write, measured above.

    python benchmarks/coding_review.py [--vacancies 100000] [--data-dir DIR] [--encoder e5]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

MARKERS = ["", "", " - آقا", " - خانم", " (خانم)", " (آقا)"]
CITIES = ["", "", "", " (تهران)", " (مشهد)", " (تبریز)", " (شیراز)", " در اصفهان"]
WRAPPERS = ["{}", "{}", "{}", "استخدام {}", "{} فوری", "استخدام {} فوری"]


def dressed_titles(n: int, seed: int = 1404) -> list[str]:
    from taxonomy.titles import load_title_index

    rng = random.Random(seed)
    base = [e.title for e in load_title_index() if not e.title.isascii()]
    rng.shuffle(base)
    weights = [1.0 / (rank + 1) for rank in range(len(base))]  # Zipf-like recurrence
    titles = []
    for title in rng.choices(base, weights=weights, k=n):
        if rng.random() < 0.2:
            title = title.replace("ی", "ي").replace("ک", "ك")
        if rng.random() < 0.2:
            title = title.replace("\u200c", " ")
        wrapped = rng.choice(WRAPPERS).format(title)
        titles.append(wrapped + rng.choice(CITIES) + rng.choice(MARKERS))
    return titles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--vacancies", type=int, default=100_000)
    parser.add_argument("--data-dir", type=Path, help="where the trained coder is cached")
    parser.add_argument("--encoder", choices=["e5", "hashing"], default="e5")
    parser.add_argument("--limit", type=int, default=50, help="queue rows")
    parser.add_argument("--auto-coded", type=int, default=20_000, help="vacancies coded on write")
    parser.add_argument("--decided", type=int, default=1_000, help="queue keys decided")
    args = parser.parse_args()

    from sqlalchemy import func, select

    from karyab.coding_review import CodingReview
    from karyab.records import Vacancy
    from karyab.service import build_coder_encoder
    from karyab.settings import Settings
    from models.occupation_training import ensure_occupation_coder
    from storage.schema import postings
    from storage.sql_store import SqlStore, sqlite_url
    from taxonomy.isco import load_isco

    overrides: dict[str, object] = {"encoder": args.encoder}
    if args.data_dir:
        overrides["data_dir"] = args.data_dir
    settings = Settings(**overrides)  # type: ignore[arg-type]
    coder = ensure_occupation_coder(load_isco(), build_coder_encoder(settings), settings.models_dir)

    with tempfile.TemporaryDirectory() as folder:
        store = SqlStore(sqlite_url(Path(folder) / "review.sqlite3"))
        titles = dressed_titles(args.vacancies)
        vectors = np.zeros((10_000, 8), dtype=np.float32)
        for start in range(0, len(titles), 10_000):
            chunk = titles[start : start + 10_000]
            records = [
                Vacancy(id=f"v{start + i:07d}", title=t, text="-") for i, t in enumerate(chunk)
            ]
            store.upsert("vacancy", records, vectors[: len(chunk)], vectors[: len(chunk)], "b")

        started = time.perf_counter()
        query = (
            select(postings.c.title, func.count())
            .where(postings.c.isco_code.is_(None), postings.c.archived.is_(False))
            .group_by(postings.c.title)
            .order_by(func.count().desc())
            .limit(args.limit)
        )
        with store._read() as conn:
            exact = conn.execute(query).all()
        exact_s = time.perf_counter() - started

        review = CodingReview(store, coder, load_isco())
        started = time.perf_counter()
        queue = review.queue(limit=args.limit)
        cold_s = time.perf_counter() - started
        started = time.perf_counter()
        review.queue(limit=args.limit)
        warm_s = time.perf_counter() - started
        started = time.perf_counter()
        result = review.decide(queue[0].title, queue[0].candidates[0].code, "benchmark")
        decide_s = time.perf_counter() - started

        checking = _checking(store, review, coder, args)
        figures = {
            "vacancies": len(titles),
            "distinct_titles": len(set(titles)),
            "title_keys": len({review.key(t) for t in set(titles)}),
            "baseline_exact_title_queue_s": round(exact_s, 3),
            "queue_first_call_s": round(cold_s, 3),
            "queue_again_s": round(warm_s, 3),
            "ratio_queue_again_to_baseline": round(warm_s / exact_s, 2),
            "records_covered_by_first_rows": {
                "title_keys": sum(item.count for item in queue),
                "exact_titles": sum(int(count) for _, count in exact),
            },
            "decision_s": round(decide_s, 3),
            "decision_recoded": result.recoded,
            **checking,
        }
        store.close()
    print(json.dumps(figures, ensure_ascii=False, indent=2))


def _checking(store: Any, review: Any, coder: Any, args: argparse.Namespace) -> dict[str, Any]:
    """Auto-coding on write, a check sample of it, and the coder measured on decisions."""
    from sqlalchemy import func, select

    from karyab.records import Vacancy
    from storage.schema import postings

    titles = dressed_titles(args.auto_coded, seed=1405)
    records = [Vacancy(id=f"a{i:07d}", title=t, text="-") for i, t in enumerate(titles)]
    started = time.perf_counter()
    coded = review.with_occupations(records)
    write_coding_s = time.perf_counter() - started
    vectors = np.zeros((len(coded), 8), dtype=np.float32)
    store.upsert("vacancy", coded, vectors, vectors, "b")

    draw = args.limit * 5  # what a sample of ``limit`` keys draws
    started = time.perf_counter()
    with store._read() as conn:
        conn.execute(
            select(postings.c.id, postings.c.title)
            .where(postings.c.isco_code.is_not(None), postings.c.archived.is_(False))
            .order_by(func.random())
            .limit(draw)
        ).all()
    draw_s = time.perf_counter() - started
    started = time.perf_counter()
    sample = review.sample(limit=args.limit)
    sample_s = time.perf_counter() - started

    queue = review.queue(limit=args.decided)
    pairs = [(item.title, item.candidates[0].code) for item in queue if item.candidates]
    started = time.perf_counter()
    review.decide_many(pairs, "benchmark")
    decide_many_s = time.perf_counter() - started
    decisions = store.occupation_decisions(limit=100_000)
    started = time.perf_counter()
    coder.predict([d.title for d in decisions], top_k=1)
    predict_s = time.perf_counter() - started
    started = time.perf_counter()
    quality = review.quality()
    quality_s = time.perf_counter() - started

    # A stricter cut, as people's checks would set it; then every stored record follows.
    kept = {"coder": coder.fingerprint, "threshold": float(coder.threshold_) + 0.05}
    store.set_meta_value("occupation_threshold", json.dumps(kept))
    started = time.perf_counter()
    counts = review.recode(kind="vacancy")["vacancy"]
    recode_s = time.perf_counter() - started
    recode_per_s = counts.checked / recode_s
    return {
        "auto_coded_on_write": sum(1 for r in coded if r.isco_code),
        "write_coding_s": round(write_coding_s, 3),
        "write_coding_per_s": round(len(records) / write_coding_s),
        "baseline_sql_draw_s": round(draw_s, 4),
        "check_sample_s": round(sample_s, 3),
        "check_sample_keys": len(sample),
        "ratio_check_sample_to_baseline": round(sample_s / draw_s, 1),
        "decisions": quality.checks,
        "decide_many_s": round(decide_many_s, 3),
        "baseline_coder_alone_s": round(predict_s, 3),
        "quality_s": round(quality_s, 3),
        "ratio_quality_to_baseline": round(quality_s / predict_s, 2),
        "recode_threshold": round(kept["threshold"], 3),
        "recode_counts": vars(counts),
        "recode_s": round(recode_s, 1),
        "recode_per_s": round(recode_per_s),
        "ratio_recode_rate_to_write_coding_rate": round(
            recode_per_s / (len(records) / write_coding_s), 2
        ),
    }


if __name__ == "__main__":
    main()
