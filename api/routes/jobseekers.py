from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.deps import EngineDep
from api.routing import Utf8Route
from api.schemas import JobseekerCreate, JobseekerPublic, MatchPublic, MatchResponse
from karyab.records import Jobseeker
from matching.matcher import SearchFilters, UnknownRecordError

router = APIRouter(prefix="/v1/jobseekers", tags=["jobseekers"], route_class=Utf8Route)

IdPath = Annotated[str, Path(min_length=1, max_length=128)]


@router.post("", response_model=JobseekerPublic, status_code=201)
def create_jobseeker(body: JobseekerCreate, engine: EngineDep) -> JobseekerPublic:
    """Store (or replace) a jobseeker profile; it is encoded and indexed at once."""
    record = body.to_record(body.id or f"js-{uuid.uuid4().hex[:12]}")
    engine.add_jobseekers([record], actor="api")
    return JobseekerPublic.of(record)


@router.get("/{jobseeker_id}", response_model=JobseekerPublic)
def get_jobseeker(jobseeker_id: IdPath, engine: EngineDep) -> JobseekerPublic:
    record = engine.get("jobseeker", jobseeker_id)
    if not isinstance(record, Jobseeker):
        raise UnknownRecordError("jobseeker", jobseeker_id)
    return JobseekerPublic.of(record)


@router.get("/{jobseeker_id}/recommendations", response_model=MatchResponse)
def recommendations(
    jobseeker_id: IdPath,
    engine: EngineDep,
    k: Annotated[int, Query(ge=1, le=200)] = 10,
    province: Annotated[str | None, Query(max_length=100)] = None,
    city: Annotated[str | None, Query(max_length=100)] = None,
) -> MatchResponse:
    """Vacancies for a stored jobseeker, best first, each with matched and missing skills."""
    filters = SearchFilters(province=province, city=city)
    matches = engine.recommendations(jobseeker_id, k, filters)
    return MatchResponse(results=[MatchPublic.of(m) for m in matches])
