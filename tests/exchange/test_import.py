"""Bulk import through the engine: all or nothing, skipping, idempotence, batches that
survive a failure, and national IDs that never leave the store."""

from __future__ import annotations

import csv
import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from exchange import ExchangeFileError, ImportWriteError, import_records
from karyab.records import Education, Jobseeker, Vacancy
from karyab.service import Karyab
from storage.errors import StoreError
from tests.exchange.conftest import (
    NATIONAL_IDS,
    seeker_row,
    vacancy_row,
    write_csv,
    write_jsonl,
    write_xlsx,
)


def _stored(engine: Karyab, kind: str) -> dict[str, Vacancy | Jobseeker]:
    return {r.id: r for records, _ in engine.store.iter_vectors(kind) for r in records}  # type: ignore[arg-type]


def _state(engine: Karyab) -> tuple[Any, ...]:
    """Everything an import writes: records, index sizes, analytics facts, audit entries."""
    return (
        engine.counts(),
        {kind: len(index) for kind, index in engine.indexes.items()},
        len(engine.store.read_postings("vacancy")["posting"]),
        len(engine.store.read_postings("jobseeker")["posting"]),
        len(engine.store.read_audit(limit=1000)),
    )


def test_csv_import_stores_records_vectors_and_facts(engine: Karyab, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "ads.csv", [vacancy_row(n) for n in range(5)])
    report = import_records(engine, "vacancy", path, source_system="tamin")
    assert (report.rows_read, report.imported, report.skipped, report.errors) == (5, 5, 0, [])
    assert not report.rejected and report.warnings == []
    assert engine.counts()["vacancy"] == 5 and len(engine.indexes["vacancy"]) == 5
    assert len(engine.store.read_postings("vacancy")["posting"]) == 5
    record = engine.get("vacancy", "tamin:ad-3")
    assert isinstance(record, Vacancy)
    assert record.title == "حسابدار شماره 3"
    assert (record.min_experience_years, record.education) == (2, Education.bachelor)
    assert (record.skills, record.posted_at) == (("سپیدار", "اکسل"), "1402-05-17")
    assert engine.store.source_ids("vacancy", ["tamin:ad-3"]) == {"tamin:ad-3": ("tamin", "ad-3")}
    # Imported records are matched like any other.
    assert engine.match_text("حسابدار سپیدار", "cv", 3)[0].id.startswith("tamin:ad-")
    audit = engine.store.read_audit(action="import")
    assert [(e.actor, e.kind, e.detail["count"]) for e in audit] == [("import:tamin", "vacancy", 5)]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1256", "utf-16"])
def test_encodings_import_alike(engine: Karyab, tmp_path: Path, encoding: str) -> None:
    rows = [vacancy_row(1, شهر="شیراز", استان="فارس")]
    path = tmp_path / "ads.csv"
    write_csv(path, rows)
    text = path.read_text(encoding="utf-8")
    if encoding == "cp1256":  # the code page has one yeh, the Arabic one, and no Persian digits
        text = text.replace("ی", "ي").translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))
    path.write_bytes(text.encode(encoding))
    report = import_records(engine, "vacancy", path, source_system="tamin")
    assert report.imported == 1, report.errors
    record = engine.get("vacancy", "tamin:ad-1")
    assert record is not None and (record.province, record.city) == ("فارس", "شیراز")
    assert record.text == vacancy_row(1)["شرح"]


def test_xlsx_import(engine: Karyab, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "seekers.xlsx",
        [
            ["کد ملی", "عنوان", "شرح", "سابقه", "تاریخ ثبت‌نام", "مهارت ها"],
            [12345679, "حسابدار", "سپیدار و اکسل", 3, dt.datetime(2024, 4, 8), "سپیدار، اکسل"],
            ["0499370899", "راننده", "=حمل بار", 10.0, "۱۴۰۲/۰۱/۰۵", None],
        ],
        text_cells=["C3"],
    )
    report = import_records(engine, "jobseeker", path, source_system="tamin")
    assert report.imported == 2, report.errors
    by_title = {r.title: r for r in _stored(engine, "jobseeker").values()}
    assert isinstance(by_title["حسابدار"], Jobseeker)
    assert by_title["حسابدار"].registered_at == "1403-01-20"  # an Excel date is Gregorian
    assert by_title["حسابدار"].experience_years == 3
    assert by_title["راننده"].text == "=حمل بار"
    # A number that lost its leading zeros is the same person as the padded ID.
    sources = engine.store.source_ids("jobseeker", list(by_title_ids(by_title)))
    assert sorted(s for _, s in sources.values()) == ["0012345679", "0499370899"]


def by_title_ids(records: dict[str, Any]) -> list[str]:
    return [r.id for r in records.values()]


def test_jsonl_bad_line_rejects_the_file(engine: Karyab, tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "ads.jsonl",
        [
            {"source_id": "a1", "title": "حسابدار", "text": "سپیدار", "skills": ["اکسل"]},
            '{"source_id": "a2", "title": ',
            {"source_id": "a3", "عنوان": "راننده", "شرح": "پایه یک", "سابقه": 5},
        ],
    )
    report = import_records(engine, "vacancy", path, source_system="jobboard")
    assert report.rejected and report.imported == 0
    assert [(e.row, e.column) for e in report.errors] == [(2, "")]
    assert report.errors[0].message.startswith("invalid JSON")
    assert engine.counts()["vacancy"] == 0

    report = import_records(engine, "vacancy", path, source_system="jobboard", skip_invalid=True)
    assert (report.imported, report.skipped, report.rejected) == (2, 1, False)
    assert set(_stored(engine, "vacancy")) == {"jobboard:a1", "jobboard:a3"}


def test_one_bad_row_stores_nothing(engine: Karyab, tmp_path: Path) -> None:
    import_records(
        engine, "vacancy", write_csv(tmp_path / "first.csv", [vacancy_row(0)]), source_system="x"
    )
    before = _state(engine)
    rows = [vacancy_row(n) for n in range(1, 2500)]
    rows[2000]["سابقه"] = "۹۰"  # row 2002 of the file
    path = write_csv(tmp_path / "ads.csv", rows)
    report = import_records(engine, "vacancy", path, source_system="tamin", batch_size=500)
    assert report.rejected and (report.rows_read, report.imported) == (2499, 0)
    assert [(e.row, e.column) for e in report.errors] == [(2002, "سابقه")]
    assert _state(engine) == before


def test_skip_invalid_imports_the_rest(engine: Karyab, tmp_path: Path) -> None:
    rows = [vacancy_row(n) for n in range(6)]
    rows[1]["عنوان"] = ""
    rows[4]["تاریخ"] = "1402-13-01"
    path = write_csv(tmp_path / "ads.csv", rows)
    report = import_records(engine, "vacancy", path, source_system="tamin", skip_invalid=True)
    assert (report.rows_read, report.imported, report.skipped) == (6, 4, 2)
    assert [(e.row, e.column) for e in report.errors] == [(3, "عنوان"), (6, "تاریخ")]
    assert set(_stored(engine, "vacancy")) == {f"tamin:ad-{n}" for n in (0, 2, 3, 5)}


def test_importing_twice_updates_instead_of_duplicating(engine: Karyab, tmp_path: Path) -> None:
    ads = write_csv(tmp_path / "ads.csv", [vacancy_row(n) for n in range(4)])
    seekers = write_csv(tmp_path / "seekers.csv", [seeker_row(n) for n in range(4)])
    import_records(engine, "vacancy", ads, source_system="tamin")
    import_records(engine, "jobseeker", seekers, source_system="tamin")
    ids = {kind: set(_stored(engine, kind)) for kind in ("vacancy", "jobseeker")}
    state = _state(engine)

    for _ in range(2):  # the same files again, twice
        import_records(engine, "vacancy", ads, source_system="tamin")
        import_records(engine, "jobseeker", seekers, source_system="tamin")
    assert _state(engine)[:4] == state[:4]  # only the audit log grew
    assert {kind: set(_stored(engine, kind)) for kind in ids} == ids

    # A corrected file updates the same records.
    changed = [seeker_row(n, عنوان=f"تحلیلگر داده {n}") for n in range(4)]
    import_records(
        engine, "jobseeker", write_csv(tmp_path / "s2.csv", changed), source_system="tamin"
    )
    stored = _stored(engine, "jobseeker")
    assert set(stored) == ids["jobseeker"]
    assert sorted(r.title for r in stored.values()) == [f"تحلیلگر داده {n}" for n in range(4)]

    # The same keys from another system are other records.
    import_records(engine, "vacancy", ads, source_system="jobboard")
    assert engine.counts()["vacancy"] == 8


def test_a_failed_batch_keeps_the_earlier_ones_and_a_rerun_finishes(
    engine: Karyab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_csv(tmp_path / "ads.csv", [vacancy_row(n) for n in range(7)])
    real = engine.add_sourced
    calls = 0

    def failing(*args: Any, **kwargs: Any) -> list[str]:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise StoreError("disk full while storing 0499370899")
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "add_sourced", failing)
    with pytest.raises(ImportWriteError) as failure:
        import_records(engine, "vacancy", path, source_system="tamin", batch_size=3)
    assert failure.value.imported == 6
    assert "rows 8-8" in str(failure.value) and "0499370899" not in str(failure.value)
    assert engine.counts()["vacancy"] == 6  # two committed batches

    monkeypatch.setattr(engine, "add_sourced", real)
    report = import_records(engine, "vacancy", path, source_system="tamin", batch_size=3)
    assert report.imported == 7 and engine.counts()["vacancy"] == 7


def test_batches_are_transactions_of_their_own(engine: Karyab, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "ads.csv", [vacancy_row(n) for n in range(5)])
    import_records(engine, "vacancy", path, source_system="tamin", batch_size=2)
    assert [e.detail["count"] for e in engine.store.read_audit(action="import")] == [1, 2, 2]


@pytest.mark.parametrize(
    ("rows", "errors"),
    [
        ([vacancy_row(1), vacancy_row(1, عنوان="دیگر")], [(3, "شناسه", "the same key as row 2")]),
        (
            [vacancy_row(1, id="v-1"), vacancy_row(2, id="v-1")],
            [(3, "id", "the same id as row 2")],
        ),
        (
            [vacancy_row(1, id="v-api")],
            [(2, "id", "the record id is already used by another record")],
        ),
    ],
)
def test_duplicate_keys_and_taken_ids(
    engine: Karyab, tmp_path: Path, rows: list[dict[str, str]], errors: list[tuple[int, str, str]]
) -> None:
    engine.add_vacancies([Vacancy("v-api", "کارمند", "ثبت شده از API")])
    path = write_csv(tmp_path / "ads.csv", rows)
    report = import_records(engine, "vacancy", path, source_system="tamin")
    assert [(e.row, e.column, e.message) for e in report.errors] == errors
    assert engine.counts()["vacancy"] == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("عنوان,شناسه\nحسابدار,a1\n", "no column for text"),
        ("عنوان,شرح,شناسه\n", "a header but no rows"),
        ("title;text\na;b\n", "no column for source_id"),
    ],
)
def test_unusable_files_raise(engine: Karyab, tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "ads.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ExchangeFileError, match=message):
        import_records(engine, "vacancy", path, source_system="tamin")


def test_bad_arguments(engine: Karyab, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "ads.csv", [vacancy_row(1)])
    with pytest.raises(ValueError, match="source_system"):
        import_records(engine, "vacancy", path, source_system="سامانه")
    with pytest.raises(ValueError, match="batch_size"):
        import_records(engine, "vacancy", path, source_system="tamin", batch_size=0)
    with pytest.raises(ValueError, match="kind"):
        import_records(engine, "employer", path, source_system="tamin")  # type: ignore[arg-type]


def test_national_ids_and_phones_never_leave_the_store(
    engine: Karyab, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bad_id = "0499370898"  # wrong check digit
    rows = [
        seeker_row(0, تلفن="09121234567"),
        seeker_row(1, **{"کد ملی": bad_id}),
        seeker_row(2, **{"کد ملی": "۰۰۱۲۳۴۵۶۷۸"}),  # Persian digits, wrong check digit
        seeker_row(3, **{"کد ملی": "1234567"}),
        seeker_row(4, شرح="تماس: 09351112233 " + "x" * 60_000),
    ]
    path = write_csv(tmp_path / "seekers.csv", rows)
    errors_csv = tmp_path / "errors.csv"
    with caplog.at_level(logging.DEBUG):
        report = import_records(engine, "jobseeker", path, source_system="tamin", skip_invalid=True)
        report.write_errors_csv(errors_csv)
    assert report.imported == 1 and report.invalid_rows == 4
    shown = "\n".join(
        [
            caplog.text,
            errors_csv.read_text(encoding="utf-8-sig"),
            repr(report),
            *map(str, report.errors),
            *report.warnings,
            *(repr(e) for e in engine.store.read_audit(limit=100)),
            *_stored(engine, "jobseeker"),
        ]
    )
    for secret in (*NATIONAL_IDS, bad_id, "0012345678", "۰۰۱۲۳۴۵۶۷۸", "1234567", "09121234567"):
        assert secret not in shown, secret
    assert "09351112233" not in shown
    masked = {e.row: e.value for e in report.errors}
    assert masked[3] == "***98" and masked[4] == "***78" and masked[5] == "***67"
    assert "unknown column 'تلفن' ignored" in report.warnings


def test_errors_csv_lists_every_problem(engine: Karyab, tmp_path: Path) -> None:
    rows = [vacancy_row(1, عنوان="", سابقه="=2+5"), vacancy_row(2, تحصیلات="سیکل")]
    path = write_csv(tmp_path / "ads.csv", rows)
    report = import_records(engine, "vacancy", path, source_system="tamin")
    out = tmp_path / "out" / "errors.csv"
    report.write_errors_csv(out)
    with out.open(encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    assert lines == [
        ["row", "column", "message", "value"],
        ["2", "عنوان", "is required", ""],
        ["2", "سابقه", "expected a whole number", "'=2+5"],  # escaped for Excel
    ]


def test_skills_are_inferred_on_import(make_engine: Callable[..., Karyab], tmp_path: Path) -> None:
    engine = make_engine("with-skills", skills=True)
    path = write_csv(tmp_path / "ads.csv", [vacancy_row(1)])
    assert import_records(engine, "vacancy", path, source_system="tamin").imported == 1
    record = engine.get("vacancy", "tamin:ad-1")
    assert record is not None and record.skill_ids  # سپیدار and اکسل are taxonomy skills


def test_long_files_are_read_again_instead_of_held(
    engine: Karyab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("exchange.importer.KEEP_ROWS", 2)
    rows = [seeker_row(n, **{"کد ملی": "", "source_id": f"p-{n}"}) for n in range(6)]
    rows[0]["کد ملی"] = NATIONAL_IDS[0]  # a generated record id: the same on both passes?
    rows[3]["source_id"] = "p-1"  # a duplicate key: skipped
    path = write_csv(tmp_path / "seekers.csv", rows)
    for _ in range(2):
        report = import_records(
            engine, "jobseeker", path, source_system="tamin", skip_invalid=True, batch_size=2
        )
        assert (report.imported, report.skipped) == (5, 1)
        assert [(e.row, e.message) for e in report.errors] == [(5, "the same key as row 3")]
    assert engine.counts()["jobseeker"] == 5
