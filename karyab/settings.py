"""One typed settings object, read from ``KARYAB_*`` environment variables at the edge."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "karyab"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KARYAB_", frozen=True)

    data_dir: Path = Field(default_factory=_default_data_dir)
    # "e5" is the real multilingual model; "hashing" is a fast lexical stand-in for tests.
    encoder: Literal["e5", "hashing"] = "e5"
    threads: int | None = None
    # Run e5 with int8 linear layers (1.6x the throughput on CPU; see models.encoder).
    encoder_int8: bool = True
    max_text_chars: int = 50_000
    max_request_bytes: int = 2_000_000
    max_k: int = 200
    # Every API request but /health needs an API key (X-API-Key) with a role; false gives
    # every caller the admin role (local development only).
    auth: bool = True
    # Origins a browser may call the API from; none (closed) by default.
    cors_origins: list[str] = Field(default_factory=list)
    # Requests a minute per API key (or per client address without one); 0 turns it off.
    rate_limit_per_minute: int = 1200
    # Seconds a process trusts a key it has checked; a revocation made through another
    # process applies here within this time (0 checks the store on every request).
    api_key_cache_seconds: float = Field(default=5.0, ge=0, le=300)
    # Serve a jobseeker's unfiltered recommendations from a snapshot of the best
    # snapshot_depth vacancies (made by batch-match or the first request), patched with the
    # vacancies written since; more than snapshot_max_changes of those means a new search.
    snapshots: bool = True
    snapshot_depth: int = Field(default=50, ge=1, le=200)
    snapshot_max_changes: int = Field(default=2_000, ge=0)
    # Vector search is exact up to index_exact_limit records of a side, IVF-SQ8 beyond it
    # (see index.vector_index), scanning index_nprobe lists per unfiltered query. Saved
    # indexes are memory-mapped on load (workers share the pages) unless index_mmap is off.
    index_exact_limit: int = Field(default=100_000, ge=1)
    index_nprobe: int = Field(default=64, ge=1)
    index_mmap: bool = True
    load_demo: bool = True
    # Train/load the ISCO occupation coder at start (codes records on write, serves the API).
    occupation_coder: bool = True
    # Infer taxonomy skills of every record on write and explain gaps with them.
    skills: bool = True
    # Re-rank matches with the learned model (trained on generated markets on first start).
    ranker: bool = True

    # The store: a SQLAlchemy URL (e.g. postgresql+psycopg://user:pw@host/karyab); by
    # default the SQLite file in the data dir.
    database_url: str | None = None

    @property
    def db_path(self) -> Path:
        return self.data_dir / "karyab.sqlite3"

    @property
    def store_url(self) -> str:
        from storage.sql_store import sqlite_url

        return self.database_url or sqlite_url(self.db_path)

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    # Derived, rebuildable artefacts (the compiled skill gazetteer); default: the models dir.
    cache_dir: Path | None = None

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def artefacts_dir(self) -> Path:
        return self.cache_dir or self.models_dir

    @property
    def lexical_cache(self) -> Path:
        """The nightly batch's vacancy n-gram rows (:mod:`matching.lexical_cache`)."""
        return self.artefacts_dir / "vacancy_lexical.npz"
