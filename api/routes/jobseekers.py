from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.concurrency import run_in_threadpool

from api.auth import Caller, ForbiddenError, canonical_province, check_jobseeker, require
from api.deps import EngineDep
from api.routing import Utf8Route
from api.schemas import JobseekerCreate, JobseekerPublic, MatchPublic, MatchResponse
from karyab.records import Jobseeker
from matching.matcher import SearchFilters, UnknownRecordError

router = APIRouter(prefix="/v1/jobseekers", tags=["jobseekers"], route_class=Utf8Route)

IdPath = Annotated[str, Path(min_length=1, max_length=128)]


@router.post("", response_model=JobseekerPublic, status_code=201)
def create_jobseeker(body: JobseekerCreate, engine: EngineDep, caller: Caller) -> JobseekerPublic:
    """Store (or replace) a jobseeker profile; it is encoded and indexed at once."""
    if caller.role == "jobseeker":
        # A person writes their own profile, under the id their key is bound to.
        if body.id not in (None, caller.jobseeker_id):
            raise ForbiddenError("a jobseeker key writes its own profile only")
        record = body.to_record(str(caller.jobseeker_id))
    else:
        require(caller, "office", "admin")
        record = body.to_record(body.id or f"js-{uuid.uuid4().hex[:12]}")
        if caller.role == "office":
            stored = engine.get("jobseeker", record.id)
            if canonical_province(record.province) != caller.province or (
                stored is not None and canonical_province(stored.province) != caller.province
            ):
                raise ForbiddenError(f"an office key writes jobseekers of {caller.province} only")
    engine.add_jobseekers([record], actor=caller.name)
    return JobseekerPublic.of(record)


@router.get("/{jobseeker_id}", response_model=JobseekerPublic)
def get_jobseeker(jobseeker_id: IdPath, engine: EngineDep, caller: Caller) -> JobseekerPublic:
    record = engine.get("jobseeker", jobseeker_id)
    check_jobseeker(caller, record if isinstance(record, Jobseeker) else None, jobseeker_id)
    if not isinstance(record, Jobseeker):
        raise UnknownRecordError("jobseeker", jobseeker_id)
    return JobseekerPublic.of(record)


@router.get("/{jobseeker_id}/recommendations", response_model=MatchResponse)
async def recommendations(
    jobseeker_id: IdPath,
    engine: EngineDep,
    caller: Caller,
    k: Annotated[int, Query(ge=1, le=200)] = 10,
    province: Annotated[str | None, Query(max_length=100)] = None,
    city: Annotated[str | None, Query(max_length=100)] = None,
) -> MatchResponse:
    """Vacancies for a stored jobseeker, best first, each with matched and missing skills."""
    # Only an office's access depends on the record (its province); the others are decided
    # by the key alone, and an unknown id is a 404 from the search itself.
    record = None
    if caller.role == "office":
        record = await run_in_threadpool(engine.get, "jobseeker", jobseeker_id)
    check_jobseeker(caller, record if isinstance(record, Jobseeker) else None, jobseeker_id)
    filters = SearchFilters(province=province, city=city)
    # A snapshot in memory answers on the event loop; anything that may search (seconds
    # under the lock) goes to the thread pool.
    matches = engine.cached_recommendations(jobseeker_id, k, filters)
    if matches is None:
        matches = await run_in_threadpool(engine.recommendations, jobseeker_id, k, filters)
    return MatchResponse(results=[MatchPublic.of(m) for m in matches])
