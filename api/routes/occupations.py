from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from api.auth import EVERY_ROLE, Caller, allow
from api.deps import EngineDep
from api.errors import error_response
from api.routing import Utf8Route
from api.schemas import MAX_TEXT_CHARS
from karyab.coding_review import (
    CodingQuality,
    CodingReview,
    DecisionError,
    QueueItem,
    ThresholdError,
)
from karyab.recode_runner import RecodeBusyError, RecodeJob
from karyab.service import CoderUnavailableError, Karyab
from models.occupation_coder import OccupationCandidate
from models.selective_coding import MAX_TARGET_ERROR
from storage.occupation_decisions import OccupationDecision
from taxonomy.isco import IscoTaxonomy


def _coding(engine: Karyab) -> CodingReview:
    """The engine's coding review; 503 (by the app's error handler) when no coder runs."""
    if engine.coding is None:
        raise CoderUnavailableError("the occupation coder is not loaded")
    return engine.coding


router = APIRouter(
    prefix="/v1/occupations",
    tags=["occupations"],
    route_class=Utf8Route,
    dependencies=[Depends(allow(*EVERY_ROLE))],
)

MAX_BATCH = 1000
Text = Annotated[str, StringConstraints(max_length=MAX_TEXT_CHARS)]


class CodeRequest(BaseModel):
    texts: list[Text] = Field(
        min_length=1,
        max_length=MAX_BATCH,
        description="Job titles, vacancy texts or CVs (at most 1,000 per request).",
    )
    top_k: int = Field(default=5, ge=1, le=20)


class OccupationPublic(BaseModel):
    code: str
    title_fa: str
    title_en: str
    score: float

    @classmethod
    def of(cls, candidate: OccupationCandidate) -> OccupationPublic:
        return cls(
            code=candidate.code,
            title_fa=candidate.title_fa,
            title_en=candidate.title_en,
            score=candidate.score,
        )


class CodedText(BaseModel):
    occupations: list[OccupationPublic]
    confidence: float = Field(description="Calibrated probability that the top code is right")
    abstain: bool = Field(description="True when the confidence is below the auto-coding cut")


class CodeResponse(BaseModel):
    results: list[CodedText]


@router.post("/code", response_model=CodeResponse)
def code_occupations(body: CodeRequest, request: Request) -> object:
    """ISCO-08 codes for each text, ranked, with a confidence and an abstain flag. A text
    whose title a person has coded (``POST /v1/occupations/decisions``) gets that code
    first, with confidence 1."""
    predictions = _coding(request.app.state.engine).code(body.texts, top_k=body.top_k)
    return CodeResponse(
        results=[
            CodedText(
                occupations=[OccupationPublic.of(c) for c in p.candidates],
                confidence=p.confidence,
                abstain=p.abstain,
            )
            for p in predictions
        ]
    )


class QueueEntry(BaseModel):
    title_key: str = Field(
        description="The title's occupational part, normalised, without spaces or ZWNJ"
    )
    title: str = Field(description="The title most of these records are written with")
    count: int
    counts: dict[str, int] = Field(description="Records by kind (vacancy, jobseeker)")
    occupations: list[OccupationPublic] = Field(description="The coder's candidates")
    confidence: float


class QueueResponse(BaseModel):
    items: list[QueueEntry]


def _queue_response(items: list[QueueItem]) -> QueueResponse:
    return QueueResponse(
        items=[
            QueueEntry(
                title_key=item.title_key,
                title=item.title,
                count=item.count,
                counts=item.counts,
                occupations=[OccupationPublic.of(c) for c in item.candidates],
                confidence=item.confidence,
            )
            for item in items
        ]
    )


@router.get(
    "/queue",
    response_model=QueueResponse,
    dependencies=[Depends(allow("office", "analyst", "admin"))],
)
def coding_queue(
    engine: EngineDep,
    kind: Literal["vacancy", "jobseeker"] | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> object:
    """Titles of stored records the coder abstained on, the most records first: what a
    person codes next. One decision codes every record with that title."""
    return _queue_response(_coding(engine).queue(kind, limit))


@router.get(
    "/checks",
    response_model=QueueResponse,
    dependencies=[Depends(allow("office", "analyst", "admin"))],
)
def coding_checks(
    engine: EngineDep,
    kind: Literal["vacancy", "jobseeker"] | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> object:
    """Titles of stored records the coder coded, drawn at random by record (``count`` is the
    records drawn with that key), for a person to check. A decision on one
    (``POST /v1/occupations/decisions``) is a check of the auto-coding; a different code
    corrects the records the coder coded."""
    return _queue_response(_coding(engine).sample(kind, limit))


class DecisionRequest(BaseModel):
    title: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    code: Annotated[str, StringConstraints(pattern=r"^[0-9]{4}$")] = Field(
        description="The ISCO-08 unit group (4 digits)"
    )


class DecisionResponse(BaseModel):
    title: str = Field(description="The title as the person coded it")
    title_key: str
    code: str
    title_fa: str
    title_en: str
    actor: str
    decided_at: datetime
    recoded: dict[str, int] = Field(description="Stored records coded by it, by kind")

    @classmethod
    def of(
        cls, decision: OccupationDecision, taxonomy: IscoTaxonomy, recoded: dict[str, int]
    ) -> DecisionResponse:
        group = taxonomy.get(decision.code)
        return cls(
            title=decision.title,
            title_key=decision.title_key,
            code=decision.code,
            title_fa=group.title_fa,
            title_en=group.title_en,
            actor=decision.actor,
            decided_at=decision.decided_at,
            recoded=recoded,
        )


@router.post(
    "/decisions",
    response_model=DecisionResponse,
    dependencies=[Depends(allow("office", "admin"))],
)
def decide_occupation(body: DecisionRequest, engine: EngineDep, caller: Caller) -> object:
    """A person's code for a title: kept for its title key (replacing an earlier decision),
    given at once to the stored records with that key that have no code, and to every later
    record and text with it."""
    coding = _coding(engine)
    try:
        result = engine.decide_occupations([(body.title, body.code)], actor=caller.name)
    except DecisionError as error:
        return error_response(422, "invalid_decision", str(error))
    (decision,) = result.decisions
    return DecisionResponse.of(decision, coding.taxonomy, result.recoded)


class DecisionList(BaseModel):
    items: list[DecisionResponse]


@router.get(
    "/decisions",
    response_model=DecisionList,
    dependencies=[Depends(allow("office", "analyst", "admin"))],
)
def list_decisions(
    engine: EngineDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> object:
    """People's codes for titles, the newest first (``recoded`` is empty here: how many
    records a decision coded is in the audit log)."""
    taxonomy = _coding(engine).taxonomy
    return DecisionList(
        items=[
            DecisionResponse.of(decision, taxonomy, {})
            for decision in engine.store.occupation_decisions(limit, offset)
        ]
    )


class CutPublic(BaseModel):
    threshold: float = Field(description="Auto-code at or above this confidence")
    checked: int = Field(description="Titles people have coded")
    auto_coded: int = Field(description="Of them, at or above the cut")
    errors: int = Field(description="Of those, coded otherwise by the coder")
    share: float
    error: float | None
    error_interval: tuple[float, float] | None = Field(description="95 % Wilson interval")


class QualityResponse(BaseModel):
    target_error: float
    checks: int = Field(
        description="Titles people have coded (their decisions) that the coder was not trained on"
    )
    source: Literal["coder", "checks"] = Field(
        description="Where the cut in use comes from: the coder's training, or people's checks"
    )
    in_use: CutPublic
    proposed: CutPublic | None = Field(
        description="The lowest cut meeting the target on the checks; null with too few"
    )
    set_by: str | None
    set_at: str | None
    learned: int = Field(
        description="Decisions the coder was trained on (karyab train-occupations "
        "--from-decisions): not counted as checks"
    )

    @classmethod
    def of(cls, quality: CodingQuality) -> QualityResponse:
        return cls.model_validate(quality.as_dict())


TargetError = Annotated[float, Query(gt=0, lt=MAX_TARGET_ERROR)]


@router.get(
    "/quality",
    response_model=QualityResponse,
    dependencies=[Depends(allow("office", "analyst", "admin"))],
)
def coding_quality(engine: EngineDep, target_error: TargetError | None = None) -> object:
    """The coder measured on every title people have coded: what the auto-coding cut in use
    auto-codes of them and how often wrongly, and the cut that would meet the target error
    (the coder's own target by default)."""
    return QualityResponse.of(_coding(engine).quality(target_error))


class ThresholdRequest(BaseModel):
    target_error: float | None = Field(default=None, gt=0, lt=MAX_TARGET_ERROR)


@router.put(
    "/threshold",
    response_model=QualityResponse,
    dependencies=[Depends(allow("admin"))],
)
def set_threshold(body: ThresholdRequest, engine: EngineDep, caller: Caller) -> object:
    """Auto-code from now on at the cut people's checks propose for the target error, in
    place of the coder's own (422 with too few checks). Records stored before keep their
    codes until a recoding pass (``POST /v1/occupations/recode``, or `karyab
    recode-occupations`) codes them again."""
    try:
        quality = _coding(engine).apply_threshold(caller.name, body.target_error)
    except ThresholdError as error:
        return error_response(422, "too_few_checks", str(error))
    return QualityResponse.of(quality)


@router.delete(
    "/threshold",
    response_model=QualityResponse,
    dependencies=[Depends(allow("admin"))],
)
def reset_threshold(engine: EngineDep) -> object:
    """Go back to the coder's own auto-coding cut (stored records follow with a recoding
    pass: ``POST /v1/occupations/recode``)."""
    coding = _coding(engine)
    coding.reset_threshold()
    return QualityResponse.of(coding.quality())


class RecodeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["vacancy", "jobseeker"] | None = Field(
        default=None, description="Only records of this kind (both by default)"
    )
    dry_run: bool = Field(default=False, description="Count what would change; write nothing")


class RecodeCountsPublic(BaseModel):
    checked: int = Field(description="Live records read")
    given: int = Field(description="Left alone: their codes came with them")
    coded: int = Field(description="Had no code, have one now")
    uncoded: int = Field(description="Below the cut now: they go to the review queue")
    recoded: int = Field(description="Got another code")
    restamped: int = Field(description="Same code, its source newly kept")
    skipped: int = Field(description="Written meanwhile: coded by that write")


class RecodeJobPublic(BaseModel):
    id: int = Field(description="Passes are numbered from 1 since the service started")
    kind: Literal["vacancy", "jobseeker"] | None
    dry_run: bool
    actor: str
    state: Literal["running", "done", "stopped", "failed"] = Field(
        description="stopped: the service shut down, or the worker running it died, mid-pass "
        "(start it again: each page is stored whole)"
    )
    started_at: datetime
    updated_at: datetime = Field(description="When the pass last wrote (after every page)")
    finished_at: datetime | None
    counts: dict[str, RecodeCountsPublic] = Field(
        description="By kind; while running, the pages done so far"
    )
    error: str | None

    @classmethod
    def of(cls, job: RecodeJob) -> RecodeJobPublic:
        return cls.model_validate(asdict(job))


@router.post(
    "/recode",
    response_model=RecodeJobPublic,
    status_code=202,
    dependencies=[Depends(allow("admin"))],
)
def start_recoding(body: RecodeRequest, engine: EngineDep, caller: Caller) -> object:
    """Code the stored records again, in the background, with the cut and decisions in use:
    after a new cut (``PUT /v1/occupations/threshold``) or a retrained coder. Codes that
    came with a record never change. Follow it with ``GET /v1/occupations/recode``; 409
    while a pass runs."""
    _coding(engine)
    try:
        job = engine.recoding.start(body.kind, actor=caller.name, dry_run=body.dry_run)
    except RecodeBusyError as error:
        return error_response(409, "recode_running", str(error))
    return RecodeJobPublic.of(job)


@router.get(
    "/recode",
    response_model=RecodeJobPublic,
    dependencies=[Depends(allow("admin"))],
)
def recoding_state(engine: EngineDep) -> object:
    """The running recoding pass, or the last one since the service started (404 before
    the first)."""
    job = engine.recoding.latest()
    if job is None:
        return error_response(
            404, "no_recode", "no recoding pass has run since the service started"
        )
    return RecodeJobPublic.of(job)
