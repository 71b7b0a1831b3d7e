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

import hashlib
import logging
import os
import threading
import time
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


class KeyCache:
    """Live keys seen in the last ``ttl`` seconds, so a busy client costs no store read per
    request. A revocation through this process clears it; one made by another process
    takes effect here within ``ttl``. Unknown keys are never cached."""

    def __init__(self, ttl: float, size: int = 10_000) -> None:
        self.ttl = ttl
        self.size = size
        self._keys: dict[str, tuple[float, ApiKey]] = {}
        self._lock = threading.Lock()

    def get(self, secret: str) -> ApiKey | None:
        if self.ttl <= 0:
            return None
        with self._lock:
            found = self._keys.get(_digest(secret))
        if found is None or found[0] < time.monotonic():
            return None
        return found[1]

    def put(self, secret: str, key: ApiKey) -> None:
        if self.ttl <= 0:
            return
        with self._lock:
            if len(self._keys) >= self.size:
                self._keys.clear()  # rare: a full cache starts over rather than grow
            self._keys[_digest(secret)] = (time.monotonic() + self.ttl, key)

    def clear(self) -> None:
        with self._lock:
            self._keys.clear()


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def key_cache(request: Request) -> KeyCache:
    cache = getattr(request.app.state, "key_cache", None)
    if cache is None:  # an app built without create_app's state
        cache = request.app.state.key_cache = KeyCache(ttl=0)
    return cache


async def current_caller(
    request: Request, engine: Annotated[Karyab, Depends(get_engine)]
) -> ApiKey:
    # On the event loop: a cached key costs nothing, an uncached one a sub-millisecond read.
    if not engine.settings.auth:
        return _LOCAL_ADMIN
    secret = request.headers.get(HEADER)
    if not secret:
        raise NotAuthenticatedError("send your API key in the X-API-Key header")
    if len(secret) > 200:
        raise NotAuthenticatedError("unknown or revoked API key")
    cache = key_cache(request)
    key = cache.get(secret)
    if key is None:
        key = engine.store.api_key(secret)
        if key is None:
            raise NotAuthenticatedError("unknown or revoked API key")
        cache.put(secret, key)
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
