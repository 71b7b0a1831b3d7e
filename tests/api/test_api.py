"""The HTTP API on a small market, encoded with the fast hashing encoder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from karyab.service import Karyab
from karyab.settings import Settings
from models.encoder import HashingEncoder
from models.occupation_coder import OccupationCoder
from skills.inference import SkillInferencer

DEV_VACANCY = {
    "id": "v-dev",
    "title": "برنامه‌نویس ارشد Python",
    "text": "توسعه سرویس‌های بک‌اند با Django و PostgreSQL، آشنایی با Docker",
    "province": "تهران",
    "city": "تهران",
    "isco_code": "2512",
    "min_experience_years": 3,
    "education": "bachelor",
    "skills": ["Python", "Django", "Docker"],
}
ACC_VACANCY = {
    "id": "v-acc",
    "title": "حسابدار",
    "text": "تهیه اسناد حسابداری در نرم‌افزار سپیدار، تسلط به اکسل",
    "province": "فارس",
    "city": "شیراز",
    "isco_code": "2411",
    "skills": ["سپیدار", "اکسل"],
}
DEV_SEEKER = {
    "id": "js-dev",
    "title": "توسعه‌دهنده Python",
    "text": "چهار سال برنامه‌نویسی بک‌اند با Django و Docker",
    "province": "تهران",
    "city": "تهران",
    "experience_years": 4,
    "education": "bachelor",
    "skills": ["Python", "Django"],
}


@pytest.fixture()
def client(
    tmp_path: Path, small_coder: OccupationCoder, skill_inferencer: SkillInferencer
) -> Iterator[TestClient]:
    settings = Settings(
        data_dir=tmp_path, encoder="hashing", load_demo=False, max_request_bytes=200_000
    )
    engine = Karyab.open(
        settings, HashingEncoder(), occupation_coder=small_coder, skills=skill_inferencer
    )
    with TestClient(create_app(settings, engine=engine)) as test_client:
        for body in (DEV_VACANCY, ACC_VACANCY):
            assert test_client.post("/v1/vacancies", json=body).status_code == 201
        assert test_client.post("/v1/jobseekers", json=DEV_SEEKER).status_code == 201
        yield test_client


def test_health(client: TestClient) -> None:
    body = client.get("/health").json()
    assert body == {
        "status": "ok",
        "encoder": "hashing:384",
        "vacancies": 2,
        "jobseekers": 1,
        "search": {"vacancy": "exact", "jobseeker": "exact"},
    }


def test_openapi_lists_every_endpoint(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/v1/jobseekers",
        "/v1/vacancies",
        "/v1/jobseekers/{jobseeker_id}/recommendations",
        "/v1/vacancies/{vacancy_id}/shortlist",
        "/v1/match",
        "/health",
    ):
        assert path in paths
    assert client.get("/docs").status_code == 200


def test_recommendations_carry_skills_and_explanation(client: TestClient) -> None:
    results = client.get("/v1/jobseekers/js-dev/recommendations?k=2").json()["results"]
    assert results[0]["id"] == "v-dev"
    best = results[0]
    # Skills are taxonomy skills now: Python from "Python" on both sides; the vacancy's text
    # also asks for PostgreSQL, which the CV does not show.
    assert "پایتون" in best["matched_skills"]
    assert "پایتون" not in best["missing_skills"]
    assert any("postgre" in label.lower() or "پستگر" in label for label in best["missing_skills"])
    matched, total = (
        len(best["matched_skills"]),
        len(best["matched_skills"]) + len(best["missing_skills"]),
    )
    from matching.explain import persian_number

    assert best["explanation"].startswith(
        f"{persian_number(matched)} از {persian_number(total)} مهارت"
    )
    assert len(best["details"]["matched_skill_ids"]) <= matched
    assert best["score"] >= results[1]["score"]


def test_shortlist_and_filters(client: TestClient) -> None:
    results = client.get("/v1/vacancies/v-dev/shortlist").json()["results"]
    assert [r["id"] for r in results] == ["js-dev"]
    none = client.get("/v1/vacancies/v-dev/shortlist?min_experience_years=10").json()
    assert none["results"] == []


def test_match_both_kinds(client: TestClient) -> None:
    cv = {"text": "حسابدار مسلط به سپیدار و اكسل", "kind": "cv", "k": 1}
    results = client.post("/v1/match", json=cv).json()["results"]
    assert results[0]["id"] == "v-acc"
    assert {"نرم‌افزار حسابداری سپیدار", "کار با نرم‌افزار صفحه‌گسترده"} <= set(
        results[0]["matched_skills"]
    )
    ad = {"text": "نیازمند برنامه‌نویس Django", "kind": "vacancy", "k": 5}
    assert client.post("/v1/match", json=ad).json()["results"][0]["id"] == "js-dev"


def test_post_replaces_by_id(client: TestClient) -> None:
    changed = {**ACC_VACANCY, "title": "حسابدار ارشد"}
    assert client.post("/v1/vacancies", json=changed).status_code == 201
    stored = client.get("/v1/vacancies/v-acc").json()
    assert stored["title"] == "حسابدار ارشد"
    assert "karyab:skill/sepidar-accounting-software" in stored["skill_ids"]
    assert client.get("/health").json()["vacancies"] == 2


def test_generated_ids(client: TestClient) -> None:
    body = {k: v for k, v in DEV_SEEKER.items() if k != "id"}
    created = client.post("/v1/jobseekers", json=body).json()
    assert created["id"].startswith("js-")
    assert client.get(f"/v1/jobseekers/{created['id']}").status_code == 200


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/match", {"text": "", "kind": "cv"}),
        ("/v1/match", {"text": "   \n\t ", "kind": "cv"}),
        ("/v1/match", {"text": "حسابدار", "kind": "employer"}),
        ("/v1/match", {"text": "حسابدار", "kind": "cv", "k": 0}),
        ("/v1/match", {"text": "حسابدار", "kind": "cv", "k": "ten"}),
        ("/v1/match", {"text": 42, "kind": "cv"}),
        ("/v1/match", {"kind": "cv"}),
        ("/v1/match", {"text": "حسابدار", "kind": "cv", "unexpected": 1}),
        ("/v1/match", {"text": "ا" * 50_001, "kind": "cv"}),
        ("/v1/vacancies", {"title": "", "text": "متن"}),
        ("/v1/vacancies", {"title": "حسابدار", "text": "متن", "isco_code": "24X1"}),
        ("/v1/vacancies", {"title": "حسابدار", "text": "متن", "education": "phd"}),
        ("/v1/vacancies", {"id": "bad id/…", "title": "حسابدار", "text": "متن"}),
        ("/v1/jobseekers", {"title": "حسابدار", "text": "متن", "experience_years": -1}),
        ("/v1/jobseekers", {"title": "حسابدار", "text": "متن", "skills": "Python"}),
        ("/v1/jobseekers", ["not", "an", "object"]),
    ],
)
def test_bad_json_bodies_get_422_with_message(client: TestClient, path: str, body: object) -> None:
    response = client.post(path, json=body)
    assert response.status_code == 422
    payload = response.json()
    assert payload["error"] == "invalid_request"
    assert payload["message"]
    assert client.get("/health").json()["vacancies"] == 2  # nothing written


@pytest.mark.parametrize(
    "raw",
    [
        b"{not json",
        b"",
        b"\xff\xfe\x00{\x00}",  # not UTF-8
        '{"text": "حسابدار", "kind": "cv"}'.encode("utf-16"),
    ],
)
def test_undecodable_bodies_get_4xx(client: TestClient, raw: bytes) -> None:
    response = client.post("/v1/match", content=raw, headers={"content-type": "application/json"})
    assert 400 <= response.status_code < 500
    assert response.json()["message"]


def test_oversized_body_gets_413(client: TestClient) -> None:
    huge = {"text": "حسابدار " * 40_000, "kind": "cv"}
    response = client.post("/v1/match", json=huge)
    assert response.status_code == 413
    assert "limit" in response.json()["message"]


@pytest.mark.parametrize(
    "path",
    [
        "/v1/jobseekers/nobody/recommendations",
        "/v1/vacancies/nothing/shortlist",
        "/v1/jobseekers/nobody",
        "/v1/vacancies/nothing",
    ],
)
def test_unknown_ids_get_404(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "no " in response.json()["message"]


def test_bad_query_parameters(client: TestClient) -> None:
    assert client.get("/v1/jobseekers/js-dev/recommendations?k=0").status_code == 422
    assert client.get("/v1/jobseekers/js-dev/recommendations?k=abc").status_code == 422
    assert client.get("/v1/vacancies/v-dev/shortlist?min_education=phd").status_code == 422


def test_occupation_coding_endpoint(client: TestClient) -> None:
    body = {"texts": ["برنامه نویس ارشد Python (تهران) - آقا", "حسابدار خانم"], "top_k": 3}
    results = client.post("/v1/occupations/code", json=body).json()["results"]
    assert [r["occupations"][0]["code"] for r in results] == ["2512", "2411"]
    assert all(len(r["occupations"]) == 3 for r in results)
    assert all(0.0 <= r["confidence"] <= 1.0 and isinstance(r["abstain"], bool) for r in results)
    assert results[0]["occupations"][0]["title_en"] == "Software developers"


@pytest.mark.parametrize(
    "body",
    [
        {"texts": []},
        {"texts": ["حسابدار"] * 1001},
        {"texts": "حسابدار"},
        {"texts": ["حسابدار"], "top_k": 0},
    ],
)
def test_occupation_coding_rejects_bad_batches(client: TestClient, body: object) -> None:
    response = client.post("/v1/occupations/code", json=body)
    assert response.status_code in (413, 422)
    assert response.json()["message"]


def test_stored_records_get_codes_on_write(client: TestClient) -> None:
    body = {"id": "v-new", "title": "راننده پایه یک تریلی", "text": "حمل بار بین‌شهری"}
    assert client.post("/v1/vacancies", json=body).status_code == 201
    stored = client.get("/v1/vacancies/v-new").json()
    assert stored["isco_code"] in {"8332", None}  # None only when the coder abstains
    provided = {**body, "id": "v-coded", "isco_code": "8322"}
    client.post("/v1/vacancies", json=provided)
    assert client.get("/v1/vacancies/v-coded").json()["isco_code"] == "8322"


def test_infer_skills_endpoint(client: TestClient) -> None:
    body = {
        "texts": ["مسلط به پایتون و SQL Server", "", "مزایا: بیمه تکمیلی و ناهار"],
        "top_k": 5,
    }
    response = client.post("/v1/skills/infer", json=body)
    assert response.status_code == 200
    first, empty, benefits = response.json()["results"]
    labels = [s["label_fa"] for s in first["skills"]]
    assert "پایتون" in labels
    skill = first["skills"][0]
    assert set(skill) == {"id", "label_fa", "label_en", "labels", "score", "source", "evidence"}
    assert skill["source"] == "explicit" and skill["evidence"]
    assert empty["skills"] == []
    assert all(s["source"] == "occupation" for s in benefits["skills"])


def test_infer_skills_with_known_occupation(client: TestClient) -> None:
    body = {"texts": ["راننده"], "isco_codes": ["8332"], "top_k": 30}
    skills = client.post("/v1/skills/infer", json=body).json()["results"][0]["skills"]
    assert skills and all(s["source"] == "occupation" for s in skills)
    assert all(s["evidence"].startswith("ISCO 8332") for s in skills)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"texts": []}, 422),
        ({"texts": ["x"] * 101}, 422),
        ({"texts": "مسلط به پایتون"}, 422),
        ({"texts": ["x"], "top_k": 0}, 422),
        ({"texts": ["x"], "isco_codes": ["9999"]}, 422),
        ({"texts": ["x", "y"], "isco_codes": ["2512"]}, 422),
        ({"texts": ["x" * 50_001]}, 422),
    ],
)
def test_infer_skills_rejects_bad_requests(
    client: TestClient, body: dict[str, object], status: int
) -> None:
    response = client.post("/v1/skills/infer", json=body)
    assert response.status_code == status
    assert response.json()["message"]


def test_infer_skills_rejects_oversized_bodies(client: TestClient) -> None:
    body = {"texts": ["مسلط به پایتون " * 3000] * 20}
    response = client.post("/v1/skills/infer", json=body)
    assert response.status_code == 413
    assert response.json()["message"]
