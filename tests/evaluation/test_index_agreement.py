"""How far the training titles and the labels follow the same conventions: looked up, not
ranked."""

from __future__ import annotations

import pytest

from evaluation.occupation import LabelledTitle, index_agreement
from models.occupation_coder import OccupationCoder


def test_agreement_is_measured_on_the_titles_the_index_holds_verbatim(
    small_coder: OccupationCoder,
) -> None:
    items = [
        # held verbatim (gender marker and city in brackets aside), labelled as the index
        # codes it, or with it as an alternative
        LabelledTitle("a", "حسابدار مالی - خانم", "2411"),
        LabelledTitle("b", "حسابدار مالی (شیراز)", "3313", ("2411",)),
        # held verbatim, labelled otherwise: a convention the index does not share
        LabelledTitle("c", "حسابدار اموال", "2411"),
        # not held: no lookup to agree or disagree
        LabelledTitle("d", "مشاور ارشد حسابرسی مالیاتی شرکت‌های دانش‌بنیان", "2411"),
    ]
    predictions = small_coder.predict([item.title for item in items])
    found = index_agreement(items, small_coder, predictions)
    assert found["titles"] == 3
    assert found["share"] == pytest.approx(3 / 4)
    assert found["lookup_agreement"] == pytest.approx(2 / 3)
    coded = [p.code for p in predictions[:3]]
    expected = sum(code in item.acceptable for code, item in zip(coded, items, strict=False)) / 3
    assert found["coder_accuracy@1"] == pytest.approx(expected)


def test_no_labelled_title_in_the_index(small_coder: OccupationCoder) -> None:
    items = [LabelledTitle("x", "فضانورد", "3154")]
    found = index_agreement(items, small_coder, small_coder.predict(["فضانورد"]))
    assert found == {"titles": 0.0, "share": 0.0, "lookup_agreement": 0.0, "coder_accuracy@1": 0.0}
