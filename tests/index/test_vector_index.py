"""Tests for index.VectorIndex: mutation, (filtered) search, validation, persistence."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import faiss
import numpy as np
import numpy.typing as npt
import pytest

from index import (
    AttributeValue,
    DimensionMismatchError,
    Hit,
    IndexCorruptError,
    UnknownIdError,
    VectorIndex,
    VectorIndexError,
)
from index.persistence import MAGIC, write_payload

DIM = 16
Matrix = npt.NDArray[np.float32]
Attrs = dict[str, Any]


def _unit(rng: np.random.Generator, n: int, dim: int = DIM) -> Matrix:
    x = rng.standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _brute_force(
    vectors: Matrix, ids: list[str], query: Matrix, k: int, keep: list[bool] | None = None
) -> list[tuple[str, float]]:
    scores = vectors @ query
    order = [i for i in np.argsort(-scores, kind="stable") if keep is None or keep[i]]
    return [(ids[i], float(scores[i])) for i in order[:k]]


def _assert_same_hits(hits: list[Hit], expected: list[tuple[str, float]]) -> None:
    assert [h.id for h in hits] == [e[0] for e in expected]
    np.testing.assert_allclose([h.score for h in hits], [e[1] for e in expected], atol=1e-5)


def _files(folder: Path) -> list[str]:
    """File names in ``folder``, a faiss block's digest shown as ``*``."""
    return sorted(
        f"{name.split('.')[0]}.kvi.*.faiss" if name.endswith(".faiss") else name
        for name in os.listdir(folder)
    )


def _snapshot(index: VectorIndex, queries: Matrix) -> tuple[object, ...]:
    ids = index.ids()
    return (
        ids,
        [index.get_vector(i).tolist() for i in ids],
        [index.get_attributes(i) for i in ids],
        index.search(queries, 5),
        index.search(queries, 5, where={"province": "tehran"}),
    )


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(1234)


@pytest.fixture
def populated(rng: np.random.Generator) -> tuple[VectorIndex, list[str], Matrix]:
    n = 60
    ids = [f"job-{i}" for i in range(n)]
    vectors = _unit(rng, n)
    provinces = ["tehran", "isfahan", "fars"]
    attributes: list[dict[str, AttributeValue]] = [
        {"province": provinces[i % 3], "min_years": i % 7, "salary": 10.5 * i} for i in range(n)
    ]
    index = VectorIndex(DIM)
    index.upsert(ids, vectors, attributes)
    return index, ids, vectors


# -- basics -----------------------------------------------------------------------------


def test_new_index_is_empty() -> None:
    index = VectorIndex(8)
    assert len(index) == 0
    assert index.dim == 8
    assert index.ids() == []
    assert "x" not in index


@pytest.mark.parametrize("dim", [0, -3, True, 2.0])
def test_invalid_dim_rejected(dim: object) -> None:
    with pytest.raises(ValueError):
        VectorIndex(dim)  # type: ignore[arg-type]


def test_upsert_stores_unit_vectors_and_attributes() -> None:
    index = VectorIndex(3)
    index.upsert(["a", "b"], np.array([[3.0, 0.0, 4.0], [0.0, 2.0, 0.0]]), [{"x": "y"}, {}])
    assert len(index) == 2
    assert "a" in index and "b" in index and 5 not in index
    assert index.ids() == ["a", "b"]
    np.testing.assert_allclose(index.get_vector("a"), [0.6, 0.0, 0.8], rtol=1e-6)
    assert index.get_vector("a").dtype == np.float32
    assert index.get_attributes("a") == {"x": "y"}
    assert index.get_attributes("b") == {}


def test_large_and_tiny_vectors_normalise_without_overflow() -> None:
    index = VectorIndex(2)
    index.upsert(["big", "tiny"], np.array([[3e38, 3e38], [1e-40, 0.0]], dtype=np.float32))
    np.testing.assert_allclose(index.get_vector("big"), [2**-0.5, 2**-0.5], rtol=1e-6)
    np.testing.assert_allclose(index.get_vector("tiny"), [1.0, 0.0], rtol=1e-6)


def test_unknown_id_lookups_raise(populated: tuple[VectorIndex, list[str], Matrix]) -> None:
    index, _, _ = populated
    with pytest.raises(UnknownIdError):
        index.get_vector("nope")
    with pytest.raises(UnknownIdError):
        index.get_attributes("nope")


def test_exception_hierarchy() -> None:
    assert issubclass(DimensionMismatchError, VectorIndexError)
    assert issubclass(DimensionMismatchError, ValueError)
    assert issubclass(UnknownIdError, VectorIndexError)
    assert issubclass(UnknownIdError, KeyError)
    assert issubclass(IndexCorruptError, VectorIndexError)
    assert str(UnknownIdError("unknown id: 'x'")) == "unknown id: 'x'"


def test_hit_is_frozen() -> None:
    hit = Hit("a", 0.5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        hit.score = 1.0  # type: ignore[misc]


# -- search -----------------------------------------------------------------------------


def test_search_matches_brute_force(
    populated: tuple[VectorIndex, list[str], Matrix], rng: np.random.Generator
) -> None:
    index, ids, vectors = populated
    queries = _unit(rng, 4)
    results = index.search(queries, 7)
    assert len(results) == 4
    for query, hits in zip(queries, results, strict=True):
        _assert_same_hits(hits, _brute_force(vectors, ids, query, 7))
        scores = [h.score for h in hits]
        assert scores == sorted(scores, reverse=True)


def test_search_normalises_queries(populated: tuple[VectorIndex, list[str], Matrix]) -> None:
    index, _, vectors = populated
    hits = index.search(vectors[3:4] * 25.0, 1)[0]
    assert hits[0].id == "job-3"
    assert hits[0].score == pytest.approx(1.0, abs=1e-5)


def test_search_accepts_numpy_int_k(populated: tuple[VectorIndex, list[str], Matrix]) -> None:
    index, _, vectors = populated
    assert len(index.search(vectors[:1], np.int64(3))[0]) == 3  # type: ignore[arg-type]


def test_k_larger_than_index_returns_everything(
    populated: tuple[VectorIndex, list[str], Matrix],
) -> None:
    index, ids, vectors = populated
    hits = index.search(vectors[:1], 10_000)[0]
    assert sorted(h.id for h in hits) == sorted(ids)


def test_empty_index_search_returns_empty_lists(rng: np.random.Generator) -> None:
    index = VectorIndex(DIM)
    queries = _unit(rng, 3)
    assert index.search(queries, 5) == [[], [], []]
    assert index.search(queries, 5, where={"province": "tehran"}) == [[], [], []]
    assert index.search(np.empty((0, DIM), dtype=np.float32), 5) == []


def test_upsert_replacing_vector_changes_results(
    populated: tuple[VectorIndex, list[str], Matrix], rng: np.random.Generator
) -> None:
    index, ids, _ = populated
    query = _unit(rng, 1)
    index.upsert(["job-5"], query)
    top = index.search(query, 1)[0][0]
    assert top.id == "job-5" and top.score == pytest.approx(1.0, abs=1e-5)
    index.upsert(["job-5"], -query)
    hits = index.search(query, len(ids))[0]
    assert len(index) == len(ids)
    assert hits[-1].id == "job-5"
    assert hits[-1].score == pytest.approx(-1.0, abs=1e-5)
    assert [h.id for h in hits].count("job-5") == 1


def test_upsert_replaces_attributes(populated: tuple[VectorIndex, list[str], Matrix]) -> None:
    index, _, vectors = populated
    index.upsert(["job-0"], vectors[:1], [{"province": "gilan"}])
    assert index.get_attributes("job-0") == {"province": "gilan"}
    assert [h.id for h in index.search(vectors[:1], 5, where={"province": "gilan"})[0]] == ["job-0"]
    assert "job-0" not in {
        h.id for h in index.search(vectors[:1], 60, where={"province": "tehran"})[0]
    }
    index.upsert(["job-0"], vectors[:1])  # no attributes: the item now has none
    assert index.get_attributes("job-0") == {}
    assert index.search(vectors[:1], 5, where={"province": "gilan"}) == [[]]


def test_remove_drops_items_from_search(populated: tuple[VectorIndex, list[str], Matrix]) -> None:
    index, ids, vectors = populated
    removed = index.remove(["job-1", "job-2", "job-2", "missing"])
    assert removed == 2
    assert len(index) == len(ids) - 2
    assert "job-1" not in index
    returned = {h.id for row in index.search(vectors, len(ids)) for h in row}
    assert returned == set(ids) - {"job-1", "job-2"}
    filtered = {
        h.id for row in index.search(vectors, len(ids), where={"province": "isfahan"}) for h in row
    }
    assert "job-1" not in filtered  # job-1 was in isfahan
    with pytest.raises(UnknownIdError):
        index.get_vector("job-1")
    assert index.remove(["job-1"]) == 0


def test_remove_strict_raises_and_removes_nothing(
    populated: tuple[VectorIndex, list[str], Matrix],
) -> None:
    index, ids, _ = populated
    with pytest.raises(UnknownIdError, match="missing"):
        index.remove(["job-1", "missing"], strict=True)
    assert len(index) == len(ids)
    assert index.remove(["job-1"], strict=True) == 1


def test_remove_then_readd_does_not_alias(
    populated: tuple[VectorIndex, list[str], Matrix], rng: np.random.Generator
) -> None:
    index, ids, _ = populated
    index.remove(["job-7"])
    fresh = _unit(rng, 1)
    index.upsert(["job-7"], fresh, [{"province": "yazd"}])
    hits = index.search(fresh, len(ids))[0]
    assert [h.id for h in hits].count("job-7") == 1
    assert hits[0].id == "job-7"
    assert index.get_attributes("job-7") == {"province": "yazd"}


def test_remove_everything_then_search(populated: tuple[VectorIndex, list[str], Matrix]) -> None:
    index, ids, vectors = populated
    assert index.remove(ids) == len(ids)
    assert len(index) == 0
    assert index.search(vectors[:2], 3) == [[], []]


# -- filters ----------------------------------------------------------------------------

FILTER_CASES: list[tuple[Mapping[str, object], Callable[[Attrs], bool]]] = [
    ({"province": "tehran"}, lambda a: a["province"] == "tehran"),
    ({"province": ["fars", "isfahan"]}, lambda a: a["province"] in ("fars", "isfahan")),
    ({"province": ("fars",)}, lambda a: a["province"] == "fars"),
    ({"min_years": {"gte": 2, "lte": 4}}, lambda a: 2 <= a["min_years"] <= 4),
    ({"min_years": {"gt": 2, "lt": 4}}, lambda a: a["min_years"] == 3),
    ({"salary": {"lt": 100.0}}, lambda a: a["salary"] < 100.0),
    ({"min_years": 3}, lambda a: a["min_years"] == 3),
    ({"min_years": 3.0}, lambda a: a["min_years"] == 3),
    (
        {"province": "tehran", "min_years": {"gte": 3}},
        lambda a: a["province"] == "tehran" and a["min_years"] >= 3,
    ),
    (
        {"province": {"fars", "tehran"}, "min_years": [0, 6], "salary": {"gt": 50}},
        lambda a: (
            a["province"] in ("fars", "tehran") and a["min_years"] in (0, 6) and a["salary"] > 50
        ),
    ),
]


@pytest.mark.parametrize(("where", "predicate"), FILTER_CASES)
def test_filters_match_brute_force(
    populated: tuple[VectorIndex, list[str], Matrix],
    rng: np.random.Generator,
    where: Mapping[str, object],
    predicate: Callable[[Attrs], bool],
) -> None:
    index, ids, vectors = populated
    keep = [predicate(index.get_attributes(i)) for i in ids]
    assert 0 < sum(keep) < len(ids)
    queries = _unit(rng, 3)
    for k in (1, 5, len(ids)):
        for query, hits in zip(queries, index.search(queries, k, where=where), strict=True):
            _assert_same_hits(hits, _brute_force(vectors, ids, query, k, keep))


@pytest.mark.parametrize(
    "where",
    [
        {"province": "qom"},
        {"colour": "red"},
        {"province": []},
        {"min_years": {"gt": 100}},
        {"province": "tehran", "min_years": {"lt": 0}},
        {"province": "tehran", "colour": "red"},
        {"province": {"gte": 1}},  # a numeric range never matches string values
        {"min_years": "3"},  # "3" is not 3
    ],
)
def test_filters_that_match_nothing_return_empty(
    populated: tuple[VectorIndex, list[str], Matrix], where: Mapping[str, object]
) -> None:
    index, _, vectors = populated
    assert index.search(vectors[:2], 5, where=where) == [[], []]


def test_missing_or_none_attribute_fails_filter(rng: np.random.Generator) -> None:
    index = VectorIndex(DIM)
    index.upsert(
        ["a", "b", "c"],
        _unit(rng, 3),
        [{"years": 3}, {"years": None}, {}],
    )
    query = _unit(rng, 1)
    assert [h.id for h in index.search(query, 3, where={"years": {"gte": 0}})[0]] == ["a"]
    assert [h.id for h in index.search(query, 3, where={"years": [3, 4]})[0]] == ["a"]
    assert index.get_attributes("b") == {"years": None}


def test_empty_where_means_no_filter(populated: tuple[VectorIndex, list[str], Matrix]) -> None:
    index, _, vectors = populated
    assert index.search(vectors[:2], 4, where={}) == index.search(vectors[:2], 4)


@pytest.mark.parametrize(
    "where",
    [
        {"p": "tehran"},  # 1% pass: inverted lists only
        {"p": ["tehran", "qom"], "y": {"gte": 3}},  # membership then per-row range check
        {"salary": {"gte": 0, "lt": 1.0}},  # ~1% pass: range column scan
        {"salary": {"lt": 2.5}, "y": {"gte": 1}},  # two range columns intersected
        {"half": 1, "salary": {"lt": 2.0}},  # broad membership, range column path
    ],
)
def test_selective_filter_still_returns_exactly_k(
    rng: np.random.Generator, where: Mapping[str, object]
) -> None:
    n, k = 5_000, 10
    ids = [f"item-{i}" for i in range(n)]
    vectors = _unit(rng, n)
    attributes: list[dict[str, AttributeValue]] = [
        {
            "p": "tehran" if i % 100 == 0 else ("qom" if i % 100 == 1 else f"other-{i % 7}"),
            "y": (i // 100) % 5,
            "half": i % 2,
            "salary": float(rng.uniform(0, 100)),
        }
        for i in range(n)
    ]
    index = VectorIndex(DIM)
    index.upsert(ids, vectors, attributes)

    def passes(attrs: Attrs) -> bool:
        for key, spec in where.items():
            value = attrs[key]
            if isinstance(spec, dict):
                ops = {"gt": float.__gt__, "gte": float.__ge__, "lt": float.__lt__}
                ops |= {"lte": float.__le__}
                if not all(ops[op](float(value), bound) for op, bound in spec.items()):
                    return False
            elif isinstance(spec, list):
                if value not in spec:
                    return False
            elif value != spec:
                return False
        return True

    keep = [passes(a) for a in attributes]
    assert k <= sum(keep) <= n // 20
    queries = _unit(rng, 5)
    for query, hits in zip(queries, index.search(queries, k, where=where), strict=True):
        assert len(hits) == k
        assert all(keep[int(h.id.split("-")[1])] for h in hits)
        _assert_same_hits(hits, _brute_force(vectors, ids, query, k, keep))


def test_fewer_than_k_passing_returns_all_that_pass(
    populated: tuple[VectorIndex, list[str], Matrix],
) -> None:
    index, ids, vectors = populated
    where = {"province": "tehran", "min_years": 0}  # i % 3 == 0 and i % 7 == 0
    expected = {i for i in ids if int(i.split("-")[1]) % 21 == 0}
    hits = index.search(vectors[:1], 50, where=where)[0]
    assert {h.id for h in hits} == expected
    assert len(hits) == len(expected) == 3


# -- exclude ----------------------------------------------------------------------------


def test_exclude_drops_ids_but_keeps_k(populated: tuple[VectorIndex, list[str], Matrix]) -> None:
    index, ids, vectors = populated
    hits = index.search(vectors[4:5], 5, exclude={"job-4", "missing"})[0]
    assert len(hits) == 5
    assert "job-4" not in {h.id for h in hits}
    keep = [i != "job-4" for i in ids]
    _assert_same_hits(hits, _brute_force(vectors, ids, vectors[4], 5, keep))


def test_exclude_with_filter(populated: tuple[VectorIndex, list[str], Matrix]) -> None:
    index, ids, vectors = populated
    where = {"province": "tehran"}  # job-0, job-3, job-6, ...
    hits = index.search(vectors[3:4], 5, where=where, exclude=["job-3", "job-6"])[0]
    assert len(hits) == 5
    keep = [int(i.split("-")[1]) % 3 == 0 and i not in ("job-3", "job-6") for i in ids]
    _assert_same_hits(hits, _brute_force(vectors, ids, vectors[3], 5, keep))


def test_exclude_everything_returns_empty(
    populated: tuple[VectorIndex, list[str], Matrix],
) -> None:
    index, ids, vectors = populated
    assert index.search(vectors[:1], 5, exclude=ids) == [[]]
    tehran = [i for i in ids if int(i.split("-")[1]) % 3 == 0]
    assert index.search(vectors[:1], 5, where={"province": "tehran"}, exclude=tehran) == [[]]


def test_exclude_rejects_a_bare_string(populated: tuple[VectorIndex, list[str], Matrix]) -> None:
    index, _, vectors = populated
    with pytest.raises(TypeError):
        index.search(vectors[:1], 5, exclude="job-1")


# -- validation -------------------------------------------------------------------------


def _bad_upserts(rng: np.random.Generator) -> list[tuple[Callable[[VectorIndex], object], type]]:
    good = _unit(rng, 2)
    nan = good.copy()
    nan[1, 3] = np.nan
    inf = good.copy()
    inf[0, 0] = np.inf
    zero = good.copy()
    zero[1] = 0.0
    return [
        (lambda ix: ix.upsert(["new-a", "job-1"], _unit(rng, 2, DIM + 1)), DimensionMismatchError),
        (lambda ix: ix.upsert(["new-a"], good[0]), ValueError),
        (lambda ix: ix.upsert(["new-a", "job-1"], nan), ValueError),
        (lambda ix: ix.upsert(["new-a", "job-1"], inf), ValueError),
        (lambda ix: ix.upsert(["new-a", "job-1"], np.full((2, DIM), 1e39)), ValueError),
        (lambda ix: ix.upsert(["new-a", "job-1"], zero), ValueError),
        (lambda ix: ix.upsert(["new-a", "job-1", "new-b"], good), ValueError),
        (lambda ix: ix.upsert(["job-1", "job-1"], good), ValueError),
        (lambda ix: ix.upsert(["new-a", ""], good), ValueError),
        (lambda ix: ix.upsert(["new-a", 7], good), ValueError),  # type: ignore[list-item]
        (lambda ix: ix.upsert("ab", good), TypeError),
        (lambda ix: ix.upsert(["new-a", "job-1"], good.astype(np.complex64)), ValueError),
        (lambda ix: ix.upsert(["new-a", "job-1"], [["x"] * DIM] * 2), ValueError),
        (lambda ix: ix.upsert(["new-a", "job-1"], good, [{"a": 1}]), ValueError),
        (lambda ix: ix.upsert(["new-a", "job-1"], good, [{"a": 1}, {"b": True}]), ValueError),
        (lambda ix: ix.upsert(["new-a", "job-1"], good, [{"a": 1}, {"b": [1]}]), ValueError),  # type: ignore[dict-item]
        (
            lambda ix: ix.upsert(["new-a", "job-1"], good, [{"a": 1}, {"b": float("nan")}]),
            ValueError,
        ),
        (lambda ix: ix.upsert(["new-a", "job-1"], good, [{"a": 1}, {"": 1}]), ValueError),
        (lambda ix: ix.upsert(["new-a", "job-1"], good, [{"a": 1}, "b"]), ValueError),  # type: ignore[list-item]
        (lambda ix: ix.upsert(["new-a", "job-1"], good, {"a": 1}), ValueError),  # type: ignore[arg-type]
        (lambda ix: ix.remove("job-1"), TypeError),
        (lambda ix: ix.remove(["job-1", None]), ValueError),  # type: ignore[list-item]
    ]


@pytest.mark.parametrize("case", range(22))
def test_failed_mutation_leaves_index_unchanged(
    populated: tuple[VectorIndex, list[str], Matrix], rng: np.random.Generator, case: int
) -> None:
    index, _, _ = populated
    cases = _bad_upserts(rng)
    assert len(cases) == 22
    call, error = cases[case]
    queries = _unit(np.random.default_rng(99), 2)
    before = _snapshot(index, queries)
    with pytest.raises(error):
        call(index)
    assert _snapshot(index, queries) == before


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda ix, q: ix.search(q[0], 3), ValueError),
        (lambda ix, q: ix.search(q[None], 3), ValueError),
        (lambda ix, q: ix.search(q, 0), ValueError),
        (lambda ix, q: ix.search(q, -1), ValueError),
        (lambda ix, q: ix.search(q, True), ValueError),
        (lambda ix, q: ix.search(q, 2.0), ValueError),
        (lambda ix, q: ix.search(q[:, :-1], 3), DimensionMismatchError),
        (lambda ix, q: ix.search(q * 0, 3), ValueError),
        (lambda ix, q: ix.search(q * np.nan, 3), ValueError),
        (lambda ix, q: ix.search(q, 3, where={"min_years": {"between": 3}}), ValueError),
        (lambda ix, q: ix.search(q, 3, where={"min_years": {}}), ValueError),
        (lambda ix, q: ix.search(q, 3, where={"min_years": {"gte": "3"}}), ValueError),
        (lambda ix, q: ix.search(q, 3, where={"min_years": {"gte": float("inf")}}), ValueError),
        (lambda ix, q: ix.search(q, 3, where={"province": None}), ValueError),
        (lambda ix, q: ix.search(q, 3, where={"province": [None]}), ValueError),
        (lambda ix, q: ix.search(q, 3, where={"province": True}), ValueError),
        (lambda ix, q: ix.search(q, 3, where=[("province", "x")]), ValueError),
    ],
)
def test_search_validation(
    populated: tuple[VectorIndex, list[str], Matrix],
    call: Callable[[VectorIndex, Matrix], object],
    error: type,
) -> None:
    index, _, vectors = populated
    with pytest.raises(error):
        call(index, vectors[:2])


def test_dimension_mismatch_on_empty_index(rng: np.random.Generator) -> None:
    index = VectorIndex(4)
    with pytest.raises(DimensionMismatchError):
        index.upsert(["a"], _unit(rng, 1, 5))
    with pytest.raises(DimensionMismatchError):
        index.search(_unit(rng, 1, 3), 1)
    assert len(index) == 0


# -- persistence ------------------------------------------------------------------------


def test_save_load_round_trip(
    populated: tuple[VectorIndex, list[str], Matrix], rng: np.random.Generator, tmp_path: Path
) -> None:
    index, ids, _ = populated
    index.remove(["job-9"])
    index.upsert(["شغل-۱"], _unit(rng, 1), [{"province": "تهران", "title": "برنامه‌نویس"}])
    path = tmp_path / "jobs.kvi"
    index.save(path)
    loaded = VectorIndex.load(path)

    assert _files(tmp_path) == ["jobs.kvi", "jobs.kvi.*.faiss"]
    assert loaded.dim == index.dim
    assert loaded.ids() == index.ids()
    assert loaded.get_attributes("شغل-۱") == {"province": "تهران", "title": "برنامه‌نویس"}
    assert loaded.get_attributes("job-4") == index.get_attributes("job-4")
    queries = _unit(rng, 4)
    for where in (None, {"province": "tehran"}, {"min_years": {"gte": 5}}, {"province": "تهران"}):
        assert loaded.search(queries, 6, where=where) == index.search(queries, 6, where=where)
    for item_id in index.ids():
        np.testing.assert_array_equal(loaded.get_vector(item_id), index.get_vector(item_id))

    # The loaded index keeps working, and new items never alias old internal ids.
    fresh = _unit(rng, 1)
    loaded.upsert(["job-new", "job-4"], np.vstack([fresh, -fresh]))
    loaded.remove(["job-10"])
    hits = loaded.search(fresh, len(loaded))[0]
    assert hits[0].id == "job-new" and hits[-1].id == "job-4"
    assert sorted(h.id for h in hits) == sorted(loaded.ids())
    assert "job-9" not in loaded and "job-10" not in loaded and len(loaded) == len(ids)


def test_save_load_empty_index(tmp_path: Path) -> None:
    path = tmp_path / "empty.kvi"
    VectorIndex(5).save(path)
    loaded = VectorIndex.load(str(path))
    assert len(loaded) == 0 and loaded.dim == 5
    assert loaded.search(np.ones((1, 5), dtype=np.float32), 3) == [[]]


def test_save_overwrites_existing_file(
    populated: tuple[VectorIndex, list[str], Matrix], tmp_path: Path
) -> None:
    index, _, _ = populated
    path = tmp_path / "jobs.kvi"
    VectorIndex(DIM).save(path)
    index.save(path)
    assert len(VectorIndex.load(path)) == len(index)
    assert _files(tmp_path) == ["jobs.kvi", "jobs.kvi.*.faiss"]


@pytest.fixture
def saved(populated: tuple[VectorIndex, list[str], Matrix], tmp_path: Path) -> tuple[Path, bytes]:
    path = tmp_path / "jobs.kvi"
    populated[0].save(path)
    return path, path.read_bytes()


@pytest.mark.parametrize("keep", [0, 3, 8, 20, 59, 61, 500, -100, -1])
def test_truncated_file_is_corrupt(saved: tuple[Path, bytes], keep: int) -> None:
    path, data = saved
    path.write_bytes(data[:keep])
    with pytest.raises(IndexCorruptError, match="truncated"):
        VectorIndex.load(path)


@pytest.mark.parametrize("position", [0, 9, 14, 22, 40, 61, 200, -500, -1])
def test_flipped_byte_is_corrupt(saved: tuple[Path, bytes], position: int) -> None:
    path, data = saved
    damaged = bytearray(data)
    damaged[position] ^= 0x01
    path.write_bytes(bytes(damaged))
    with pytest.raises(IndexCorruptError):
        VectorIndex.load(path)


def test_flipped_payload_byte_reports_checksum(saved: tuple[Path, bytes]) -> None:
    path, data = saved
    damaged = bytearray(data)
    damaged[len(data) // 2] ^= 0x80
    path.write_bytes(bytes(damaged))
    with pytest.raises(IndexCorruptError, match="checksum"):
        VectorIndex.load(path)


def test_wrong_magic_is_corrupt(saved: tuple[Path, bytes]) -> None:
    path, data = saved
    path.write_bytes(b"NOTANIDX" + data[len(MAGIC) :])
    with pytest.raises(IndexCorruptError, match="magic"):
        VectorIndex.load(path)


def test_trailing_bytes_are_corrupt(saved: tuple[Path, bytes]) -> None:
    path, data = saved
    path.write_bytes(data + b"\0")
    with pytest.raises(IndexCorruptError, match="trailing"):
        VectorIndex.load(path)


def test_missing_file_raises_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        VectorIndex.load(tmp_path / "absent.kvi")


@pytest.mark.parametrize(
    "mutate",
    [
        lambda m: m.pop("ids"),
        lambda m: m.update(dim=DIM + 1),
        lambda m: m.update(ids=m["ids"][:-1]),
        lambda m: m.update(internal_ids=[0] * len(m["internal_ids"])),
        lambda m: m.update(next_internal_id=0),
        lambda m: m["attributes"].__setitem__(0, {"a": [1, 2]}),
        lambda m: m.update(faiss=faiss.IndexIDMap2(faiss.IndexFlatL2(DIM))),
        lambda m: m.update(faiss=b"not a faiss index"),
    ],
)
def test_consistent_checksum_but_bad_metadata_is_corrupt(
    populated: tuple[VectorIndex, list[str], Matrix],
    tmp_path: Path,
    mutate: Callable[[dict[str, object]], object],
) -> None:
    index, _, _ = populated
    ids = index.ids()
    internal = list(range(len(ids)))
    metadata: dict[str, object] = {
        "dim": DIM,
        "next_internal_id": len(ids),
        "ids": ids,
        "internal_ids": internal,
        "attributes": [index.get_attributes(i) for i in ids],
    }
    path = tmp_path / "forged.kvi"
    faiss_bytes = faiss.serialize_index(index._index).data  # upserted with ids 0..n-1
    write_payload(path, metadata, faiss_bytes)
    assert len(VectorIndex.load(path)) == len(ids)  # the unmodified forgery loads

    mutate(metadata)
    replacement = metadata.pop("faiss", None)
    if isinstance(replacement, bytes):
        faiss_bytes = memoryview(replacement)
    elif replacement is not None:
        faiss_bytes = faiss.serialize_index(replacement).data  # type: ignore[arg-type]
    write_payload(path, metadata, faiss_bytes)
    with pytest.raises(IndexCorruptError):
        VectorIndex.load(path)


def test_save_is_atomic_when_replace_fails(
    populated: tuple[VectorIndex, list[str], Matrix],
    rng: np.random.Generator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    index, _, _ = populated
    path = tmp_path / "jobs.kvi"
    index.save(path)
    original = path.read_bytes()
    queries = _unit(rng, 2)
    expected = index.search(queries, 5)

    index.upsert(["job-extra"], _unit(rng, 1))
    index.remove(["job-0"])

    def crash(src: object, dst: object) -> None:
        raise OSError("simulated crash before rename")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="simulated crash"):
        index.save(path)
    monkeypatch.undo()

    assert _files(tmp_path) == ["jobs.kvi", "jobs.kvi.*.faiss"]  # temp files cleaned up
    assert path.read_bytes() == original
    assert VectorIndex.load(path).search(queries, 5) == expected


def test_save_cleans_up_when_writing_fails(
    populated: tuple[VectorIndex, list[str], Matrix],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    index, _, _ = populated

    def fail_fsync(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", fail_fsync)
    with pytest.raises(OSError, match="disk full"):
        index.save(tmp_path / "jobs.kvi")
    assert os.listdir(tmp_path) == []
