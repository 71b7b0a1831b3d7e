"""The nightly batch on slices: jobseekers ranked per second against 100,000 stored
vacancies, block ranking (what ``karyab batch-match`` runs) against the request path one
jobseeker at a time (the baseline), in the same run, and the scaling curve over slices.

The store is benchmarks/api_load.py's (the demo market plus e5-shaped copies of its
vacancies, 100,385 in all by default), with copies of the demo jobseekers added the same
way (their vectors with small noise) up to ``--jobseekers``. Snapshots hold the top 20
(the issue's night: 1,000,000 jobseekers, top 20 each). The vacancy pool is loaded once, as
a run loads it, with no n-gram rows kept from an earlier night (a first night); its time
is reported apart and counted once in the night's estimate.

The next night: ``--night-new`` vacancies are written (copies of demo vacancies with noisy
vectors, dated the market's newest day) and ``--night-removed`` removed, the pool is loaded
again (computing the n-grams of the new vacancies only) and the largest slice's snapshots
are brought up to date: patched where they can be (``matching.batch``), ranked in full
where not. Its rate, against the full ranking's in the same run, gives a night of patches.
With ``--ray-workers`` the same is measured on Ray: a full ranking, then another night
patched.

    python benchmarks/batch_match.py [--vacancies 100000] [--jobseekers 5000]
        [--slices 500,1000,2000,4000] [--baseline 40] [--ray-workers 0]
        [--night-new 1000] [--night-removed 1000] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.api_load import BATCH, build_store, noisy_copies  # noqa: E402

NIGHT = 1_000_000
DEPTH = 20


def add_jobseekers(engine: Any, total: int, seed: int = 1) -> None:
    """Copies of the demo jobseekers, vectors with small noise, up to ``total``."""
    import numpy as np
    from tqdm import tqdm

    store = engine.store
    have = store.count("jobseeker")
    if have >= total:
        return
    demo_ids = [j for j, _ in store.record_seqs("jobseeker") if not j.startswith("syn-")]
    demo = store.get_many("jobseeker", demo_ids)
    queries = store.get_vectors("jobseeker", demo_ids, "query")
    passages = store.get_vectors("jobseeker", demo_ids, "passage")
    rng = np.random.default_rng(seed)
    with tqdm(total=total - have, desc="synthetic jobseekers") as progress:
        while have < total:
            size = min(BATCH, total - have)
            picks = rng.integers(0, len(demo_ids), size)
            records = [
                replace(demo[demo_ids[p]], id=f"syn-js-{have + j:07d}") for j, p in enumerate(picks)
            ]
            noisy = []
            for vectors in (queries, passages):
                base = np.stack([vectors[demo_ids[p]] for p in picks])
                noisy.append(noisy_copies(base, rng))
            store.upsert("jobseeker", records, noisy[0], noisy[1], engine.vectors_name)
            have += size
            progress.update(size)


def _fresh(engine: Any) -> list[str]:
    ids = [j for j, _ in engine.store.record_seqs("jobseeker")]
    engine.store.delete_snapshots(ids)
    engine.store.set_meta_value("batch_match_reference", None)
    return ids


def next_night(engine: Any, new: int, removed: int, seed: int = 2) -> None:
    """A day's intake: ``new`` vacancies (demo copies, noisy vectors, the newest date) and
    ``removed`` vacancies taken down."""
    import numpy as np

    rng = np.random.default_rng(seed)
    index = engine.indexes["vacancy"]
    demo_ids = [i for i in index.ids() if not i.startswith(("syn-", "night-"))]
    demo = [engine.store.get("vacancy", i) for i in demo_ids]
    newest = max(v.posted_at for v in demo if v.posted_at)
    vectors = np.stack([index.get_vector(i) for i in demo_ids])
    picks = rng.integers(0, len(demo), new)
    records = [replace(demo[p], id=f"night-{n:06d}", posted_at=newest) for n, p in enumerate(picks)]
    noisy = noisy_copies(vectors[picks], rng)
    engine.store.upsert("vacancy", records, noisy, noisy, engine.vectors_name)
    index.upsert([r.id for r in records], noisy, [r.attributes() for r in records])
    synthetic = [i for i in index.ids() if i.startswith("syn-")]
    gone = [synthetic[i] for i in rng.choice(len(synthetic), removed, replace=False)]
    engine.store.delete("vacancy", gone)
    index.remove(gone)


def _ray_rates(engine: Any, workers: int, size: int) -> dict[str, float]:
    """The Ray engine on ``size`` due jobseekers: its rate once every actor has loaded its
    pool (what a night runs at), and with the pool loading counted."""
    from matching.batch import batch_match
    from matching.batch_ray import ray_runner

    started = time.perf_counter()
    finished: list[tuple[float, int]] = []
    patched = 0
    runner = ray_runner(engine.settings.model_dump(), DEPTH, workers=workers)

    def timed(chunks: list[Any], done: Any) -> None:
        def stamp(chunk_size: int, result: Any) -> None:
            nonlocal patched
            finished.append((time.perf_counter(), chunk_size))
            patched += result.patched
            done(chunk_size, result)

        runner(chunks, stamp)

    report = batch_match(engine.store, timed, chunk_size=500, limit=size)
    assert report.matched == size, report
    # Each actor's first chunk waits for its pool; the chunks after the last of those ran
    # with every actor warm.
    warm_from = finished[workers - 1][0]
    warm = sum(n for at, n in finished[workers:])
    return {
        "per_second": warm / (finished[-1][0] - warm_from),
        "with_pools": report.per_second,
        "pools_s": warm_from - started,
        "patched": patched,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--vacancies", type=int, default=100_000)
    parser.add_argument("--jobseekers", type=int, default=5_000)
    parser.add_argument("--slices", default="500,1000,2000,4000")
    parser.add_argument("--baseline", type=int, default=40, help="jobseekers one at a time")
    parser.add_argument("--ray-workers", type=int, default=0, help="0 skips Ray")
    parser.add_argument("--night-new", type=int, default=1000, help="vacancies written by day")
    parser.add_argument("--night-removed", type=int, default=1000, help="vacancies taken down")
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    from karyab.service import Karyab
    from karyab.settings import Settings
    from matching.batch import batch_match, local_runner
    from matching.batch_rank import BlockRanker, VacancyPool

    data_dir = args.data_dir or REPO / ".karyab-data" / f"load-{args.vacancies}"
    build_store(data_dir, args.vacancies)
    engine = Karyab.open(Settings(data_dir=data_dir, load_demo=False, snapshot_depth=DEPTH))
    results: dict[str, Any] = {"depth": DEPTH, "block": {}}
    try:
        add_jobseekers(engine, args.jobseekers)
        counts = engine.counts()
        results["store"] = counts
        print(f"store: {counts['vacancy']} vacancies, {counts['jobseeker']} jobseekers")
        ids = _fresh(engine)

        started = time.perf_counter()
        for jobseeker_id in ids[: args.baseline]:
            engine.matcher.recommend_vacancies(jobseeker_id, DEPTH)
        baseline = args.baseline / (time.perf_counter() - started)
        results["one_at_a_time"] = baseline
        print(f"one at a time (request path): {baseline:.2f} jobseekers/s (baseline)")

        cache = engine.settings.lexical_cache
        cache.unlink(missing_ok=True)  # the first night computes every vacancy's n-grams
        started = time.perf_counter()
        pool = VacancyPool.load(engine.store, engine.matcher, lexical_cache=cache)
        pool_s = time.perf_counter() - started
        results["pool_s"] = pool_s
        print(f"vacancy pool: {len(pool)} vacancies loaded in {pool_s:.1f} s (n-grams cold)")
        ranker = BlockRanker(engine.matcher, pool)
        for size in (int(x) for x in args.slices.split(",")):
            if size > counts["jobseeker"]:
                continue
            _fresh(engine)
            runner = local_runner(engine.store, lambda: ranker, DEPTH)
            report = batch_match(engine.store, runner, chunk_size=500, limit=size)
            assert report.matched == size, report
            rate = report.per_second
            results["block"][size] = rate
            print(f"slice {size:6d}: block {rate:7.2f} jobseekers/s, {rate / baseline:5.1f}x")
        size = max(results["block"])
        next_night(engine, args.night_new, args.night_removed)
        engine.store.set_meta_value("batch_match_reference", None)  # the slice's run is over
        started = time.perf_counter()
        pool = VacancyPool.load(engine.store, engine.matcher, lexical_cache=cache)
        night_pool_s = time.perf_counter() - started
        ranker = BlockRanker(engine.matcher, pool)
        runner = local_runner(engine.store, lambda: ranker, DEPTH)
        report = batch_match(engine.store, runner, chunk_size=500, limit=size)
        assert report.matched == size, report
        results["next_night"] = {
            "new": args.night_new,
            "removed": args.night_removed,
            "jobseekers": size,
            "patched": report.patched,
            "per_second": report.per_second,
            "pool_s": night_pool_s,
        }
        print(
            f"next night (+{args.night_new} vacancies, -{args.night_removed}), slice {size}: "
            f"{report.per_second:7.2f} jobseekers/s, {report.patched} of {size} patched, "
            f"{report.per_second / results['block'][size]:.1f}x the full ranking"
        )
        if args.ray_workers:
            _fresh(engine)
            results["ray"] = _ray_rates(engine, args.ray_workers, size)
            ray = results["ray"]
            print(
                f"ray x{args.ray_workers}, slice {size}: {ray['per_second']:.2f}/s with the "
                f"actors' pools loaded ({ray['pools_s']:.0f} s, in parallel); "
                f"{ray['with_pools']:.2f}/s counting them"
            )
            # And the night after on Ray: those snapshots patched.
            next_night(engine, args.night_new, args.night_removed, seed=3)
            engine.store.set_meta_value("batch_match_reference", None)
            results["ray_next_night"] = _ray_rates(engine, args.ray_workers, size)
            ray = results["ray_next_night"]
            print(
                f"ray x{args.ray_workers}, next night, slice {size}: {ray['per_second']:.2f}/s "
                f"with the pools loaded ({ray['pools_s']:.0f} s), {ray['patched']} patched"
            )
    finally:
        engine.close()
    largest = max(results["block"])
    rate = results["block"][largest]
    night_s = results["pool_s"] + NIGHT / rate
    results["night_minutes"] = night_s / 60
    print(
        f"a night of {NIGHT:,} jobseekers at {rate:.1f}/s: {night_s / 60:.0f} minutes "
        f"(pool {results['pool_s']:.0f} s + ranking); one at a time: "
        f"{NIGHT / baseline / 3600:.0f} hours"
    )
    night = results["next_night"]
    patched_s = night["pool_s"] + NIGHT / night["per_second"]
    results["night_minutes_patched"] = patched_s / 60
    print(
        f"a night of {NIGHT:,} jobseekers patched at {night['per_second']:.1f}/s on one core: "
        f"{patched_s / 60:.0f} minutes (pool {night['pool_s']:.0f} s + patching)"
    )
    if "ray" in results:
        for key, what in (("ray", "ranked in full"), ("ray_next_night", "patched")):
            ray = results[key]
            ray_night_s = ray["pools_s"] + NIGHT / ray["per_second"]
            results[f"night_minutes_{key}"] = ray_night_s / 60
            print(
                f"a night of {NIGHT:,} {what} on Ray x{args.ray_workers} at "
                f"{ray['per_second']:.1f}/s: {ray_night_s / 60:.0f} minutes "
                f"(pools {ray['pools_s']:.0f} s + the rest)"
            )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
