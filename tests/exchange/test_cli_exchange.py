"""``karyab import`` and ``karyab export``: summaries, exit codes and messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from karyab.cli import main
from tests.exchange.conftest import NATIONAL_IDS, seeker_row, vacancy_row, write_csv


@pytest.fixture(autouse=True)
def _fast_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    # The CLI builds its settings from the environment: no coder to train, no skills.
    monkeypatch.setenv("KARYAB_OCCUPATION_CODER", "false")
    monkeypatch.setenv("KARYAB_SKILLS", "false")


def _import(tmp_path: Path, path: Path, *extra: str, kind: str = "vacancy") -> int:
    return main(
        [
            "import",
            str(path),
            "--kind",
            kind,
            "--source",
            "tamin",
            "--data-dir",
            str(tmp_path / "data"),
            "--encoder",
            "hashing",
            *extra,
        ]
    )


def _summary(capsys: pytest.CaptureFixture[str]) -> tuple[dict[str, object], str]:
    captured = capsys.readouterr()
    lines = captured.out.strip().splitlines()
    assert len(lines) == 1, captured.out
    return json.loads(lines[0]), captured.err


@pytest.mark.parametrize("argv", [["import", "--help"], ["export", "--help"]])
def test_help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 0
    assert "usage: karyab" in capsys.readouterr().out


def test_import_prints_a_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_csv(tmp_path / "ads.csv", [vacancy_row(n) for n in range(3)])
    assert _import(tmp_path, path) == 0
    summary, _ = _summary(capsys)
    assert summary["rows"] == 3 and summary["imported"] == 3 and summary["rejected"] is False
    assert _import(tmp_path, path) == 0  # again: updated, not added
    assert (
        main(["prepare", "--no-demo", "--data-dir", str(tmp_path / "data"), "--encoder", "hashing"])
        == 0
    )
    counts = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert counts["vacancy"] == 3


def test_invalid_rows_exit_2_and_import_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [seeker_row(n) for n in range(4)]
    rows[1]["کد ملی"] = "0499370898"
    rows[3]["تاریخ"] = "1402-13-01"
    path = write_csv(tmp_path / "seekers.csv", rows)
    errors = tmp_path / "errors.csv"
    assert _import(tmp_path, path, "--errors", str(errors), kind="jobseeker") == 2
    summary, err = _summary(capsys)
    assert (summary["imported"], summary["invalid_rows"], summary["rejected"]) == (0, 2, True)
    assert "2 of 4 rows are invalid" in err and "row 3" in err and "row 5" in err
    assert "--skip-invalid" in err and "***98" in err and "0499370898" not in err
    assert errors.read_text(encoding="utf-8-sig").count("\n") == 3  # header and two rows

    assert _import(tmp_path, path, "--skip-invalid", kind="jobseeker") == 0
    summary, _ = _summary(capsys)
    assert (summary["imported"], summary["skipped"]) == (2, 2)


@pytest.mark.parametrize(
    ("name", "content", "extra", "message"),
    [
        ("missing.csv", None, [], "no such file"),
        ("empty.csv", b"", [], "empty"),
        ("binary.csv", b"\x00\x01\x02\x03" * 10, [], "binary"),
        ("latin.csv", "title,text,id\ncafé,résumé,a\n".encode("latin-1"), [], "UTF-8"),
        (
            "ads.csv",
            b"title,text,id\na,b,c\n",
            ["--format", "xlsx"],
            "not a readable .xlsx",
        ),
        ("ads.csv", "عنوان,شناسه\na,b\n".encode(), [], "no column for text"),
        ("ads.csv", b"title,text,id\na,b,c\n", ["--source", "تامین"], "--source"),
        ("ads.csv", b"title,text,id\na,b,c\n", ["--batch-size", "0"], "--batch-size"),
    ],
)
def test_unreadable_input_exits_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: bytes | None,
    extra: list[str],
    message: str,
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    assert _import(tmp_path, path, *extra) == 2
    captured = capsys.readouterr()
    assert message in captured.err and captured.out == ""


def test_unknown_format_is_an_argparse_error(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        _import(tmp_path, tmp_path / "a.csv", "--format", "xml")
    assert exit_info.value.code == 2


def test_export_writes_what_import_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path / "seekers.csv", [seeker_row(n) for n in range(3)])
    assert _import(tmp_path, path, kind="jobseeker") == 0
    capsys.readouterr()
    out = tmp_path / "out.xlsx"
    code = main(
        ["export", "--kind", "jobseeker", "-o", str(out), "--data-dir", str(tmp_path / "data")]
    )
    assert code == 0
    assert json.loads(capsys.readouterr().out) == {
        "file": str(out),
        "kind": "jobseeker",
        "format": "xlsx",
        "records": 3,
    }
    assert _import(tmp_path, out, kind="jobseeker") == 0
    summary, err = _summary(capsys)
    assert summary["imported"] == 3
    assert not any(national_id in err for national_id in NATIONAL_IDS)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["-o", "x.dat"], "--format"),
        (["-o", "x.csv", "--data-dir", "/no/such/dir"], "no store"),
    ],
)
def test_export_errors_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "--kind", "vacancy", *argv]) == 2
    assert message in capsys.readouterr().err
