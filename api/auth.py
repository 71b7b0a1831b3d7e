"""Who is calling, and what that role may see.

Every request but ``/health`` carries an API key (``X-API-Key``). A key has one role:

* ``jobseeker``: its own profile only (read, replace, recommendations, its applications) and
  free-text matching of a CV against vacancies;
* ``office`` (an employment office): vacancies and candidates of its own province: stores
  vacancies there, shortlists and records outcomes for them, and sees only that province's
  jobseekers in every list;
* ``analyst``: aggregates only (analytics, occupation coding, skills inference), never a
  person's record;
* ``admin``: everything, and key management.

With ``KARYAB_AUTH=false`` (local development and the test suite) every caller is a local
admin.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request

from api.deps import get_engine
from karyab.records import Jobseeker, Vacancy
from karyab.service import Karyab
from nlp.normalize import normalize
from nlp.places import find_place
from storage.sql_store import ApiKey, Role

logger = logging.getLogger(__name__)

HEADER = "x-api-key"
_LOCAL_ADMIN = ApiKey(
    id=0,
    name="local",
    role="admin",
    province=None,
    jobseeker_id=None,
    created_at=datetime(2026, 1, 1, tzinfo=UTC),
)


class NotAuthenticatedError(Exception):
    """No key, or one the store does not know (or has revoked)."""


class ForbiddenError(PermissionError):
    """The key's role may not do this."""


def current_caller(request: Request, engine: Annotated[Karyab, Depends(get_engine)]) -> ApiKey:
    if not engine.settings.auth:
        return _LOCAL_ADMIN
    secret = request.headers.get(HEADER)
    if not secret:
        raise NotAuthenticatedError("send your API key in the X-API-Key header")
    key = engine.store.api_key(secret) if len(secret) <= 200 else None
    if key is None:
        raise NotAuthenticatedError("unknown or revoked API key")
    return key


Caller = Annotated[ApiKey, Depends(current_caller)]


def require(caller: ApiKey, *roles: Role) -> None:
    if caller.role not in roles:
        raise ForbiddenError(f"a {caller.role} key may not do this")


def allow(*roles: Role) -> Callable[[ApiKey], ApiKey]:
    """A route dependency admitting only these roles."""

    def dependency(caller: Caller) -> ApiKey:
        require(caller, *roles)
        return caller

    return dependency


EVERY_ROLE: tuple[Role, ...] = ("jobseeker", "office", "analyst", "admin")


def canonical_province(name: str | None) -> str | None:
    """The official spelling of a province name (Arabic letters, ZWNJ, «استان» prefix
    forgiven), so a key's province and a record's compare equal."""
    if not name or not name.strip():
        return None
    clean = normalize(name)
    place = find_place(clean)
    return place.name if place is not None and place.kind == "province" else clean


def _in_province(caller: ApiKey, province: str | None) -> bool:
    return province is not None and canonical_province(province) == caller.province


def check_jobseeker(caller: ApiKey, record: Jobseeker | None, jobseeker_id: str) -> None:
    """Reading or acting on one jobseeker: the person, their province's office, an admin.
    An unknown id is answered as forbidden to those who could not see it anyway, so keys
    cannot probe which ids exist."""
    if caller.role == "admin":
        return
    if caller.role == "jobseeker" and caller.jobseeker_id == jobseeker_id:
        return
    if caller.role == "office" and record is not None and _in_province(caller, record.province):
        return
    raise ForbiddenError(f"this key may not see jobseeker {jobseeker_id!r}")


def check_vacancy_owner(caller: ApiKey, vacancy: Vacancy | None, vacancy_id: str) -> None:
    """Writing a vacancy, shortlisting for it or recording outcomes: its province's office
    or an admin."""
    if caller.role == "admin":
        return
    if caller.role == "office" and vacancy is not None and _in_province(caller, vacancy.province):
        return
    raise ForbiddenError(f"this key may not act for vacancy {vacancy_id!r}")


def jobseeker_province(caller: ApiKey, asked: str | None) -> str | None:
    """The province filter of any list of jobseekers: an office sees its own province only."""
    if caller.role != "office":
        return asked
    if asked is not None and canonical_province(asked) != caller.province:
        raise ForbiddenError(f"an office key sees jobseekers of {caller.province} only")
    return caller.province


ADMIN_KEY_FILE = "admin.key"


def ensure_admin_key(engine: Karyab) -> Path | None:
    """On the first start of a store with auth on and no keys, make one admin key and leave
    its secret in ``DATA_DIR/admin.key`` (readable by the owner only), so the operator can
    create the other keys. Its path is logged, never the secret. Returns the file's path
    when it made one."""
    if not engine.settings.auth or engine.store.count_api_keys() > 0:
        return None
    path = engine.settings.data_dir / ADMIN_KEY_FILE
    _, secret = engine.store.create_api_key("first admin", "admin", actor="bootstrap")
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(secret + "\n")
    logger.warning("created the first admin API key: its secret is in %s", path)
    return path
