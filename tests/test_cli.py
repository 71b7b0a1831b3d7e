from __future__ import annotations

import json
from pathlib import Path

import pytest

from karyab.cli import build_parser, main
from models.occupation_training import training_examples
from taxonomy.isco import IscoTaxonomy

COMMANDS = [
    "serve",
    "prepare",
    "match",
    "convert-model",
    "code-occupations",
    "evaluate-occupations",
    "analytics",
    "analytics report",
    "batch-match",
    "coding-queue",
    "decide-occupations",
    "coding-quality",
    "recode-occupations",
    "train-occupations",
]


@pytest.mark.parametrize("argv", [["--help"], *[[*c.split(), "--help"] for c in COMMANDS]])
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
        (["batch-match", "--limit", "0"], "--limit"),
        (["batch-match", "--engine", "ray", "--workers", "0"], "--workers"),
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


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"id": "a", "text": "x"}\n{not json}\n', "line 2: invalid JSON"),
        (b'{"id": "a", "text": "x"}\n["a"]\n', "line 2: expected an object"),
        (b'{"id": "", "text": "x"}\n', "line 1: 'id'"),
        (b'{"id": "a", "text": 5}\n', "line 1: 'text'"),
        (b'{"id": "a", "text": "x"}\n\n{"id": "a", "text": "y"}\n', "line 3: id 'a' appears twice"),
        (b'{"id": "a", "text": "\xff"}\n', "line 1: not UTF-8"),
    ],
)
def test_code_occupations_stops_on_a_bad_line(
    content: bytes, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(content)
    out = tmp_path / "out.jsonl"
    argv = ["code-occupations", str(source), "-o", str(out), "--data-dir", str(tmp_path)]
    assert main([*argv, "--encoder", "hashing"]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()  # nothing half-written


def test_code_occupations_rejects_bad_top_k(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": "a", "text": "حسابدار"}\n', encoding="utf-8")
    assert main(["code-occupations", str(source), "--top-k", "0", "--encoder", "hashing"]) == 2


def _training_slice(taxonomy: IscoTaxonomy) -> tuple[list[str], list[str]]:
    """The real training examples of a few dozen unit groups (the software, accounting,
    driving families and their neighbours): the full coder takes minutes to train, and
    its quality is the evaluation's business, not this test's."""
    texts, codes = training_examples(taxonomy)
    kept = [i for i, code in enumerate(codes) if code[:2] in {"25", "24", "33", "83", "43", "52"}]
    return [texts[i] for i in kept], [codes[i] for i in kept]


def test_code_occupations_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Trains a coder (hashing encoder) through the CLI, codes a file, caches the coder."""
    monkeypatch.setattr("models.occupation_training.training_examples", _training_slice)
    source = tmp_path / "in.jsonl"
    lines = [
        {"id": "1", "text": "برنامه نویس ارشد Python (تهران) - آقا"},
        {"id": "2", "text": "حسابدار خانم"},
        {"id": "3", "text": "راننده پایه یک"},
        {"id": "4", "text": "!!!"},
    ]
    source.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), "utf-8")
    out = tmp_path / "out.jsonl"
    argv = ["code-occupations", str(source), "-o", str(out), "--top-k", "3"]
    argv += ["--data-dir", str(tmp_path / "data"), "--encoder", "hashing"]
    assert main(argv) == 0
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["1", "2", "3", "4"]
    assert rows[0]["occupations"][0]["code"] in {"2512", "2513", "2514"}
    assert rows[1]["occupations"][0]["code"] in {"2411", "3313", "4311"}
    assert rows[2]["occupations"][0]["code"] in {"8332", "8322"}
    assert rows[3]["abstain"] is True
    assert all(len(r["occupations"]) == 3 for r in rows[:3])
    assert {"code", "title_fa", "title_en", "score"} == set(rows[0]["occupations"][0])
    cached = list((tmp_path / "data" / "models").glob("occupation-coder-*.pkl"))
    assert len(cached) == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"id": "a", "text": "x"}\n{not json}\n', "line 2: invalid JSON"),
        (b'{"id": "a"}\n', "line 1: 'text'"),
        (b'\xff\xfe{"id": "a", "text": "x"}\n', "line 1: not UTF-8"),
    ],
)
def test_infer_skills_stops_on_a_bad_line(
    content: bytes, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(content)
    out = tmp_path / "out.jsonl"
    argv = ["infer-skills", str(source), "-o", str(out), "--data-dir", str(tmp_path)]
    assert main([*argv, "--encoder", "hashing", "--no-occupation"]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_infer_skills_end_to_end(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    lines = [
        {
            "id": "ad",
            "text": "استخدام حسابدار\nشرایط: مسلط به نرم افزار سپیدار و اکسل\nمزایا: بیمه تکمیلی",
        },
        {"id": "empty", "text": ""},
        {"id": "glued", "text": "مهارت‌ها: اکسلوردپاورپوینت"},
    ]
    source.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), "utf-8")
    out = tmp_path / "out.jsonl"
    argv = ["infer-skills", str(source), "-o", str(out), "--top-k", "5", "--no-occupation"]
    assert main([*argv, "--data-dir", str(tmp_path / "data"), "--encoder", "hashing"]) == 0
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["ad", "empty", "glued"]
    ad_labels = [s["label_fa"] for s in rows[0]["skills"]]
    assert "نرم‌افزار حسابداری سپیدار" in ad_labels
    assert all(s["source"] == "explicit" for s in rows[0]["skills"])
    assert rows[1]["skills"] == []
    assert len(rows[2]["skills"]) >= 3
    assert main(["infer-skills", str(source), "--top-k", "0", "--encoder", "hashing"]) == 2


def test_batch_match_snapshots_every_jobseeker_then_has_nothing_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from karyab.records import Jobseeker, Vacancy
    from karyab.service import Karyab
    from karyab.settings import Settings
    from models.encoder import HashingEncoder

    for name in ("OCCUPATION_CODER", "SKILLS", "RANKER"):
        monkeypatch.setenv(f"KARYAB_{name}", "false")
    engine = Karyab.open(Settings(data_dir=tmp_path, encoder="hashing"), HashingEncoder())
    engine.add_vacancies(
        [Vacancy(id=f"v{i}", title="حسابدار", text=f"حسابداری {i}") for i in range(5)]
    )
    engine.add_jobseekers(
        [Jobseeker(id=f"j{i}", title="حسابدار", text="حسابدار") for i in range(3)]
    )
    engine.close()

    argv = ["batch-match", "--data-dir", str(tmp_path), "--encoder", "hashing"]
    assert main(argv) == 0
    first = json.loads(capsys.readouterr().out)
    assert (first["jobseekers"], first["matched"], first["current"]) == (3, 3, 0)
    assert main(argv) == 0
    second = json.loads(capsys.readouterr().out)
    assert (second["matched"], second["current"]) == (0, 3)


def test_own_packages_are_the_distributions() -> None:
    import tomllib

    from karyab.cli import OWN_PACKAGES

    config = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text("utf-8"))
    assert sorted(OWN_PACKAGES) == sorted(config["tool"]["mypy"]["packages"])


def test_commands_keep_library_info_logs_quiet(tmp_path: Path) -> None:
    # A command's stderr is for the user: the product's own progress, not alembic's
    # migration steps or faiss's loader; -v shows everything.
    import subprocess
    import sys

    command = ["match", "حسابدار", "-k", "1", "--data-dir", str(tmp_path), "--encoder", "hashing"]
    karyab = [sys.executable, "-m", "karyab.cli"]
    quiet = subprocess.run(
        [*karyab, *command], capture_output=True, text=True, timeout=300, check=True
    )
    assert "INFO storage.migrate" in quiet.stderr  # the product's own lines stay
    assert "INFO alembic" not in quiet.stderr and "INFO faiss" not in quiet.stderr
    loud = subprocess.run(
        [*karyab, "-v", *command], capture_output=True, text=True, timeout=300, check=True
    )
    assert "INFO alembic" in loud.stderr


def test_batch_match_prints_its_summary_and_patches_the_next_night(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from karyab.records import Jobseeker, Vacancy
    from tests.matching.engines import hashing_engine

    for name in ("OCCUPATION_CODER", "SKILLS", "RANKER"):
        monkeypatch.setenv(f"KARYAB_{name}", "false")
    engine = hashing_engine(tmp_path)
    engine.add_vacancies(
        [Vacancy(id=f"v{i}", title="حسابدار", text="حسابداری " * i) for i in range(1, 4)]
    )
    engine.add_jobseekers([Jobseeker(id="js", title="حسابدار", text="حسابداری با سپیدار")])
    engine.close()
    argv = ["batch-match", "--data-dir", str(tmp_path), "--encoder", "hashing"]
    assert main(argv) == 0
    first = json.loads(capsys.readouterr().out)
    assert (first["jobseekers"], first["matched"], first["patched"]) == (1, 1, 0)
    engine = hashing_engine(tmp_path)
    engine.add_vacancies([Vacancy(id="v9", title="حسابدار", text="حسابداری سپیدار")])
    engine.close()
    assert main(argv) == 0
    night = json.loads(capsys.readouterr().out)
    assert (night["matched"], night["patched"], night["current"]) == (1, 1, 0)


def _jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    return path


def test_coding_review_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Decisions from a coding dictionary, then the queue exported, coded and read back."""
    from karyab.records import Vacancy
    from karyab.service import Karyab
    from karyab.settings import Settings
    from models.encoder import HashingEncoder

    monkeypatch.setattr("models.occupation_training.training_examples", _training_slice)
    common = ["--data-dir", str(tmp_path / "data"), "--encoder", "hashing"]
    dictionary = _jsonl(tmp_path / "dict.jsonl", [{"title": "خیاط", "code": "7531"}])
    assert main(["decide-occupations", str(dictionary), "--actor", "office-3", *common]) == 0

    settings = Settings(
        data_dir=tmp_path / "data", encoder="hashing", load_demo=False, skills=False, ranker=False
    )
    engine = Karyab.open(settings, HashingEncoder())
    engine.add_vacancies(
        [
            Vacancy(id="v1", title="خياط - خانم", text="دوخت"),
            Vacancy(id="v2", title="نانوا", text="پخت نان سنگک"),
            Vacancy(id="v3", title="نانوا (قم)", text="پخت نان"),
        ]
    )
    assert engine.get("vacancy", "v1").isco_code == "7531"  # type: ignore[union-attr]
    assert engine.get("vacancy", "v2").isco_code is None  # type: ignore[union-attr]
    engine.close()

    queue = tmp_path / "queue.jsonl"
    assert main(["coding-queue", "-o", str(queue), "--kind", "vacancy", *common]) == 0
    (line,) = [json.loads(x) for x in queue.read_text("utf-8").splitlines()]
    assert (line["title_key"], line["count"], line["counts"]) == ("نانوا", 2, {"vacancy": 2})
    coded = _jsonl(tmp_path / "coded.jsonl", [{**line, "code": "7512"}])
    assert main(["decide-occupations", str(coded), *common]) == 0

    engine = Karyab.open(settings, HashingEncoder())
    assert engine.get("vacancy", "v3").isco_code == "7512"  # type: ignore[union-attr]
    assert [d.code for d in engine.store.occupation_decisions()] == ["7512", "7531"]
    engine.close()
    assert main(["coding-queue", "-o", str(queue), *common]) == 0
    assert queue.read_text("utf-8") == ""


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "no decisions"),
        (b'{"title": "x", "code": "7531"}\n{not json}\n', "line 2: invalid JSON"),
        (b'{"title": "x", "code": "753"}\n', "line 1: 'code'"),
        (b'{"title": "x", "code": 7531}\n', "line 1: 'code'"),
        (b'{"title": "x", "code": "\xdb\xb7\xdb\xb5\xdb\xb3\xdb\xb1"}\n', "line 1: 'code'"),
        (b'{"code": "7531"}\n', "line 1: 'title'"),
        (b'["x", "7531"]\n', "line 1: expected an object with title and code"),
        (b'\xff{"title": "x", "code": "7531"}\n', "line 1: not UTF-8"),
    ],
)
def test_decide_occupations_stops_on_a_bad_line(
    content: bytes, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(content)
    argv = ["decide-occupations", str(source), "--data-dir", str(tmp_path), "--encoder", "hashing"]
    assert main(argv) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{"title": "خیاط", "code": "7531"}, {"title": "x", "code": "9999"}], "line 2: '9999'"),
        ([{"title": "!!!", "code": "7531"}], "line 1: the title has no letters"),
        (
            [{"title": "خیاط - خانم", "code": "7531"}, {"title": "خیاط", "code": "7533"}],
            "line 2: 'خیاط' has the title key 'خیاط' of 'خیاط - خانم', coded 7531",
        ),
    ],
)
def test_decide_occupations_refuses_a_bad_decision_whole(
    rows: list[dict[str, object]],
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from storage.sql_store import SqlStore, sqlite_url

    monkeypatch.setattr("models.occupation_training.training_examples", _training_slice)
    source = _jsonl(tmp_path / "in.jsonl", rows)
    data = tmp_path / "data"
    argv = ["decide-occupations", str(source), "--data-dir", str(data), "--encoder", "hashing"]
    assert main(argv) == 2
    assert message in capsys.readouterr().err
    store = SqlStore(sqlite_url(data / "karyab.sqlite3"))
    assert store.occupation_decisions() == []
    store.close()


def test_coding_quality_and_the_check_sample(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from karyab.records import Vacancy
    from karyab.service import Karyab
    from karyab.settings import Settings
    from models.encoder import HashingEncoder

    monkeypatch.setattr("models.occupation_training.training_examples", _training_slice)
    common = ["--data-dir", str(tmp_path / "data"), "--encoder", "hashing"]
    settings = Settings(
        data_dir=tmp_path / "data", encoder="hashing", load_demo=False, skills=False, ranker=False
    )
    engine = Karyab.open(settings, HashingEncoder())
    engine.add_vacancies([Vacancy(id="v1", title="حسابدار - خانم", text="اسناد حسابداری")])
    assert engine.get("vacancy", "v1").isco_code == "2411"  # type: ignore[union-attr]
    engine.close()

    sample = tmp_path / "sample.jsonl"
    assert main(["coding-queue", "--check", "-o", str(sample), *common]) == 0
    lines = [json.loads(x) for x in sample.read_text("utf-8").splitlines()]
    assert [(line["title_key"], line["count"]) for line in lines] == [("حسابدار", 1)]
    assert lines[0]["occupations"][0]["code"] == "2411"

    assert main(["coding-quality", *common]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["checks"], report["source"], report["proposed"]) == (0, "coder", None)
    assert report["in_use"]["auto_coded"] == 0 and report["target_error"] == 0.05

    assert main(["coding-quality", "--apply", *common]) == 2
    assert "at least 50" in capsys.readouterr().err
    assert main(["coding-quality", "--reset", *common]) == 0


def test_train_occupations_learns_from_the_store_s_decisions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from models.occupation_training import held_out_for_checks

    monkeypatch.setattr("models.occupation_training.training_examples", _training_slice)
    common = ["--data-dir", str(tmp_path / "data"), "--encoder", "hashing"]
    rows = [{"title": f"کارمند دفتر فنی {i}", "code": "3313"} for i in range(30)]
    assert main(["decide-occupations", str(_jsonl(tmp_path / "d.jsonl", rows)), *common]) == 0
    capsys.readouterr()

    assert main(["train-occupations", "--from-decisions", *common]) == 0
    report = json.loads(capsys.readouterr().out)
    held = sum(held_out_for_checks(f"کارمنددفترفنی{i}") for i in range(30))
    assert (report["decisions"], report["held_out_for_checks"]) == (30, held)
    assert report["learned"] == 30 - held > 0
    assert main(["coding-quality", *common]) == 0
    quality = json.loads(capsys.readouterr().out)
    assert (quality["checks"], quality["learned"]) == (held, 30 - held)

    assert main(["train-occupations", *common]) == 0  # back to the project's own coder
    assert json.loads(capsys.readouterr().out)["learned"] == 0
    assert main(["coding-quality", *common]) == 0
    assert json.loads(capsys.readouterr().out)["checks"] == 30


def test_recode_occupations_follows_a_stricter_cut(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from karyab.coding_review import CodingReview
    from karyab.records import Vacancy
    from karyab.service import Karyab
    from karyab.settings import Settings
    from models.encoder import HashingEncoder

    monkeypatch.setattr("models.occupation_training.training_examples", _training_slice)
    common = ["--data-dir", str(tmp_path / "data"), "--encoder", "hashing"]
    settings = Settings(
        data_dir=tmp_path / "data", encoder="hashing", load_demo=False, skills=False, ranker=False
    )
    engine = Karyab.open(settings, HashingEncoder())
    engine.add_vacancies(
        [
            Vacancy(id="v1", title="حسابدار - خانم", text="اسناد حسابداری"),
            Vacancy(id="v2", title="حسابدار", text="", isco_code="3313"),
        ]
    )
    assert engine.coding is not None
    confidence = engine.coding.code(["حسابدار"])[0].confidence
    assert engine.get("vacancy", "v1").isco_code == "2411"  # type: ignore[union-attr]
    # A cut above the accountant's confidence, as checks would set it.
    kept = {"coder": engine.coding.coder.fingerprint, "threshold": confidence + 0.01}
    engine.store.set_meta_value("occupation_threshold", json.dumps(kept))
    engine.close()

    assert main(["recode-occupations", "--dry-run", *common]) == 0
    dry = json.loads(capsys.readouterr().out)
    assert dry["dry_run"] is True and dry["source"] == "checks"
    assert dry["counts"]["vacancy"]["uncoded"] == 1 and dry["counts"]["vacancy"]["given"] == 1
    assert main(["recode-occupations", "--kind", "vacancy", *common]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["counts"] == {"vacancy": dry["counts"]["vacancy"]}

    engine = Karyab.open(settings, HashingEncoder())
    assert isinstance(engine.coding, CodingReview)
    assert engine.get("vacancy", "v1").isco_code is None  # type: ignore[union-attr]
    assert engine.get("vacancy", "v2").isco_code == "3313"  # type: ignore[union-attr]
    assert [item.title_key for item in engine.coding.queue()] == ["حسابدار"]
    engine.close()
    assert main(["recode-occupations", "--actor", " ", *common]) == 2


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--target-error", "0.9"], "--target-error"),
        (["--target-error", "0"], "--target-error"),
        (["--apply", "--reset"], "exclude each other"),
        (["--actor", " "], "--actor"),
    ],
)
def test_coding_quality_refuses_bad_options(
    extra: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["coding-quality", *extra, "--data-dir", str(tmp_path), "--encoder", "hashing"]
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_a_store_failing_under_a_command_is_a_message_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    from storage.sql_store import SqlStore, sqlite_url

    monkeypatch.setattr("models.occupation_training.training_examples", _training_slice)
    data = tmp_path / "data"
    data.mkdir()
    SqlStore(sqlite_url(data / "karyab.sqlite3")).close()
    # A store at the newest revision whose table lacks a column (edited by hand).
    with sqlite3.connect(data / "karyab.sqlite3") as conn:
        conn.execute("DROP INDEX ix_postings_title_key")
        conn.execute("ALTER TABLE postings DROP COLUMN title_key")
    argv = ["coding-queue", "--data-dir", str(data), "--encoder", "hashing"]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "karyab: error: the store:" in err and "title_key" in err
    assert "Traceback" not in err


def test_code_occupations_codes_as_the_api_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """People's decisions in the data dir's store come first on the command line too."""
    monkeypatch.setattr("models.occupation_training.training_examples", _training_slice)
    common = ["--data-dir", str(tmp_path / "data"), "--encoder", "hashing"]
    source = _jsonl(
        tmp_path / "in.jsonl",
        [{"id": "a", "text": "خياط - خانم"}, {"id": "b", "text": "حسابدار"}],
    )
    assert main(["code-occupations", str(source), "--top-k", "2", *common]) == 0
    before = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert before[0]["occupations"][0]["code"] != "7531"  # the slice has no tailors
    decisions = _jsonl(tmp_path / "d.jsonl", [{"title": "خیاط", "code": "7531"}])
    assert main(["decide-occupations", str(decisions), *common]) == 0
    capsys.readouterr()
    assert main(["code-occupations", str(source), "--top-k", "2", *common]) == 0
    after = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert after[0]["occupations"][0]["code"] == "7531"
    assert (after[0]["confidence"], after[0]["abstain"]) == (1.0, False)
    assert len(after[0]["occupations"]) == 2
    assert after[1] == before[1]
