"""``GET /v1/analytics/charts/{name}``: the report's charts as PNG, with the analytics' roles."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from karyab.service import Karyab
from karyab.settings import Settings
from models.encoder import HashingEncoder
from tests.analytics.conftest import make_market

PNG = b"\x89PNG\r\n\x1a\n"
CHARTS = ("top_skills", "demand_heatmap", "trends_rising", "trends_falling", "emerging", "gaps")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Karyab, dict[str, str]]]:
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("charts"),
        encoder="hashing",
        load_demo=False,
        occupation_coder=False,
        skills=False,
        ranker=False,
        auth=True,
    )
    engine = Karyab.open(settings, HashingEncoder())
    vacancies, jobseekers = make_market()
    engine.store.archive("vacancy", vacancies)
    engine.store.archive("jobseeker", jobseekers)
    store = engine.store
    keys = {
        role: store.create_api_key(role, role, **extra)[1]  # type: ignore[arg-type]
        for role, extra in (
            ("admin", {}),
            ("analyst", {}),
            ("office", {"province": "تهران"}),
            ("jobseeker", {"jobseeker_id": "j001"}),
        )
    }
    yield engine, keys
    engine.close()


@pytest.fixture(scope="module")
def client(world: tuple[Karyab, dict[str, str]]) -> Iterator[TestClient]:
    engine, _ = world
    with TestClient(create_app(engine.settings, engine=engine)) as test_client:
        yield test_client


def _get(
    client: TestClient, keys: dict[str, str], name: str, role: str | None = "analyst", **params: Any
) -> Any:
    headers = {"X-API-Key": keys[role]} if role else {}
    return client.get(f"/v1/analytics/charts/{name}", params=params, headers=headers)


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_a_png(
    client: TestClient, world: tuple[Karyab, dict[str, str]], name: str
) -> None:
    response = _get(client, world[1], name, **{"from": "1402-01", "to": "1403-12"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    assert response.content.startswith(PNG) and len(response.content) > 5_000


def test_a_province_and_an_empty_section_still_draw(
    client: TestClient, world: tuple[Karyab, dict[str, str]]
) -> None:
    # Emerging phrases start in 1403: a 1402 window has none, and says so in the chart.
    for params in ({"province": "اصفهان"}, {"from": "1402-01", "to": "1402-06"}):
        response = _get(client, world[1], "emerging", **params)
        assert response.status_code == 200 and response.content.startswith(PNG)


@pytest.mark.parametrize(
    ("name", "params", "status", "error"),
    [
        ("pie", {}, 422, "invalid_request"),
        ("top_skills", {"from": "1402-13"}, 422, "invalid_period"),
        ("top_skills", {"from": "1403-05", "to": "1402-01"}, 422, "invalid_period"),
        ("top_skills", {"from": "x"}, 422, "invalid_request"),
        ("top_skills", {"province": "قم"}, 404, "unknown_province"),
    ],
)
def test_bad_requests_get_a_message(
    client: TestClient,
    world: tuple[Karyab, dict[str, str]],
    name: str,
    params: dict[str, Any],
    status: int,
    error: str,
) -> None:
    response = _get(client, world[1], name, **params)
    assert response.status_code == status
    body = response.json()
    assert body["error"] == error and body["message"]


@pytest.mark.parametrize(
    ("role", "status"),
    [("admin", 200), ("analyst", 200), ("office", 200), ("jobseeker", 403), (None, 401)],
)
def test_roles_are_those_of_the_other_analytics_routes(
    client: TestClient, world: tuple[Karyab, dict[str, str]], role: str | None, status: int
) -> None:
    response = _get(client, world[1], "top_skills", role=role)
    assert response.status_code == status
    summary = client.get(
        "/v1/analytics/summary", headers={"X-API-Key": world[1][role]} if role else {}
    )
    assert summary.status_code == status
