from __future__ import annotations

import numpy as np
import pytest

from evaluation.occupation import (
    LabelledTitle,
    OccupationCodingEvaluator,
    checked_cut_holdout,
    coverage_at_error,
    reliability_curve,
)
from models.encoder import HashingEncoder
from models.occupation_coder import (
    OccupationCoder,
    _per_code,
    _ranks,
    core_key,
    title_key,
)
from taxonomy.isco import load_isco


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("برنامه نویس ارشد Python (تهران) - آقا", "برنامه نویس python"),
        ("استخدام حسابدار خانم در شیراز", "حسابدار"),
        ("راننده پایه يك", "راننده پایه یک"),
        ("راننده پایه ۱", "راننده پایه یک"),
        ("راننده پایه١ - آقا", "راننده پایه یک"),
        ("وکیل پایه 2 دادگستری", "وکیل پایه دو دادگستری"),
        ("راننده پایه 12", "راننده پایه 12"),
    ],
)
def test_title_key(raw: str, expected: str) -> None:
    assert title_key(raw) == expected


def test_per_code_keeps_the_best_title_and_votes_among_the_nearest() -> None:
    # Five index titles of codes 0, 0, 1, 2, 2; the query's two nearest are the 0.9 (code 0)
    # and the 0.8 (code 2); code 1's 0.5 is not among them, and a title blocked out of fold
    # (-1) never counts.
    labels = np.array([0, 0, 1, 2, 2])
    scores = np.array([[0.9, 0.3, 0.5, 0.8, -1.0]], dtype=np.float32)
    best, votes = _per_code(scores, labels, 3, k=2, temperature=0.1)
    assert best[0, 0] == pytest.approx(0.9)
    assert np.isnan(best[0, 1])
    assert best[0, 2] == pytest.approx(0.8)
    share = 1 / (1 + np.exp(-1.0))  # weights exp(0) and exp(-0.1 / 0.1)
    assert votes[0] == pytest.approx([share, 0.0, 1 - share], abs=1e-6)


def test_per_code_with_every_title_blocked_votes_for_nothing() -> None:
    best, votes = _per_code(np.full((1, 3), -1.0, np.float32), np.array([0, 1, 1]), 2, 3, 0.1)
    assert np.isnan(best).all()
    assert not votes.any()


def test_ranks_put_unscored_codes_last() -> None:
    view = np.array([[0.2, np.nan, 0.7, 0.2]], dtype=np.float32)
    assert _ranks(view).tolist() == [[1, 50, 0, 2]]


def test_core_key() -> None:
    assert core_key("کارشناس فروش (روغن خوراکی)") == "کارشناس فروش"
    assert core_key("(react)") == "(react)"


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("برنامه نویس بک اند Python - آقا", "2512"),
        ("توسعه‌دهنده فرانت‌اند React (تهران)", "2513"),
        ("حسابدار ارشد - خانم", "2411"),
        ("راننده پایه یک تریلی", "8332"),
        ("منشی و مسئول دفتر", "4120"),
        ("نیروی خدماتی آقا", "9112"),
    ],
)
def test_codes_titles(small_coder: OccupationCoder, title: str, code: str) -> None:
    prediction = small_coder.predict([title])[0]
    assert prediction.code == code
    assert len(prediction.candidates) == 5
    scores = [c.score for c in prediction.candidates]
    assert scores == sorted(scores, reverse=True)
    assert prediction.candidates[0].title_fa


def test_vacancy_text_uses_its_first_line(small_coder: OccupationCoder) -> None:
    text = "حسابدار\nثبت اسناد، تهیه صورت‌های مالی و کار با نرم‌افزار سپیدار"
    assert small_coder.predict([text])[0].code == "2411"


def test_cv_is_coded_by_its_current_occupation(small_coder: OccupationCoder) -> None:
    cv = (
        "رزومه\nعلی رضایی\nتلفن: ۰۹۱۲۱۲۳۴۵۶۷\nسوابق کاری\n"
        "- راننده پایه یک تریلی، شرکت حمل (۱۳۹۵-۱۳۹۹)\n"
        "- حسابدار ارشد، شرکت الف (۱۴۰۰ تا کنون)\nتحصیلات: کارشناسی"
    )
    assert small_coder.predict([cv])[0].code == "2411"


@pytest.mark.parametrize("text", ["", "   ", "!!!"])
def test_empty_or_meaningless_text_abstains(small_coder: OccupationCoder, text: str) -> None:
    prediction = small_coder.predict([text])[0]
    assert prediction.abstain


@pytest.mark.parametrize("text", ["!!!", "؟؟؟", "- - -", "\u200c\u200c", "«»"])
def test_text_without_letters_has_no_candidates(small_coder: OccupationCoder, text: str) -> None:
    assert small_coder.predict([text])[0].candidates == ()


def test_confidence_is_a_probability(small_coder: OccupationCoder) -> None:
    predictions = small_coder.predict(["حسابدار", "شرکت نرم‌افزاری آرتان", "کارمند"])
    assert all(0.0 <= p.confidence <= 1.0 for p in predictions)
    with pytest.raises(ValueError):
        small_coder.predict(["حسابدار"], top_k=0)


def test_fit_rejects_unknown_codes() -> None:
    with pytest.raises(ValueError, match="unknown ISCO"):
        OccupationCoder(load_isco(), HashingEncoder()).fit(["x", "y"], ["2512", "9999"])


def test_state_round_trip(small_coder: OccupationCoder) -> None:
    copy = OccupationCoder.from_state(small_coder.state(), load_isco(), HashingEncoder())
    titles = ["حسابدار", "راننده کامیون"]
    assert copy.predict(titles) == small_coder.predict(titles)


def test_coverage_at_error() -> None:
    confidence = np.array([0.9, 0.8, 0.7, 0.6, 0.5])
    correct = np.array([True, True, True, False, False])
    assert coverage_at_error(confidence, correct, 0.0) == pytest.approx(0.6)
    assert coverage_at_error(confidence, correct, 0.25) == pytest.approx(0.8)


def test_a_cut_set_from_checks_is_measured_on_held_out_titles() -> None:
    # Right above 0.5 and wrong below, with noise: a cut set on one half holds on the other.
    rng = np.random.default_rng(3)
    confidence = rng.uniform(0, 1, 400)
    correct = (confidence > 0.5) & (rng.uniform(0, 1, 400) > 0.02)
    share, error = checked_cut_holdout(confidence, correct, 0.05, splits=20)
    assert 0.35 < share < 0.55 and error < 0.06
    # Nothing meets the target: nothing is auto-coded.
    assert checked_cut_holdout(confidence, np.zeros(400, bool), 0.05, splits=5) == (0.0, 0.0)


def test_fingerprint_names_the_trained_coder(small_coder: OccupationCoder) -> None:
    copy = OccupationCoder.from_state(small_coder.state(), load_isco(), HashingEncoder())
    assert copy.fingerprint == small_coder.fingerprint and len(copy.fingerprint) == 16


def test_evaluator_counts_levels_and_alternatives(small_coder: OccupationCoder) -> None:
    items = [
        LabelledTitle("a", "حسابدار", "2411"),
        LabelledTitle("b", "راننده پایه یک", "8331", ("8332",)),  # alternative accepted
        LabelledTitle("c", "برنامه نویس Python", "2513"),  # same minor group only
    ]
    metrics = OccupationCodingEvaluator(items)(small_coder)
    assert metrics["accuracy@1_4digit"] == pytest.approx(2 / 3)
    assert metrics["accuracy@1_3digit"] == pytest.approx(1.0)
    assert metrics["n"] == 3
    curve = reliability_curve(np.array([0.1, 0.95, 0.97]), np.array([False, True, True]), 10)
    assert [b["count"] for b in curve] == [1, 2]


def test_repeated_titles_are_encoded_once(small_coder: OccupationCoder) -> None:
    calls: list[int] = []
    hashing = HashingEncoder()

    class Counting:
        name = hashing.name
        dim = hashing.dim

        def encode(self, texts, kind, **kwargs):  # type: ignore[no-untyped-def]
            calls.append(len(texts))
            return hashing.encode(texts, kind, **kwargs)

    coder = OccupationCoder.from_state(small_coder.state(), load_isco(), Counting())  # type: ignore[arg-type]
    titles = ["حسابدار - خانم", "حسابدار (آقا)", "حسابدار", "راننده پایه یک", ""]
    predictions = coder.predict(titles)
    assert sum(calls) == 2  # «حسابدار» and «راننده پایه یک»
    assert predictions[0] == predictions[1] == predictions[2]
    assert predictions[4].abstain and not predictions[4].candidates
