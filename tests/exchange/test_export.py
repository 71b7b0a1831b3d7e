"""Export: every stored record with its ISCO code and skill ids, read back by the import."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from exchange import export_records, import_records
from karyab.records import Education, Jobseeker, Vacancy
from karyab.service import Karyab
from tests.exchange.conftest import seeker_row, vacancy_row, write_csv

FORMULA_TITLE = '=HYPERLINK("http://x","click")'


def _fill(engine: Karyab, tmp_path: Path) -> None:
    """Records from an import (some keyed by national ID) and from the API (no source)."""
    import_records(
        engine,
        "vacancy",
        write_csv(tmp_path / "ads.csv", [vacancy_row(n) for n in range(3)]),
        source_system="tamin",
    )
    import_records(
        engine,
        "jobseeker",
        write_csv(
            tmp_path / "seekers.csv",
            [seeker_row(n) for n in range(3)]
            + [seeker_row(9, **{"کد ملی": "", "source_id": "p-9"})],
        ),
        source_system="tamin",
    )
    engine.add_vacancies(
        [
            Vacancy(
                "v-api",
                FORMULA_TITLE,
                '- مدیر تولید\n+ سابقه, ISO 9001; "کیفیت"',
                province="تهران",
                employer="@شرکت",
                isco_code="1321",
                min_experience_years=5,
                education=Education.master,
                skills=("Office, Word", "ISO ۹۰۰۱"),
                skill_ids=("karyab:skill/x", "http://data.europa.eu/esco/skill/abc"),
                employment_type="remote",
                gender="female",
                posted_at="1403-02-01",
            )
        ]
    )
    engine.add_jobseekers(
        [Jobseeker("js-api", "حسابدار", "سپیدار", isco_code="3313", isco_guess=None)]
    )


def _records(engine: Karyab, kind: str) -> dict[str, Vacancy | Jobseeker]:
    return {r.id: r for records, _ in engine.store.iter_vectors(kind) for r in records}  # type: ignore[arg-type]


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "xlsx"])
def test_export_then_import_gives_the_same_records(
    make_engine: Callable[..., Karyab], tmp_path: Path, fmt: str
) -> None:
    source = make_engine("source")
    _fill(source, tmp_path)
    target = make_engine("target")
    for kind in ("vacancy", "jobseeker"):
        path = tmp_path / f"{kind}.{fmt}"
        count = export_records(source.store, kind, path, fmt)
        assert count == source.counts()[kind]
        report = import_records(target, kind, path, source_system="tamin")
        assert report.imported == count, report.errors
        assert _records(target, kind) == _records(source, kind)
        # The keys travel too: national IDs stay the jobseekers' keys.
        ids = list(_records(source, kind))
        assert target.store.source_ids(kind, ids) == {
            record_id: ("tamin", key)
            for record_id, (_, key) in source.store.source_ids(kind, ids).items()
        } | {i: ("tamin", i) for i in ids if i.endswith("-api")}
        # And importing the export again changes nothing.
        again = import_records(target, kind, path, source_system="tamin")
        assert again.imported == count and target.counts()[kind] == count


def test_csv_cells_that_look_like_formulas_are_escaped(engine: Karyab, tmp_path: Path) -> None:
    _fill(engine, tmp_path)
    path = tmp_path / "ads.csv"
    export_records(engine.store, "vacancy", path, "csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 with a BOM
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle)}
    row = rows["v-api"]
    assert row["title"] == "'" + FORMULA_TITLE
    assert row["text"].startswith("'- مدیر")
    assert row["employer"] == "'@شرکت"
    assert row["skills"] == "Office, Word | ISO ۹۰۰۱"
    assert rows["tamin:ad-1"]["source_id"] == "ad-1"


def test_xlsx_cells_are_text_not_formulas(engine: Karyab, tmp_path: Path) -> None:
    import openpyxl

    _fill(engine, tmp_path)
    path = tmp_path / "ads.xlsx"
    export_records(engine.store, "vacancy", path, "xlsx")
    sheet = openpyxl.load_workbook(path).worksheets[0]
    header = [c.value for c in sheet[1]]
    api_row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "v-api")
    title = api_row[header.index("title")]
    assert title.value == FORMULA_TITLE and title.data_type == "s"
    assert api_row[header.index("min_experience_years")].value == 5


def test_jsonl_keeps_lists_and_national_ids(engine: Karyab, tmp_path: Path) -> None:
    _fill(engine, tmp_path)
    path = tmp_path / "seekers.jsonl"
    export_records(engine.store, "jobseeker", path, "jsonl")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 5
    keyed = [r for r in rows if r["national_id"]]
    assert len(keyed) == 3 and all(r["source_id"] is None for r in keyed)
    assert all(r["skills"] == ["Python", "Django"] for r in keyed)
    assert {r["source_id"] for r in rows if not r["national_id"]} == {"p-9", None}


def test_bad_arguments(engine: Karyab, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="format"):
        export_records(engine.store, "vacancy", tmp_path / "x.xml", "xml")
    with pytest.raises(ValueError, match="kind"):
        export_records(engine.store, "employer", tmp_path / "x.csv", "csv")  # type: ignore[arg-type]


def test_an_empty_store_exports_a_header(engine: Karyab, tmp_path: Path) -> None:
    path = tmp_path / "none.csv"
    assert export_records(engine.store, "jobseeker", path, "csv") == 0
    assert path.read_text(encoding="utf-8-sig").startswith("id,source_system,source_id,national_id")
