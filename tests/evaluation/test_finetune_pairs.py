"""The pairs the encoder is fine-tuned on: best-fit jobseeker-vacancy pairs and taxonomy
title pairs."""

from __future__ import annotations

from pathlib import Path

from evaluation.finetune import market_pairs, taxonomy_pairs
from evaluation.market.config import MarketConfig
from evaluation.market.generate import generate_market
from nlp.normalize import normalize


def test_market_pairs_are_grade_3_fits() -> None:
    market = generate_market(MarketConfig("small", seed=3))
    pairs = market_pairs(market)
    assert pairs
    documents = {
        normalize(f"{r['title']}\n{r['text']}"): r["id"]
        for r in market.vacancies + market.jobseekers
    }
    for seeker_text, vacancy_text in pairs[:50]:
        seeker, vacancy = documents[seeker_text], documents[vacancy_text]
        assert market.qrels_for_jobseekers[seeker][vacancy] == 3
    # at most one pair per jobseeker by default
    assert len({s for s, _ in pairs}) == len(pairs)


def test_taxonomy_pairs_link_a_title_to_its_unit_group_title() -> None:
    pairs = taxonomy_pairs(200, seed=1)
    assert len(pairs) == 200
    assert all(title and group for title, group in pairs)
    assert pairs == taxonomy_pairs(200, seed=1)


def test_trained_before_needs_figures_and_weights(tmp_path: Path) -> None:
    from evaluation.finetune import TRAINING_FILE, trained_before

    folder = tmp_path / "tuned"
    assert trained_before(folder) is None
    folder.mkdir()
    (folder / TRAINING_FILE).write_text('{"pairs": 3}', encoding="utf-8")
    assert trained_before(folder) is None  # figures without weights: an interrupted copy
    (folder / "model.safetensors").write_bytes(b"x")
    assert trained_before(folder) == {"pairs": 3}
    (folder / TRAINING_FILE).write_text("{not json", encoding="utf-8")
    assert trained_before(folder) is None
