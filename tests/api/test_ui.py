"""The web UI's routes: pages and their files need no key and stay out of the API schema.
(The pages themselves are driven in a browser by tests/web.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.routes.ui import STATIC_DIR, WEB_DIR, font_file
from karyab.service import Karyab
from karyab.settings import Settings
from models.encoder import HashingEncoder

PAGES = ("/", "/ui/jobseeker", "/ui/office", "/ui/coding", "/ui/analyst")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("ui"),
        encoder="hashing",
        load_demo=False,
        occupation_coder=False,
        skills=False,
        ranker=False,
        auth=True,  # the pages load without a key all the same
    )
    engine = Karyab.open(settings, HashingEncoder())
    with TestClient(create_app(settings, engine=engine)) as test_client:
        yield test_client
    engine.close()


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_persian_rtl_and_need_no_key(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert '<html lang="fa" dir="rtl">' in html
    assert "{{" not in html  # every placeholder of the layout filled
    assert "http://" not in html and "https://" not in html  # nothing from elsewhere
    assert "script-src 'self'" in response.headers["content-security-policy"]


@pytest.mark.parametrize("path", PAGES[1:])
def test_each_page_loads_its_script(client: TestClient, path: str) -> None:
    name = path.rsplit("/", 1)[1]
    html = client.get(path).text
    assert f'src="/ui/static/{name}.js"' in html
    assert f'data-nav="{name}" aria-current="page"' in html


@pytest.mark.parametrize("name", sorted(p.name for p in STATIC_DIR.iterdir()))
def test_static_files_are_served(client: TestClient, name: str) -> None:
    response = client.get(f"/ui/static/{name}")
    assert response.status_code == 200
    assert response.content == (STATIC_DIR / name).read_bytes()
    kind = name.rsplit(".", 1)[1]
    expected = {"css": "text/css", "js": "text/javascript", "svg": "image/svg+xml"}[kind]
    assert response.headers["content-type"].startswith(expected)


def test_the_font_comes_from_its_package(client: TestClient) -> None:
    path = font_file()
    assert path is not None, "fontpkg-noto-sans-arabic is a dependency"
    response = client.get("/ui/static/fonts/noto-sans-arabic.ttf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "font/ttf"
    assert response.content == path.read_bytes()


@pytest.mark.parametrize(
    "path",
    [
        "/ui/nope",
        "/ui/static/nope.js",
        "/ui/static/..%2Flayout.html",
        "/ui/static/%2E%2E%2F%2E%2E%2Fmain.py",
        "/ui/static/layout.html",
        "/ui/static/.hidden.js",
    ],
)
def test_unknown_pages_and_files_get_404(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.json()["message"]


def test_reference_lists(client: TestClient) -> None:
    body = client.get("/ui/reference.json").json()
    assert len(body["provinces"]) == 31 and "فارس" in body["provinces"]
    assert "شیراز" in body["cities"]
    assert {e["value"] for e in body["educations"]} >= {"diploma", "bachelor"}
    assert body["statuses"] == ["shortlisted", "interviewed", "hired", "rejected"]
    assert body["months"][0] == "فروردین" and len(body["months"]) == 12
    assert body["period"] == {"first": "1402-01", "last": "1403-12"}


def test_ui_routes_stay_out_of_the_schema(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert not [p for p in paths if p == "/" or p.startswith("/ui")]
    assert "/v1/vacancies" in paths and "/v1/analytics/charts/{name}" in paths


def test_web_files_ship_with_the_package() -> None:
    """pyproject's package data names every kind of file the UI has."""
    import tomllib

    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    patterns = tomllib.loads(pyproject.read_text())["tool"]["setuptools"]["package-data"]["api"]
    api_dir = WEB_DIR.parent
    shipped = {path for pattern in patterns for path in api_dir.glob(pattern)}
    files = {path for path in WEB_DIR.rglob("*") if path.is_file()}
    assert files and files <= shipped, sorted(str(p) for p in files - shipped)
