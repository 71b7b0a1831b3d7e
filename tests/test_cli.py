from __future__ import annotations

import json
from pathlib import Path

import pytest

from karyab.cli import build_parser, main

COMMANDS = ["serve", "prepare", "match", "convert-model"]


@pytest.mark.parametrize("argv", [["--help"], *[[c, "--help"] for c in COMMANDS]])
def test_every_command_has_help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 0
    assert "usage: karyab" in capsys.readouterr().out


def test_serve_takes_host_and_port() -> None:
    args = build_parser().parse_args(["serve", "--host", "0.0.0.0", "--port", "9000"])
    assert (args.host, args.port) == ("0.0.0.0", 9000)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["match", "   "], "empty"),
        (["match", "حسابدار", "-k", "0"], "-k"),
        (["match", "@/no/such/file.txt"], "no such file"),
    ],
)
def test_bad_input_exits_2(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main([*argv, "--data-dir", str(tmp_path), "--encoder", "hashing"])
    assert code == 2
    assert message in capsys.readouterr().err


def test_non_utf8_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cv = tmp_path / "cv.txt"
    cv.write_bytes("حسابدار".encode("cp1256", errors="replace") + b"\xff\xfe")
    code = main(["match", f"@{cv}", "--data-dir", str(tmp_path), "--encoder", "hashing"])
    assert code == 2
    assert "UTF-8" in capsys.readouterr().err


def test_unknown_command_exits_2() -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["frobnicate"])
    assert exit_info.value.code == 2


def test_match_prints_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "match",
            "راننده پایه یک با سابقه حمل بار",
            "-k",
            "3",
            "--data-dir",
            str(tmp_path),
            "--encoder",
            "hashing",
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    results = json.loads(out)["results"]
    assert len(results) == 3
    assert {"id", "title", "score", "matched_skills", "missing_skills"} <= set(results[0])
