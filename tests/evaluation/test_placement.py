"""The placement harness end to end on the small market, with the fast hashing encoder, the
ten-group coder and the gazetteer-only skill inferencer (the real model runs in the CLI)."""

from __future__ import annotations

import json
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import pytest

from evaluation.market.config import MarketConfig
from evaluation.market.generate import generate_market
from evaluation.placement import (
    SYSTEMS,
    Engine,
    HarnessConfig,
    Timer,
    evaluate_prepared,
    prepare_market,
    subset_market,
    train_ranker,
)
from evaluation.placement_report import write_report
from karyab.cli import main
from models.encoder import HashingEncoder


@pytest.fixture(scope="module")
def results(small_coder, skill_inferencer) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    engine = Engine(HashingEncoder(), small_coder, skill_inferencer)
    config = HarnessConfig(size="small", queries_per_direction=120, bootstrap=200)
    train = subset_market(generate_market(MarketConfig("small", seed=101)), 200, 100)
    valid = subset_market(generate_market(MarketConfig("small", seed=202)), 200, 100)
    model, report = train_ranker(engine, train, valid, config)
    assert report["validation_ndcg@10"]["learned"] > report["validation_ndcg@10"]["semantic_only"]
    timer = Timer()
    prepared = prepare_market(
        generate_market(MarketConfig("small", seed=11)), engine, config, timer
    )
    return evaluate_prepared(prepared, engine, model, config, timer)


def test_every_system_is_scored_in_both_directions(results: dict[str, Any]) -> None:
    assert set(results["systems"]) == set(SYSTEMS)
    for name, metrics in results["systems"].items():
        assert set(metrics["directions"]) == {"jobseeker_to_vacancy", "vacancy_to_jobseeker"}
        for key in ("ndcg@10", "recall@100", "mrr@10", "map@100", "coverage@10"):
            assert 0.0 <= metrics[key] <= 1.0, (name, key)
    assert (
        "exposure_parity_gender@10"
        in (results["systems"]["karyab"]["directions"]["jobseeker_to_vacancy"])
    )


def test_karyab_beats_the_baselines_and_random_is_the_floor(results: dict[str, Any]) -> None:
    ndcg = {name: m["ndcg@10"] for name, m in results["systems"].items()}
    assert ndcg["karyab"] > max(ndcg["bm25"], ndcg["tfidf"], ndcg["e5"])
    assert ndcg["random"] < min(ndcg["bm25"], ndcg["tfidf"], ndcg["e5"])
    first_stage = results["systems"]["karyab"]["first_stage_recall@100"]
    assert first_stage >= 0.9
    names = [target["name"] for target in results["targets"]]
    assert any("BM25" in name for name in names) and any("Recall@100" in name for name in names)


def test_examples_explain_with_matched_and_missing_skills(results: dict[str, Any]) -> None:
    assert results["examples"]
    for example in results["examples"]:
        for item in example["results"]:
            assert "مهارت" in item["explanation"] or "شباهت" in item["explanation"]
            assert isinstance(item["matched_skills"], list)
            assert isinstance(item["missing_skills"], list)


def test_metrics_json_has_the_issue_shape(results: dict[str, Any], tmp_path: Path) -> None:
    write_report(results, tmp_path)
    saved = json.loads((tmp_path / "metrics.json").read_text(encoding="utf-8"))
    assert set(saved["systems"]) == {"random", "bm25", "tfidf", "e5", "karyab"}
    assert "ndcg@10" in saved["systems"]["karyab"]
    assert "recall@100" in saved["systems"]["bm25"]
    assert (tmp_path / "report.html").stat().st_size > 10_000


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--queries", "0"], "--queries"),
        (["--dataset", "huge"], "invalid choice"),
    ],
)
def test_evaluate_rejects_bad_arguments(
    extra: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["evaluate", "--report", str(tmp_path / "r"), "--encoder", "hashing", *extra]
    with pytest.raises(SystemExit) if "invalid" in message else nullcontext():
        code = main(argv)
        assert code == 2
    assert message in capsys.readouterr().err


def test_evaluate_refuses_a_report_path_that_is_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    assert main(["evaluate", "--report", str(target), "--encoder", "hashing"]) == 2
    assert "not a folder" in capsys.readouterr().err
