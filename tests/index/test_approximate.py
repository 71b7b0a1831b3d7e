"""VectorIndex beyond its exact limit: IVF-SQ8 search, filters, resizing, memory-mapped loads."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from index import IndexCorruptError, VectorIndex
from index.vector_index import IndexPolicy

DIM = 16
Matrix = npt.NDArray[np.float32]
SMALL = IndexPolicy(exact_limit=400, nprobe=4)


def _clustered(rng: np.random.Generator, n: int, centres: int = 40) -> Matrix:
    centre = rng.standard_normal((centres, DIM)).astype(np.float32)
    x = centre[rng.integers(0, centres, n)] + 0.3 * rng.standard_normal((n, DIM)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _exact_top(
    vectors: Matrix, ids: list[str], query: Matrix, k: int, keep: list[bool]
) -> set[str]:
    scores = vectors @ query
    order = [i for i in np.argsort(-scores, kind="stable") if keep[i]]
    return {ids[i] for i in order[:k]}


@pytest.fixture
def market() -> tuple[VectorIndex, list[str], Matrix, list[int]]:
    rng = np.random.default_rng(5)
    n = 2000
    ids = [f"v{i}" for i in range(n)]
    vectors = _clustered(rng, n)
    groups = [int(g) for g in rng.integers(0, 100, n)]
    index = VectorIndex(DIM, SMALL)
    for start in range(0, n, 500):  # grows past the limit the way a store rebuild does
        stop = start + 500
        attributes = [{"group": g} for g in groups[start:stop]]
        index.upsert(ids[start:stop], vectors[start:stop], attributes)
    return index, ids, vectors, groups


def test_policy_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        IndexPolicy(exact_limit=0)
    with pytest.raises(ValueError):
        IndexPolicy(regrow=1.0)


def test_index_turns_approximate_past_its_limit(
    market: tuple[VectorIndex, list[str], Matrix, list[int]],
) -> None:
    index, ids, vectors, _ = market
    assert index.kind == "ivf_sq8" and len(index) == len(ids)
    rng = np.random.default_rng(9)
    queries = _clustered(rng, 50)
    recall = []
    for query, hits in zip(queries, index.search(queries, 10), strict=True):
        assert len(hits) == 10
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
        recall.append(
            len({h.id for h in hits} & _exact_top(vectors, ids, query, 10, [True] * len(ids))) / 10
        )
    assert np.mean(recall) >= 0.9
    np.testing.assert_allclose(index.get_vector("v7"), vectors[7], atol=0.02)


@pytest.mark.parametrize("passing_groups", [[3], [1, 2, 3, 4, 5], list(range(50))])
def test_selective_filters_keep_recall_and_count(
    market: tuple[VectorIndex, list[str], Matrix, list[int]], passing_groups: list[int]
) -> None:
    index, ids, vectors, groups = market
    keep = [g in passing_groups for g in groups]
    queries = _clustered(np.random.default_rng(10), 20)
    found = index.search(queries, 10, where={"group": passing_groups})
    recall = []
    for query, hits in zip(queries, found, strict=True):
        assert len(hits) == min(10, sum(keep))
        assert all(groups[ids.index(h.id)] in passing_groups for h in hits)
        truth = _exact_top(vectors, ids, query, 10, keep)
        recall.append(len({h.id for h in hits} & truth) / len(truth))
    assert np.mean(recall) >= 0.9


def test_exclude_remove_and_replace_on_the_approximate_index(
    market: tuple[VectorIndex, list[str], Matrix, list[int]],
) -> None:
    index, _, vectors, _ = market
    query = vectors[11:12]
    assert index.search(query, 1)[0][0].id == "v11"
    assert "v11" not in {h.id for h in index.search(query, 5, exclude=["v11"])[0]}
    index.remove(["v11"])
    assert "v11" not in index and "v11" not in {h.id for h in index.search(query, 20)[0]}
    index.upsert(["v12"], -vectors[12:13])
    assert index.search(-vectors[12:13], 1)[0][0].id == "v12"


def test_index_retrains_as_it_grows_and_turns_exact_when_it_shrinks(
    market: tuple[VectorIndex, list[str], Matrix, list[int]],
) -> None:
    index, ids, vectors, _ = market
    assert index._trained_for == 500  # trained once the first 500 passed the limit of 400
    extra = _clustered(np.random.default_rng(3), 101)
    index.upsert([f"x{i}" for i in range(101)], extra)
    assert index._trained_for == 2101  # past 4 x 500: trained again
    index.remove([f"x{i}" for i in range(101)])
    index.remove(ids[:1850])
    assert index.kind == "exact" and len(index) == 150
    hits = index.search(vectors[1900:1901], 3)[0]
    assert hits[0].id == "v1900" and hits[0].score == pytest.approx(1.0, abs=0.01)


def test_saved_approximate_index_loads_memory_mapped(
    market: tuple[VectorIndex, list[str], Matrix, list[int]], tmp_path: Path
) -> None:
    index, ids, vectors, _ = market
    path = tmp_path / "vacancies.kvi"
    index.save(path)
    queries = vectors[:5]
    for mmap in (False, True):
        loaded = VectorIndex.load(path, policy=SMALL, mmap=mmap)
        assert loaded.kind == "ivf_sq8" and loaded.memory_mapped is mmap
        assert loaded.search(queries, 10) == index.search(queries, 10)
        assert loaded.search(queries, 5, where={"group": [1, 2]}) == index.search(
            queries, 5, where={"group": [1, 2]}
        )
    # The first change copies the mapped block into memory; the file stays as it was.
    loaded.upsert(["new"], vectors[:1])
    loaded.remove(["v3"])
    assert not loaded.memory_mapped and "new" in loaded and "v3" not in loaded
    assert len(VectorIndex.load(path, mmap=True)) == len(ids)
    loaded.save(path)
    assert len(list(tmp_path.iterdir())) == 2  # the index file and its one current block


def test_missing_or_damaged_block_is_corrupt(
    market: tuple[VectorIndex, list[str], Matrix, list[int]], tmp_path: Path
) -> None:
    index, _, _, _ = market
    path = tmp_path / "vacancies.kvi"
    index.save(path)
    (block,) = tmp_path.glob("*.faiss")
    data = bytearray(block.read_bytes())
    data[len(data) // 2] ^= 0x10
    block.write_bytes(bytes(data))
    for mmap in (False, True):
        with pytest.raises(IndexCorruptError, match="damaged"):
            VectorIndex.load(path, mmap=mmap)
    block.unlink()
    with pytest.raises(IndexCorruptError, match="missing"):
        VectorIndex.load(path)


def test_an_index_saved_under_another_policy_is_reshaped_on_load(
    market: tuple[VectorIndex, list[str], Matrix, list[int]], tmp_path: Path
) -> None:
    index, ids, vectors, _ = market
    path = tmp_path / "vacancies.kvi"
    index.save(path)
    exact = VectorIndex.load(path, policy=IndexPolicy(exact_limit=5000), mmap=True)
    assert exact.kind == "exact" and not exact.memory_mapped and len(exact) == len(ids)
    assert exact.search(vectors[:1], 1)[0][0].id == "v0"
    exact.save(path)
    again = VectorIndex.load(path, policy=SMALL)
    assert again.kind == "ivf_sq8" and again.search(vectors[:1], 1)[0][0].id == "v0"


def test_retraining_reads_exact_vectors_where_given() -> None:
    rng = np.random.default_rng(8)
    vectors = _clustered(rng, 2100)
    ids = [f"v{i}" for i in range(2100)]
    asked: list[int] = []

    def exact(wanted: list[str]) -> dict[str, Matrix]:
        asked.append(len(wanted))
        return {i: vectors[int(i[1:])] for i in wanted if i != "v0"}  # v0: not stored yet

    index = VectorIndex(DIM, SMALL, exact_vectors=exact)
    index.upsert(ids[:500], vectors[:500])  # exact -> IVF: the flat vectors are exact
    assert asked == []
    index.upsert(ids[500:], vectors[500:])  # past 4 x 500: retrained on exact vectors
    assert asked == [2100] and index._trained_for == 2100
    assert index.search(vectors[:1], 1)[0][0].id == "v0"
