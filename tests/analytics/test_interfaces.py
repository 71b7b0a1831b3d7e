"""`karyab analytics report` and the analytics API over a stored market with known trends."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from karyab.cli import main
from karyab.service import Karyab
from karyab.settings import Settings
from models.encoder import HashingEncoder
from storage.sql_store import SqlStore, sqlite_url
from tests.analytics.conftest import SEPIDAR, SQL, make_market


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    """A data folder whose store holds the hand-made market in its archive."""
    settings = Settings(data_dir=tmp_path / "data")
    store = SqlStore(sqlite_url(settings.db_path))
    vacancies, jobseekers = make_market()
    store.archive("vacancy", vacancies)
    store.archive("jobseeker", jobseekers)
    store.close()
    return settings.data_dir


def _report(data_dir: Path, out: Path, *extra: str) -> int:
    argv = ["analytics", "report", "--from", "1402-01", "--to", "1403-12", "-o", str(out)]
    return main([*argv, "--data-dir", str(data_dir), *extra])


def test_cli_writes_the_report(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report"
    assert _report(data_dir, out) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["vacancies"] == 960 and summary["rising"] >= 1 and summary["falling"] >= 1
    assert summary["emerging_phrases"] == 1
    assert (out / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    for name in ("top_skills", "demand", "monthly", "trends", "emerging", "gaps"):
        assert (out / "tables" / f"{name}.csv").stat().st_size > 0
    assert (out / "report.xlsx").stat().st_size > 0
    assert list((out / "charts").glob("*.png"))


@pytest.mark.parametrize("province", ["تهران", " تهران ", "تهـــران"])
def test_cli_province_filter_takes_spelling_variants(
    data_dir: Path, tmp_path: Path, province: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _report(data_dir, tmp_path / "r", "--province", province) == 0
    assert json.loads(capsys.readouterr().out)["vacancies"] == 624  # 26 of 40 a month


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--from", "1402-13", "--to", "1403-12"], "not a Jalali month"),
        (["--from", "1403-12", "--to", "1402-01"], "before it starts"),
        (["--from", "1402-01", "--to", "1403-12", "--province", "قم"], "no vacancies"),
    ],
)
def test_cli_bad_input_exits_2(
    data_dir: Path,
    tmp_path: Path,
    argv: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(
        ["analytics", "report", *argv, "-o", str(tmp_path / "r"), "--data-dir", str(data_dir)]
    )
    assert code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "r").exists()


def test_cli_without_a_store_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _report(tmp_path / "empty", tmp_path / "r") == 2
    assert "karyab prepare" in capsys.readouterr().err


@pytest.fixture()
def client(data_dir: Path, skill_inferencer) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    settings = Settings(
        data_dir=data_dir, encoder="hashing", load_demo=False, occupation_coder=False
    )
    engine = Karyab.open(settings, HashingEncoder(), skills=skill_inferencer)
    with TestClient(create_app(settings, engine=engine)) as test_client:
        yield test_client
    engine.close()


def test_api_summary(client: TestClient) -> None:
    response = client.get("/v1/analytics/summary", params={"from": "1402-01", "to": "1403-12"})
    assert response.status_code == 200
    body = response.json()
    assert body["scope"]["vacancies"] == 960
    assert SQL in {row["skill_id"] for row in body["rising"]}
    assert SEPIDAR in {row["skill_id"] for row in body["falling"]}
    assert body["emerging"][0]["first_month"] >= "1403-01"
    assert body["gaps"][0]["gap"] > 0


def test_api_tables_are_paged_and_filtered(client: TestClient) -> None:
    params = {"from": "۱۴۰۲-۰۱", "to": "۱۴۰۳-۱۲", "grain": "quarter", "isco_level": "sub_major"}
    first = client.get("/v1/analytics/tables/demand", params={**params, "limit": 5}).json()
    second = client.get(
        "/v1/analytics/tables/demand", params={**params, "limit": 5, "offset": 5}
    ).json()
    assert first["total"] == second["total"] > 10
    assert len(first["rows"]) == 5 and first["rows"] != second["rows"]
    assert all(r["grain"] == "quarter" and not r["suppressed"] for r in first["rows"])
    everything = client.get(
        "/v1/analytics/tables/demand", params={**params, "include_suppressed": "true"}
    ).json()
    assert everything["total"] >= first["total"]
    trends = client.get("/v1/analytics/tables/trends").json()
    assert trends["total"] == 4 and trends["rows"][0]["direction"] in ("rising", "falling")


@pytest.mark.parametrize(
    ("path", "params", "status", "error"),
    [
        ("/v1/analytics/summary", {"from": "1402-13"}, 422, "invalid_period"),
        ("/v1/analytics/summary", {"from": "1403-05", "to": "1402-01"}, 422, "invalid_period"),
        ("/v1/analytics/summary", {"province": "قم"}, 404, "unknown_province"),
        ("/v1/analytics/tables/nope", {}, 422, "invalid_request"),
        ("/v1/analytics/tables/demand", {"limit": 0}, 422, "invalid_request"),
        ("/v1/analytics/tables/demand", {"isco_group": "abc"}, 422, "invalid_request"),
    ],
)
def test_api_bad_input(
    client: TestClient, path: str, params: dict[str, object], status: int, error: str
) -> None:
    response = client.get(path, params=params)
    assert response.status_code == status
    assert response.json()["error"] == error
