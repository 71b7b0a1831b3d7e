from __future__ import annotations

import numpy as np
import pytest

from matching.documents import LexicalCache
from matching.features import lexical_vectors
from nlp.normalize import normalize

DOCUMENTS = [
    "برنامه نويس Python\nتوسعه API با Django",
    "برنامه‌نویس پایتون",
    "حسابدار مسلط به سپیدار و هلو",
    "راننده پایه يك",
    "",
]


def _dense(matrix) -> np.ndarray:  # type: ignore[no-untyped-def]
    return np.asarray(matrix.todense())


def test_rows_equal_the_uncached_computation() -> None:
    cache = LexicalCache()
    expected = _dense(lexical_vectors([normalize(d) for d in DOCUMENTS]))
    assert np.allclose(_dense(cache.rows(DOCUMENTS)), expected)
    # The second time every row comes from the cache, in the order asked.
    order = [3, 0, 0, 2]
    again = cache.rows([DOCUMENTS[i] for i in order])
    assert np.allclose(_dense(again), expected[order])
    assert cache.misses == len(DOCUMENTS) and cache.hits == len(order)


def test_an_updated_document_is_a_new_entry() -> None:
    cache = LexicalCache()
    before = _dense(cache.rows(["حسابدار"]))
    after = _dense(cache.rows(["حسابدار ارشد"]))
    assert not np.allclose(before, after)
    assert cache.misses == 2


def test_least_recently_used_rows_are_dropped() -> None:
    cache = LexicalCache(capacity=2)
    cache.rows(DOCUMENTS[:2])
    cache.rows(DOCUMENTS[:1])  # the first becomes the most recent
    cache.rows(DOCUMENTS[2:3])  # pushes out the second
    assert len(cache) == 2
    cache.rows(DOCUMENTS[:1])
    assert cache.hits == 2
    cache.rows(DOCUMENTS[1:2])
    assert cache.misses == 4


def test_no_documents_gives_no_rows() -> None:
    assert LexicalCache().rows([]).shape[0] == 0


def test_capacity_must_not_be_negative() -> None:
    with pytest.raises(ValueError, match="capacity"):
        LexicalCache(capacity=-1)
