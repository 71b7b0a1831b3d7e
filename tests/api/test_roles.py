"""Every role boundary of the API keys, as a table of (role, request, expected status)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.auth import ensure_admin_key
from api.main import create_app
from karyab.records import Jobseeker, Vacancy
from karyab.service import Karyab
from karyab.settings import Settings
from models.encoder import HashingEncoder

TEHRAN, FARS = "تهران", "فارس"


def _settings(tmp_path: Path, **extra: Any) -> Settings:
    return Settings(
        data_dir=tmp_path,
        encoder="hashing",
        load_demo=False,
        occupation_coder=False,
        skills=False,
        ranker=False,
        auth=True,
        **extra,
    )


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Karyab, dict[str, str]]]:
    engine = Karyab.open(_settings(tmp_path_factory.mktemp("roles")), HashingEncoder())
    engine.add_vacancies(
        [
            Vacancy(id="v-teh", title="حسابدار", text="حسابداری و سپیدار", province=TEHRAN),
            Vacancy(id="v-far", title="حسابدار", text="حسابداری و هلو", province=FARS),
        ]
    )
    engine.add_jobseekers(
        [
            Jobseeker(id="js-teh", title="حسابدار", text="پنج سال حسابداری", province=TEHRAN),
            Jobseeker(id="js-far", title="حسابدار", text="سه سال حسابداری", province=FARS),
        ]
    )
    store = engine.store
    keys = {
        "admin": store.create_api_key("ops", "admin")[1],
        "office": store.create_api_key("کاریابی تهران", "office", province=TEHRAN)[1],
        "jobseeker": store.create_api_key("js-teh", "jobseeker", jobseeker_id="js-teh")[1],
        "analyst": store.create_api_key("مرکز آمار", "analyst")[1],
    }
    yield engine, keys
    engine.close()


@pytest.fixture()
def client(world: tuple[Karyab, dict[str, str]]) -> Iterator[TestClient]:
    engine, _ = world
    with TestClient(create_app(engine.settings, engine=engine)) as test_client:
        yield test_client


def _call(
    client: TestClient, keys: dict[str, str], role: str | None, method: str, path: str, body: Any
) -> Any:
    headers = {"X-API-Key": keys[role]} if role else {}
    return client.request(method, path, json=body, headers=headers)


CV = {"text": "حسابدار با سابقه", "kind": "cv", "k": 5}
AD = {"text": "استخدام حسابدار", "kind": "vacancy", "k": 5}
OUTCOME_TEH = {"jobseeker_id": "js-teh", "vacancy_id": "v-teh", "status": "shortlisted"}
OUTCOME_FAR = {"jobseeker_id": "js-far", "vacancy_id": "v-far", "status": "shortlisted"}
NEW_TEH_VACANCY = {"id": "v-new", "title": "انباردار", "text": "انبارداری", "province": TEHRAN}
NEW_FAR_VACANCY = {"id": "v-new2", "title": "انباردار", "text": "انبارداری", "province": FARS}
MOVE_FAR_VACANCY = {"id": "v-far", "title": "حسابدار", "text": "حسابداری", "province": TEHRAN}
OWN_PROFILE = {"title": "حسابدار", "text": "پنج سال حسابداری", "province": TEHRAN}
OTHER_PROFILE = {"id": "js-far", "title": "حسابدار", "text": "حسابداری", "province": FARS}
FARS_PROFILE = {"id": "js-new", "title": "راننده", "text": "رانندگی", "province": FARS}
TEHRAN_PROFILE = {"id": "js-new", "title": "راننده", "text": "رانندگی", "province": TEHRAN}
SUMMARY = "/v1/analytics/summary?from=1402-01&to=1403-12"
ALLOWED = 0  # any status but 401 and 403
DECISION = {"title": "خیاط", "code": "7531"}

CASES: list[tuple[str | None, str, str, Any, int]] = [
    # no key or a wrong key: nothing but /health
    (None, "GET", "/health", None, 200),
    (None, "GET", "/v1/vacancies/v-teh", None, 401),
    (None, "POST", "/v1/match", CV, 401),
    (None, "GET", SUMMARY, None, 401),
    # a jobseeker: their own profile only
    ("jobseeker", "GET", "/v1/jobseekers/js-teh", None, 200),
    ("jobseeker", "GET", "/v1/jobseekers/js-far", None, 403),
    ("jobseeker", "GET", "/v1/jobseekers/js-teh/recommendations", None, 200),
    ("jobseeker", "GET", "/v1/jobseekers/js-far/recommendations", None, 403),
    ("jobseeker", "POST", "/v1/jobseekers", OWN_PROFILE, 201),
    ("jobseeker", "POST", "/v1/jobseekers", OTHER_PROFILE, 403),
    ("jobseeker", "GET", "/v1/vacancies/v-far", None, 200),
    ("jobseeker", "POST", "/v1/vacancies", NEW_TEH_VACANCY, 403),
    ("jobseeker", "GET", "/v1/vacancies/v-teh/shortlist", None, 403),
    ("jobseeker", "POST", "/v1/match", CV, 200),
    ("jobseeker", "POST", "/v1/match", AD, 403),
    ("jobseeker", "GET", "/v1/occupations/queue", None, 403),
    ("jobseeker", "GET", "/v1/occupations/decisions", None, 403),
    ("jobseeker", "POST", "/v1/occupations/decisions", DECISION, 403),
    ("jobseeker", "GET", "/v1/occupations/checks", None, 403),
    ("jobseeker", "GET", "/v1/occupations/quality", None, 403),
    ("jobseeker", "PUT", "/v1/occupations/threshold", {}, 403),
    ("jobseeker", "POST", "/v1/occupations/recode", {"dry_run": True}, 403),
    ("jobseeker", "POST", "/v1/applications", OUTCOME_TEH, 403),
    ("jobseeker", "GET", "/v1/applications", None, 200),
    ("jobseeker", "GET", "/v1/applications?jobseeker_id=js-far", None, 403),
    ("jobseeker", "GET", SUMMARY, None, 403),
    ("jobseeker", "GET", "/v1/audit", None, 403),
    ("jobseeker", "POST", "/v1/keys", {"name": "x", "role": "admin"}, 403),
    # an office: its own province's vacancies and candidates
    ("office", "GET", "/v1/jobseekers/js-teh", None, 200),
    ("office", "GET", "/v1/jobseekers/js-far", None, 403),
    ("office", "GET", "/v1/jobseekers/js-far/recommendations", None, 403),
    ("office", "GET", "/v1/jobseekers/js-none", None, 403),
    ("office", "POST", "/v1/jobseekers", TEHRAN_PROFILE, 201),
    ("office", "POST", "/v1/jobseekers", FARS_PROFILE, 403),
    ("office", "POST", "/v1/vacancies", NEW_TEH_VACANCY, 201),
    ("office", "POST", "/v1/vacancies", NEW_FAR_VACANCY, 403),
    ("office", "POST", "/v1/vacancies", MOVE_FAR_VACANCY, 403),
    ("office", "GET", "/v1/vacancies/v-teh/shortlist", None, 200),
    ("office", "GET", "/v1/vacancies/v-far/shortlist", None, 403),
    ("office", "GET", f"/v1/vacancies/v-teh/shortlist?province={FARS}", None, 403),
    ("office", "POST", "/v1/applications", OUTCOME_TEH, 200),
    ("office", "POST", "/v1/applications", OUTCOME_FAR, 403),
    ("office", "GET", "/v1/applications", None, 403),
    ("office", "GET", "/v1/applications?vacancy_id=v-teh", None, 200),
    ("office", "GET", "/v1/applications?vacancy_id=v-far", None, 403),
    ("office", "POST", "/v1/match", AD, 200),
    ("office", "POST", "/v1/match", AD | {"filters": {"province": FARS}}, 403),
    ("office", "GET", SUMMARY, None, ALLOWED),
    ("office", "GET", "/v1/audit", None, 403),
    ("office", "GET", "/v1/occupations/queue", None, ALLOWED),
    ("office", "POST", "/v1/occupations/decisions", DECISION, ALLOWED),
    ("office", "GET", "/v1/occupations/checks", None, ALLOWED),
    ("office", "GET", "/v1/occupations/quality", None, ALLOWED),
    ("office", "PUT", "/v1/occupations/threshold", {}, 403),
    ("office", "DELETE", "/v1/occupations/threshold", None, 403),
    ("office", "POST", "/v1/occupations/recode", {"dry_run": True}, 403),
    ("office", "GET", "/v1/occupations/recode", None, 403),
    ("office", "POST", "/v1/keys", {"name": "x", "role": "analyst"}, 403),
    # an analyst: aggregates only, never a person's record
    ("analyst", "GET", "/v1/jobseekers/js-teh", None, 403),
    ("analyst", "GET", "/v1/jobseekers/js-teh/recommendations", None, 403),
    ("analyst", "GET", "/v1/vacancies/v-teh/shortlist", None, 403),
    ("analyst", "POST", "/v1/match", CV, 403),
    ("analyst", "POST", "/v1/match", AD, 403),
    ("analyst", "POST", "/v1/jobseekers", TEHRAN_PROFILE, 403),
    ("analyst", "POST", "/v1/vacancies", NEW_TEH_VACANCY, 403),
    ("analyst", "POST", "/v1/applications", OUTCOME_TEH, 403),
    ("analyst", "GET", "/v1/applications?vacancy_id=v-teh", None, 403),
    ("analyst", "GET", SUMMARY, None, ALLOWED),
    ("analyst", "POST", "/v1/occupations/code", {"texts": ["حسابدار"]}, ALLOWED),
    ("analyst", "GET", "/v1/audit", None, 403),
    ("analyst", "GET", "/v1/occupations/queue", None, ALLOWED),
    ("analyst", "GET", "/v1/occupations/decisions", None, ALLOWED),
    ("analyst", "POST", "/v1/occupations/decisions", DECISION, 403),
    ("analyst", "GET", "/v1/occupations/checks", None, ALLOWED),
    ("analyst", "GET", "/v1/occupations/quality", None, ALLOWED),
    ("analyst", "PUT", "/v1/occupations/threshold", {}, 403),
    ("analyst", "POST", "/v1/occupations/recode", {"dry_run": True}, 403),
    ("analyst", "GET", "/v1/occupations/recode", None, 403),
    # an admin: everything
    ("admin", "GET", "/v1/jobseekers/js-far", None, 200),
    ("admin", "GET", "/v1/vacancies/v-far/shortlist", None, 200),
    ("admin", "POST", "/v1/applications", OUTCOME_FAR, 200),
    ("admin", "GET", "/v1/applications", None, 200),
    ("admin", "POST", "/v1/match", AD, 200),
    ("admin", "GET", "/v1/audit", None, 200),
    ("admin", "PUT", "/v1/occupations/threshold", {}, ALLOWED),
    ("admin", "DELETE", "/v1/occupations/threshold", None, ALLOWED),
    ("admin", "POST", "/v1/occupations/recode", {"dry_run": True}, ALLOWED),
    ("admin", "GET", "/v1/occupations/recode", None, ALLOWED),
]


@pytest.mark.parametrize(
    ("role", "method", "path", "body", "expected"),
    CASES,
    ids=[f"{c[0]}-{c[1]}-{c[2]}-{i}" for i, c in enumerate(CASES)],
)
def test_role_boundaries(
    client: TestClient,
    world: tuple[Karyab, dict[str, str]],
    role: str | None,
    method: str,
    path: str,
    body: Any,
    expected: int,
) -> None:
    response = _call(client, world[1], role, method, path, body)
    if expected == ALLOWED:
        assert response.status_code not in (401, 403), response.text
    else:
        assert response.status_code == expected, response.text
    if response.status_code in (401, 403):
        assert response.json()["error"] in {"unauthenticated", "forbidden"}


def test_an_office_sees_only_its_province(
    client: TestClient, world: tuple[Karyab, dict[str, str]]
) -> None:
    keys = world[1]
    shortlist = _call(client, keys, "office", "GET", "/v1/vacancies/v-teh/shortlist?k=50", None)
    matched = _call(client, keys, "office", "POST", "/v1/match", AD | {"k": 50})
    for response in (shortlist, matched):
        provinces = {r["province"] for r in response.json()["results"]}
        assert provinces == {TEHRAN}


def test_a_jobseeker_key_writes_under_its_own_id(
    client: TestClient, world: tuple[Karyab, dict[str, str]]
) -> None:
    response = _call(client, world[1], "jobseeker", "POST", "/v1/jobseekers", OWN_PROFILE)
    assert response.json()["id"] == "js-teh"


def test_wrong_or_revoked_keys_are_refused(
    client: TestClient, world: tuple[Karyab, dict[str, str]]
) -> None:
    engine, keys = world
    wrong = client.get("/v1/vacancies/v-teh", headers={"X-API-Key": keys["admin"] + "x"})
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "ApiKey"
    huge = client.get("/v1/vacancies/v-teh", headers={"X-API-Key": "k" * 5000})
    assert huge.status_code == 401
    admin = {"X-API-Key": keys["admin"]}
    made = client.post(
        "/v1/keys",
        json={"name": "کاریابی شیراز", "role": "office", "province": "استان فارس"},
        headers=admin,
    )
    assert made.status_code == 201, made.text
    created = made.json()
    assert created["province"] == FARS  # the official spelling, as records are compared
    office = {"X-API-Key": created["key"]}
    assert client.get("/v1/vacancies/v-far/shortlist", headers=office).status_code == 200
    assert client.delete(f"/v1/keys/{created['id']}", headers=admin).status_code == 204
    assert client.get("/v1/vacancies/v-far/shortlist", headers=office).status_code == 401
    assert client.delete(f"/v1/keys/{created['id']}", headers=admin).status_code == 404
    # The secret is never stored or logged; the audit log names who made and revoked it.
    actions = {e.action for e in engine.store.read_audit(kind="api_key")}
    assert {"create_key", "revoke_key"} <= actions
    assert created["key"] not in str(engine.store.read_audit(limit=1000))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"name": "x", "role": "office"}, "province"),
        ({"name": "x", "role": "office", "province": "آتلانتیس"}, "31 provinces"),
        ({"name": "x", "role": "analyst", "province": TEHRAN}, "province"),
        ({"name": "x", "role": "jobseeker"}, "jobseeker_id"),
        ({"name": "x", "role": "root"}, "role"),
        ({"name": "", "role": "admin"}, "name"),
    ],
)
def test_bad_keys_are_not_made(
    client: TestClient, world: tuple[Karyab, dict[str, str]], body: Any, message: str
) -> None:
    response = client.post("/v1/keys", json=body, headers={"X-API-Key": world[1]["admin"]})
    assert response.status_code == 422
    assert message in response.json()["message"]


def test_rate_limit_per_key(tmp_path: Path) -> None:
    engine = Karyab.open(_settings(tmp_path, rate_limit_per_minute=3), HashingEncoder())
    _, secret = engine.store.create_api_key("ops", "admin")
    with TestClient(create_app(engine.settings, engine=engine)) as client:
        statuses = [
            client.get("/v1/audit", headers={"X-API-Key": secret}).status_code for _ in range(4)
        ]
        limited = client.get("/v1/audit", headers={"X-API-Key": secret})
        assert client.get("/health").status_code == 200  # never limited
    engine.close()
    assert statuses[:3] == [200, 200, 200] and statuses[3] == 429
    assert int(limited.headers["retry-after"]) >= 1
    assert limited.json()["error"] == "rate_limited"


@pytest.mark.parametrize(
    ("origins", "allowed"), [([], False), (["https://karyab.mcls.gov.ir"], True)]
)
def test_cors_is_closed_unless_origins_are_named(
    tmp_path: Path, origins: list[str], allowed: bool
) -> None:
    engine = Karyab.open(_settings(tmp_path, cors_origins=origins), HashingEncoder())
    preflight = {
        "Origin": "https://karyab.mcls.gov.ir",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "x-api-key",
    }
    with TestClient(create_app(engine.settings, engine=engine)) as client:
        response = client.options("/v1/match", headers=preflight)
        other = client.options("/v1/match", headers=preflight | {"Origin": "https://evil.example"})
    engine.close()
    granted = response.headers.get("access-control-allow-origin")
    assert (granted == "https://karyab.mcls.gov.ir") is allowed
    assert "access-control-allow-origin" not in other.headers


def test_first_start_leaves_an_admin_key_for_the_owner_only(tmp_path: Path) -> None:
    engine = Karyab.open(_settings(tmp_path), HashingEncoder())
    path = ensure_admin_key(engine)
    assert path is not None and path.parent == tmp_path
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    secret = path.read_text(encoding="utf-8").strip()
    key = engine.store.api_key(secret)
    assert key is not None and key.role == "admin"
    assert ensure_admin_key(engine) is None  # keys exist: nothing more is made
    engine.close()
