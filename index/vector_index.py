"""Exact cosine-similarity search over string-keyed vectors, with attribute filters.

Vectors are L2-normalised on the way in and kept in ``faiss.IndexIDMap2`` over
``faiss.IndexFlatIP``, so inner product equals cosine similarity and search is exact.
Every stored vector gets a fresh int64 internal id (never reused within the life of an
index, across saves and loads too), so a stale internal id can never alias a newer item.

Not thread-safe: guard a shared instance with a lock if writers run alongside readers.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Collection, Mapping, Sequence
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
from index.persistence import read_payload, write_payload

__all__ = ["Hit", "VectorIndex"]

logger = logging.getLogger(__name__)

_Matrix = npt.NDArray[np.float32]
_IdArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result: an item id and its cosine similarity to the query."""

    id: str
    score: float


class VectorIndex:
    """A mutable, exact cosine-similarity index over vectors keyed by string ids."""

    def __init__(self, dim: int) -> None:
        if isinstance(dim, bool) or not isinstance(dim, int) or dim < 1:
            raise ValueError(f"dim must be a positive int, got {dim!r}")
        self._dim = dim
        self._index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
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
        return f"VectorIndex(dim={self._dim}, size={len(self)})"

    def ids(self) -> list[str]:
        """The ids held, in order of first insertion."""
        return list(self._id_to_int)

    def get_vector(self, item_id: str) -> npt.NDArray[np.float32]:
        """A copy of the stored (unit-length) vector of ``item_id``."""
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
            self._drop_internal([self._id_to_int[i] for i in targets])
            for item_id in targets:
                del self._id_to_int[item_id]
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
            selector = faiss.IDSelectorBatch(allowed)
            params = faiss.SearchParameters()
            params.sel = selector  # `selector` stays referenced until the search returns
            scores, labels = self._index.search(matrix, min(k, int(allowed.size)), params=params)
            return self._hits(scores, labels, k, dropped=frozenset())

        # Unfiltered: ask for enough extra rows that dropping excluded ids still leaves k.
        depth = min(k + len(excluded), len(self))
        scores, labels = self._index.search(matrix, depth)
        return self._hits(scores, labels, k, dropped=frozenset(excluded))

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
        }
        index_bytes = faiss.serialize_index(self._index).data
        write_payload(path, metadata, index_bytes)
        logger.info("saved vector index with %d items to %s", len(ids), path)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> VectorIndex:
        """Read an index written by :meth:`save`.

        Raises ``IndexCorruptError`` for a truncated, corrupted or foreign file; nothing is
        half-loaded. ``OSError`` (e.g. a missing file) propagates unchanged. The checksum
        detects damage, not tampering: load only files from a trusted location.
        """
        payload = read_payload(path)
        try:
            index = cls._restore(payload.metadata, payload.index_bytes)
        except IndexCorruptError as exc:
            raise IndexCorruptError(f"{path}: {exc}") from exc
        logger.info("loaded vector index with %d items from %s", len(index), path)
        return index

    @classmethod
    def _restore(cls, metadata: dict[str, Any], index_bytes: memoryview) -> VectorIndex:
        try:
            dim = metadata["dim"]
            next_internal_id = metadata["next_internal_id"]
            ids = metadata["ids"]
            internal = metadata["internal_ids"]
            attributes = metadata["attributes"]
        except KeyError as exc:
            raise IndexCorruptError(f"metadata lacks field {exc}") from exc
        if not (
            _is_int(dim)
            and dim >= 1
            and _is_int(next_internal_id)
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
        try:
            faiss_index = faiss.deserialize_index(np.frombuffer(index_bytes, dtype=np.uint8))
        except RuntimeError as exc:
            raise IndexCorruptError(f"faiss index block cannot be read: {exc}") from exc
        if (
            not isinstance(faiss_index, faiss.IndexIDMap2)
            or not isinstance(faiss.downcast_index(faiss_index.index), faiss.IndexFlatIP)
            or faiss_index.d != dim
            or faiss_index.ntotal != len(ids)
            or set(faiss.vector_to_array(faiss_index.id_map).tolist()) != set(internal)
        ):
            raise IndexCorruptError("faiss index block does not match the metadata")

        index = cls(dim)
        index._index = faiss_index
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
        self._index.remove_ids(faiss.IDSelectorBatch(np.asarray(internal_ids, dtype=np.int64)))
        for internal_id in internal_ids:
            self._attributes.delete(internal_id)
            del self._int_to_id[internal_id]

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
