from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from karyab.records import Education, Jobseeker, Vacancy
from storage.sql_store import SqlStore, sqlite_url


def _vectors(n: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, 8)).astype(np.float32)


@pytest.fixture()
def store(tmp_path: Path) -> SqlStore:
    return SqlStore(sqlite_url(tmp_path / "k.sqlite3"))


def test_round_trip_keeps_every_field(store: SqlStore) -> None:
    vacancy = Vacancy(
        id="v1",
        title="حسابدار",
        text="آشنایی با سپیدار",
        province="فارس",
        city="شیراز",
        isco_code="2411",
        min_experience_years=2,
        education=Education.bachelor,
        skills=("سپیدار", "Excel"),
        posted_at="1403-02-10",
    )
    store.upsert("vacancy", [vacancy], _vectors(1), _vectors(1, 1), "enc")
    assert store.get("vacancy", "v1") == vacancy
    assert store.get("vacancy", "nope") is None
    assert store.count("vacancy") == 1 and store.count("jobseeker") == 0


def test_vectors_and_generation(store: SqlStore) -> None:
    q, p = _vectors(2), _vectors(2, 1)
    seekers = [Jobseeker(id=f"j{i}", title="راننده", text="پایه یک") for i in range(2)]
    before = store.generation()
    store.upsert("jobseeker", seekers, q, p, "enc")
    assert store.generation() > before
    assert np.allclose(store.get_vector("jobseeker", "j1", "query"), q[1])
    assert np.allclose(store.get_vector("jobseeker", "j1", "passage"), p[1])
    batches = list(store.iter_vectors("jobseeker", batch=1))
    assert [r.id for rs, _ in batches for r in rs] == ["j0", "j1"]
    assert store.encoders("jobseeker") == {"enc"}


def test_replace_and_delete(store: SqlStore) -> None:
    store.upsert("vacancy", [Vacancy(id="v1", title="a", text="b")], _vectors(1), _vectors(1), "e")
    store.upsert("vacancy", [Vacancy(id="v1", title="c", text="d")], _vectors(1), _vectors(1), "e")
    assert store.count("vacancy") == 1
    record = store.get("vacancy", "v1")
    assert record is not None and record.title == "c"
    assert store.delete("vacancy", ["v1"]) == 1
    assert store.get("vacancy", "v1") is None


def test_failed_write_leaves_nothing(store: SqlStore) -> None:
    records = [Vacancy(id="v1", title="a", text="b"), Vacancy(id="v2", title="a", text="b")]
    with pytest.raises(ValueError):
        store.upsert("vacancy", records, _vectors(1), _vectors(2), "e")
    bad_vectors = [np.zeros(8, np.float32), object()]  # second row cannot be stored
    with pytest.raises((TypeError, ValueError)):
        store.upsert("vacancy", records, bad_vectors, _vectors(2), "e")  # type: ignore[arg-type]
    assert store.count("vacancy") == 0


def test_data_survives_reopen(tmp_path: Path) -> None:
    path = tmp_path / "k.sqlite3"
    first = SqlStore(sqlite_url(path))
    first.upsert("vacancy", [Vacancy(id="v1", title="a", text="b")], _vectors(1), _vectors(1), "e")
    first.close()
    assert SqlStore(sqlite_url(path)).count("vacancy") == 1


def test_a_store_written_with_another_encoder_is_refused_with_a_message(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from karyab.records import Vacancy
    from karyab.service import Karyab, StoreMismatchError
    from karyab.settings import Settings
    from models.encoder import HashingEncoder

    settings = Settings(
        data_dir=tmp_path, encoder="hashing", load_demo=False, occupation_coder=False
    )
    engine = Karyab.open(settings, HashingEncoder(dim=64))
    engine.add_vacancies([Vacancy(id="v1", title="حسابدار", text="سپیدار")])
    engine.save_indexes()
    engine.close()
    with pytest.raises(StoreMismatchError, match="hashing:64"):
        Karyab.open(settings, HashingEncoder(dim=32))
