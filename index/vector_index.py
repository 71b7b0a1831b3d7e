"""Cosine-similarity search over string-keyed vectors, with attribute filters, exact for
small collections and approximate (IVF with 8-bit scalar quantisation) for large ones.

Vectors are L2-normalised on the way in, so inner product equals cosine similarity. Up to
``IndexPolicy.exact_limit`` items they sit in ``faiss.IndexIDMap2`` over
``faiss.IndexFlatIP`` and search is exact. Beyond it the index retrains itself as
``faiss.IndexIVFScalarQuantizer`` (QT_8bit, about 4·√n lists, nprobe 64): at 1,000,000 e5-shaped
vectors recall@10 is about 0.96 at 1.2 ms p99 single-threaded, with 380 MB of codes
(``benchmarks/ann.py``). It retrains as the collection grows fourfold, and goes back to exact
search when it shrinks below half the limit. HNSW, faster still, is not used here: faiss's
HNSW cannot remove items, and vacancies are replaced and removed all day.

Filtered search widens nprobe by the share of items the filter keeps, so that about as
many passing items are scanned as an unfiltered search scans items; a filter keeping under
``nprobe / nlist`` of the collection scans every list, which is exact up to quantisation.

Every stored vector gets a fresh int64 internal id (never reused within the life of an
index, across saves and loads too), so a stale internal id can never alias a newer item.

Not thread-safe: guard a shared instance with a lock if writers run alongside readers.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import faiss
import numpy as np
import numpy.typing as npt

from index.attributes import (
    AttributeTable,
    AttributeValue,
    compile_filter,
    validate_attributes,
)
from index.errors import DimensionMismatchError, IndexCorruptError, UnknownIdError
from index.persistence import read_payload, write_split_payload

__all__ = ["Hit", "IndexPolicy", "VectorIndex"]

logger = logging.getLogger(__name__)

_Matrix = npt.NDArray[np.float32]
_IdArray = npt.NDArray[np.int64]
# Item ids -> their unquantised vectors (ids it lacks are left out).
ExactVectors = Callable[[list[str]], Mapping[str, npt.ArrayLike]]


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result: an item id and its cosine similarity to the query."""

    id: str
    score: float


@dataclass(frozen=True, slots=True)
class IndexPolicy:
    """When search turns approximate and how the approximate index is shaped (the values
    measured by ``benchmarks/ann.py`` at 1,000,000 vectors)."""

    exact_limit: int = 100_000  # at most this many items: exact search
    lists_per_sqrt: float = 4.0  # IVF lists = lists_per_sqrt * sqrt(n)
    nprobe: int = 64  # lists scanned per unfiltered query
    regrow: float = 4.0  # retrain when the collection is this many times the trained size
    train_per_list: int = 50  # k-means training sample per list

    def __post_init__(self) -> None:
        if self.exact_limit < 1 or self.nprobe < 1 or self.regrow <= 1 or self.lists_per_sqrt <= 0:
            raise ValueError(f"invalid index policy {self!r}")

    def lists(self, n: int) -> int:
        return max(8, int(self.lists_per_sqrt * math.sqrt(n)))


class VectorIndex:
    """A mutable cosine-similarity index over vectors keyed by string ids: exact while
    small, IVF-SQ8 when large (see the module docstring)."""

    def __init__(
        self,
        dim: int,
        policy: IndexPolicy | None = None,
        *,
        exact_vectors: ExactVectors | None = None,
    ) -> None:
        """``exact_vectors`` (e.g. the store's) gives the unquantised vectors of ids when
        the IVF lists are trained again; without it the 8-bit codes are decoded, and
        encoding them again compounds the error (recall@10 at 1,000,000: about 0.95
        against 0.96)."""
        if isinstance(dim, bool) or not isinstance(dim, int) or dim < 1:
            raise ValueError(f"dim must be a positive int, got {dim!r}")
        self._dim = dim
        self._exact_vectors = exact_vectors
        self.policy = policy or IndexPolicy()
        self._index: faiss.Index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
        self._trained_for = 0  # collection size the IVF lists were trained on (0: exact)
        self._mapped = False  # the faiss block is a read-only memory map of a file
        self._id_to_int: dict[str, int] = {}
        self._int_to_id: dict[int, str] = {}
        self._attributes = AttributeTable()
        self._next_internal_id = 0

    # -- inspection -------------------------------------------------------------------

    @property
    def dim(self) -> int:
        """Dimensionality of the stored vectors."""
        return self._dim

    def __len__(self) -> int:
        return len(self._id_to_int)

    def __contains__(self, item_id: object) -> bool:
        return isinstance(item_id, str) and item_id in self._id_to_int

    def __repr__(self) -> str:
        return f"VectorIndex(dim={self._dim}, size={len(self)}, kind={self.kind!r})"

    @property
    def kind(self) -> str:
        """``"exact"`` or ``"ivf_sq8"``."""
        return "ivf_sq8" if self._trained_for else "exact"

    @property
    def memory_mapped(self) -> bool:
        """The vectors are read from a mapped file (until the first change copies them)."""
        return self._mapped

    def ids(self) -> list[str]:
        """The ids held, in order of first insertion."""
        return list(self._id_to_int)

    def get_vector(self, item_id: str) -> npt.NDArray[np.float32]:
        """A copy of the stored (unit-length) vector of ``item_id``; decoded from 8 bits,
        so within about 1e-3 of it, once the index is approximate."""
        vector = self._index.reconstruct(self._internal_id(item_id))
        return np.asarray(vector, dtype=np.float32)

    def get_attributes(self, item_id: str) -> dict[str, AttributeValue]:
        """A copy of the attributes of ``item_id`` (empty if it was stored without any)."""
        return self._attributes.get(self._internal_id(item_id))

    # -- mutation ---------------------------------------------------------------------

    def upsert(
        self,
        ids: Sequence[str],
        vectors: npt.ArrayLike,
        attributes: Sequence[Mapping[str, AttributeValue]] | None = None,
    ) -> None:
        """Add new items or replace existing ones, vector and attributes both.

        ``vectors`` has shape ``(len(ids), dim)``; rows are normalised to unit length.
        ``attributes``, if given, holds one mapping per id; if omitted every item in the
        call is stored without attributes (replacing any it had). Everything is validated
        first: on ``ValueError`` / ``DimensionMismatchError`` the index is unchanged.
        """
        id_list = _check_ids(ids, "ids", allow_duplicates=False)
        matrix = self._prepare_matrix(vectors, "vectors", rows=len(id_list))
        if attributes is None:
            rows: list[dict[str, AttributeValue]] = [{} for _ in id_list]
        else:
            if isinstance(attributes, Mapping) or len(attributes) != len(id_list):
                raise ValueError("attributes must be a sequence with one mapping per id")
            rows = [validate_attributes(a) for a in attributes]
        if not id_list:
            return

        self._make_writable()
        replaced = [self._id_to_int[i] for i in id_list if i in self._id_to_int]
        start = self._next_internal_id
        new_ids = np.arange(start, start + len(id_list), dtype=np.int64)
        self._index.add_with_ids(matrix, new_ids)
        self._next_internal_id = start + len(id_list)
        if replaced:
            self._drop_internal(replaced)
        for item_id, internal_id, row in zip(id_list, new_ids.tolist(), rows, strict=True):
            self._id_to_int[item_id] = internal_id
            self._int_to_id[internal_id] = item_id
            self._attributes.put(internal_id, row)
        logger.debug("upserted %d items (%d replaced)", len(id_list), len(replaced))
        self._reshape()

    def remove(self, ids: Sequence[str], *, strict: bool = False) -> int:
        """Remove items and return how many were removed.

        Unknown ids are ignored, unless ``strict`` is true: then ``UnknownIdError`` is
        raised and nothing is removed.
        """
        id_list = _check_ids(ids, "ids", allow_duplicates=True)
        unknown = [i for i in id_list if i not in self._id_to_int]
        if strict and unknown:
            raise UnknownIdError(f"unknown ids: {sorted(set(unknown))[:10]!r}")
        targets = list(dict.fromkeys(i for i in id_list if i in self._id_to_int))
        if targets:
            self._make_writable()
            self._drop_internal([self._id_to_int[i] for i in targets])
            for item_id in targets:
                del self._id_to_int[item_id]
            self._reshape()
        logger.debug("removed %d items", len(targets))
        return len(targets)

    # -- search -----------------------------------------------------------------------

    def search(
        self,
        queries: npt.ArrayLike,
        k: int,
        where: Mapping[str, object] | None = None,
        exclude: Collection[str] = (),
    ) -> list[list[Hit]]:
        """The ``k`` most similar items to each query row, best first.

        ``queries`` must be 2-D, shape ``(m, dim)``; rows are normalised like stored
        vectors. ``where`` keeps only items whose attributes pass the filter (see
        :mod:`index.attributes`); ``exclude`` drops the given ids. Either way ``k`` hits
        come back whenever at least ``k`` items qualify, otherwise all that qualify.
        """
        if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
            raise ValueError(f"k must be an int >= 1, got {k!r}")
        k = int(k)
        matrix = self._prepare_matrix(queries, "queries", rows=None)
        conditions = compile_filter(where) if where is not None else ()
        if isinstance(exclude, str):
            raise TypeError("exclude must be a collection of ids, not a single str")
        excluded = [self._id_to_int[i] for i in set(exclude) if i in self._id_to_int]
        empty: list[list[Hit]] = [[] for _ in range(matrix.shape[0])]
        if not matrix.shape[0] or not len(self):
            return empty

        if conditions:
            allowed = self._attributes.select(conditions)
            if excluded:
                allowed = allowed[~np.isin(allowed, np.asarray(excluded, dtype=np.int64))]
            if not allowed.size:
                return empty
            # A bitmap over internal ids: the scan tests every id it meets, and a bit test is
            # far cheaper than a hash lookup.
            bits = np.zeros(self._next_internal_id, dtype=bool)
            bits[allowed] = True
            bitmap = np.packbits(bits, bitorder="little")
            selector = faiss.IDSelectorBitmap(len(bitmap), faiss.swig_ptr(bitmap))
            want = min(k, int(allowed.size))
            scores, labels = self._search_faiss(matrix, want, want, selector, allowed.size)
            del selector, bitmap  # the selector points into the bitmap: dropped together
            return self._hits(scores, labels, k, dropped=frozenset())

        # Unfiltered: ask for enough extra rows that dropping excluded ids still leaves k.
        depth = min(k + len(excluded), len(self))
        want = min(depth, len(self) - len(excluded))
        scores, labels = self._search_faiss(matrix, depth, want, None, len(self))
        return self._hits(scores, labels, k, dropped=frozenset(excluded))

    def _search_faiss(
        self,
        matrix: _Matrix,
        depth: int,
        want: int,
        selector: faiss.IDSelector | None,
        passing: int,
    ) -> tuple[npt.NDArray[np.float32], _IdArray]:
        """Search ``depth`` deep; an approximate search that finds fewer than ``want``
        results for a row (too few passing items in the lists it scanned) scans every list
        for that row."""
        if not self._trained_for:
            params = faiss.SearchParameters()
            if selector is not None:
                params.sel = selector  # `selector` stays referenced until the search returns
            return self._index.search(matrix, depth, params=params)
        nlist = int(faiss.extract_index_ivf(self._index).nlist)
        share = passing / max(len(self), 1)
        nprobe = min(nlist, math.ceil(self.policy.nprobe / max(share, 1e-9)))
        scores, labels = self._ivf_search(matrix, depth, nprobe, selector)
        short = np.flatnonzero((labels >= 0).sum(axis=1) < want)
        if short.size and nprobe < nlist:
            wide_scores, wide_labels = self._ivf_search(matrix[short], depth, nlist, selector)
            scores[short], labels[short] = wide_scores, wide_labels
        return scores, labels

    def _ivf_search(
        self, matrix: _Matrix, depth: int, nprobe: int, selector: faiss.IDSelector | None
    ) -> tuple[npt.NDArray[np.float32], _IdArray]:
        params = faiss.SearchParametersIVF()
        params.nprobe = nprobe
        if selector is not None:
            params.sel = selector
        return self._index.search(matrix, depth, params=params)

    def _hits(
        self,
        scores: npt.NDArray[np.float32],
        labels: _IdArray,
        k: int,
        dropped: frozenset[int],
    ) -> list[list[Hit]]:
        results: list[list[Hit]] = []
        for row_scores, row_labels in zip(scores.tolist(), labels.tolist(), strict=True):
            hits: list[Hit] = []
            for score, label in zip(row_scores, row_labels, strict=True):
                if label < 0 or label in dropped:
                    continue
                hits.append(Hit(self._int_to_id[label], score))
                if len(hits) == k:
                    break
            results.append(hits)
        return results

    # -- persistence ------------------------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the whole index to ``path`` atomically (see :mod:`index.persistence`)."""
        ids = list(self._id_to_int)
        internal = [self._id_to_int[i] for i in ids]
        metadata = {
            "dim": self._dim,
            "next_internal_id": self._next_internal_id,
            "ids": ids,
            "internal_ids": internal,
            "attributes": [self._attributes.get(n) for n in internal],
            "trained_for": self._trained_for,
        }
        index_bytes = faiss.serialize_index(self._index).data
        write_split_payload(path, metadata, index_bytes)
        logger.info("saved %s vector index with %d items to %s", self.kind, len(ids), path)

    @classmethod
    def load(
        cls,
        path: str | os.PathLike[str],
        *,
        policy: IndexPolicy | None = None,
        mmap: bool = False,
        exact_vectors: ExactVectors | None = None,
    ) -> VectorIndex:
        """Read an index written by :meth:`save`.

        With ``mmap`` the vectors are not read into memory but mapped from the file, so the
        processes that load one index share its pages, and loading is quick; the first
        change copies them into memory. Raises ``IndexCorruptError`` for a truncated,
        corrupted or foreign file; nothing is half-loaded. ``OSError`` (e.g. a missing
        file) propagates unchanged. The checksum detects damage, not tampering: load only
        files from a trusted location.
        """
        payload = read_payload(path, map_block=mmap)
        try:
            if payload.index_path is not None:
                try:
                    faiss_index = faiss.read_index(
                        str(payload.index_path), faiss.IO_FLAG_MMAP_IFC | faiss.IO_FLAG_READ_ONLY
                    )
                except RuntimeError as exc:
                    raise IndexCorruptError(f"faiss index block cannot be read: {exc}") from exc
            else:
                assert payload.index_bytes is not None
                faiss_index = _deserialize(payload.index_bytes)
            index = cls._restore(payload.metadata, faiss_index, policy)
            index._exact_vectors = exact_vectors
        except IndexCorruptError as exc:
            raise IndexCorruptError(f"{path}: {exc}") from exc
        index._mapped = payload.index_path is not None
        index._reshape()  # saved under another policy (or an older, exact-only version)
        logger.info(
            "loaded %s vector index with %d items from %s%s",
            index.kind,
            len(index),
            path,
            " (memory-mapped)" if index._mapped else "",
        )
        return index

    @classmethod
    def _restore(
        cls, metadata: dict[str, Any], faiss_index: faiss.Index, policy: IndexPolicy | None
    ) -> VectorIndex:
        try:
            dim = metadata["dim"]
            next_internal_id = metadata["next_internal_id"]
            ids = metadata["ids"]
            internal = metadata["internal_ids"]
            attributes = metadata["attributes"]
            trained_for = metadata.get("trained_for", 0)
        except KeyError as exc:
            raise IndexCorruptError(f"metadata lacks field {exc}") from exc
        if not (
            _is_int(dim)
            and dim >= 1
            and _is_int(next_internal_id)
            and _is_int(trained_for)
            and trained_for >= 0
            and isinstance(ids, list)
            and isinstance(internal, list)
            and isinstance(attributes, list)
            and len(ids) == len(internal) == len(attributes)
            and all(isinstance(i, str) and i for i in ids)
            and all(_is_int(n) and 0 <= n < next_internal_id for n in internal)
            and len(set(ids)) == len(ids)
            and len(set(internal)) == len(internal)
        ):
            raise IndexCorruptError("metadata is inconsistent")
        try:
            rows = [validate_attributes(a) for a in attributes]
        except ValueError as exc:
            raise IndexCorruptError(f"metadata holds invalid attributes: {exc}") from exc
        if (
            faiss_index.d != dim
            or faiss_index.ntotal != len(ids)
            or faiss_index.metric_type != faiss.METRIC_INNER_PRODUCT
            or _faiss_kind(faiss_index) != ("ivf_sq8" if trained_for else "exact")
            or set(_faiss_ids(faiss_index).tolist()) != set(internal)
        ):
            raise IndexCorruptError("faiss index block does not match the metadata")

        index = cls(dim, policy)
        index._index = faiss_index
        index._trained_for = trained_for
        index._next_internal_id = next_internal_id
        for item_id, internal_id, row in zip(ids, internal, rows, strict=True):
            index._id_to_int[item_id] = internal_id
            index._int_to_id[internal_id] = item_id
            index._attributes.put(internal_id, row)
        return index

    # -- helpers ----------------------------------------------------------------------

    def _internal_id(self, item_id: str) -> int:
        try:
            return self._id_to_int[item_id]
        except (KeyError, TypeError):
            raise UnknownIdError(f"unknown id: {item_id!r}") from None

    def _drop_internal(self, internal_ids: list[int]) -> None:
        """Remove internal ids from faiss, the attribute table and the reverse map."""
        doomed = np.asarray(internal_ids, dtype=np.int64)
        # IVF's hash-table direct map removes only through an explicit id array.
        selector = (
            faiss.IDSelectorArray(doomed) if self._trained_for else faiss.IDSelectorBatch(doomed)
        )
        self._index.remove_ids(selector)
        for internal_id in internal_ids:
            self._attributes.delete(internal_id)
            del self._int_to_id[internal_id]

    def _make_writable(self) -> None:
        """Copy a memory-mapped faiss block into memory before it changes (faiss aborts the
        process on a write to a mapped block)."""
        if self._mapped:
            self._index = _deserialize(faiss.serialize_index(self._index).data)
            self._mapped = False
            logger.info("copied the memory-mapped %s index into memory to change it", self.kind)

    def _reshape(self) -> None:
        """Switch between exact and IVF search, or retrain IVF, as the size asks."""
        wanted = self._wanted_shape()
        if wanted is not None:
            self._rebuild(approximate=wanted)  # reads the old block, mapped or not
            self._mapped = False

    def _wanted_shape(self) -> bool | None:
        """True: (re)train IVF; False: go exact; None: keep the index as it is."""
        n, policy = len(self), self.policy
        # The limit an exact index outgrows; the size that makes IVF lists too coarse.
        outgrown = policy.regrow * self._trained_for if self._trained_for else policy.exact_limit
        if n > outgrown:
            return True
        if self._trained_for and n < policy.exact_limit // 2:
            return False
        return None

    def _rebuild(self, *, approximate: bool) -> None:
        internal = np.fromiter(self._int_to_id, dtype=np.int64, count=len(self._int_to_id))
        vectors = self._vectors_of(internal)
        if not approximate:
            rebuilt: faiss.Index = faiss.IndexIDMap2(faiss.IndexFlatIP(self._dim))
            rebuilt.add_with_ids(vectors, internal)
            self._index, self._trained_for = rebuilt, 0
            logger.info("vector index back to exact search at %d items", len(internal))
            return
        lists = self.policy.lists(len(internal))
        logger.info("training an IVF-SQ8 index of %d lists on %d items", lists, len(internal))
        rebuilt = _new_ivf(self._dim, lists)
        sample = np.random.default_rng(0).choice(
            len(internal), min(len(internal), self.policy.train_per_list * lists), replace=False
        )
        rebuilt.train(vectors[np.sort(sample)])
        rebuilt.add_with_ids(vectors, internal)
        self._index, self._trained_for = rebuilt, len(internal)

    def _vectors_of(self, internal: _IdArray) -> _Matrix:
        """Stored vectors, unquantised where the index is exact or ``exact_vectors`` has
        them, decoded from the codes otherwise."""
        if not len(internal):
            return np.zeros((0, self._dim), dtype=np.float32)
        vectors = np.asarray(self._index.reconstruct_batch(internal), dtype=np.float32)
        if self._trained_for and self._exact_vectors is not None:
            ids = [self._int_to_id[int(i)] for i in internal]
            exact = self._exact_vectors(ids)
            rows = [row for row, item_id in enumerate(ids) if item_id in exact]
            if rows:
                found = np.stack([np.asarray(exact[ids[row]], dtype=np.float32) for row in rows])
                vectors[rows] = self._prepare_matrix(found, "exact vectors", rows=len(rows))
            logger.info("retraining on %d exact vectors of %d", len(rows), len(ids))
        return vectors

    def _prepare_matrix(self, data: npt.ArrayLike, name: str, rows: int | None) -> _Matrix:
        """Validate a 2-D float matrix and return a unit-row float32 copy."""
        try:
            raw = np.asarray(data)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{name} must be a 2-D numeric array: {exc}") from exc
        if raw.ndim != 2:
            raise ValueError(f"{name} must be 2-D (n, {self._dim}), got shape {raw.shape}")
        if raw.dtype.kind not in "fiu":
            raise ValueError(f"{name} must be a real numeric array, got dtype {raw.dtype}")
        if raw.shape[1] != self._dim:
            raise DimensionMismatchError(
                f"{name} have dimension {raw.shape[1]}, the index has {self._dim}"
            )
        if rows is not None and raw.shape[0] != rows:
            raise ValueError(f"{name} has {raw.shape[0]} rows for {rows} ids")
        with np.errstate(over="ignore", invalid="ignore"):  # reported just below instead
            matrix = np.array(raw, dtype=np.float32, order="C", copy=True)
        if not np.isfinite(matrix).all():
            raise ValueError(f"{name} must be finite (float32 range, no NaN or inf)")
        # Scale each row by its largest magnitude first so the norm cannot overflow.
        peak = np.abs(matrix).max(axis=1, initial=0.0)
        zero_rows = np.flatnonzero(peak == 0)
        if zero_rows.size:
            raise ValueError(f"{name} has zero rows (cannot normalise): {zero_rows[:10].tolist()}")
        matrix /= peak[:, None]
        matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
        return matrix


def _new_ivf(dim: int, lists: int) -> faiss.Index:
    quantizer = faiss.IndexFlatIP(dim)
    index = faiss.IndexIVFScalarQuantizer(
        quantizer, dim, lists, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT
    )
    quantizer.this.disown()  # type: ignore[attr-defined]  # the IVF index frees it
    index.own_fields = True
    # A hash-table direct map: reconstruct and remove by id.
    index.set_direct_map_type(faiss.DirectMap.Hashtable)  # type: ignore[attr-defined]
    return index


def _deserialize(data: memoryview) -> faiss.Index:
    try:
        return faiss.deserialize_index(np.frombuffer(data, dtype=np.uint8))
    except RuntimeError as exc:
        raise IndexCorruptError(f"faiss index block cannot be read: {exc}") from exc


def _faiss_kind(index: faiss.Index) -> str | None:
    if isinstance(index, faiss.IndexIDMap2) and isinstance(
        faiss.downcast_index(index.index), faiss.IndexFlatIP
    ):
        return "exact"
    if (
        isinstance(index, faiss.IndexIVFScalarQuantizer)
        and index.sq.qtype == faiss.ScalarQuantizer.QT_8bit
        and index.direct_map.type == faiss.DirectMap.Hashtable  # type: ignore[attr-defined]
    ):
        return "ivf_sq8"
    return None


def _faiss_ids(index: faiss.Index) -> _IdArray:
    """The ids a faiss block holds (the ids of an IDMap, or those of every IVF list)."""
    if isinstance(index, faiss.IndexIDMap2):
        return faiss.vector_to_array(index.id_map).astype(np.int64)
    if isinstance(index, faiss.IndexIVF):
        lists = index.invlists
        assert lists is not None
        parts = [
            np.array(faiss.rev_swig_ptr(lists.get_ids(i), lists.list_size(i)), dtype=np.int64)
            for i in range(index.nlist)
            if lists.list_size(i)
        ]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    return np.zeros(0, dtype=np.int64)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_ids(ids: Sequence[str], name: str, *, allow_duplicates: bool) -> list[str]:
    if isinstance(ids, str | bytes):
        raise TypeError(f"{name} must be a sequence of ids, not a single {type(ids).__name__}")
    id_list = list(ids)
    bad = [i for i in id_list if not isinstance(i, str) or not i]
    if bad:
        raise ValueError(f"{name} must be non-empty strings, got {bad[:5]!r}")
    if not allow_duplicates and len(set(id_list)) != len(id_list):
        seen: set[str] = set()
        dupes = sorted({i for i in id_list if i in seen or seen.add(i)})  # type: ignore[func-returns-value]
        raise ValueError(f"{name} contains duplicates: {dupes[:5]!r}")
    return id_list
