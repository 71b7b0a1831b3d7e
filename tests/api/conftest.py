"""Fixtures shared by the coding-review API tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from karyab.service import Karyab
from karyab.settings import Settings
from models.encoder import HashingEncoder
from models.occupation_coder import OccupationCoder


@pytest.fixture()
def coding_engine(tmp_path: Path, small_coder: OccupationCoder) -> Iterator[Karyab]:
    """An empty engine with the small occupation coder (ten unit groups) and the hashing
    encoder, without skills."""
    settings = Settings(data_dir=tmp_path, encoder="hashing", load_demo=False, skills=False)
    engine = Karyab.open(settings, HashingEncoder(), occupation_coder=small_coder)
    yield engine
    engine.close()
