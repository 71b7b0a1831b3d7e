"""What a title search folds: letters, ZWNJ, kashida, digits and grades in words."""

from __future__ import annotations

import pytest

from storage.folding import fold_title


@pytest.mark.parametrize(
    ("title", "folded"),
    [
        ("كارشناس فروش", "کارشناس فروش"),  # Arabic kaf
        ("منشي", "منشی"),  # Arabic yeh
        ("برنامه\u200cنویس Python", "برنامه نویس python"),  # ZWNJ as a space, lower case
        ("حسابـــدار", "حسابدار"),  # kashida
        ("راننده پایه ۱", "راننده پایه 1"),  # Persian digits
        ("راننده پایه ١", "راننده پایه 1"),  # Arabic-Indic digits
        ("راننده پایه یک", "راننده پایه 1"),  # a grade in words
        ("راننده پایه یکم", "راننده پایه 1"),
        ("راننده پایه1", "راننده پایه 1"),  # glued to its digit
        ("راننده پایه۲ تهران", "راننده پایه 2 تهران"),
        ("جوشکار درجه دو", "جوشکار درجه 2"),
        ("جوشکار درجه اول", "جوشکار درجه 1"),
        ("کارشناس رتبه سه", "کارشناس رتبه 3"),
        ("کاربر ICDL درجه یک", "کاربر icdl درجه 1"),
        ("پایه دوم", "پایه 2"),
        # Not grades: the word is part of another word, or the number is not a grade.
        ("یک راننده پایه", "یک راننده پایه"),
        ("پایه‌گذاری", "پایه گذاری"),
        ("درجه‌بندی کالا", "درجه بندی کالا"),
        ("پایه یکسان", "پایه یکسان"),
        ("دو شیفت", "دو شیفت"),
        ("", ""),
    ],
)
def test_fold_title(title: str, folded: str) -> None:
    assert fold_title(title) == folded
