"""Approximate nearest-neighbour indexes against exact search, on e5-shaped vectors.

Vectors: synthetic unit vectors of the encoder's dimension (384) shaped like e5's: a strong
shared direction (e5 cosines sit around 0.8), 500 topics with 20,000 subtopics, and noise
whose variance decays over dimensions (embeddings have a low intrinsic dimension). Queries
come from the same distribution. For each index the run measures build time, memory (the
serialised index), recall@10 against exact search, and single-threaded single-query p50/p99
latency; the search parameter (efSearch, nprobe) is the smallest that reaches recall@10 ≥
0.955 (the target 0.95 plus a margin) on 1,000 separate tuning queries, where one does.

``karyab`` is the product's own ``index.VectorIndex`` as the service runs it (default
``IndexPolicy``: exact up to 100,000 items, then IVF-SQ8 with nprobe 64), filled in batches
of 100,000 as a store rebuild fills it, string ids and attributes included, retraining on
the unquantised vectors as the service does from its store; its memory is
the faiss block, and ``process_mb`` the growth of the process (ids and attributes too).
``filtered`` measures it under filters that keep 50%, 10%, 1% and 0.1% of the items (an
attribute independent of the vectors, like a province), against exact filtered search.

    python benchmarks/ann.py --n 1000000 --json ann.json [--only ivf_sq8,karyab]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import time
from collections.abc import Callable
from pathlib import Path

import faiss
import numpy as np

DIM = 384
TARGET_RECALL = 0.95
TUNING_MARGIN = 0.005
FILTER_SHARES = (0.5, 0.1, 0.01, 0.001)


def e5_like_vectors(n: int, rng: np.random.Generator, seed: int = 11) -> np.ndarray:
    """Unit vectors with e5's shape: a shared direction, topics and subtopics, and noise whose
    variance decays over dimensions (sentence embeddings have a low intrinsic dimension).
    The topic structure comes from ``seed`` so that base and query sets share it."""
    structure = np.random.default_rng(seed)
    shared = structure.standard_normal(DIM).astype(np.float32)
    shared /= np.linalg.norm(shared)
    spectrum = (np.arange(1, DIM + 1, dtype=np.float32) ** -0.9)[structure.permutation(DIM)]
    spectrum /= np.linalg.norm(spectrum)
    topics = structure.standard_normal((500, DIM)).astype(np.float32) * spectrum * 1.0
    subtopics = structure.standard_normal((20_000, DIM)).astype(np.float32) * spectrum * 0.6
    parent = structure.integers(0, 500, 20_000)
    out = np.empty((n, DIM), dtype=np.float32)
    for start in range(0, n, 100_000):
        size = min(100_000, n - start)
        sub = rng.integers(0, 20_000, size)
        noise = rng.standard_normal((size, DIM)).astype(np.float32) * spectrum * 0.45
        block = 1.9 * shared + topics[parent[sub]] + subtopics[sub] + noise
        out[start : start + size] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def recall_at_10(found: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([len(set(f) & set(t)) / 10 for f, t in zip(found, truth, strict=True)]))


def latencies_ms(index: faiss.Index, queries: np.ndarray) -> tuple[np.ndarray, float, float]:
    found = np.empty((len(queries), 10), dtype=np.int64)
    times = []
    for i, query in enumerate(queries):
        started = time.perf_counter()
        _, ids = index.search(query[None], 10)
        times.append(time.perf_counter() - started)
        found[i] = ids[0]
    ms = np.asarray(times) * 1e3
    return found, float(np.percentile(ms, 50)), float(np.percentile(ms, 99))


def tune(
    index: faiss.Index,
    set_param: Callable[[int], None],
    values: list[int],
    queries: np.ndarray,
    truth: np.ndarray,
) -> int:
    """The smallest parameter value reaching the target recall (else the largest)."""
    for value in values:
        set_param(value)
        _, ids = index.search(queries, 10)
        if recall_at_10(ids, truth) >= TARGET_RECALL + TUNING_MARGIN:
            return value
    set_param(values[-1])
    return values[-1]


def rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def measure_product(
    base: np.ndarray,
    queries: np.ndarray,
    truth: np.ndarray,
    exact_p99: float,
    rng: np.random.Generator,
) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """The product index (:class:`index.VectorIndex`, default policy) unfiltered and under
    filters of falling selectivity, single-threaded queries."""
    from index.vector_index import VectorIndex

    n = len(base)
    groups = rng.integers(0, 1000, n)
    ids = [f"v{i}" for i in range(n)]
    faiss.omp_set_num_threads(2)
    before = rss_mb()
    started = time.perf_counter()
    # Retraining reads the unquantised vectors, as the service reads them from its store.
    index = VectorIndex(DIM, exact_vectors=lambda wanted: {i: base[int(i[1:])] for i in wanted})
    for start in range(0, n, 100_000):
        stop = min(n, start + 100_000)
        attributes = [{"group": int(g)} for g in groups[start:stop]]
        index.upsert(ids[start:stop], base[start:stop], attributes)
    build_s = time.perf_counter() - started
    process_mb = rss_mb() - before
    faiss.omp_set_num_threads(1)
    position = {item: row for row, item in enumerate(ids)}

    def run(where: dict[str, object] | None) -> tuple[list[list[int]], np.ndarray]:
        found, times = [], []
        for query in queries:
            started = time.perf_counter()
            hits = index.search(query[None], 10, where=where)[0]
            times.append(time.perf_counter() - started)
            found.append([position[h.id] for h in hits])
        return found, np.asarray(times) * 1e3

    found, ms = run(None)
    unfiltered = {
        "recall@10": round(recall_at_10(np.asarray(found), truth), 4),
        "p50_ms": round(float(np.percentile(ms, 50)), 3),
        "p99_ms": round(float(np.percentile(ms, 99)), 3),
        "build_s": round(build_s, 1),
        "memory_mb": round(faiss.serialize_index(index._index).nbytes / 2**20, 1),
        "process_mb": round(process_mb, 1),
        "kind": index.kind,  # type: ignore[dict-item]
        "nprobe": index.policy.nprobe,
        "speedup_p99": round(exact_p99 / float(np.percentile(ms, 99)), 1),
    }
    filtered: dict[str, dict[str, float]] = {}
    for share in FILTER_SHARES:
        kept = list(range(round(share * 1000)))
        mask = np.isin(groups, kept)
        rows = np.flatnonzero(mask)
        scores = queries @ base[rows].T
        exact_rows = rows[np.argsort(-scores, axis=1)[:, :10]]
        found, ms = run({"group": kept})
        recall = np.mean(
            [len(set(f) & set(t)) / 10 for f, t in zip(found, exact_rows, strict=True)]
        )
        filtered[str(share)] = {
            "passing": int(mask.sum()),
            "recall@10": round(float(recall), 4),
            "p50_ms": round(float(np.percentile(ms, 50)), 3),
            "p99_ms": round(float(np.percentile(ms, 99)), 3),
        }
    return unfiltered, filtered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--only", help="comma-separated index names to run (default: all)")
    args = parser.parse_args()

    rng = np.random.default_rng(7)
    base = e5_like_vectors(args.n, rng)
    queries = e5_like_vectors(args.queries, rng)
    tuning = e5_like_vectors(1000, rng)

    faiss.omp_set_num_threads(2)
    exact = faiss.IndexFlatIP(DIM)
    exact.add(base)
    _, truth = exact.search(queries, 10)
    _, tuning_truth = exact.search(tuning, 10)
    faiss.omp_set_num_threads(1)
    _, exact_p50, exact_p99 = latencies_ms(exact, queries)

    nlist = int(4 * math.sqrt(args.n))
    builders: dict[str, tuple[Callable[[], faiss.Index], str, list[int]]] = {
        "hnsw32_flat": (
            lambda: faiss.IndexHNSWFlat(DIM, 32, faiss.METRIC_INNER_PRODUCT),
            "efSearch",
            [16, 32, 48, 64, 96, 128, 192, 256, 384, 512],
        ),
        "hnsw32_sq8": (
            lambda: faiss.IndexHNSWSQ(
                DIM, faiss.ScalarQuantizer.QT_8bit, 32, faiss.METRIC_INNER_PRODUCT
            ),
            "efSearch",
            [16, 32, 48, 64, 96, 128, 192, 256, 384, 512],
        ),
        "ivf_sq8": (
            lambda: faiss.IndexIVFScalarQuantizer(
                faiss.IndexFlatIP(DIM),
                DIM,
                nlist,
                faiss.ScalarQuantizer.QT_8bit,
                faiss.METRIC_INNER_PRODUCT,
            ),
            "nprobe",
            [1, 2, 4, 8, 16, 32, 64, 128],
        ),
        "ivf_pq48": (
            lambda: faiss.IndexIVFPQ(
                faiss.IndexFlatIP(DIM), DIM, nlist, 48, 8, faiss.METRIC_INNER_PRODUCT
            ),
            "nprobe",
            [1, 2, 4, 8, 16, 32, 64, 128],
        ),
    }
    results: dict[str, dict[str, float]] = {}
    for name, (make, parameter, values) in builders.items():
        if args.only and name not in args.only.split(","):
            continue
        faiss.omp_set_num_threads(2)
        started = time.perf_counter()
        index = make()
        if name.startswith("hnsw"):
            index.hnsw.efConstruction = 80
        if not index.is_trained:
            index.train(base[rng.choice(args.n, min(args.n, 50 * nlist), replace=False)])
        index.add(base)
        build_s = time.perf_counter() - started
        memory_mb = faiss.serialize_index(index).nbytes / 2**20

        def set_param(value: int, index: faiss.Index = index, parameter: str = parameter) -> None:
            if parameter == "efSearch":
                index.hnsw.efSearch = value
            else:
                index.nprobe = value

        chosen = tune(index, set_param, values, tuning, tuning_truth)
        faiss.omp_set_num_threads(1)
        found, p50, p99 = latencies_ms(index, queries)
        results[name] = {
            "recall@10": round(recall_at_10(found, truth), 4),
            "p50_ms": round(p50, 3),
            "p99_ms": round(p99, 3),
            "build_s": round(build_s, 1),
            "memory_mb": round(memory_mb, 1),
            parameter: chosen,
            "speedup_p99": round(exact_p99 / p99, 1),
        }
        print(f"{name:<12} {results[name]}", flush=True)
    filtered: dict[str, dict[str, float]] = {}
    if not args.only or "karyab" in args.only.split(","):
        results["karyab"], filtered = measure_product(base, queries, truth, exact_p99, rng)
        print(f"{'karyab':<12} {results['karyab']}", flush=True)
        for share, figures in filtered.items():
            print(f"  filter keeping {share}: {figures}", flush=True)
    report = {
        "n": args.n,
        "exact": {"p50_ms": round(exact_p50, 3), "p99_ms": round(exact_p99, 3)},
        "indexes": results,
        "filtered": filtered,
    }
    print(f"exact        p50 {exact_p50:.2f} ms, p99 {exact_p99:.2f} ms (the baseline)")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
