"""Training the occupation coder again with an office's own decisions: four in five of them
teach it, the fifth (fixed by title key) stays out to measure it, and the coder trained last
is the one every command loads."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pytest

from models.encoder import HashingEncoder
from models.occupation_coder import OccupationCoder
from models.occupation_training import (
    CHECK_SHARE,
    CURRENT,
    DecisionExample,
    ensure_occupation_coder,
    held_out_for_checks,
    train_occupation_coder,
)
from taxonomy.isco import IscoTaxonomy, load_isco
from taxonomy.titles import load_title_index
from tests.conftest import SMALL_CODES


def _small_training(taxonomy: IscoTaxonomy) -> tuple[list[str], list[str]]:
    entries = [e for e in load_title_index() if e.code in SMALL_CODES]
    return [e.title for e in entries], [e.code for e in entries]


@pytest.fixture()
def small_data(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("models.occupation_training.training_examples", _small_training)


def _decisions(n: int, *, title: str, code: str) -> list[DecisionExample]:
    """``n`` decisions coding variants of ``title`` with ``code`` (distinct keys)."""
    return [DecisionExample(f"{title}{i}", f"{title} {i}", code) for i in range(n)]


def test_a_fixed_fifth_of_title_keys_is_kept_for_checks() -> None:
    keys = [f"عنوان {i}" for i in range(10_000)]
    share = np.mean([held_out_for_checks(k) for k in keys])
    assert abs(share - CHECK_SHARE) < 0.02
    assert [held_out_for_checks(k) for k in keys[:50]] == [
        held_out_for_checks(k) for k in keys[:50]
    ]


def test_examples_marked_always_train_are_never_held_out() -> None:
    texts, codes = _small_training(load_isco())
    always = [i % 7 == 0 for i in range(len(texts))]
    coder = OccupationCoder(load_isco(), HashingEncoder(), n_folds=3)
    coder.fit(texts, codes, always_train=always)
    y = np.array([coder.code_index_[c] for c in codes])
    fixed = np.flatnonzero(always)
    for train, held in coder._folds(y, np.asarray(always)):
        assert np.isin(fixed, train).all() and not np.isin(fixed, held).any()
    with pytest.raises(ValueError, match="one flag per text"):
        coder.fit(texts, codes, always_train=always[:-1])


def test_decisions_teach_the_coder_and_it_becomes_current(tmp_path: Path, small_data: None) -> None:
    taxonomy, encoder = load_isco(), HashingEncoder()
    base = ensure_occupation_coder(taxonomy, encoder, tmp_path)
    title = "کارمند دفتر فنی"
    assert base.predict([title])[0].code != "3313"
    # The office codes every variant of the title as bookkeeping.
    decisions = _decisions(40, title=title, code="3313")
    learned = {d.title_key for d in decisions if not held_out_for_checks(d.title_key)}
    assert 0 < len(learned) < len(decisions)

    coder = train_occupation_coder(taxonomy, encoder, tmp_path, decisions)
    assert coder.learned_from_ == learned
    assert coder.predict([title])[0].code == "3313"
    current = json.loads((tmp_path / CURRENT).read_text("utf-8"))
    assert current["decisions"] == len(learned)
    assert current["held_out"] == len(decisions) - len(learned)
    # Every later load gets it, until the project's own data change.
    loaded = ensure_occupation_coder(taxonomy, encoder, tmp_path)
    assert loaded.fingerprint == coder.fingerprint != base.fingerprint
    assert loaded.learned_from_ == learned

    # Without decisions, the project's own coder is current again.
    again = train_occupation_coder(taxonomy, encoder, tmp_path, [])
    assert again.fingerprint == base.fingerprint and again.learned_from_ == frozenset()
    assert not (tmp_path / CURRENT).exists()
    assert ensure_occupation_coder(taxonomy, encoder, tmp_path).fingerprint == base.fingerprint


def test_a_current_coder_for_other_project_data_or_a_bad_pointer_is_not_loaded(
    tmp_path: Path, small_data: None, caplog: pytest.LogCaptureFixture
) -> None:
    taxonomy, encoder = load_isco(), HashingEncoder()
    base = ensure_occupation_coder(taxonomy, encoder, tmp_path)
    decisions = _decisions(20, title="کارمند دفتر فنی", code="3313")
    train_occupation_coder(taxonomy, encoder, tmp_path, decisions)
    pointer = tmp_path / CURRENT
    current = json.loads(pointer.read_text("utf-8"))

    pointer.write_text(json.dumps({**current, "base": "another"}), "utf-8")
    assert ensure_occupation_coder(taxonomy, encoder, tmp_path).fingerprint == base.fingerprint
    pointer.write_text(json.dumps({**current, "file": "../elsewhere.pkl"}), "utf-8")
    assert ensure_occupation_coder(taxonomy, encoder, tmp_path).fingerprint == base.fingerprint
    pointer.write_text("{not json", "utf-8")
    with caplog.at_level(logging.WARNING):
        assert ensure_occupation_coder(taxonomy, encoder, tmp_path).fingerprint == base.fingerprint
    assert "unreadable" in caplog.text


def test_a_coder_saved_before_it_kept_its_decisions_loads(small_coder: OccupationCoder) -> None:
    state = small_coder.state()
    del state["learned_from_"]
    loaded = OccupationCoder.from_state(state, small_coder.taxonomy, small_coder.encoder)
    assert loaded.learned_from_ == frozenset()
    assert loaded.predict(["حسابدار"])[0].code == "2411"


def test_the_evaluation_measures_what_decisions_teach_on_untaught_titles(
    small_coder: OccupationCoder,
) -> None:
    from evaluation.occupation import LabelledTitle, decision_learning_holdout

    # An office codes this title family as bookkeeping; the project's coder does not.
    items = [LabelledTitle(f"t{i}", f"کارمند دفتر فنی {i}", "3313") for i in range(20)]
    assert small_coder.predict([items[0].title])[0].code != "3313"
    texts, codes = _small_training(load_isco())
    figures = decision_learning_holdout(items, small_coder, texts, codes, splits=2)
    assert set(figures) == {
        f"{who}_{metric}"
        for who in ("project", "taught")
        for metric in (
            "accuracy@1_4digit",
            "accuracy@5_4digit",
            "accuracy@1_1digit",
            "coverage@error0.05",
        )
    }
    assert figures["project_accuracy@1_4digit"] == 0.0
    assert figures["taught_accuracy@1_4digit"] == 1.0  # the other half, never taught
