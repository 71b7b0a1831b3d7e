"""Databases for the store tests: a SQLite file per test, and a PostgreSQL schema per test
on one server per session.

The server is ``KARYAB_TEST_POSTGRES_URL`` when set (``postgresql+psycopg://...``; the tests
need CREATE on its database). Otherwise a throwaway cluster is started from the PostgreSQL
server binaries (``initdb``, ``pg_ctl``; ``scripts/test_services.sh`` installs them)
and removed afterwards. Without binaries the PostgreSQL tests fail, so CI cannot pass by
testing SQLite alone, unless ``KARYAB_TEST_POSTGRES=skip`` says to skip them.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from storage.schema import database_url

URL_VARIABLE = "KARYAB_TEST_POSTGRES_URL"
MODE_VARIABLE = "KARYAB_TEST_POSTGRES"
SERVER_PROGRAMS = ("initdb", "pg_ctl", "postgres")


def find_server_binaries() -> Path | None:
    """The newest Debian cluster binaries (/usr/lib/postgresql/<version>/bin), else the
    ones on PATH."""
    found: list[tuple[int, Path]] = []
    for initdb in Path("/usr/lib/postgresql").glob("*/bin/initdb"):
        version = initdb.parent.parent.name
        if re.fullmatch(r"\d+", version):
            found.append((int(version), initdb.parent))
    candidates = [path for _, path in sorted(found, reverse=True)]
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    for directory in candidates:
        if all((directory / program).is_file() for program in SERVER_PROGRAMS):
            return directory
    return None


def _server_user() -> pwd.struct_passwd | None:
    """The user to run the server as: None to run as ourselves; as root (which initdb
    refuses) the ``postgres`` user Debian's package creates, else ``nobody``."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    pytest.fail(
        "running as root, and neither a 'postgres' nor a 'nobody' user exists to run PostgreSQL"
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Cluster:
    """A PostgreSQL cluster in a temporary folder, listening only on a unix socket there."""

    def __init__(self, binaries: Path) -> None:
        self.binaries = binaries
        self.user = _server_user()
        # /tmp when the server runs as another user (it must reach the folder) or when
        # TMPDIR is long: a unix socket's path must fit in 107 bytes.
        shared = self.user is not None or len(tempfile.gettempdir()) > 60
        self.base = Path(tempfile.mkdtemp(prefix="karyab-pg-", dir="/tmp" if shared else None))
        if self.user is not None:
            os.chown(self.base, self.user.pw_uid, self.user.pw_gid)
        self.data = self.base / "data"
        self.log = self.base / "server.log"
        self.port = _free_port()

    def _run(self, program: str, *args: str) -> None:
        user = self.user
        result = subprocess.run(
            [str(self.binaries / program), *args],
            cwd=self.base,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            user=None if user is None else user.pw_uid,
            group=None if user is None else user.pw_gid,
            extra_groups=None if user is None else [],
        )
        if result.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            pytest.fail(
                f"PostgreSQL {program} failed ({result.returncode}):\n"
                f"{result.stdout}{result.stderr}\n{log}"
            )

    def start(self) -> str:
        self._run(
            "initdb",
            "--pgdata",
            str(self.data),
            "--username",
            "karyab",
            "--auth",
            "trust",
            "--encoding",
            "UTF8",
            "--locale",
            "C",
            "--no-sync",
        )
        # No TCP listener and no durability: a socket in our own folder cannot clash with
        # another server, and nothing here has to survive a crash.
        options = f"-p {self.port} -k {self.base} -c listen_addresses='' -c fsync=off"
        self._run(
            "pg_ctl",
            "--pgdata",
            str(self.data),
            "--log",
            str(self.log),
            "-w",
            "-o",
            options,
            "start",
        )
        url = f"postgresql+psycopg://karyab@/postgres?host={self.base}&port={self.port}"
        engine = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.exec_driver_sql("CREATE DATABASE karyab_test")
        engine.dispose()
        return f"postgresql+psycopg://karyab@/karyab_test?host={self.base}&port={self.port}"

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "--pgdata", str(self.data), "-m", "fast", "-w", "stop")
        shutil.rmtree(self.base, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The URL of a PostgreSQL database for this test session."""
    given = os.environ.get(URL_VARIABLE)
    if given:
        yield given
        return
    binaries = find_server_binaries()
    if binaries is None:
        message = (
            "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found under "
            f"/usr/lib/postgresql/*/bin or on PATH. Install them (scripts/test_services.sh), "
            f"or set {URL_VARIABLE} to a server's URL, or set {MODE_VARIABLE}=skip to skip "
            "the PostgreSQL tests."
        )
        if os.environ.get(MODE_VARIABLE) == "skip":
            pytest.skip(message)
        pytest.fail(message)
    cluster = _Cluster(binaries)
    try:
        yield cluster.start()
    finally:
        cluster.stop()


@pytest.fixture()
def postgres_schema_url(postgres_url: str) -> Iterator[str]:
    """``postgres_url`` with a fresh, empty schema first on the search path; dropped after
    the test, so tests neither see nor need to clean up each other's tables."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    url = database_url(postgres_url)
    admin = create_engine(url, poolclass=NullPool)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    given = url.query.get("options")
    options = " ".join(filter(None, [str(given or ""), f"-c search_path={schema}"]))
    try:
        yield url.update_query_dict({"options": options}).render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql("SET lock_timeout = '10s'")
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A store URL for each backend the store supports."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite3'}"
    return str(request.getfixturevalue("postgres_schema_url"))
