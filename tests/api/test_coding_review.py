"""The coding review over HTTP: the queue of titles the coder abstained on, a person's code
for a title, and that code reaching stored records, later records and coded texts.

The small coder knows ten unit groups (software, accounting, drivers, ...), so it abstains on
a tailor («خیاط», 7531), which a person then codes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from karyab.service import Karyab
from models.occupation_coder import OccupationCoder

TAILOR_ADS = [
    {"id": "v-t1", "title": "خیاط - خانم", "text": "دوخت مانتو", "province": "تهران"},
    {"id": "v-t2", "title": "خیاط (تهران)", "text": "دوخت و برش", "province": "تهران"},
    {"id": "v-acc", "title": "حسابدار", "text": "اسناد حسابداری", "isco_code": "2411"},
]
TAILOR_SEEKER = {"id": "js-t", "title": "خياط", "text": "ده سال دوخت لباس"}  # Arabic ي


@pytest.fixture()
def engine(coding_engine: Karyab) -> Karyab:
    return coding_engine


@pytest.fixture()
def client(engine: Karyab) -> Iterator[TestClient]:
    with TestClient(create_app(engine.settings, engine=engine)) as test_client:
        for body in TAILOR_ADS:
            assert test_client.post("/v1/vacancies", json=body).status_code == 201
        assert test_client.post("/v1/jobseekers", json=TAILOR_SEEKER).status_code == 201
        yield test_client


def test_the_queue_groups_uncoded_records_by_title_key(client: TestClient) -> None:
    # The coder abstains on every tailor title (the precondition of this test).
    assert client.get("/v1/vacancies/v-t1").json()["isco_code"] is None
    items = client.get("/v1/occupations/queue").json()["items"]
    (tailor,) = [item for item in items if item["title_key"] == "خیاط"]
    assert tailor["count"] == 3
    assert tailor["counts"] == {"vacancy": 2, "jobseeker": 1}
    assert tailor["occupations"] and 0.0 <= tailor["confidence"] <= 1.0
    assert all(item["title_key"] != "حسابدار" for item in items)  # coded: not queued
    assert client.get("/v1/occupations/queue?kind=jobseeker").json()["items"][0]["counts"] == {
        "jobseeker": 1
    }


def test_a_decision_codes_stored_later_and_asked_titles(client: TestClient, engine: Karyab) -> None:
    response = client.post("/v1/occupations/decisions", json={"title": "خیاط", "code": "7531"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["title_key"] == "خیاط"
    assert body["recoded"] == {"vacancy": 2, "jobseeker": 1}
    assert body["title_en"].startswith("Tailors")

    # Stored records: coded, out of the queue, and searchable by their code at once.
    assert client.get("/v1/vacancies/v-t2").json()["isco_code"] == "7531"
    queued = client.get("/v1/occupations/queue").json()["items"]
    assert all(item["title_key"] != "خیاط" for item in queued)
    assert engine.indexes["vacancy"].get_attributes("v-t1")["isco_code"] == "7531"

    # A later record with the same key, however it is written, gets the person's code.
    later = {"id": "v-t3", "title": "خـیـاط ماهر - آقا", "text": "دوخت کت و شلوار"}
    assert client.post("/v1/vacancies", json=later).status_code == 201
    later_code = client.get("/v1/vacancies/v-t3").json()["isco_code"]
    same_key = {"id": "v-t4", "title": "خیاط (کرج) - خانم", "text": "دوخت"}
    assert client.post("/v1/vacancies", json=same_key).status_code == 201
    assert client.get("/v1/vacancies/v-t4").json()["isco_code"] == "7531"
    # «خیاط ماهر» is another key: the coder decides it (and abstains, as on any tailor).
    assert later_code is None

    # Coding a text: the person's code first, with full confidence.
    coded = client.post("/v1/occupations/code", json={"texts": ["خياط - خانم"]}).json()
    (result,) = coded["results"]
    assert result["occupations"][0] == {
        "code": "7531",
        "title_fa": result["occupations"][0]["title_fa"],
        "title_en": body["title_en"],
        "score": 1.0,
    }
    assert (result["confidence"], result["abstain"]) == (1.0, False)
    assert len({o["code"] for o in result["occupations"]}) == len(result["occupations"])

    decisions = client.get("/v1/occupations/decisions").json()["items"]
    assert [(d["title_key"], d["code"], d["title"]) for d in decisions] == [
        ("خیاط", "7531", "خیاط")
    ]
    (entry,) = engine.store.read_audit(action="decide_occupation")
    assert entry.detail["count"] == {"vacancy": 2, "jobseeker": 1}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"title": "خیاط", "code": "9999"}, "not an ISCO-08 unit group"),
        ({"title": "خیاط", "code": "753"}, "code"),
        ({"title": "خیاط", "code": "7531x"}, "code"),
        ({"title": "!!!", "code": "7531"}, "no letters or digits"),
        ({"title": "", "code": "7531"}, "title"),
        ({"title": "خ" * 301, "code": "7531"}, "title"),
        ({"title": ["خیاط"], "code": "7531"}, "title"),
        ({"code": "7531"}, "title"),
    ],
)
def test_a_bad_decision_is_refused_and_changes_nothing(
    client: TestClient, engine: Karyab, body: object, message: str
) -> None:
    response = client.post("/v1/occupations/decisions", json=body)
    assert response.status_code == 422
    assert message in response.json()["message"]
    assert engine.store.occupation_decisions() == []
    assert client.get("/v1/vacancies/v-t1").json()["isco_code"] is None


@pytest.mark.parametrize(
    "path",
    [
        "queue?limit=0",
        "queue?limit=501",
        "queue?kind=employer",
        "queue?limit=abc",
        "decisions?limit=0",
        "decisions?offset=-1",
        "decisions?offset=9223372036854775808",  # found by the fuzzer: SQLite overflowed
    ],
)
def test_bad_queue_and_decision_list_queries(client: TestClient, path: str) -> None:
    response = client.get(f"/v1/occupations/{path}")
    assert response.status_code == 422
    assert response.json()["message"]


@pytest.mark.parametrize(
    ("text", "decided"),
    [
        ("خیاط", True),
        ("خياط", True),  # Arabic ye
        ("خـیـاط", True),  # kashida
        ("خیّاط", True),  # diacritic
        ("  خیاط - خانم  ", True),  # gender marker
        ("خیاط (تهران)", True),  # city
        ("استخدام خیاط فوری", True),  # ad noise
        ("خیاط ماهر", False),  # another title
        ("خیاطی", False),  # the trade, not the title
    ],
)
def test_a_decision_reaches_every_spelling_of_its_title(
    client: TestClient, engine: Karyab, text: str, decided: bool
) -> None:
    assert client.post("/v1/occupations/decisions", json={"title": "خیاط", "code": "7531"})
    assert engine.coding is not None
    (prediction,) = engine.coding.code([text])
    assert (prediction.code == "7531" and prediction.confidence == 1.0) is decided


@pytest.mark.parametrize(
    "text", ["سالن‌کار", "سالن کار", "سالنکار - آقا", "سالن‌ كار (تهران)", "سالن\u200c\u200cکار"]
)
def test_a_decision_holds_with_zwnj_present_missing_or_as_a_space(
    client: TestClient, engine: Karyab, text: str
) -> None:
    body = {"title": "سالن کار", "code": "5131"}
    assert client.post("/v1/occupations/decisions", json=body).json()["title_key"] == "سالنکار"
    assert engine.coding is not None
    (prediction,) = engine.coding.code([text])
    assert (prediction.code, prediction.confidence) == ("5131", 1.0)


def test_decisions_are_rekeyed_when_keys_are_made_another_way(
    tmp_path: Path, small_coder: OccupationCoder
) -> None:
    """A decision kept under a key an older normaliser made still codes its title."""
    from datetime import UTC, datetime

    from karyab.coding_review import CodingReview
    from storage.occupation_decisions import OccupationDecision
    from storage.sql_store import SqlStore, WriteAudit, sqlite_url
    from taxonomy.isco import load_isco

    store = SqlStore(sqlite_url(tmp_path / "store.sqlite3"))
    at = datetime(2026, 1, 1, tzinfo=UTC)
    old = [
        OccupationDecision("old-key-1", "7531", "خیاط - خانم", "office-3", at),
        OccupationDecision("old-key-2", "7533", "خياط", "office-4", at.replace(month=2)),
        OccupationDecision("old-key-3", "7531", "!!!", "office-3", at),
    ]
    store.decide_occupations(old, {}, WriteAudit("office-3", "decide_occupation"))
    store.set_meta_value("title_key_version", "made-another-way")

    review = CodingReview(store, small_coder, load_isco())
    (prediction,) = review.code(["خیاط (تهران)"])
    assert (prediction.code, prediction.confidence) == ("7533", 1.0)  # the newer decision
    assert [(d.title_key, d.code) for d in store.occupation_decisions()] == [("خیاط", "7533")]
    store.close()
