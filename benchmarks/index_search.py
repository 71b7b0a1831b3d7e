"""Latency of ``index.VectorIndex`` search against a numpy brute-force baseline.

Builds an index of random unit vectors, each tagged with one of 100 provinces (so a
province filter passes 1% of items), then times single-query searches:

* unfiltered: ``VectorIndex.search`` vs numpy ``X @ q`` + ``argpartition``;
* filtered (1% pass): ``VectorIndex.search(where=...)`` vs the same numpy scan with the
  non-passing scores masked out (mask precomputed, which favours the baseline).

Usage: python benchmarks/index_search.py --n 100000 --dim 384 --queries 200
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from index import AttributeValue, VectorIndex

_PROVINCES = 100


def _percentiles_ms(timings: list[float]) -> tuple[float, float]:
    values = np.asarray(timings) * 1e3
    return float(np.percentile(values, 50)), float(np.percentile(values, 99))


def _time_each(
    queries: npt.NDArray[np.float32], run: Callable[[npt.NDArray[np.float32]], object]
) -> list[float]:
    timings = []
    for row in range(queries.shape[0]):
        query = queries[row : row + 1]
        start = time.perf_counter()
        run(query)
        timings.append(time.perf_counter() - start)
    return timings


def _numpy_top_k(
    vectors: npt.NDArray[np.float32],
    query: npt.NDArray[np.float32],
    k: int,
    mask: npt.NDArray[np.bool_] | None = None,
) -> npt.NDArray[np.intp]:
    scores = vectors @ query[0]
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    top = np.argpartition(-scores, k - 1)[:k]
    return top[np.argsort(-scores[top])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="items in the index")
    parser.add_argument("--dim", type=int, default=384, help="vector dimension")
    parser.add_argument("--queries", type=int, default=200, help="timed queries per case")
    parser.add_argument("--k", type=int, default=10, help="results per query")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    vectors = rng.standard_normal((args.n, args.dim), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    queries = rng.standard_normal((args.queries, args.dim), dtype=np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    ids = [f"job-{i}" for i in range(args.n)]
    provinces = rng.integers(0, _PROVINCES, size=args.n)
    attributes: list[dict[str, AttributeValue]] = [
        {"province": f"p{p}", "min_years": int(i % 10)} for i, p in enumerate(provinces)
    ]

    index = VectorIndex(args.dim)
    start = time.perf_counter()
    index.upsert(ids, vectors, attributes)
    build_s = time.perf_counter() - start

    where = {"province": "p7"}
    mask = provinces == 7
    k = args.k

    # Warm up both paths (BLAS threads, page faults, lazily built structures).
    for row in range(min(5, args.queries)):
        index.search(queries[row : row + 1], k)
        index.search(queries[row : row + 1], k, where=where)
        _numpy_top_k(vectors, queries[row : row + 1], k)

    cases = {
        "unfiltered": (
            _time_each(queries, lambda q: index.search(q, k)),
            _time_each(queries, lambda q: _numpy_top_k(vectors, q, k)),
        ),
        f"filtered ({mask.mean():.1%} pass)": (
            _time_each(queries, lambda q: index.search(q, k, where=where)),
            _time_each(queries, lambda q: _numpy_top_k(vectors, q, k, mask)),
        ),
    }

    print(f"n={args.n} dim={args.dim} queries={args.queries} k={k}")
    print(f"build (upsert of {args.n} items with attributes): {build_s:.2f} s")
    print(
        f"{'case':<24}{'index p50':>11}{'index p99':>11}{'numpy p50':>11}{'numpy p99':>11}"
        f"{'ratio p50':>11}"
    )
    for name, (ours, baseline) in cases.items():
        o50, o99 = _percentiles_ms(ours)
        b50, b99 = _percentiles_ms(baseline)
        print(f"{name:<24}{o50:>9.2f}ms{o99:>9.2f}ms{b50:>9.2f}ms{b99:>9.2f}ms{o50 / b50:>10.2f}x")


if __name__ == "__main__":
    main()
