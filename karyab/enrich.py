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
from models.occupation_coder import (
    OccupationCoder,
    OccupationPrediction,
    has_signal,
    occupation_key,
)
from skills.inference import SkillInferencer

R = TypeVar("R", Vacancy, Jobseeker)
RecordT = TypeVar("RecordT", bound=Vacancy | Jobseeker)


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
    for the first stage of matching. Every code says where it came from (``isco_source``):
    a code the record arrived with is ``given``."""
    coded = [
        replace(r, isco_source="given") if r.isco_code and r.isco_source is None else r
        for r in records
    ]
    uncoded = [i for i, r in enumerate(coded) if not r.isco_code]
    if coder is None or not uncoded:
        return coded
    keys = {i: occupation_key(coded[i].title or coded[i].text) for i in uncoded}
    codes = decided([k for k in keys.values() if has_signal(k)]) if decided else {}
    rest = []
    for i in uncoded:
        if keys[i] in codes:
            coded[i] = code_record(coded[i], codes[keys[i]], None, threshold)
        else:
            rest.append(i)
    predictions = coder.predict_keys([keys[i] for i in rest], top_k=1) if rest else []
    for i, prediction in zip(rest, predictions, strict=True):
        coded[i] = code_record(coded[i], None, prediction, threshold)
    return coded


def code_record(
    record: RecordT,
    decided: str | None,
    prediction: OccupationPrediction | None,
    threshold: float | None = None,
) -> RecordT:
    """``record`` coded afresh: by a person's decision on its title key when there is one,
    else by the coder's ``prediction`` when sure (its confidence at least ``threshold``, or
    not abstaining when no threshold is given). Otherwise it gets no code, and the
    prediction's best code as its guess."""
    if decided is not None:
        return replace(record, isco_code=decided, isco_guess=None, isco_source="decision")
    if prediction is None or not prediction.code:
        return replace(record, isco_code=None, isco_guess=None, isco_source=None)
    sure = not prediction.abstain if threshold is None else prediction.confidence >= threshold
    if sure:
        return replace(record, isco_code=prediction.code, isco_guess=None, isco_source="coder")
    guess = prediction.code if prediction.confidence > 0 else None  # none for text without signal
    return replace(record, isco_code=None, isco_guess=guess, isco_source=None)


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
