"""A fast engine for matching tests: hashing encoder, no coder, skills or re-ranker."""

from __future__ import annotations

from pathlib import Path

from karyab.service import Karyab
from karyab.settings import Settings
from models.encoder import HashingEncoder


def hashing_engine(data_dir: Path, **overrides: object) -> Karyab:
    settings = Settings(
        data_dir=data_dir,
        encoder="hashing",
        load_demo=False,
        occupation_coder=False,
        skills=False,
        ranker=False,
        **overrides,  # type: ignore[arg-type]
    )
    return Karyab.open(settings, HashingEncoder())
