"""The word-by-word n-gram hasher gives exactly scikit-learn's char_wb HashingVectorizer
rows, on the Persian text the engine sees."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from matching.ngrams import NgramHasher, lexical_vectorizer

TEXTS = [
    "",
    " ",
    "a",  # shorter than every n-gram: the word is counted once
    "ab",
    "برنامه‌نویس Python با ۳ سال سابقه",  # ZWNJ, Persian digits, mixed scripts
    "برنامه نویس python با 3 سال سابقه",  # the same with a space and Latin digits
    "كارشناس فروش ي ك",  # Arabic letters
    "مدیـــــر فروش",  # kashida
    "حسابدار\tارشد\n\nمسلط   به اکسل",  # tabs, line breaks, runs of spaces
    "DevOps DEVOPS devops",  # case folds to one word
    "ΣΟΦΟΣ İstanbul",  # lowercasing that changes length or depends on position
    "فروش فروش فروش فروش",  # repeated words count each time
    "جوشکار درجه1 (آقا) - تهران، کرج",
]


def _sklearn(texts: list[str]) -> sparse.csr_matrix:
    return sparse.csr_matrix(lexical_vectorizer().transform(texts), dtype=np.float32)


@pytest.mark.parametrize("text", TEXTS)
def test_each_text_equals_the_vectorizer(text: str) -> None:
    got = NgramHasher()([text])
    assert got.dtype == np.float32 and got.shape == (1, 2**18)
    assert (got != _sklearn([text])).nnz == 0


def test_a_batch_and_the_remembered_words_give_the_same_rows() -> None:
    hasher = NgramHasher()
    first = hasher(TEXTS)
    again = hasher(list(reversed(TEXTS)))  # every word now remembered
    expected = _sklearn(TEXTS)
    assert (first != expected).nnz == 0
    assert (again != expected[::-1]).nnz == 0


def test_forgetting_when_full_changes_nothing() -> None:
    hasher = NgramHasher(max_words=5)
    for text in TEXTS:
        assert (hasher([text, "کلمه دیگر"]) != _sklearn([text, "کلمه دیگر"])).nnz == 0
    assert len(hasher._words) <= max(5, max(len(set(t.lower().split())) + 2 for t in TEXTS))


def test_no_texts() -> None:
    assert NgramHasher()([]).shape == (0, 2**18)
