"""Shared fixtures: the converted e5 model is built once per test session and cached."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]
# Rebuildable artefacts (the compiled skill gazetteer) are shared by every test's engine.
os.environ.setdefault("KARYAB_CACHE_DIR", str(REPO / ".karyab-data" / "cache"))
# Engines in tests match by cosine unless a test turns the learned re-ranker on (its
# training on generated markets is cached in the cache dir above).
os.environ.setdefault("KARYAB_RANKER", "false")
# Every caller is a local admin unless a test turns API keys on (tests/api/test_roles.py).
os.environ.setdefault("KARYAB_AUTH", "false")


@pytest.fixture(scope="session")
def models_dir() -> Path:
    """Where the converted model is cached between test runs (KARYAB_TEST_MODELS_DIR)."""
    return Path(os.environ.get("KARYAB_TEST_MODELS_DIR", REPO / ".karyab-data" / "models"))


@pytest.fixture(scope="session")
def e5_model_dir(models_dir: Path) -> Path:
    from models.convert import ensure_model

    return ensure_model(models_dir).path


@pytest.fixture(scope="session")
def e5_encoder(e5_model_dir: Path):  # type: ignore[no-untyped-def]
    from models.encoder import E5Encoder

    return E5Encoder(e5_model_dir)


@pytest.fixture(scope="session")
def e5_float_encoder(e5_model_dir: Path):  # type: ignore[no-untyped-def]
    """The converted model as float32, without the service's int8 layers."""
    from models.encoder import E5Encoder

    return E5Encoder(e5_model_dir, int8=False)


SMALL_CODES = ("2512", "2513", "2411", "3313", "8332", "8322", "4120", "5223", "9112", "2221")


@pytest.fixture(scope="session")
def small_coder():  # type: ignore[no-untyped-def]
    """An occupation coder trained in seconds on ten unit groups, with the hashing encoder."""
    from models.encoder import HashingEncoder
    from models.occupation_coder import OccupationCoder
    from taxonomy.isco import load_isco
    from taxonomy.titles import load_title_index

    entries = [e for e in load_title_index() if e.code in SMALL_CODES]
    return OccupationCoder(load_isco(), HashingEncoder(), n_folds=3).fit(
        [e.title for e in entries], [e.code for e in entries]
    )


@pytest.fixture(scope="session")
def skill_taxonomy():  # type: ignore[no-untyped-def]
    from taxonomy.skills import load_skills

    return load_skills()


@pytest.fixture(scope="session")
def gazetteer(skill_taxonomy):  # type: ignore[no-untyped-def]
    from skills.build import load_gazetteer

    return load_gazetteer(skill_taxonomy, REPO / ".karyab-data" / "cache")


@pytest.fixture(scope="session")
def skill_inferencer(skill_taxonomy, gazetteer):  # type: ignore[no-untyped-def]
    """Explicit and occupation-implied skills (no implicit model: that needs e5)."""
    from skills.inference import SkillInferencer
    from taxonomy.isco import load_isco

    return SkillInferencer(skill_taxonomy, gazetteer, isco=load_isco())
