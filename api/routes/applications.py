"""Placement outcomes: offices record where each candidate stands for a vacancy.

Every change is kept with its time and actor (the feedback the ranker learns from) and
written to the audit log.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.auth import Caller, ForbiddenError, check_vacancy_owner, require
from api.deps import EngineDep
from api.routing import Utf8Route
from api.schemas import (
    ApplicationEventList,
    ApplicationEventPublic,
    ApplicationList,
    ApplicationPublic,
    ApplicationUpdate,
)
from karyab.records import Vacancy
from karyab.service import Karyab
from storage.schema import ApplicationStatus
from storage.sql_store import ApiKey

router = APIRouter(prefix="/v1/applications", tags=["applications"], route_class=Utf8Route)

IdQuery = Annotated[str | None, Query(min_length=1, max_length=128)]


@router.post("", response_model=ApplicationPublic)
def record_outcome(body: ApplicationUpdate, engine: EngineDep, caller: Caller) -> ApplicationPublic:
    """Set a jobseeker's status for a vacancy; recording the same status again is a no-op.
    For the vacancy's office (its province) or an admin."""
    vacancy = engine.get("vacancy", body.vacancy_id)
    check_vacancy_owner(caller, vacancy if isinstance(vacancy, Vacancy) else None, body.vacancy_id)
    application = engine.record_outcome(
        body.jobseeker_id,
        body.vacancy_id,
        body.status,
        actor=caller.name,
        organisation_id=body.organisation_id,
    )
    return ApplicationPublic.of(application)


def _scope(
    engine: Karyab, caller: ApiKey, jobseeker_id: str | None, vacancy_id: str | None
) -> str | None:
    """Who may list which applications: a jobseeker their own, an office those of one of its
    vacancies, an admin any. Returns the jobseeker id to filter on."""
    if caller.role == "jobseeker":
        if jobseeker_id not in (None, caller.jobseeker_id):
            raise ForbiddenError("a jobseeker key sees its own applications only")
        return caller.jobseeker_id
    if caller.role == "office":
        if vacancy_id is None:
            raise ForbiddenError("an office key lists the applications of one of its vacancies")
        vacancy = engine.get("vacancy", vacancy_id)
        check_vacancy_owner(caller, vacancy if isinstance(vacancy, Vacancy) else None, vacancy_id)
        return jobseeker_id
    require(caller, "admin")
    return jobseeker_id


@router.get("", response_model=ApplicationList)
def list_applications(
    engine: EngineDep,
    caller: Caller,
    jobseeker_id: IdQuery = None,
    vacancy_id: IdQuery = None,
    status: ApplicationStatus | None = None,
) -> ApplicationList:
    jobseeker_id = _scope(engine, caller, jobseeker_id, vacancy_id)
    found = engine.store.applications(
        jobseeker_id=jobseeker_id, vacancy_id=vacancy_id, status=status
    )
    return ApplicationList(applications=[ApplicationPublic.of(a) for a in found])


@router.get("/events", response_model=ApplicationEventList)
def list_events(
    engine: EngineDep, caller: Caller, jobseeker_id: IdQuery = None, vacancy_id: IdQuery = None
) -> ApplicationEventList:
    """Every status change, oldest first."""
    jobseeker_id = _scope(engine, caller, jobseeker_id, vacancy_id)
    events = engine.store.application_events(jobseeker_id=jobseeker_id, vacancy_id=vacancy_id)
    return ApplicationEventList(
        events=[
            ApplicationEventPublic(
                jobseeker_id=e.jobseeker_id,
                vacancy_id=e.vacancy_id,
                status=e.status,
                previous_status=e.previous_status,
                at=e.at.isoformat(),
                actor=e.actor,
            )
            for e in events
        ]
    )
