"""Fine-tuning the encoder with MultipleNegativesRankingLoss, and whether it helps.

Pairs come from two places: the taxonomy (a Persian occupational title of the project's index
with the Persian title of its ISCO-08 unit group) and a generated training market (a
jobseeker's profile head with the head of a vacancy it fits best, grade 3). In-batch
negatives do the rest. The loop is plain torch around sentence-transformers' loss, so no
trainer framework is needed.

``python -m evaluation.finetune --report DIR`` fine-tunes, then evaluates the zero-shot and the
fine-tuned encoder on fresh small markets in both settings (the untuned one matters: nothing
was tuned on its styles) and writes DIR/finetune.json.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tqdm.auto import tqdm

from evaluation.market.config import MarketConfig, Setting
from evaluation.market.generate import Market, generate_market
from nlp.normalize import normalize

logger = logging.getLogger(__name__)

TRAINING_FILE = "karyab-finetune.json"  # training figures, written beside the weights


def market_pairs(market: Market, *, per_jobseeker: int = 1, seed: int = 0) -> list[tuple[str, str]]:
    """(jobseeker document, vacancy document) for grade-3 pairs, ``per_jobseeker`` each."""
    vacancies = {v["id"]: v for v in market.vacancies}
    rng = random.Random(seed)
    pairs: list[tuple[str, str]] = []
    for seeker in market.jobseekers:
        best = [
            v
            for v, grade in market.qrels_for_jobseekers.get(seeker["id"], {}).items()
            if grade == 3
        ]
        rng.shuffle(best)
        for vacancy_id in best[:per_jobseeker]:
            vacancy = vacancies[vacancy_id]
            pairs.append(
                (
                    normalize(f"{seeker['title']}\n{seeker['text']}"),
                    normalize(f"{vacancy['title']}\n{vacancy['text']}"),
                )
            )
    return pairs


def taxonomy_pairs(limit: int, *, seed: int = 0) -> list[tuple[str, str]]:
    """(Persian occupational title, Persian title of its ISCO unit group)."""
    from taxonomy.isco import load_isco
    from taxonomy.titles import load_title_index

    isco = load_isco()
    entries = [e for e in load_title_index() if e.code in isco and isco.get(e.code).title_fa]
    rng = random.Random(seed)
    rng.shuffle(entries)
    return [(normalize(e.title), normalize(isco.get(e.code).title_fa)) for e in entries[:limit]]


def finetune(
    model_dir: Path,
    pairs: Sequence[tuple[str, str]],
    out_dir: Path,
    *,
    epochs: int = 1,
    batch_size: int = 16,
    learning_rate: float = 2e-5,
    max_tokens: int = 64,
    seed: int = 0,
    show_progress: bool = False,
) -> dict[str, Any]:
    """Fine-tune the sentence-transformers model in ``model_dir`` on ``pairs`` and save it to
    ``out_dir`` (written to a temporary folder first, then renamed)."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.losses import MultipleNegativesRankingLoss

    torch.manual_seed(seed)
    model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
    model.max_seq_length = max_tokens
    # The 250,000-row multilingual vocabulary is 80% of the weights; updating it with Adam
    # on every step costs far more than the transformer layers, and a few thousand pairs
    # would not move it usefully anyway.
    for name, parameter in model.named_parameters():
        if "word_embeddings" in name:
            parameter.requires_grad_(False)
    loss = MultipleNegativesRankingLoss(model)
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=learning_rate)
    prompt = model.prompts.get("query") or "query: "
    order = list(pairs)
    started = time.perf_counter()
    seen = 0
    losses: list[float] = []
    model.train()
    for epoch in range(epochs):
        random.Random(seed + epoch).shuffle(order)
        batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
        for batch in tqdm(
            batches, desc=f"fine-tuning (epoch {epoch + 1})", disable=not show_progress
        ):
            if len(batch) < 2:
                continue
            anchors = model.preprocess([prompt + a for a, _ in batch])
            positives = model.preprocess([prompt + b for _, b in batch])
            value = loss([anchors, positives], labels=None)
            optimizer.zero_grad()
            value.backward()
            optimizer.step()
            losses.append(float(value.detach()))
            seen += len(batch)
    model.eval()
    seconds = time.perf_counter() - started
    stats = {
        "pairs": len(pairs),
        "epochs": epochs,
        "batch_size": batch_size,
        "max_tokens": max_tokens,
        "seconds": round(seconds, 1),
        "pairs_per_second": round(seen / seconds, 2) if seconds else 0.0,
        "first_loss": round(losses[0], 4) if losses else None,
        "last_loss": round(sum(losses[-10:]) / len(losses[-10:]), 4) if losses else None,
    }
    tmp = out_dir.with_name(out_dir.name + ".tmp")
    model.max_seq_length = 512
    model.save(str(tmp))
    (tmp / TRAINING_FILE).write_text(json.dumps(stats, indent=2), encoding="utf-8")
    if out_dir.exists():
        import shutil

        shutil.rmtree(out_dir)
    os.replace(tmp, out_dir)
    return stats


def trained_before(out_dir: Path) -> dict[str, Any] | None:
    """The training figures of a fine-tuned folder written earlier, if it is complete."""
    try:
        stats = json.loads((out_dir / TRAINING_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return stats if (out_dir / "model.safetensors").is_file() else None


def _evaluate_with(
    encoder_dir: Path, label: str, engine_parts: dict[str, Any], settings: tuple[Setting, ...]
) -> dict[str, Any]:
    from evaluation.placement import (
        Engine,
        HarnessConfig,
        run_placement,
        subset_market,
        train_ranker,
    )
    from models.encoder import E5Encoder

    encoder = E5Encoder(encoder_dir)
    engine = Engine(encoder, engine_parts["coder"], engine_parts["skills"])
    config = HarnessConfig(size="small", seed=31, bootstrap=300)
    train = subset_market(generate_market(MarketConfig("small", seed=111)), 400, 200)
    valid = subset_market(generate_market(MarketConfig("small", seed=222)), 400, 200)
    model, _ = train_ranker(engine, train, valid, config)
    out: dict[str, Any] = {}
    for setting in settings:
        results = run_placement(
            engine, model, HarnessConfig(size="small", setting=setting, seed=31)
        )
        out[setting] = {
            name: {
                key: round(value, 4)
                for key, value in metrics.items()
                if key in ("ndcg@10", "recall@100", "first_stage_recall@100")
            }
            for name, metrics in results["systems"].items()
            if name in ("e5", "karyab")
        }
    logger.info("%s: %s", label, out)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--report", required=True, help="folder for finetune.json")
    parser.add_argument("--data-dir", default=".karyab-data", help="karyab data dir (models)")
    parser.add_argument("--market-pairs", type=int, default=2000)
    parser.add_argument("--taxonomy-pairs", type=int, default=1000)
    parser.add_argument(
        "--reuse", action="store_true", help="evaluate the fine-tuned model of an earlier run"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    from karyab.service import build_skill_inferencer
    from karyab.settings import Settings
    from models.convert import ensure_model
    from models.encoder import E5Encoder
    from models.occupation_training import ensure_occupation_coder
    from taxonomy.isco import load_isco

    settings = Settings(data_dir=Path(args.data_dir))
    base_dir = ensure_model(settings.models_dir).path
    base = E5Encoder(base_dir)
    coder = ensure_occupation_coder(load_isco(), base, settings.models_dir)
    parts = {"coder": coder, "skills": build_skill_inferencer(settings, base, coder)}

    tuned_dir = settings.models_dir / "e5-finetuned-placement"
    training = trained_before(tuned_dir) if args.reuse else None
    if training is None:
        market = generate_market(MarketConfig("medium", seed=303))
        pairs = market_pairs(market)[: args.market_pairs] + taxonomy_pairs(args.taxonomy_pairs)
        training = finetune(base_dir, pairs, tuned_dir, show_progress=True)
    report = {
        "training": training,
        "zero_shot": _evaluate_with(base_dir, "zero-shot", parts, ("standard", "untuned")),
        "fine_tuned": _evaluate_with(tuned_dir, "fine-tuned", parts, ("standard", "untuned")),
    }
    folder = Path(args.report)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "finetune.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
