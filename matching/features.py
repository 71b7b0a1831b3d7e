"""Pair features of the re-ranker, always oriented (jobseeker, vacancy).

The fit between a jobseeker and a vacancy does not depend on who is asking, so one learned
model ranks both directions: vacancies for a jobseeker and jobseekers for a vacancy.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy import sparse

from matching.ngrams import NgramHasher
from matching.profiles import Geography, ProfileTable

FEATURES: tuple[str, ...] = (
    "semantic",  # e5 cosine minus that of the query's best candidate (0 = best)
    "lexical",  # cosine of character n-gram vectors
    "skills_matched",  # vacancy skills the jobseeker holds
    "skills_asked",  # taxonomy skills the vacancy names
    "skills_coverage",  # matched / asked (NaN when the vacancy names none)
    "skills_held",  # taxonomy skills the jobseeker shows
    "occupation_level",  # ISCO-08 digits in common: 4 same unit ... 0 other major group
    "experience_gap",  # jobseeker years minus the years asked
    "education_gap",  # jobseeker level minus the level asked, in steps
    "location",  # 3 same city, 2 same province, 1 neighbouring province, 0 elsewhere
    "remote",  # the vacancy can be done from anywhere
    "recency_days",  # age of the vacancy
)

_Int = npt.NDArray[np.int64]
_Float = npt.NDArray[np.float64]


def lexical_vectors(texts: Sequence[str]) -> sparse.csr_matrix:
    """Character n-gram rows of ``texts`` (:func:`matching.ngrams.lexical_vectorizer`'s); one
    that vectorises many batches keeps a :class:`matching.ngrams.NgramHasher` instead."""
    return NgramHasher()(texts)


def similarities(rows: sparse.csr_matrix, query: sparse.csr_matrix) -> _Float:
    """Dot product of each row of ``rows`` with the one-row ``query``: a sparse matrix
    times the query made dense (4× faster than repeating the query and multiplying
    elementwise, which merges two sparse rows per candidate)."""
    return np.asarray(rows @ query.toarray().ravel(), dtype=np.float64)


def occupation_level(a: _Int, b: _Int) -> _Float:
    level = np.zeros(a.shape, dtype=np.float64)
    for digits, scale in ((1, 1000), (2, 100), (3, 10), (4, 1)):
        level = np.where((a // scale) == (b // scale), float(digits), level)
    return np.where((a < 0) | (b < 0), np.nan, level)


def location_level(
    seekers: ProfileTable, s: _Int, vacancies: ProfileTable, v: _Int, geography: Geography
) -> _Float:
    ps, pv = seekers.province[s], vacancies.province[v]
    known = (ps >= 0) & (pv >= 0)
    adjacent = np.zeros(s.shape, dtype=bool)
    adjacent[known] = geography.adjacent[ps[known], pv[known]]
    cs, cv = seekers.city[s], vacancies.city[v]
    same_city = np.array(
        [a is not None and a == b for a, b in zip(cs, cv, strict=True)], dtype=bool
    )
    level = np.where(ps == pv, 2.0, np.where(adjacent, 1.0, 0.0))
    level = np.where(same_city & (ps == pv), 3.0, level)
    return np.where(known, level, np.nan)


def skill_coverage(
    seekers: ProfileTable, s: _Int, vacancies: ProfileTable, v: _Int
) -> tuple[_Float, _Float, _Float]:
    """Per pair: vacancy skills the jobseeker shows, skills the vacancy names, and their
    ratio (NaN when the vacancy names none)."""
    # Python ints index the tuples faster than numpy scalars (hundreds of pairs a query).
    held, wanted = seekers.skills, vacancies.skills
    s_list, v_list = s.tolist(), v.tolist()
    asked = np.array([len(wanted[j]) for j in v_list], dtype=np.float64)
    matched = np.array(
        [len(held[i] & wanted[j]) for i, j in zip(s_list, v_list, strict=True)],
        dtype=np.float64,
    )
    coverage = np.where(asked > 0, matched / np.maximum(asked, 1), np.nan)
    return matched, asked, coverage


def pair_features(
    seekers: ProfileTable,
    s: _Int,
    vacancies: ProfileTable,
    v: _Int,
    *,
    semantic: _Float,
    lexical: _Float,
    geography: Geography,
    today: float,
) -> npt.NDArray[np.float32]:
    """Feature rows for the pairs (``seekers`` row ``s[i]``, ``vacancies`` row ``v[i]``)."""
    held = np.array([len(seekers.skills[i]) for i in s.tolist()], dtype=np.float64)
    matched, asked, coverage = skill_coverage(seekers, s, vacancies, v)
    columns = (
        semantic,
        lexical,
        matched,
        asked,
        coverage,
        held,
        occupation_level(seekers.isco[s], vacancies.isco[v]),
        seekers.years[s] - vacancies.years[v],
        seekers.education[s] - vacancies.education[v],
        location_level(seekers, s, vacancies, v, geography),
        vacancies.remote[v].astype(np.float64),
        today - vacancies.day[v],
    )
    return np.column_stack(columns).astype(np.float32)
