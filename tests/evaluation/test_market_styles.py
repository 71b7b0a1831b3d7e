"""The named steps of the untuned setting, as (input, expected) tables."""

from __future__ import annotations

from collections.abc import Callable
from random import Random

import pytest

from evaluation.market.styles import (
    add_typos,
    arabic_indic_digits,
    arabic_letters,
    drop_zwnj,
    hashtag,
    latin_digits,
    run_on,
    zwnj_as_space,
)

ZWNJ = "\u200c"


@pytest.mark.parametrize(
    ("step", "text", "expected"),
    [
        (arabic_letters, "کارشناس فنی", "كارشناس فني"),
        (drop_zwnj, f"می{ZWNJ}توانید", "میتوانید"),
        (zwnj_as_space, f"می{ZWNJ}توانید", "می توانید"),
        (arabic_indic_digits, "۵ سال سابقه، 2 سال", "٥ سال سابقه، ٢ سال"),
        (arabic_indic_digits, "HTML5 و ISO 9001", "HTML5 و ISO ٩٠٠١"),
        (latin_digits, "۵ سال و ٣ ماه", "5 سال و 3 ماه"),
        (run_on, "شرایط:\n- اکسل\n- ورد\nمزایا: بیمه", "شرایط: اکسل، ورد، مزایا: بیمه"),
        (run_on, "وظایف:\n1) حسابرسی\n2) گزارش", "وظایف: حسابرسی، گزارش"),
        (hashtag, f"برنامه{ZWNJ}نویس Python (Back-end)", "#برنامه_نویس_Python_Back_end"),
        (hashtag, "استخدام", "#استخدام"),
    ],
)
def test_step(step: Callable[[str], str], text: str, expected: str) -> None:
    assert step(text) == expected


def test_typos_keep_the_first_and_last_letters() -> None:
    text = "کارشناس حسابداری مسلط به نرم‌افزار سپیدار " * 20
    noisy = add_typos(text, Random(1), 0.03)
    assert noisy != text
    for before, after in zip(text.split(), noisy.split(), strict=True):
        assert (before[0], before[-1]) == (after[0], after[-1])
        assert abs(len(before) - len(after)) <= 1


def test_no_typos_at_rate_zero() -> None:
    assert add_typos("حسابداری", Random(1), 0.0) == "حسابداری"
    with pytest.raises(ValueError):
        add_typos("حسابداری", Random(1), 1.5)
