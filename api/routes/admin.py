"""Key management and the audit log: admin keys only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from pydantic import BaseModel, Field

from api.auth import KeyCache, allow, canonical_province, key_cache
from api.deps import EngineDep
from api.routing import Utf8Route
from api.schemas import _Strict
from karyab.service import InvalidRecordError
from nlp.places import provinces
from storage.sql_store import ApiKey, Role

router = APIRouter(
    prefix="/v1",
    tags=["admin"],
    route_class=Utf8Route,
    dependencies=[Depends(allow("admin"))],
)


class KeyCreate(_Strict):
    name: str = Field(min_length=1, max_length=200)
    role: Role
    province: str | None = Field(default=None, max_length=100)
    jobseeker_id: str | None = Field(default=None, min_length=1, max_length=128)


class KeyPublic(BaseModel):
    id: int
    name: str
    role: str
    province: str | None
    jobseeker_id: str | None
    created_at: str

    @classmethod
    def of(cls, key: ApiKey) -> KeyPublic:
        return cls(
            id=key.id,
            name=key.name,
            role=key.role,
            province=key.province,
            jobseeker_id=key.jobseeker_id,
            created_at=key.created_at.isoformat(),
        )


class KeyCreated(KeyPublic):
    key: str = Field(description="The secret: shown this once, only its hash is kept")


class AuditPublic(BaseModel):
    at: str
    actor: str
    action: str
    kind: str | None
    record_id: str | None
    detail: dict[str, object]


class AuditList(BaseModel):
    entries: list[AuditPublic]


@router.post("/keys", response_model=KeyCreated, status_code=201)
def create_key(
    body: KeyCreate, engine: EngineDep, caller: Annotated[ApiKey, Depends(allow("admin"))]
) -> KeyCreated:
    province = canonical_province(body.province)
    if province is not None and province not in provinces():
        raise InvalidRecordError(f"{body.province!r} is not one of Iran's 31 provinces")
    try:
        key, secret = engine.store.create_api_key(
            body.name,
            body.role,
            province=province,
            jobseeker_id=body.jobseeker_id,
            actor=caller.name,
        )
    except ValueError as error:
        raise InvalidRecordError(str(error)) from None
    return KeyCreated(**KeyPublic.of(key).model_dump(), key=secret)


@router.delete("/keys/{key_id}", status_code=204)
def revoke_key(
    key_id: Annotated[int, Path(ge=1, le=2**53)],
    engine: EngineDep,
    caller: Annotated[ApiKey, Depends(allow("admin"))],
    cache: Annotated[KeyCache, Depends(key_cache)],
) -> None:
    revoked = engine.store.revoke_api_key(key_id, actor=caller.name)
    cache.clear()  # this process stops accepting it at once
    if not revoked:
        raise HTTPException(404, f"no live key with id {key_id}")


@router.get("/audit", response_model=AuditList)
def audit(
    engine: EngineDep,
    kind: Annotated[str | None, Query(max_length=50)] = None,
    record_id: Annotated[str | None, Query(max_length=128)] = None,
    action: Annotated[str | None, Query(max_length=50)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> AuditList:
    """The newest entries first; phone numbers and national IDs were masked on the way in."""
    entries = engine.store.read_audit(kind=kind, record_id=record_id, action=action, limit=limit)
    return AuditList(
        entries=[
            AuditPublic(
                at=e.at.isoformat(),
                actor=e.actor,
                action=e.action,
                kind=e.kind,
                record_id=e.record_id,
                detail=e.detail,
            )
            for e in entries
        ]
    )
