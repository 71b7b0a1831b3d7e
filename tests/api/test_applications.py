"""Placement outcomes over HTTP: recorded with their history, audited, bad input refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from karyab.service import Karyab
from karyab.settings import Settings
from models.encoder import HashingEncoder
from tests.api.test_api import DEV_SEEKER, DEV_VACANCY


@pytest.fixture()
def engine(tmp_path: Path) -> Iterator[Karyab]:
    settings = Settings(
        data_dir=tmp_path,
        encoder="hashing",
        load_demo=False,
        occupation_coder=False,
        skills=False,
        ranker=False,
    )
    engine = Karyab.open(settings, HashingEncoder())
    yield engine
    engine.close()


@pytest.fixture()
def client(engine: Karyab) -> Iterator[TestClient]:
    with TestClient(create_app(engine.settings, engine=engine)) as test_client:
        assert test_client.post("/v1/vacancies", json=DEV_VACANCY).status_code == 201
        assert test_client.post("/v1/jobseekers", json=DEV_SEEKER).status_code == 201
        yield test_client


def _outcome(status: str, **extra: object) -> dict[str, object]:
    return {"jobseeker_id": "js-dev", "vacancy_id": "v-dev", "status": status, **extra}


def test_outcomes_keep_their_history(client: TestClient) -> None:
    for status in ("shortlisted", "interviewed", "interviewed", "hired"):
        response = client.post("/v1/applications", json=_outcome(status))
        assert response.status_code == 200, response.text
        assert response.json()["status"] == status
    listed = client.get("/v1/applications", params={"vacancy_id": "v-dev"}).json()
    assert [a["status"] for a in listed["applications"]] == ["hired"]
    assert client.get("/v1/applications", params={"status": "rejected"}).json() == {
        "applications": []
    }
    events = client.get("/v1/applications/events", params={"jobseeker_id": "js-dev"}).json()
    # The repeated "interviewed" changed nothing, so it left no event.
    assert [(e["previous_status"], e["status"]) for e in events["events"]] == [
        (None, "shortlisted"),
        ("shortlisted", "interviewed"),
        ("interviewed", "hired"),
    ]
    assert {e["actor"] for e in events["events"]} == {"local"}  # the caller (no keys here)


def test_writes_and_outcomes_are_audited(client: TestClient, engine: Karyab) -> None:
    client.post("/v1/applications", json=_outcome("rejected"))
    entries = engine.store.read_audit()
    assert {(e.action, e.kind, e.record_id) for e in entries} >= {
        ("upsert", "vacancy", "v-dev"),
        ("upsert", "jobseeker", "js-dev"),
    }
    assert all(e.actor == "local" for e in entries)
    assert len(entries) == 3  # two writes and the outcome


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        (_outcome("hired") | {"vacancy_id": "v-none"}, 404, "no vacancy with id 'v-none'"),
        (_outcome("hired") | {"jobseeker_id": "js-none"}, 404, "no jobseeker"),
        (_outcome("hired", organisation_id=7), 404, "no organisation with id 7"),
        (_outcome("promoted"), 422, "status"),
        (_outcome("hired") | {"vacancy_id": ""}, 422, "vacancy_id"),
        (_outcome("hired") | {"extra": 1}, 422, "extra"),
        (_outcome("hired", organisation_id="x"), 422, "organisation_id"),
        ({"jobseeker_id": "js-dev"}, 422, "vacancy_id"),
    ],
)
def test_bad_outcomes_are_refused(
    client: TestClient, engine: Karyab, body: dict[str, object], status: int, error: str
) -> None:
    response = client.post("/v1/applications", json=body)
    assert response.status_code == status, response.text
    assert error in response.json()["message"]
    assert engine.store.applications() == []  # nothing half-written


def test_an_organisation_can_be_named(client: TestClient, engine: Karyab) -> None:
    office = engine.store.upsert_organisation("employment_office", "کاریابی شماره ۱۲ تهران")
    response = client.post(
        "/v1/applications", json=_outcome("shortlisted", organisation_id=office.id)
    )
    assert response.status_code == 200
    assert response.json()["organisation_id"] == office.id
