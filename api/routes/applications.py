"""Placement outcomes: offices record where each candidate stands for a vacancy.

Every change is kept with its time and actor (the feedback the ranker learns from) and
written to the audit log.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from api.deps import EngineDep
from api.routing import Utf8Route
from api.schemas import (
    ApplicationEventList,
    ApplicationEventPublic,
    ApplicationList,
    ApplicationPublic,
    ApplicationUpdate,
)

router = APIRouter(prefix="/v1/applications", tags=["applications"], route_class=Utf8Route)

IdQuery = Annotated[str | None, Query(min_length=1, max_length=128)]
Status = Literal["shortlisted", "interviewed", "hired", "rejected"]


@router.post("", response_model=ApplicationPublic)
def record_outcome(body: ApplicationUpdate, engine: EngineDep) -> ApplicationPublic:
    """Set a jobseeker's status for a vacancy; recording the same status again is a no-op."""
    application = engine.record_outcome(
        body.jobseeker_id,
        body.vacancy_id,
        body.status,
        actor="api",
        organisation_id=body.organisation_id,
    )
    return ApplicationPublic.of(application)


@router.get("", response_model=ApplicationList)
def list_applications(
    engine: EngineDep,
    jobseeker_id: IdQuery = None,
    vacancy_id: IdQuery = None,
    status: Status | None = None,
) -> ApplicationList:
    found = engine.store.applications(
        jobseeker_id=jobseeker_id, vacancy_id=vacancy_id, status=status
    )
    return ApplicationList(applications=[ApplicationPublic.of(a) for a in found])


@router.get("/events", response_model=ApplicationEventList)
def list_events(
    engine: EngineDep, jobseeker_id: IdQuery = None, vacancy_id: IdQuery = None
) -> ApplicationEventList:
    """Every status change, oldest first."""
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
