"""Analytics facts: the small columns of every vacancy and jobseeker, in columnar form.

The store keeps one ``postings`` row per record (month, province, ISCO code, skills as integer
codes, unmatched phrases). :func:`facts_from_columns` turns those rows into three tables that
the analyses group with vectorised pandas: one row per record, one per (record, skill) and
one per (record, phrase).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np
import pandas as pd

from analytics.periods import parse_month

logger = logging.getLogger(__name__)

NATIONAL = "همه"  # the province label of cells that cover the whole country


@dataclass(frozen=True)
class Window:
    """Inclusive Jalali month range (ordinals, see :mod:`analytics.periods`) and a province."""

    first_month: int
    last_month: int
    province: str | None = None

    @classmethod
    def parse(cls, first: str, last: str, province: str | None = None) -> Window:
        window = cls(parse_month(first), parse_month(last), province or None)
        if window.last_month < window.first_month:
            raise ValueError(f"the period ends ({last}) before it starts ({first})")
        return window

    @property
    def months(self) -> int:
        return self.last_month - self.first_month + 1


@dataclass(frozen=True)
class Facts:
    """One side of the market (vacancies or jobseekers).

    ``records``: ``row`` (0..n-1), ``posting`` (the store's key, see ``lookup``), ``month``
    (ordinal, -1 when the record has no date), and as categoricals ``province``,
    ``isco_code``, ``isco_major`` and ``isco_sub_major`` ("" when unknown).
    ``skills``: ``row``, ``skill`` (an int code of ``skill_ids``).
    ``phrases``: ``row``, ``phrase``.
    """

    records: pd.DataFrame
    skills: pd.DataFrame
    phrases: pd.DataFrame
    skill_ids: Mapping[int, str]

    def __len__(self) -> int:
        return len(self.records)

    def within(self, window: Window) -> Facts:
        """The records dated inside ``window`` (and in its province), rows renumbered."""
        month = self.records["month"].to_numpy()
        keep = (month >= window.first_month) & (month <= window.last_month)
        if window.province:
            keep &= (self.records["province"] == window.province).to_numpy()
        return self._subset(keep)

    def _subset(self, keep: np.ndarray) -> Facts:
        new_row = np.full(len(self.records), -1, dtype=np.int64)
        new_row[keep] = np.arange(int(keep.sum()))
        records = self.records.loc[keep].copy()
        records["row"] = new_row[keep]
        skills = self.skills[keep[self.skills["row"].to_numpy()]].copy()
        skills["row"] = new_row[skills["row"].to_numpy()]
        phrases = self.phrases[keep[self.phrases["row"].to_numpy()]].copy()
        phrases["row"] = new_row[phrases["row"].to_numpy()]
        return Facts(
            records.reset_index(drop=True),
            skills.reset_index(drop=True),
            phrases.reset_index(drop=True),
            self.skill_ids,
        )


def _split_counts(values: list[str], separator: str) -> np.ndarray:
    return np.fromiter(
        (v.count(separator) + 1 if v else 0 for v in values), dtype=np.int64, count=len(values)
    )


def _explode_codes(values: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(row, code) pairs of space-joined integer codes, parsed in one C call."""
    counts = _split_counts(values, " ")
    joined = " ".join(v for v in values if v)
    codes = np.fromstring(joined, dtype=np.int64, sep=" ") if joined else np.zeros(0, np.int64)
    if len(codes) != counts.sum():
        raise ValueError("malformed skills column in the analytics facts")
    return np.repeat(np.arange(len(values), dtype=np.int64), counts), codes


def _prefix_categorical(codes: pd.Categorical, digits: int) -> pd.Categorical:
    """The first ``digits`` of every ISCO code, computed once per distinct code."""
    prefixes = [c[:digits] if len(c) >= digits else "" for c in codes.categories]
    new_codes, uniques = pd.factorize(pd.Index(prefixes, dtype=object))
    mapped = np.where(codes.codes >= 0, new_codes[np.maximum(codes.codes, 0)], -1)
    return pd.Categorical.from_codes(mapped, categories=pd.Index(uniques, dtype=object))


def _texts(values: Sequence[object]) -> list[str]:
    return ["" if v is None else str(v) for v in values]


def facts_from_columns(
    columns: Mapping[str, Sequence[object]], skill_ids: Mapping[int, str]
) -> Facts:
    """Facts from the store's postings columns (see ``SqliteStore.read_postings``).

    Plain lists and one-call parsing instead of pandas string methods: at a million records
    this is several times faster.
    """
    n = len(columns["posting"])
    month = np.fromiter(
        (-1 if m is None else cast(int, m) for m in columns["month"]), dtype=np.int64, count=n
    )
    isco = pd.Categorical(_texts(columns["isco_code"]))
    # Categoricals: every analysis groups by these, and grouping by codes is fast.
    records = pd.DataFrame(
        {
            "row": np.arange(n, dtype=np.int64),
            "posting": np.asarray(columns["posting"], dtype=np.int64),
            "month": month,
            "province": pd.Categorical(_texts(columns["province"])),
            "isco_code": isco,
            "isco_major": _prefix_categorical(isco, 1),
            "isco_sub_major": _prefix_categorical(isco, 2),
        }
    )
    rows, codes = _explode_codes(_texts(columns["skills"]))
    skills = pd.DataFrame({"row": rows, "skill": codes})
    phrase_values = _texts(columns["phrases"])
    phrase_counts = _split_counts(phrase_values, "|")
    joined = "|".join(v for v in phrase_values if v)
    phrases = pd.DataFrame(
        {
            "row": np.repeat(np.arange(n, dtype=np.int64), phrase_counts),
            "phrase": pd.Series(joined.split("|") if joined else [], dtype=object),
        }
    )
    logger.debug("facts: %d records, %d skill rows, %d phrase rows", n, len(skills), len(phrases))
    return Facts(records, skills, phrases, dict(skill_ids))


# Posting keys → (record id, title): fetched only for the few examples a report shows.
TitleLookup = Callable[[Sequence[int]], Mapping[int, tuple[str, str]]]


@dataclass(frozen=True)
class MarketFacts:
    vacancies: Facts
    jobseekers: Facts
    lookup: TitleLookup | None = None
