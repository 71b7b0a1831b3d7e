"""Item attributes for filtered search: validation, storage, and the filter language.

A ``where`` filter maps attribute names to conditions, combined with AND:

* a scalar (``str``, ``int``, ``float``) means equality: ``{"province": "تهران"}``;
* a ``list``/``tuple``/``set``/``frozenset`` of scalars means membership:
  ``{"contract": ["full_time", "part_time"]}``;
* a mapping of ``gt``/``gte``/``lt``/``lte`` to numbers means a numeric range:
  ``{"min_years": {"gte": 2, "lte": 5}}``.

An item that lacks the attribute (or holds ``None`` for it) fails the condition, and so
does an item whose value is a string when the condition is a numeric range.

Equality and membership are answered from inverted lists (value -> internal ids), so their
cost grows with the number of matching items rather than with the size of the index; each
list is also kept as a numpy array, made on first use and dropped when the list changes, so
that a filter matching half a million items costs array operations, not Python loops.
Ranges scan a numpy column of the attribute's numeric values, built on first use and
rebuilt after that attribute changes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = [
    "AttributeTable",
    "AttributeValue",
    "Condition",
    "Membership",
    "NumericRange",
    "compile_filter",
    "validate_attributes",
]

Scalar = str | int | float
AttributeValue = str | int | float | None

_RANGE_OPERATORS = frozenset({"gt", "gte", "lt", "lte"})
_IdArray = npt.NDArray[np.int64]
# Below this ratio of candidates to column length, ranges are checked item by item.
_ROW_CHECK_RATIO = 8


@dataclass(frozen=True, slots=True)
class Membership:
    """The attribute equals one of ``values`` (equality is membership of one value)."""

    key: str
    values: frozenset[Scalar]


@dataclass(frozen=True, slots=True)
class NumericRange:
    """The attribute is a number within the bounds that are set (others are open)."""

    key: str
    gt: float | None = None
    gte: float | None = None
    lt: float | None = None
    lte: float | None = None

    def accepts(self, value: object) -> bool:
        if not _is_number(value):
            return False
        number = float(value)  # type: ignore[arg-type]
        return not (
            (self.gt is not None and not number > self.gt)
            or (self.gte is not None and not number >= self.gte)
            or (self.lt is not None and not number < self.lt)
            or (self.lte is not None and not number <= self.lte)
        )

    def mask(self, column: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
        keep = np.ones(column.shape, dtype=bool)
        if self.gt is not None:
            keep &= column > self.gt
        if self.gte is not None:
            keep &= column >= self.gte
        if self.lt is not None:
            keep &= column < self.lt
        if self.lte is not None:
            keep &= column <= self.lte
        return keep


Condition = Membership | NumericRange


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_scalar(value: object, where: str) -> Scalar:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"{where}: expected str, int or float, got {type(value).__name__}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{where}: numbers must be finite, got {value!r}")
    return value


def validate_attributes(attributes: Mapping[str, object]) -> dict[str, AttributeValue]:
    """Check one item's attributes and return a private copy.

    Names must be non-empty strings; values ``str``, ``int``, finite ``float`` or ``None``
    (``None`` means "not set": the item fails every filter on that attribute). ``bool`` is
    rejected because ``True == 1`` would make it indistinguishable from the number 1.
    """
    if not isinstance(attributes, Mapping):
        raise ValueError(f"attributes must be a mapping, got {type(attributes).__name__}")
    checked: dict[str, AttributeValue] = {}
    for key, value in attributes.items():
        if not isinstance(key, str) or not key:
            raise ValueError(f"attribute names must be non-empty strings, got {key!r}")
        checked[key] = None if value is None else _check_scalar(value, f"attribute {key!r}")
    return checked


def compile_filter(where: Mapping[str, object]) -> tuple[Condition, ...]:
    """Turn a ``where`` mapping into conditions, raising ``ValueError`` on a bad spec."""
    if not isinstance(where, Mapping):
        raise ValueError(f"where must be a mapping, got {type(where).__name__}")
    conditions: list[Condition] = []
    for key, spec in where.items():
        if not isinstance(key, str) or not key:
            raise ValueError(f"filter keys must be non-empty strings, got {key!r}")
        label = f"filter on {key!r}"
        if isinstance(spec, Mapping):
            conditions.append(_compile_range(key, spec, label))
        elif isinstance(spec, list | tuple | set | frozenset):
            values = frozenset(_check_scalar(v, label) for v in spec)
            conditions.append(Membership(key, values))
        else:
            conditions.append(Membership(key, frozenset({_check_scalar(spec, label)})))
    return tuple(conditions)


def _compile_range(key: str, spec: Mapping[object, object], label: str) -> NumericRange:
    if not spec:
        raise ValueError(f"{label}: a range needs at least one of {sorted(_RANGE_OPERATORS)}")
    bounds: dict[str, float] = {}
    for operator, bound in spec.items():
        if operator not in _RANGE_OPERATORS:
            raise ValueError(
                f"{label}: unknown range operator {operator!r}, "
                f"expected one of {sorted(_RANGE_OPERATORS)}"
            )
        if not _is_number(bound) or not math.isfinite(bound):  # type: ignore[arg-type]
            raise ValueError(f"{label}: range bounds must be finite numbers, got {bound!r}")
        bounds[str(operator)] = float(bound)  # type: ignore[arg-type]
    return NumericRange(key, **bounds)


class AttributeTable:
    """Attributes of live items, keyed by internal id, with inverted lists for filtering."""

    def __init__(self) -> None:
        self._rows: dict[int, dict[str, AttributeValue]] = {}
        # name -> value -> internal ids holding that value (None values are not posted).
        self._postings: dict[str, dict[Scalar, set[int]]] = {}
        # name -> (internal ids, numeric values), built lazily for range filters.
        self._columns: dict[str, tuple[_IdArray, npt.NDArray[np.float64]]] = {}
        # (name, value) -> the posting as an array, built lazily for membership filters.
        self._arrays: dict[tuple[str, Scalar], _IdArray] = {}

    def put(self, internal_id: int, attributes: Mapping[str, AttributeValue]) -> None:
        """Replace the attributes of ``internal_id`` (already validated)."""
        self.delete(internal_id)
        row = dict(attributes)
        if not row:
            return
        self._rows[internal_id] = row
        for key, value in row.items():
            if value is None:
                continue
            self._postings.setdefault(key, {}).setdefault(value, set()).add(internal_id)
            self._columns.pop(key, None)
            self._arrays.pop((key, value), None)

    def delete(self, internal_id: int) -> None:
        """Forget the attributes of ``internal_id``; a no-op if it has none."""
        row = self._rows.pop(internal_id, None)
        if row is None:
            return
        for key, value in row.items():
            if value is None:
                continue
            by_value = self._postings[key]
            holders = by_value[value]
            holders.discard(internal_id)
            self._arrays.pop((key, value), None)
            if not holders:
                del by_value[value]
                if not by_value:
                    del self._postings[key]
            self._columns.pop(key, None)

    def get(self, internal_id: int) -> dict[str, AttributeValue]:
        """A copy of the attributes of ``internal_id`` (empty if it has none)."""
        return dict(self._rows.get(internal_id, {}))

    def select(self, conditions: Iterable[Condition]) -> _IdArray:
        """Internal ids of the items that satisfy every condition (unordered, unique)."""
        conditions = tuple(conditions)
        if not conditions:
            raise ValueError("select() needs at least one condition")
        memberships = [c for c in conditions if isinstance(c, Membership)]
        ranges = [c for c in conditions if isinstance(c, NumericRange)]
        candidates = self._intersect_memberships(memberships)
        if candidates is not None and not candidates.size:
            return candidates
        if not ranges:
            assert candidates is not None
            return candidates
        return self._apply_ranges(candidates, ranges)

    def _intersect_memberships(self, memberships: list[Membership]) -> _IdArray | None:
        if not memberships:
            return None
        matched = sorted((self._members(condition) for condition in memberships), key=len)
        result = matched[0]
        for other in matched[1:]:
            if not result.size:
                break
            result = result[np.isin(result, other)]
        return result

    def _members(self, condition: Membership) -> _IdArray:
        """Holders of any of the values (disjoint lists: an item holds one value a key)."""
        by_value = self._postings.get(condition.key, {})
        arrays = [self._array(condition.key, v) for v in condition.values if v in by_value]
        if not arrays:
            return np.empty(0, dtype=np.int64)
        return arrays[0] if len(arrays) == 1 else np.concatenate(arrays)

    def _array(self, key: str, value: Scalar) -> _IdArray:
        array = self._arrays.get((key, value))
        if array is None:
            holders = self._postings[key][value]
            array = np.fromiter(holders, dtype=np.int64, count=len(holders))
            array.setflags(write=False)  # shared with every caller
            self._arrays[(key, value)] = array
        return array

    def _apply_ranges(self, candidates: _IdArray | None, ranges: list[NumericRange]) -> _IdArray:
        if candidates is not None and len(candidates) * _ROW_CHECK_RATIO <= len(self._rows):
            # Few candidates: check their rows directly instead of scanning whole columns.
            kept = [
                i
                for i in candidates.tolist()
                if all(r.accepts(self._rows[i].get(r.key)) for r in ranges)
            ]
            return np.asarray(kept, dtype=np.int64)
        selected: _IdArray | None = None
        for condition in ranges:
            ids, values = self._column(condition.key)
            matched = ids[condition.mask(values)]
            selected = matched if selected is None else np.intersect1d(selected, matched)
            if selected.size == 0:
                return selected
        assert selected is not None
        if candidates is not None:
            selected = np.intersect1d(selected, candidates)
        return selected

    def _column(self, key: str) -> tuple[_IdArray, npt.NDArray[np.float64]]:
        column = self._columns.get(key)
        if column is None:
            ids: list[int] = []
            values: list[float] = []
            for value, holders in self._postings.get(key, {}).items():
                if _is_number(value):
                    ids.extend(holders)
                    values.extend([float(value)] * len(holders))
            column = (np.asarray(ids, dtype=np.int64), np.asarray(values, dtype=np.float64))
            self._columns[key] = column
        return column
