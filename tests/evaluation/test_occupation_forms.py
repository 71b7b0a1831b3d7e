"""The labelled titles inside vacancy texts and CVs: each form leads the coder back to the
title (its role part, in a work history)."""

from __future__ import annotations

import pytest

from evaluation.occupation import TEXT_FORMS, LabelledTitle, as_text
from models.occupation_coder import OccupationCoder, occupation_key, title_key

ITEMS = [
    LabelledTitle("e1", "حسابدار ارشد - خانم", "2411"),
    LabelledTitle("e2", "برنامه نویس ارشد Python (تهران) - آقا", "2512"),
    LabelledTitle("e3", "راننده پایه ۱ تریلی", "8332"),
]


@pytest.mark.parametrize("form", TEXT_FORMS)
@pytest.mark.parametrize("item", ITEMS, ids=[i.id for i in ITEMS])
def test_every_form_is_keyed_as_its_title(form: str, item: LabelledTitle) -> None:
    key = occupation_key(as_text(item, form))
    if form == "cv_history":  # a work-history entry loses what follows a bracket or dash
        assert title_key(item.title).startswith(key)
    else:
        assert key == title_key(item.title)


def test_forms_are_coded_alike(small_coder: OccupationCoder) -> None:
    for form in TEXT_FORMS:
        predictions = small_coder.predict([as_text(item, form) for item in ITEMS])
        assert [p.code for p in predictions] == [item.code for item in ITEMS], form


def test_unknown_form() -> None:
    with pytest.raises(ValueError, match="unknown text form"):
        as_text(ITEMS[0], "tweet")
