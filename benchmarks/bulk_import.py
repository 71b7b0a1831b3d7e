"""Bulk-import speed: vacancies per second from a CSV file into a fresh store.

N vacancy rows are written as CSV (the demo vacancies with fresh ids, cycling) and imported
with :func:`exchange.import_records`, measured in the same run against a baseline: the raw
store upsert (``SqlStore.upsert_sourced``) of the same records with ready-made vectors, no
reading, validation, normalisation or encoding.

(a) hashing encoder, occupation coder and skills off: the import's own cost. Time spent in
    the encoder and the text normaliser (each timed where the engine calls it) is reported,
    and the rate without them ("excluding encoding"; target >= 2,000 vacancies/s).
(b) the real e5 encoder (int8, as the service runs it) on a slice (--e5-rows; target >= 150
    vacancies/s), occupation coder and skills off as in (a).

    python benchmarks/bulk_import.py [--rows 20000] [--e5-rows 500] [--batch-size 1000]
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

HEADER = ["شناسه", "عنوان", "شرح", "کارفرما", "استان", "شهر", "کد شغل", "سابقه", "تحصیلات"]
HEADER += ["مهارت‌ها", "نوع همکاری", "تاریخ"]


def _write_rows(path: Path, n: int) -> None:
    from demo import load_demo_vacancies

    demo = load_demo_vacancies()
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(n):
            v = demo[i % len(demo)]
            writer.writerow(
                [
                    f"bench-{i:07d}",
                    v["title"],
                    v["text"],
                    v.get("employer") or "",
                    v.get("province") or "",
                    v.get("city") or "",
                    v.get("isco_code") or "",
                    v.get("min_experience_years") or "",
                    v.get("education") or "",
                    " | ".join(v.get("skills") or ()),
                    v.get("employment_type") or "",
                    v.get("posted_at") or "",
                ]
            )


class _Timer:
    """Wraps a function and adds up the seconds spent in it."""

    def __init__(self, function: Callable[..., Any]) -> None:
        self.function = function
        self.seconds = 0.0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return self.function(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - started


def _baseline(path: Path, data_dir: Path, batch: int, dim: int) -> float:
    """Rows/s of the raw store upsert of the file's records (parsed beforehand, untimed)."""
    import numpy as np

    from exchange.importer import inspect_file
    from exchange.rows import CheckedRow, RowChecker
    from storage.sql_store import SqlStore, sqlite_url

    checker = RowChecker("vacancy", "bench")
    rows = [r for r in map(checker.check, inspect_file(path, "vacancy").rows())]
    checked = [r for r in rows if isinstance(r, CheckedRow)]
    vectors = np.random.default_rng(0).standard_normal((len(checked), dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    data_dir.mkdir(parents=True)
    store = SqlStore(sqlite_url(data_dir / "karyab.sqlite3"))
    started = time.perf_counter()
    for start in range(0, len(checked), batch):
        part = checked[start : start + batch]
        store.upsert_sourced(
            "vacancy",
            "bench",
            [r.source_id for r in part],
            [r.record for r in part],
            vectors[start : start + batch],
            vectors[start : start + batch],
            "baseline",
        )
    seconds = time.perf_counter() - started
    store.close()
    return len(checked) / seconds


def _validate_rate(path: Path) -> float:
    from exchange.importer import inspect_file
    from exchange.rows import RowChecker

    started = time.perf_counter()
    checker = RowChecker("vacancy", "bench")
    count = sum(1 for raw in inspect_file(path, "vacancy").rows() if checker.check(raw))
    return count / (time.perf_counter() - started)


def _import(engine: Any, path: Path, batch: int) -> dict[str, float]:
    """Import ``path``, timing the encoder and the normaliser where the engine calls them."""
    import karyab.service as service
    from exchange import import_records

    encode = _Timer(engine.encoder.encode)
    normalize = _Timer(service.normalize)
    engine.encoder.encode = encode  # instance attribute: isinstance checks still hold
    service.normalize = normalize
    try:
        started = time.perf_counter()
        report = import_records(engine, "vacancy", path, source_system="bench", batch_size=batch)
        seconds = time.perf_counter() - started
    finally:
        service.normalize = normalize.function
        del engine.encoder.encode
    assert report.imported == report.rows_read, report.errors[:3]
    rest = seconds - encode.seconds - normalize.seconds
    return {
        "rows": report.imported,
        "seconds": seconds,
        "rate": report.imported / seconds,
        "encode_s": encode.seconds,
        "normalize_s": normalize.seconds,
        "rate_excluding_encoding": report.imported / rest,
    }


def _print(label: str, result: dict[str, float], baseline: float) -> None:
    print(
        f"{label:34s} {result['rate']:8.1f} rows/s  ({result['rows']:.0f} rows, "
        f"{result['seconds']:.1f} s: encoder {result['encode_s']:.1f} s, "
        f"normaliser {result['normalize_s']:.1f} s)  {result['rate'] / baseline:.3f}x baseline"
    )
    rate = result["rate_excluding_encoding"]
    label = "  excluding encoder+normaliser"
    print(f"{label:34s} {rate:8.1f} rows/s  {rate / baseline:.3f}x baseline")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=20_000, help="rows for (a)")
    parser.add_argument("--e5-rows", type=int, default=500, help="rows for (b); 0 skips it")
    parser.add_argument("--batch-size", type=int, default=1000)
    args = parser.parse_args()

    import torch

    from karyab.service import Karyab
    from karyab.settings import Settings
    from models.encoder import E5Encoder, HashingEncoder

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        path = work / "vacancies.csv"
        _write_rows(path, args.rows)
        size = path.stat().st_size / 1e6
        print(f"{args.rows} rows, {size:.1f} MB of CSV, batches of {args.batch_size}")
        print(f"torch threads: {torch.get_num_threads()}")
        baseline = _baseline(path, work / "baseline", args.batch_size, 384)
        print(f"{'raw store upsert (baseline)':34s} {baseline:8.1f} rows/s  1.000x")
        rate = _validate_rate(path)
        print(f"{'read + validate only':34s} {rate:8.1f} rows/s  {rate / baseline:.3f}x baseline")

        off: dict[str, Any] = {
            "load_demo": False,
            "occupation_coder": False,
            "skills": False,
            "ranker": False,
        }
        settings = Settings(data_dir=work / "hashing", encoder="hashing", **off)
        engine = Karyab.open(settings, HashingEncoder())
        try:
            _print("(a) import, hashing encoder", _import(engine, path, args.batch_size), baseline)
        finally:
            engine.close()

        if args.e5_rows:
            from models.convert import ensure_model

            models = Path(
                os.environ.get("KARYAB_TEST_MODELS_DIR", REPO / ".karyab-data" / "models")
            )
            encoder = E5Encoder(ensure_model(models).path)
            encoder.encode(["گرم کردن"] * 8, "query")  # warm-up, untimed
            e5_path = work / "e5.csv"
            _write_rows(e5_path, args.e5_rows)
            settings = Settings(data_dir=work / "e5", encoder="e5", **off)
            engine = Karyab.open(settings, encoder)
            try:
                _print("(b) import, e5", _import(engine, e5_path, args.batch_size), baseline)
            finally:
                engine.close()


if __name__ == "__main__":
    main()
