"""Columnar views of one side's records: what the re-ranker compares, as plain arrays.

Built once per candidate pool (a few hundred rows in the service, a whole market in the
evaluation), so that pair features are array operations rather than attribute lookups.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import jdatetime
import numpy as np
import numpy.typing as npt

from karyab.records import Jobseeker, Vacancy
from nlp.places import neighbouring_provinces, provinces

Side = Literal["vacancy", "jobseeker"]
_Float = npt.NDArray[np.float64]
_Int = npt.NDArray[np.int64]


def _province_code(name: str | None, codes: dict[str, int]) -> int:
    return codes.get(name.strip(), -1) if name else -1


def _isco(code: str | None) -> int:
    return int(code) if code and len(code) == 4 and code.isdigit() else -1


def _day(value: str | None) -> float:
    """Day number of an ISO date, Jalali (``1402-02-31``, what offices write) or Gregorian."""
    if not value:
        return np.nan
    try:
        year, month, day = (int(part) for part in value[:10].split("-"))
        if year < 1700:
            return float(jdatetime.date(year, month, day).togregorian().toordinal())
        return float(dt.date(year, month, day).toordinal())
    except ValueError:
        return np.nan


def _number(value: int | None) -> float:
    return float(value) if value is not None else np.nan


@dataclass(frozen=True)
class Geography:
    """Province codes and the land-border matrix, shared by both sides' tables."""

    codes: dict[str, int]
    adjacent: npt.NDArray[np.bool_]

    @classmethod
    def load(cls) -> Geography:
        names = provinces()
        codes = {name: i for i, name in enumerate(names)}
        adjacent = np.zeros((len(names), len(names)), dtype=bool)
        for name, i in codes.items():
            for other in neighbouring_provinces(name):
                adjacent[i, codes[other]] = True
        return cls(codes, adjacent)

    def neighbours(self, province: str | None) -> list[str]:
        return sorted(neighbouring_provinces(province)) if province else []


@dataclass(frozen=True)
class ProfileTable:
    """One side's records as arrays, row ``i`` describing ``ids[i]``."""

    side: Side
    ids: tuple[str, ...]
    province: _Int  # index into Geography.codes, -1 unknown
    city: npt.NDArray[np.object_]
    isco: _Int  # 4-digit code as an int, -1 uncoded
    isco_search: _Int  # the code, else the coder's guess: what the first stage searches by
    years: _Float  # experience (jobseeker) or minimum experience asked (vacancy)
    education: _Float  # Education.rank, NaN unknown
    remote: npt.NDArray[np.bool_]
    day: _Float  # date ordinal of posting or registration
    skills: tuple[frozenset[str], ...]

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_records(
        cls, records: Sequence[Vacancy | Jobseeker], geography: Geography
    ) -> ProfileTable:
        side: Side = "vacancy" if records and isinstance(records[0], Vacancy) else "jobseeker"
        years: list[float] = []
        remote: list[bool] = []
        days: list[float] = []
        for record in records:
            if isinstance(record, Vacancy):
                years.append(_number(record.min_experience_years))
                remote.append(record.employment_type == "remote")
                days.append(_day(record.posted_at))
            else:
                years.append(_number(record.experience_years))
                remote.append(False)
                days.append(_day(record.registered_at))
        return cls(
            side=side,
            ids=tuple(r.id for r in records),
            province=np.array(
                [_province_code(r.province, geography.codes) for r in records], dtype=np.int64
            ),
            city=np.array([(r.city or "").strip() or None for r in records], dtype=object),
            isco=np.array([_isco(r.isco_code) for r in records], dtype=np.int64),
            isco_search=np.array(
                [_isco(r.isco_code or r.isco_guess) for r in records], dtype=np.int64
            ),
            years=np.array(years, dtype=np.float64),
            education=np.array(
                [r.education.rank if r.education else np.nan for r in records], dtype=np.float64
            ),
            remote=np.array(remote, dtype=bool),
            day=np.array(days, dtype=np.float64),
            skills=tuple(frozenset(r.skill_ids) for r in records),
        )
