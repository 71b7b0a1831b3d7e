"""A bulk import killed with SIGKILL mid-way loses no committed row, and after a restart the
store and the index agree; running the import again finishes it."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from karyab.cli import main
from karyab.service import Karyab
from karyab.settings import Settings
from tests.exchange.conftest import vacancy_row, write_csv

pytestmark = pytest.mark.slow

ROWS = 3000
BATCH = 100


def _argv(path: Path, data_dir: Path) -> list[str]:
    return [
        "import", str(path), "--kind", "vacancy", "--source", "tehran-office",
        "--batch-size", str(BATCH), "--data-dir", str(data_dir), "--encoder", "hashing",
    ]  # fmt: skip


def _stored(database: Path) -> int:
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=1) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM vacancies").fetchone()[0])
    except sqlite3.OperationalError:  # not created yet
        return 0


def test_sigkill_during_import_loses_nothing_committed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in (
        ("KARYAB_OCCUPATION_CODER", "false"),
        ("KARYAB_SKILLS", "false"),
        ("KARYAB_LOAD_DEMO", "false"),
    ):
        monkeypatch.setenv(name, value)
    data_dir = tmp_path / "data"
    first = tmp_path / "first.csv"
    write_csv(first, [vacancy_row(n, **{"شناسه": f"early-{n}"}) for n in range(50)])
    assert main(_argv(first, data_dir)) == 0  # a saved index exists before the crash

    big = tmp_path / "big.csv"
    write_csv(big, [vacancy_row(n) for n in range(ROWS)])
    runner = "import sys; from karyab.cli import main; sys.exit(main(sys.argv[1:]))"
    process = subprocess.Popen(
        [sys.executable, "-c", runner, *_argv(big, data_dir)],
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    database = Settings(data_dir=data_dir).db_path
    deadline = time.monotonic() + 300
    while _stored(database) < 50 + 3 * BATCH and time.monotonic() < deadline:
        assert process.poll() is None, "the import ended before it could be killed"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    committed = _stored(database)
    assert 50 + 3 * BATCH <= committed < 50 + ROWS, committed
    assert (committed - 50) % BATCH == 0  # whole batches only: no half-written one

    # Restart: the index saved before the crash is stale; it is rebuilt from the store.
    settings = Settings(data_dir=data_dir, encoder="hashing")
    engine = Karyab.open(settings)
    try:
        assert engine.store.count("vacancy") == committed
        assert sorted(engine.indexes["vacancy"].ids()) == sorted(
            record.id for records, _ in engine.store.iter_vectors("vacancy") for record in records
        )
    finally:
        engine.close()

    # Running the same import again finishes it, without duplicates.
    assert main(_argv(big, data_dir)) == 0
    engine = Karyab.open(settings)
    try:
        assert engine.store.count("vacancy") == 50 + ROWS
        assert len(engine.indexes["vacancy"]) == 50 + ROWS
    finally:
        engine.close()
