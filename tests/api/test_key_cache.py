"""The per-process cache of checked API keys: trusted for its TTL, never for unknown keys."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

import api.auth as auth
from api.auth import KeyCache
from storage.sql_store import ApiKey

KEY = ApiKey(
    id=1,
    name="office",
    role="office",
    province="فارس",
    jobseeker_id=None,
    created_at=datetime(2026, 11, 27, tzinfo=UTC),
)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    now = [1000.0]
    monkeypatch.setattr(auth.time, "monotonic", lambda: now[0])
    return now


def test_a_key_is_trusted_for_its_ttl(clock: list[float]) -> None:
    cache = KeyCache(ttl=5)
    assert cache.get("ky_secret") is None
    cache.put("ky_secret", KEY)
    assert cache.get("ky_secret") == KEY
    assert cache.get("ky_other") is None
    clock[0] += 5.1
    assert cache.get("ky_secret") is None  # checked against the store again


def test_clear_and_zero_ttl(clock: list[float]) -> None:
    cache = KeyCache(ttl=5)
    cache.put("ky_secret", KEY)
    cache.clear()
    assert cache.get("ky_secret") is None
    off = KeyCache(ttl=0)
    off.put("ky_secret", KEY)
    assert off.get("ky_secret") is None


def test_a_full_cache_starts_over(clock: list[float]) -> None:
    cache = KeyCache(ttl=5, size=2)
    for secret in ("a", "b", "c"):
        cache.put(secret, KEY)
    assert cache.get("c") == KEY
    assert cache.get("a") is None
