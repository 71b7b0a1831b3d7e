"""Coding the stored records again: after a stricter or looser auto-coding cut, or a changed
decision, stored records follow; codes that came with a record never move.

The small coder knows ten unit groups; its own cut (0.77) auto-codes «حسابدار» at 0.8."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from karyab.coding_review import CodingReview, RecodeCounts
from karyab.recode_runner import JOB_KEY, SILENT_AFTER, RecodeBusyError, RecodeJob, RecodeRunner
from karyab.records import Vacancy
from karyab.service import Karyab
from models.encoder import HashingEncoder
from models.occupation_coder import OccupationCoder

ADS = [
    {"id": "v-acc", "title": "حسابدار - خانم", "text": "اسناد حسابداری"},  # coder, 0.8
    {"id": "v-acc2", "title": "حسابدار (شیراز)", "text": "تنظیم اسناد"},  # coder, 0.8
    {"id": "v-taxi", "title": "راننده تاکسی", "text": "تاکسی تلفنی"},  # coder, sure
    {"id": "v-tailor", "title": "خیاط", "text": "دوخت"},  # abstained
    {"id": "v-src", "title": "منشی", "text": "پاسخگویی تلفن", "isco_code": "3343"},  # given
    {"id": "v-given", "title": "حسابدار", "text": "اسناد", "isco_code": "2411"},  # given
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


def _coding(client: TestClient, record_id: str) -> tuple[str | None, str | None]:
    body = client.get(f"/v1/vacancies/{record_id}").json()
    return body["isco_code"], body["isco_source"]


def _set_cut(engine: Karyab, coder: OccupationCoder, threshold: float) -> None:
    """A cut as people's checks would keep it (the checks themselves are tested elsewhere)."""
    kept = {"coder": coder.fingerprint, "threshold": threshold, "actor": "admin"}
    engine.store.set_meta_value("occupation_threshold", json.dumps(kept))


def test_records_say_where_their_codes_came_from(client: TestClient) -> None:
    assert _coding(client, "v-acc") == ("2411", "coder")
    assert _coding(client, "v-tailor") == (None, None)
    assert _coding(client, "v-src") == ("3343", "given")
    client.post("/v1/occupations/decisions", json={"title": "خیاط", "code": "7531"})
    assert _coding(client, "v-tailor") == ("7531", "decision")


def test_a_stricter_cut_sends_stored_records_to_the_queue_and_a_looser_one_back(
    client: TestClient, engine: Karyab, small_coder: OccupationCoder
) -> None:
    assert engine.coding is not None
    _set_cut(engine, small_coder, 0.9)  # the accountants (0.8) are no longer sure
    # Until recoded, stored records keep the codes they got on write.
    assert _coding(client, "v-acc") == ("2411", "coder")

    dry = engine.coding.recode(dry_run=True)["vacancy"]
    assert (dry.checked, dry.given, dry.uncoded, dry.coded, dry.recoded) == (6, 2, 2, 0, 0)
    assert _coding(client, "v-acc") == ("2411", "coder")  # a dry run writes nothing

    counts = engine.recode_occupations(actor="admin")
    assert counts["vacancy"] == dry
    assert counts["jobseeker"] == RecodeCounts()
    assert _coding(client, "v-acc") == (None, None)
    assert engine.store.get("vacancy", "v-acc").isco_guess == "2411"  # type: ignore[union-attr]
    assert _coding(client, "v-taxi") == ("8322", "coder")
    assert _coding(client, "v-given") == ("2411", "given")  # same title, its own code
    assert _coding(client, "v-src") == ("3343", "given")
    assert engine.indexes["vacancy"].get_attributes("v-acc")["isco_code"] is None
    queued = client.get("/v1/occupations/queue").json()["items"]
    assert {"حسابدار": 2}.items() <= {i["title_key"]: i["count"] for i in queued}.items()

    again = engine.coding.recode()["vacancy"]
    assert (again.uncoded, again.coded, again.recoded, again.restamped) == (0, 0, 0, 0)

    client.delete("/v1/occupations/threshold")
    back = engine.coding.recode()["vacancy"]
    assert (back.coded, back.uncoded) == (2, 0)
    assert _coding(client, "v-acc2") == ("2411", "coder")


def test_a_decision_outranks_any_cut_and_a_changed_decision_reaches_its_records(
    client: TestClient, engine: Karyab, small_coder: OccupationCoder
) -> None:
    assert engine.coding is not None
    first = client.post("/v1/occupations/decisions", json={"title": "حسابدار", "code": "3313"})
    assert first.json()["recoded"] == {"vacancy": 2}  # the coder's two; not the given one
    # The person changes their mind, back to the coder's own code: the records the first
    # decision coded follow.
    second = client.post("/v1/occupations/decisions", json={"title": "حسابدار", "code": "2411"})
    assert second.json()["recoded"] == {"vacancy": 2}
    assert _coding(client, "v-acc") == ("2411", "decision")
    _set_cut(engine, small_coder, 0.9)  # the coder alone would leave them uncoded (0.8)
    counts = engine.coding.recode(kind="vacancy")
    assert set(counts) == {"vacancy"}
    assert counts["vacancy"].uncoded == 0
    assert _coding(client, "v-acc") == ("2411", "decision")  # decided: no cut applies
    assert _coding(client, "v-acc2") == ("2411", "decision")


def test_codes_stored_before_sources_were_kept(
    engine: Karyab, small_coder: OccupationCoder
) -> None:
    """Without a source, a stored code counts as the coder's only where the coder still
    gives it as sure; any other is taken as given and left."""
    assert engine.coding is not None
    old = [
        Vacancy(id="coders", title="حسابدار", text="", isco_code="2411"),
        Vacancy(id="office", title="حسابدار", text="", isco_code="3313"),
        Vacancy(id="none", title="مدیر", text=""),  # unsure: no code, and no guess kept yet
    ]
    vectors = np.zeros((len(old), HashingEncoder().dim), dtype=np.float32)
    engine.store.upsert("vacancy", old, vectors, vectors, "hashing")
    _set_cut(engine, small_coder, 0.79)
    counts = engine.coding.recode()["vacancy"]
    assert (counts.given, counts.restamped) == (1, 2)
    stored = engine.store.get_many("vacancy", ["coders", "office", "none"])
    assert (stored["coders"].isco_code, stored["coders"].isco_source) == ("2411", "coder")
    assert (stored["office"].isco_code, stored["office"].isco_source) == ("3313", None)
    assert (stored["none"].isco_code, stored["none"].isco_guess) == (None, "2411")

    _set_cut(engine, small_coder, 0.9)
    assert engine.coding.recode()["vacancy"].uncoded == 1
    assert engine.store.get("vacancy", "coders").isco_code is None  # type: ignore[union-attr]


def test_a_record_written_while_recoding_is_left_to_that_write(
    client: TestClient, engine: Karyab, small_coder: OccupationCoder
) -> None:
    ((record, seq),) = engine.store.live_records("vacancy", "v-acc", 1)
    assert record.id == "v-acc2"
    client.post("/v1/vacancies", json={**ADS[1], "text": "متن تازه"})  # rewritten meanwhile
    stale = replace(record, isco_code=None, isco_source=None)
    stored = engine.store.recode_occupations("vacancy", [(stale, seq)], _audit())
    assert stored == []
    assert engine.store.get("vacancy", "v-acc2").text == "متن تازه"  # type: ignore[union-attr]
    assert engine.store.get("vacancy", "v-acc2").isco_code == "2411"  # type: ignore[union-attr]

    review = CodingReview(engine.store, small_coder, small_coder.taxonomy)
    original = engine.store.recode_occupations

    def racing(kind, records, audit):  # type: ignore[no-untyped-def]
        client.post("/v1/vacancies", json={**ADS[0], "text": "باز هم تازه"})
        return original(kind, records, audit)

    engine.store.recode_occupations = racing  # type: ignore[method-assign]
    _set_cut(engine, small_coder, 0.9)
    counts = review.recode(kind="vacancy")["vacancy"]
    # v-acc was rewritten (and so coded at the new cut) between the read and the write.
    assert (counts.uncoded, counts.skipped) == (2, 1)
    assert engine.store.get("vacancy", "v-acc").text == "باز هم تازه"  # type: ignore[union-attr]
    assert asdict(counts)["checked"] == 6


def _audit():  # type: ignore[no-untyped-def]
    from storage.sql_store import WriteAudit

    return WriteAudit("test", "recode_occupations")


def _finished(client: TestClient) -> dict:  # type: ignore[type-arg]
    """The recoding pass's state once it has finished (it runs on a thread of its own)."""
    deadline = time.monotonic() + 30
    while (body := client.get("/v1/occupations/recode").json())["state"] == "running":
        assert time.monotonic() < deadline, body
        time.sleep(0.05)
    return body


def test_an_administrator_recodes_the_stored_records_from_the_api(
    client: TestClient, engine: Karyab, small_coder: OccupationCoder
) -> None:
    missing = client.get("/v1/occupations/recode")
    assert missing.status_code == 404 and missing.json()["error"] == "no_recode"
    _set_cut(engine, small_coder, 0.9)

    dry = client.post("/v1/occupations/recode", json={"kind": "vacancy", "dry_run": True})
    assert dry.status_code == 202, dry.text
    assert dry.json()["id"] == 1 and dry.json()["dry_run"] is True
    done = _finished(client)
    assert done["state"] == "done" and done["error"] is None and done["finished_at"]
    assert set(done["counts"]) == {"vacancy"}
    counted = done["counts"]["vacancy"]
    assert (counted["checked"], counted["given"], counted["uncoded"]) == (6, 2, 2)
    assert _coding(client, "v-acc") == ("2411", "coder")  # a dry run writes nothing

    assert client.post("/v1/occupations/recode", json={}).status_code == 202
    done = _finished(client)
    assert done["id"] == 2 and done["state"] == "done"
    assert done["counts"]["vacancy"] == counted
    assert done["counts"]["jobseeker"]["checked"] == 0
    assert _coding(client, "v-acc") == (None, None)  # below the new cut: to the queue
    assert engine.indexes["vacancy"].get_attributes("v-acc")["isco_code"] is None
    assert engine.store.read_audit(action="recode_occupations", limit=10)

    for body in ({"kind": "employer"}, {"dry_run": "maybe"}, {"force": True}):
        refused = client.post("/v1/occupations/recode", json=body)
        assert refused.status_code == 422, body


def _hold_pages(engine: Karyab) -> tuple[threading.Event, threading.Event]:
    """Make a recoding pass wait before storing each page: the first event is set when it
    does, and setting the second lets it go on."""
    entered, release = threading.Event(), threading.Event()
    original = engine.store.recode_occupations

    def held(kind, records, audit):  # type: ignore[no-untyped-def]
        entered.set()
        assert release.wait(30)
        return original(kind, records, audit)

    engine.store.recode_occupations = held  # type: ignore[method-assign]
    return entered, release


def test_one_recoding_pass_at_a_time(
    client: TestClient, engine: Karyab, small_coder: OccupationCoder
) -> None:
    """A second request while a pass runs gets 409; the pass is not disturbed."""
    entered, release = _hold_pages(engine)
    _set_cut(engine, small_coder, 0.9)
    assert client.post("/v1/occupations/recode", json={}).status_code == 202
    assert entered.wait(30)
    busy = client.post("/v1/occupations/recode", json={"dry_run": True})
    assert busy.status_code == 409 and busy.json()["error"] == "recode_running"
    assert "pass 1 is still running" in busy.json()["message"]
    assert client.get("/v1/occupations/recode").json()["state"] == "running"
    release.set()
    assert _finished(client)["counts"]["vacancy"]["uncoded"] == 2


def test_a_pass_stops_between_pages_and_reports_what_it_did(
    client: TestClient, engine: Karyab, small_coder: OccupationCoder
) -> None:
    """Shutting down stops a pass after the page in hand; each page is stored whole."""
    assert engine.coding is not None
    _set_cut(engine, small_coder, 0.9)
    stop = threading.Event()
    seen: list[tuple[str, int]] = []

    def progress(kind: str, tally: RecodeCounts) -> None:
        seen.append((kind, tally.checked))
        stop.set()  # as a shutdown would, during the first page

    counts = engine.coding.recode(page=1, stop=stop.is_set, progress=progress)  # pages by id
    assert seen == [("vacancy", 1)]
    assert set(counts) == {"vacancy"} and counts["vacancy"].checked == 1
    assert counts["vacancy"].uncoded == 1  # v-acc
    assert _coding(client, "v-acc") == (None, None)
    assert _coding(client, "v-acc2") == ("2411", "coder")  # not reached: left as it was
    assert engine.coding.recode(dry_run=True)["vacancy"].uncoded == 1


def test_the_runner_reports_a_failed_pass_and_refuses_new_ones_once_closed(
    engine: Karyab,
) -> None:
    def failing(kind, *, actor, dry_run=False, stop=None, progress=None):  # type: ignore[no-untyped-def]
        raise ValueError("the audit log refuses actor '09121234567'")

    runner = RecodeRunner(failing, engine.store)
    job = runner.start(actor="09121234567")
    runner.close()
    latest = runner.latest()
    assert latest is not None and latest.id == job.id
    assert latest.state == "failed" and latest.error is not None
    assert "audit log refuses" in latest.error
    with pytest.raises(RecodeBusyError, match="shutting down"):
        runner.start(actor="admin")


def test_service_workers_share_one_pass_through_the_store(
    client: TestClient, engine: Karyab, small_coder: OccupationCoder
) -> None:
    """With ``serve --workers N`` each worker has its own runner: the pass one started is
    the one every other sees and waits on."""
    entered, release = _hold_pages(engine)
    _set_cut(engine, small_coder, 0.9)
    other = RecodeRunner(engine.recode_occupations, engine.store)  # another worker's
    assert client.post("/v1/occupations/recode", json={}).status_code == 202
    assert entered.wait(30)
    seen = other.latest()
    assert seen is not None and (seen.id, seen.state) == (1, "running")
    with pytest.raises(RecodeBusyError, match="pass 1 is still running"):
        other.start(actor="admin")
    release.set()
    assert _finished(client)["state"] == "done"
    done = other.latest()
    assert done is not None and done.state == "done" and done.counts["vacancy"].uncoded == 2
    second = other.start(actor="admin", dry_run=True)  # the next pass, from the other worker
    assert second.id == 2
    other.close()
    assert client.get("/v1/occupations/recode").json()["id"] == 2


def test_a_pass_whose_worker_died_reads_as_stopped_and_can_be_started_again(
    engine: Karyab,
) -> None:
    long_ago = datetime.now(UTC) - SILENT_AFTER - timedelta(seconds=1)
    dead = RecodeJob(7, None, False, "admin", "running", long_ago, long_ago)
    engine.store.set_meta_value(JOB_KEY, dead.to_json())
    runner = RecodeRunner(engine.recode_occupations, engine.store)
    latest = runner.latest()
    assert latest is not None and (latest.id, latest.state) == (7, "stopped")
    assert runner.start(actor="admin", dry_run=True).id == 8
    deadline = time.monotonic() + 30
    while (finished := runner.latest()) is not None and finished.state == "running":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert finished is not None and finished.state == "done"
    assert RecodeJob.from_json(finished.to_json()) == finished
