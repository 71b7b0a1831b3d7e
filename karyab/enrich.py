"""What every incoming record gets before it is stored or ranked: its ISCO-08 code (the sure
cases only) and the taxonomy skills its text shows.

The service and the placement evaluation both call these, so that what is evaluated is what
runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import TypeVar

from karyab.records import Jobseeker, Vacancy
from models.occupation_coder import OccupationCoder, has_signal, occupation_key
from skills.inference import SkillInferencer

R = TypeVar("R", Vacancy, Jobseeker)


def with_occupations(
    coder: OccupationCoder | None,
    records: Sequence[R],
    decided: Callable[[list[str]], Mapping[str, str]] | None = None,
    threshold: float | None = None,
) -> list[R]:
    """Code the records that arrive without an ISCO code. ``decided`` gives the codes people
    chose for some title keys (:mod:`karyab.coding_review`); they come before the coder.
    ``threshold`` replaces the coder's own auto-coding cut (one set from people's checks).
    An abstention leaves the code empty and keeps the coder's best guess in ``isco_guess``
    for the first stage of matching."""
    uncoded = [i for i, r in enumerate(records) if not r.isco_code]
    if coder is None or not uncoded:
        return list(records)
    keys = {i: occupation_key(records[i].title or records[i].text) for i in uncoded}
    codes = decided([k for k in keys.values() if has_signal(k)]) if decided else {}
    coded = list(records)
    rest = []
    for i in uncoded:
        if keys[i] in codes:
            coded[i] = replace(records[i], isco_code=codes[keys[i]], isco_guess=None)
        else:
            rest.append(i)
    predictions = coder.predict_keys([keys[i] for i in rest], top_k=1) if rest else []
    for i, prediction in zip(rest, predictions, strict=True):
        sure = not prediction.abstain if threshold is None else prediction.confidence >= threshold
        if prediction.code and sure:
            coded[i] = replace(records[i], isco_code=prediction.code, isco_guess=None)
        elif prediction.code and prediction.confidence > 0:  # not for text with no signal
            coded[i] = replace(records[i], isco_guess=prediction.code)
    return coded


def with_skills(skills: SkillInferencer | None, records: Sequence[R]) -> list[R]:
    """Taxonomy skills the text and the declared skills show (occupation-implied ones are
    left out: a record is credited only with what it says)."""
    if skills is None:
        return list(records)
    texts = [r.document() + "\n" + "\n".join(r.skills) for r in records]
    analysed = skills.analyse_many(texts, top_k=60, code_occupations=False)
    out: list[R] = []
    for record, found in zip(records, analysed, strict=True):
        skill_ids = tuple(s.id for s in found.skills if s.source != "occupation")
        if isinstance(record, Vacancy):
            phrases = tuple(found.unmatched_phrases)
            out.append(replace(record, skill_ids=skill_ids, unmatched_phrases=phrases))
        else:
            out.append(replace(record, skill_ids=skill_ids))
    return out
