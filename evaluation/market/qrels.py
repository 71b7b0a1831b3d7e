"""Graded relevance of every (vacancy, jobseeker) pair, computed block by block with numpy.

Only pairs whose occupations share an ISCO-08 sub-major group (the first two digits) can be
relevant (:func:`evaluation.market.fit.occupation_proximity` is 0 otherwise), so documents
are grouped by sub-major group and each block is scored as whole matrices. The arithmetic is
:func:`evaluation.market.fit.fit`'s, factor by factor in the same order, so the grades are
exactly those of the scalar model.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from evaluation.market import fit as model
from evaluation.market.truth import DocumentTruth
from nlp.places import neighbouring_provinces

logger = logging.getLogger(__name__)

Qrels = dict[str, dict[str, int]]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def _indicator(docs: Sequence[DocumentTruth], field: str, vocab: dict[str, int]) -> FloatArray:
    matrix = np.zeros((len(docs), len(vocab)), dtype=np.float64)
    for row, doc in enumerate(docs):
        for skill in getattr(doc, field):
            matrix[row, vocab[skill]] = 1.0
    return matrix


def _share(wanted: FloatArray, held_t: FloatArray, empty: float) -> FloatArray:
    """Share of each row's wanted skills held by each column (``empty`` where none wanted)."""
    hits = wanted @ held_t
    count = wanted.sum(axis=1)[:, None]
    return np.where(count > 0, hits / np.maximum(count, 1.0), empty)


class _Places:
    """Integer codes of provinces and cities, and the province border matrix."""

    def __init__(self, docs: Sequence[DocumentTruth]) -> None:
        self.provinces = {p: i for i, p in enumerate(dict.fromkeys(d.province for d in docs))}
        self.cities = {c: i for i, c in enumerate(dict.fromkeys(d.city for d in docs))}
        size = len(self.provinces)
        self.border = np.zeros((size, size), dtype=bool)
        for name, i in self.provinces.items():
            for other in neighbouring_provinces(name):
                j = self.provinces.get(other)
                if j is not None:
                    self.border[i, j] = True


def _block_grades(
    vacancies: Sequence[DocumentTruth], jobseekers: Sequence[DocumentTruth], places: _Places
) -> npt.NDArray[np.int8]:
    """Grades (len(vacancies) × len(jobseekers)) of one sub-major group."""
    v_code = np.array([int(v.isco_code) for v in vacancies], dtype=np.int64)[:, None]
    s_code = np.array([int(s.isco_code) for s in jobseekers], dtype=np.int64)[None, :]
    occupation = np.where(
        v_code == s_code,
        model.SAME_UNIT,
        np.where(v_code // 10 == s_code // 10, model.SAME_MINOR, model.SAME_SUB_MAJOR),
    )

    vocab: dict[str, int] = {}
    for doc in [*vacancies, *jobseekers]:
        for skill in doc.skills:
            vocab.setdefault(skill, len(vocab))
    held_t = _indicator(jobseekers, "skills", vocab).T
    coverage = _share(_indicator(vacancies, "essential_skills", vocab), held_t, 1.0)
    optional = _share(_indicator(vacancies, "optional_skills", vocab), held_t, 0.0)
    certificates = _share(_indicator(vacancies, "certificates", vocab), held_t, 0.0)
    skills = model.SKILL_BASE + model.SKILL_WEIGHT * coverage
    skills = skills + model.OPTIONAL_BONUS * optional
    skills = skills + model.CERTIFICATE_BONUS * certificates
    skills = np.minimum(1.0, skills)

    required = np.array([v.years or 0 for v in vacancies], dtype=np.int64)[:, None]
    years = np.array([s.years or 0 for s in jobseekers], dtype=np.int64)[None, :]
    exp_table = np.array(model.EXPERIENCE_FACTORS)
    experience = exp_table[np.clip(required - years, 0, len(exp_table) - 1)]

    rank = model.EDUCATION_RANK
    level = np.array([rank[v.education] if v.education else -1 for v in vacancies])[:, None]
    have = np.array([rank[s.education] if s.education else 0 for s in jobseekers])[None, :]
    edu_table = np.array(model.EDUCATION_FACTORS)
    education = np.where(
        level < 0, edu_table[0], edu_table[np.clip(level - have, 0, len(edu_table) - 1)]
    )

    v_prov = np.array([places.provinces[v.province] for v in vacancies])[:, None]
    s_prov = np.array([places.provinces[s.province] for s in jobseekers])[None, :]
    v_city = np.array([places.cities[v.city] for v in vacancies])[:, None]
    s_city = np.array([places.cities[s.city] for s in jobseekers])[None, :]
    remote = np.array([v.remote for v in vacancies], dtype=bool)[:, None]
    location = np.where(
        v_prov == s_prov,
        np.where(v_city == s_city, model.SAME_CITY, model.SAME_PROVINCE),
        np.where(places.border[v_prov, s_prov], model.NEIGHBOURING_PROVINCE, model.ELSEWHERE),
    )
    location = np.where(remote, model.REMOTE, location)

    value = occupation * skills * experience * education * location
    grades = np.zeros(value.shape, dtype=np.int8)
    for threshold in model.GRADE_THRESHOLDS:
        grades += value >= threshold
    return grades


def compute_qrels(
    vacancies: Sequence[DocumentTruth], jobseekers: Sequence[DocumentTruth]
) -> tuple[Qrels, Qrels]:
    """(jobseeker id → vacancy id → grade, vacancy id → jobseeker id → grade), grades ≥ 1.

    Queries without a relevant document are left out; queries and documents keep the input
    order.
    """
    places = _Places([*vacancies, *jobseekers])
    v_groups: dict[str, list[int]] = defaultdict(list)
    s_groups: dict[str, list[int]] = defaultdict(list)
    for i, v in enumerate(vacancies):
        v_groups[v.isco_code[:2]].append(i)
    for j, s in enumerate(jobseekers):
        s_groups[s.isco_code[:2]].append(j)

    v_parts: list[IntArray] = []
    s_parts: list[IntArray] = []
    g_parts: list[npt.NDArray[np.int8]] = []
    for group, v_index in v_groups.items():
        s_index = s_groups.get(group)
        if not s_index:
            continue
        grades = _block_grades(
            [vacancies[i] for i in v_index], [jobseekers[j] for j in s_index], places
        )
        rows, cols = np.nonzero(grades)
        v_parts.append(np.asarray(v_index, dtype=np.int64)[rows])
        s_parts.append(np.asarray(s_index, dtype=np.int64)[cols])
        g_parts.append(grades[rows, cols])
    if not v_parts:
        return {}, {}
    v_all = np.concatenate(v_parts)
    s_all = np.concatenate(s_parts)
    g_all = np.concatenate(g_parts)
    logger.info("%d relevant pairs", len(g_all))

    for_jobseekers: Qrels = {}
    for k in np.lexsort((v_all, s_all)).tolist():
        s_id, v_id = jobseekers[s_all[k]].id, vacancies[v_all[k]].id
        for_jobseekers.setdefault(s_id, {})[v_id] = int(g_all[k])
    for_vacancies: Qrels = {}
    for k in np.lexsort((s_all, v_all)).tolist():
        s_id, v_id = jobseekers[s_all[k]].id, vacancies[v_all[k]].id
        for_vacancies.setdefault(v_id, {})[s_id] = int(g_all[k])
    return for_jobseekers, for_vacancies
