"""The placement report on hand-made results: page structure, escaping, charts, files."""

from __future__ import annotations

import json
import math
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from evaluation import placement_charts, placement_report
from evaluation.placement_report import (
    metric_keys,
    render_report,
    write_metrics_json,
    write_report,
)

SCRIPT = "<script>alert(1)</script>"
EXPLANATION = "۴ از ۵ مهارت ضروری؛ همان استان"
VOID = {"meta", "img", "br", "hr", "link", "input", "col", "wbr", "source"}
J2V, V2J = "jobseeker_to_vacancy", "vacancy_to_jobseeker"


def _flat(ndcg: float, scale: float) -> dict[str, Any]:
    return {
        "ndcg@10": ndcg,
        "recall@10": 0.2 * scale,
        "recall@100": 0.6 * scale,
        "mrr@10": 0.3 * scale,
        "map@100": 0.25 * scale,
        "coverage@10": 0.4 * scale,
        "concentration@10": 0.5 / scale,
        "exposure_parity_province@10": 0.9,
        "novelty@10": 0.123456,  # unknown metric: still shown
    }


def _system(j2v: float, v2j: float, scale: float) -> dict[str, Any]:
    mean = (j2v + v2j) / 2
    return {
        **_flat(mean, scale),
        "seconds": 12.3 * scale,
        "directions": {J2V: _flat(j2v, scale), V2J: _flat(v2j, scale)},
        "ci": {"ndcg@10": [mean - 0.02, mean + 0.02]},
    }


def full_results() -> dict[str, Any]:
    systems = {"bm25": _system(0.31, 0.29, 1.0), "karyab": _system(0.44, 0.40, 1.5)}
    systems["karyab"]["first_stage_recall@100"] = 0.8
    ratios = {"karyab/bm25": {"ndcg@10": {J2V: [1.4, 1.25, 1.55], V2J: [1.43, 0.9, 1.6]}}}
    targets = [
        {"name": "karyab nDCG@10 ≥ 1.3 × BM25 (jobseeker→vacancy)", "value": 1.4,
         "target": 1.3, "met": True},
        {"name": "karyab nDCG@10 ≥ 1.5 × BM25 (vacancy→jobseeker)", "value": 1.43,
         "target": 1.5, "met": False},
    ]  # fmt: skip
    dataset = {"size": "small", "setting": "standard", "seed": 7, "jobseekers": 1000,
               "vacancies": 500, "queries_per_direction": 200, "generated_s": 4.2}  # fmt: skip
    untuned_systems = {"bm25": _system(0.3, 0.28, 1.0), "karyab": _system(0.35, 0.33, 1.2)}
    return {
        "dataset": dataset,
        "systems": systems,
        "ratios": ratios,
        "targets": targets,
        "untuned": {"dataset": {**dataset, "setting": "untuned"}, "systems": untuned_systems},
        "feature_importance": {"semantic": 0.31, "skills_essential": 0.22, "province": 0.05},
        "examples": [
            {
                "direction": J2V,
                "query_title": "برنامه‌نویس پایتون",
                "results": [
                    {
                        "title": "توسعه‌دهندهٔ بک‌اند " + SCRIPT,
                        "grade": 3,
                        "explanation": EXPLANATION,
                        "matched_skills": ["پایتون", "SQL"],
                        "missing_skills": ["داکر"],
                    },
                    {"title": "حسابدار", "grade": 0, "explanation": "هیچ مهارت مشترکی نیست"},
                ],
            }
        ],
        "timing": {"total_s": 61.0, "stages": {"generate": 4.2, "encode": 30.0}},
    }


class _Checker(HTMLParser):
    """Fails on a closing tag that does not match the open one; counts images and text."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.images: list[str] = []
        self.html_attrs: dict[str, str | None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.html_attrs = dict(attrs)
        if tag == "img":
            self.images.append(dict(attrs).get("src") or "")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:]}")
        else:
            self.stack.pop()


def _parse(page: str) -> _Checker:
    checker = _Checker()
    checker.feed(page)
    checker.close()
    assert checker.errors == []
    assert checker.stack == []
    return checker


@pytest.fixture(scope="module")
def page() -> str:
    return render_report(full_results())


def test_page_is_balanced_rtl_persian(page: str) -> None:
    checker = _parse(page)
    assert checker.html_attrs.get("dir") == "rtl"
    assert checker.html_attrs.get("lang") == "fa"
    assert '<meta charset="utf-8">' in page
    assert "http://" not in page and "https://" not in page  # works offline


def test_page_shows_systems_values_and_unknown_metrics(page: str) -> None:
    for text in ("bm25", "karyab", "0.310", "0.440", "0.420", "novelty@10", "0.123"):
        assert text in page
    assert "first_stage_recall@100" in page
    assert "<b>0.440</b>" in page  # karyab's j2v nDCG is the best of its column
    assert "<b>0.333</b>" in page  # karyab's concentration: lower is better
    assert "<b>0.123</b>" not in page  # a column of equal values has no best
    assert page.index(">ndcg@10<") < page.index(">recall@10<") < page.index(">novelty@10<")
    assert "[0.400, 0.440]" in page  # karyab's CI
    assert "1.400" in page and "[1.250, 1.550]" in page  # a ratio with its interval
    assert "حالت تنظیم‌نشده" in page and "✔" in page and "✘" in page


def test_page_shows_examples_escaped(page: str) -> None:
    assert EXPLANATION in page
    assert "پایتون، SQL" in page
    assert SCRIPT not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_page_embeds_png_charts(page: str) -> None:
    images = _parse(page).images
    pngs = [src for src in images if src.startswith("data:image/png;base64,iVBORw0KGgo")]
    assert len(pngs) >= 2
    assert len(pngs) == len(images)


def test_minimal_results_with_missing_values() -> None:
    results = {"systems": {"random": {"ndcg@10": math.nan, "recall@10": None, "mrr@10": 0.02},
                           SCRIPT: {"ndcg@10": 0.1}}}  # fmt: skip
    page = render_report(results)
    _parse(page)
    assert "random" in page and "0.100" in page and "0.020" in page
    assert "—" in page and "nan" not in page.lower().replace("nanoe", "")
    assert SCRIPT not in page


def test_no_systems_still_renders() -> None:
    _parse(render_report({}))
    with pytest.raises(TypeError):
        render_report([])  # type: ignore[arg-type]


def test_metric_keys_order() -> None:
    rows = [{"zeta": 1, "exposure_parity_gender@10": 1, "recall@10": 1, "seconds": 1},
            {"ndcg@10": 1, "directions": {}, "ci": {}}]  # fmt: skip
    assert metric_keys(rows) == ["ndcg@10", "recall@10", "exposure_parity_gender@10", "zeta"]


def test_metrics_json_round_trip(tmp_path: Path) -> None:
    import numpy as np

    results = full_results()
    results["systems"]["bm25"]["mrr@10"] = math.nan
    results["systems"]["bm25"]["seconds"] = np.float32(1.5)
    path = tmp_path / "metrics.json"
    write_metrics_json(results, path)
    text = path.read_text(encoding="utf-8")
    assert EXPLANATION in text  # not \u-escaped
    loaded = json.loads(text)
    assert loaded["systems"]["bm25"]["mrr@10"] is None
    assert loaded["systems"]["bm25"]["seconds"] == 1.5
    assert loaded["examples"] == results["examples"]
    assert loaded["ratios"]["karyab/bm25"]["ndcg@10"][J2V] == [1.4, 1.25, 1.55]


def test_write_report_leaves_only_its_files(tmp_path: Path) -> None:
    folder = tmp_path / "new" / "report"
    html_path = write_report(full_results(), folder)
    assert html_path == folder / "report.html"
    assert sorted(path.name for path in folder.iterdir()) == ["metrics.json", "report.html"]
    assert json.loads((folder / "metrics.json").read_text(encoding="utf-8"))["dataset"]["seed"] == 7
    assert 'dir="rtl"' in html_path.read_text(encoding="utf-8")


def test_write_report_failure_leaves_no_temp_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(source: object, target: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(placement_report.os, "replace", refuse)
    with pytest.raises(OSError, match="disk full"):
        write_report({"systems": {"a": {"ndcg@10": 0.5}}}, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_charts_without_data_give_none() -> None:
    systems: dict[str, Any] = {"a": {"ndcg@10": None}}
    assert placement_charts.metric_bar_chart(systems) is None
    assert placement_charts.recall_chart(systems) is None
    assert placement_charts.coverage_chart(systems) is None
    assert placement_charts.importance_chart({"x": math.nan}) is None
