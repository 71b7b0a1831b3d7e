"""Skills-inference speed: ads per second for full inference on this machine's cores.

Full inference = normalisation, segmentation with boilerplate detection, the gazetteer
(explicit), the static-embedding implicit matcher, and occupation coding with the e5-based
coder (occupation-implied skills). Measured in the same run on the same ads:

- baseline: the gazetteer alone (explicit mentions only);
- e5 implicit: the implicit matcher run with e5 itself instead of the static model (what the
  static model replaces).

Ads are the demo vacancies plus the annotated evaluation documents, repeated to --n.

    python benchmarks/skill_inference.py [--data-dir DIR] [--n 400]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _rate(run, texts: list[str]) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    run(texts)
    return len(texts) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--n", type=int, default=400, help="ads per measurement")
    parser.add_argument(
        "--e5-n", type=int, default=60, help="ads for the slow e5 variant (0 skips it)"
    )
    args = parser.parse_args()

    import torch

    from demo import load_demo_vacancies
    from evaluation.skills import load_annotated
    from karyab.service import build_coder_encoder, build_encoder, build_skill_inferencer
    from karyab.settings import Settings
    from models.occupation_training import ensure_occupation_coder
    from skills.implicit import ImplicitSkillMatcher
    from skills.inference import SkillInferencer
    from taxonomy.isco import load_isco

    settings = Settings(**({"data_dir": args.data_dir} if args.data_dir else {}))  # type: ignore[arg-type]
    encoder = build_encoder(settings)
    coder = ensure_occupation_coder(
        load_isco(), build_coder_encoder(settings, encoder), settings.models_dir
    )
    full = build_skill_inferencer(settings, encoder, coder)
    explicit_only = SkillInferencer(full.taxonomy, full.gazetteer)

    ads = [f"{v['title']}\n{v['text']}" for v in load_demo_vacancies()]
    ads += [d.text for d in load_annotated() if d.kind == "vacancy"]
    texts = (ads * (args.n // len(ads) + 1))[: args.n]
    # Distinct texts: the coder codes each distinct title once, repeats would flatter it.
    distinct = [f"{t}\n{i}" for i, t in enumerate(texts)]
    full.infer_many(distinct[:20])  # warm-up

    baseline = _rate(lambda batch: explicit_only.infer_many(batch), distinct)
    full_rate = _rate(lambda batch: full.infer_many(batch), distinct)
    no_coding = _rate(lambda batch: full.infer_many(batch, code_occupations=False), distinct)
    print(f"threads: {torch.get_num_threads()}   ads: {len(distinct)} distinct")
    print(f"explicit only (baseline)          {baseline:8.1f} ads/s   1.00x")
    print(f"full (explicit+implicit+coding)   {full_rate:8.1f} ads/s   {full_rate / baseline:.2f}x")
    print(f"full, occupation given            {no_coding:8.1f} ads/s   {no_coding / baseline:.2f}x")
    if args.e5_n:  # embedding every label with e5 first takes minutes
        e5_implicit = SkillInferencer(
            full.taxonomy, full.gazetteer, implicit=ImplicitSkillMatcher(full.taxonomy, encoder)
        )
        e5_rate = _rate(
            lambda batch: e5_implicit.infer_many(batch, code_occupations=False),
            distinct[: args.e5_n],
        )
        print(f"implicit with e5 instead          {e5_rate:8.1f} ads/s   {e5_rate / baseline:.2f}x")


if __name__ == "__main__":
    main()
