"""Checking the auto-coding: a random sample of what the coder coded goes to a person, every
title people have coded measures the coder, and enough of them set the auto-coding cut.

The small coder knows ten unit groups; its own cut (0.77) auto-codes «حسابدار» at 0.8."""

from __future__ import annotations

import copy
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from karyab.coding_review import CodingReview, ThresholdError, decision_key
from karyab.service import Karyab
from models.encoder import HashingEncoder
from models.occupation_coder import OccupationCoder, occupation_key
from models.selective_coding import MIN_AUTO_CODED_CHECKS
from taxonomy.titles import load_title_index
from tests.conftest import SMALL_CODES

ADS = [
    {"id": "v-acc", "title": "حسابدار - خانم", "text": "اسناد حسابداری"},
    {"id": "v-acc2", "title": "حسابدار (شیراز)", "text": "تنظیم اسناد"},
    {"id": "v-dev", "title": "برنامه نویس PHP", "text": "لاراول"},
    {"id": "v-taxi", "title": "راننده تاکسی", "text": "تاکسی تلفنی"},
    {"id": "v-tailor", "title": "خیاط", "text": "دوخت"},  # abstained: the queue, not a check
    # Came coded by its source with another code than the coder's: not the coder's coding.
    {"id": "v-src", "title": "منشی", "text": "پاسخگویی تلفن", "isco_code": "3343"},
]


@pytest.fixture()
def engine(coding_engine: Karyab) -> Karyab:
    return coding_engine


@pytest.fixture()
def client(engine: Karyab) -> Iterator[TestClient]:
    with TestClient(create_app(engine.settings, engine=engine)) as test_client:
        for body in ADS:
            assert test_client.post("/v1/vacancies", json=body).status_code == 201
        yield test_client


def _key(title: str) -> str:
    return decision_key(occupation_key(title))


def _sure_titles(coder: OccupationCoder, n: int, *, at_least: float) -> list[tuple[str, str]]:
    """(title, code) of ``n`` index titles of distinct keys that the coder codes right at
    ``at_least`` confidence or more: checks a person would confirm."""
    entries = [e for e in load_title_index() if e.code in SMALL_CODES]
    predictions = coder.predict([e.title for e in entries])
    found: dict[str, tuple[str, str]] = {}
    for entry, prediction in zip(entries, predictions, strict=True):
        key = _key(entry.title)
        if prediction.code == entry.code and prediction.confidence >= at_least:
            found.setdefault(key, (entry.title, entry.code))
    assert len(found) >= n
    return list(found.values())[:n]


def _doubtful_titles(coder: OccupationCoder, n: int) -> list[tuple[str, str]]:
    """(title, code the coder gives) of ``n`` index titles of distinct keys that the coder
    auto-codes below 0.95 confidence."""
    entries = [e for e in load_title_index() if e.code in SMALL_CODES]
    predictions = coder.predict([e.title for e in entries])
    found: dict[str, tuple[str, str]] = {}
    for entry, prediction in zip(entries, predictions, strict=True):
        if prediction.code and coder.threshold_ <= prediction.confidence < 0.95:
            found.setdefault(_key(entry.title), (entry.title, prediction.code))
    assert len(found) >= n
    return list(found.values())[:n]


def test_the_check_sample_holds_what_the_coder_coded(client: TestClient) -> None:
    items = client.get("/v1/occupations/checks?limit=50").json()["items"]
    keys = {item["title_key"] for item in items}
    assert {_key("حسابدار"), _key("برنامه نویس PHP"), _key("راننده تاکسی")} <= keys
    assert _key("خیاط") not in keys  # abstained: queued, not checked
    assert _key("منشی") not in keys  # its code is its source's, not the coder's
    accountant = next(item for item in items if item["title_key"] == "حسابدار")
    assert accountant["count"] == 2 and accountant["counts"] == {"vacancy": 2}
    assert accountant["occupations"][0]["code"] == "2411"
    assert accountant["confidence"] >= 0.77
    # A decided key has been checked: it leaves the sample.
    client.post("/v1/occupations/decisions", json={"title": "راننده تاکسی", "code": "8322"})
    keys = {item["title_key"] for item in client.get("/v1/occupations/checks").json()["items"]}
    assert _key("راننده تاکسی") not in keys
    assert client.get("/v1/occupations/checks?kind=jobseeker").json()["items"] == []


def test_a_correction_recodes_what_the_coder_coded_and_nothing_else(
    client: TestClient, engine: Karyab
) -> None:
    assert client.get("/v1/vacancies/v-acc").json()["isco_code"] == "2411"
    response = client.post("/v1/occupations/decisions", json={"title": "حسابدار", "code": "3313"})
    assert response.status_code == 200, response.text
    assert response.json()["recoded"] == {"vacancy": 2}
    assert client.get("/v1/vacancies/v-acc").json()["isco_code"] == "3313"
    assert client.get("/v1/vacancies/v-acc2").json()["isco_code"] == "3313"
    assert engine.indexes["vacancy"].get_attributes("v-acc")["isco_code"] == "3313"
    # Confirming the coder's code rewrites nothing.
    confirmed = client.post(
        "/v1/occupations/decisions", json={"title": "راننده تاکسی", "code": "8322"}
    )
    assert confirmed.json()["recoded"] == {}
    # A code that came with the record is not the coder's to correct.
    other = client.post("/v1/occupations/decisions", json={"title": "منشی", "code": "4110"})
    assert other.json()["recoded"] == {}
    assert client.get("/v1/vacancies/v-src").json()["isco_code"] == "3343"


def test_quality_counts_every_title_people_coded(client: TestClient) -> None:
    empty = client.get("/v1/occupations/quality").json()
    assert empty["checks"] == 0 and empty["source"] == "coder" and empty["proposed"] is None
    assert empty["in_use"]["threshold"] == pytest.approx(0.7722, abs=1e-3)
    assert empty["target_error"] == 0.05
    client.post("/v1/occupations/decisions", json={"title": "حسابدار", "code": "3313"})
    client.post("/v1/occupations/decisions", json={"title": "پرستار", "code": "2221"})
    client.post("/v1/occupations/decisions", json={"title": "خیاط", "code": "7531"})
    quality = client.get("/v1/occupations/quality").json()
    assert quality["checks"] == 3
    # The accountant (0.8) and the nurse (1.0) are auto-coded by the cut; the tailor is not.
    assert quality["in_use"]["auto_coded"] == 2 and quality["in_use"]["errors"] == 1
    assert quality["in_use"]["error"] == 0.5
    low, high = quality["in_use"]["error_interval"]
    assert low < 0.5 < high
    assert quality["proposed"] is None  # two auto-coded checks set nothing


def test_too_few_checks_cannot_set_the_cut(client: TestClient) -> None:
    response = client.put("/v1/occupations/threshold", json={})
    assert response.status_code == 422
    assert "at least 50" in response.json()["message"]
    assert client.get("/v1/occupations/quality").json()["source"] == "coder"


@pytest.mark.parametrize("query", ["target_error=0", "target_error=0.7", "target_error=x"])
def test_a_bad_target_error_is_refused(client: TestClient, query: str) -> None:
    assert client.get(f"/v1/occupations/quality?{query}").status_code == 422
    assert client.put("/v1/occupations/threshold", json={"target_error": "x"}).status_code == 422


def test_checks_that_find_errors_raise_the_cut(
    client: TestClient, engine: Karyab, small_coder: OccupationCoder
) -> None:
    # People confirm many sure titles, and find the coder wrong on ten titles it auto-codes
    # below 0.95: a cut from their checks refuses those confidences, so a title like them
    # goes to the queue.
    confirmed = _sure_titles(small_coder, MIN_AUTO_CODED_CHECKS + 5, at_least=0.95)
    *doubtful, (probe, _) = _doubtful_titles(small_coder, 11)
    wrong = [(title, "9112" if code != "9112" else "2221") for title, code in doubtful]
    engine.decide_occupations(confirmed + wrong, actor="office-1")
    asked = small_coder.predict([probe])[0]
    before = client.post("/v1/occupations/code", json={"texts": [probe]}).json()
    assert before["results"][0]["abstain"] is False

    response = client.put("/v1/occupations/threshold", json={"target_error": 0.05})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["source"] == "checks" and body["set_by"]
    assert body["in_use"]["threshold"] > asked.confidence
    assert body["in_use"]["errors"] <= 0.05 * body["in_use"]["auto_coded"]

    after = client.post("/v1/occupations/code", json={"texts": [probe]}).json()
    assert after["results"][0]["abstain"] is True
    new = {"id": "v-probe", "title": probe, "text": "آگهی"}
    assert client.post("/v1/vacancies", json=new).status_code == 201
    assert client.get("/v1/vacancies/v-probe").json()["isco_code"] is None
    queued = {i["title_key"] for i in client.get("/v1/occupations/queue").json()["items"]}
    assert _key(probe) in queued

    # Back to the coder's own cut.
    reset = client.delete("/v1/occupations/threshold").json()
    assert reset["source"] == "coder"
    again = client.post("/v1/occupations/code", json={"texts": [probe]}).json()
    assert again["results"][0]["abstain"] is False


def test_a_cut_set_for_one_coder_is_not_used_by_another(
    engine: Karyab, small_coder: OccupationCoder
) -> None:
    confirmed = _sure_titles(small_coder, MIN_AUTO_CODED_CHECKS + 5, at_least=0.95)
    engine.decide_occupations(confirmed, actor="office-1")
    review = CodingReview(engine.store, small_coder, small_coder.taxonomy)
    quality = review.apply_threshold("admin")
    assert review.threshold() == (quality.in_use.threshold, "checks")

    entries = [e for e in load_title_index() if e.code in ("2411", "8322", "4120")]
    other = OccupationCoder(small_coder.taxonomy, HashingEncoder(), n_folds=3)
    other.fit([e.title for e in entries], [e.code for e in entries])
    assert other.fingerprint != small_coder.fingerprint
    elsewhere = CodingReview(engine.store, other, other.taxonomy)
    assert elsewhere.threshold() == (other.threshold_, "coder")


def test_an_unreadable_stored_cut_falls_back_to_the_coders_own(
    engine: Karyab, small_coder: OccupationCoder
) -> None:
    engine.store.set_meta_value("occupation_threshold", "{not json")
    review = CodingReview(engine.store, small_coder, small_coder.taxonomy)
    assert review.threshold() == (small_coder.threshold_, "coder")
    with pytest.raises(ThresholdError):
        review.quality(target_error=1.5)


def test_decisions_the_coder_learned_from_are_not_checks_of_it(
    engine: Karyab, small_coder: OccupationCoder
) -> None:
    engine.decide_occupations(
        [("حسابدار", "3313"), ("پرستار", "2221"), ("خیاط", "7531")], actor="office-1"
    )
    taught = copy.copy(small_coder)
    taught.learned_from_ = frozenset({_key("حسابدار")})
    quality = CodingReview(engine.store, taught, taught.taxonomy).quality()
    assert (quality.checks, quality.learned) == (2, 1)
    assert quality.in_use.errors == 0  # the accountant, wrong at 0.8, is not counted
    assert quality.as_dict()["learned"] == 1
    assert CodingReview(engine.store, small_coder, small_coder.taxonomy).quality().checks == 3
