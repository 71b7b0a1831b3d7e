"""The vacancy pool's n-gram rows kept between nights: reused only for the same vacancy
version made the same way, and always equal to computing them afresh."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from karyab.records import Vacancy
from matching import lexical_cache
from matching.features import lexical_vectors
from matching.lexical_cache import pool_lexical, read_rows
from nlp.normalize import normalize

TEXTS = [
    ("برنامه‌نويس Python", "آشنايي با Django و PostgreSQL، ۳ سال سابقه"),
    ("حسابدار", "مسلط به نرم افزار سپیدار و اکسل"),
    ("راننده پایه یک", "دارای گواهینامه پایه ١ و کارت هوشمند"),
    ("انباردار", "آشنا به سیستم انبارداری FIFO"),
]


def vacancies(texts: list[tuple[str, str]], prefix: str = "v") -> list[Vacancy]:
    return [Vacancy(id=f"{prefix}{n}", title=t, text=x) for n, (t, x) in enumerate(texts)]


def afresh(records: list[Vacancy]) -> np.ndarray:
    return lexical_vectors([normalize(r.document()) for r in records]).toarray()


def counts(caplog: pytest.LogCaptureFixture) -> str:
    return [r.getMessage() for r in caplog.records if "vacancy n-grams" in r.getMessage()][-1]


def test_without_a_cache_rows_are_computed(tmp_path: Path) -> None:
    records = vacancies(TEXTS)
    matrix = pool_lexical(records, np.arange(1, 5, dtype=np.int64), 10, None)
    assert np.allclose(matrix.toarray(), afresh(records))
    assert not list(tmp_path.iterdir())


def test_a_night_computes_only_new_and_rewritten_vacancies(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "cache" / "lexical.npz"
    first = vacancies(TEXTS)
    seqs = np.array([1, 2, 3, 4], dtype=np.int64)
    caplog.set_level(logging.INFO, logger=lexical_cache.__name__)
    pool_lexical(first, seqs, 4, path)
    assert counts(caplog) == "vacancy n-grams: 0 kept, 4 computed"
    assert path.is_file()

    # Next night: v1 removed, v2 rewritten (new seq, new text), one vacancy added; the
    # order the store returns them in changed too.
    rewritten = Vacancy(id="v2", title="راننده پایه دو", text="گواهینامه پایه ۲")
    added = Vacancy(id="n0", title="صندوقدار", text="آشنا به کار با صندوق فروشگاهی")
    night = [first[3], added, rewritten, first[0]]
    night_seqs = np.array([4, 6, 5, 1], dtype=np.int64)
    matrix = pool_lexical(night, night_seqs, 6, path)
    assert counts(caplog) == "vacancy n-grams: 2 kept, 2 computed"
    assert np.allclose(matrix.toarray(), afresh(night))

    kept = read_rows(path, lexical_cache.fingerprint())
    assert kept is not None
    kept_keys = sorted(zip(kept.ids, kept.seqs.tolist(), strict=True))
    assert kept_keys == [("n0", 6), ("v0", 1), ("v2", 5), ("v3", 4)]

    again = pool_lexical(night, night_seqs, 6, path)
    assert counts(caplog) == "vacancy n-grams: 4 kept, 0 computed"
    assert np.allclose(again.toarray(), afresh(night))


def test_rows_written_while_loading_are_not_kept(tmp_path: Path) -> None:
    path = tmp_path / "lexical.npz"
    records = vacancies(TEXTS)
    # v3's seq is past the pool's generation: its record may predate that write.
    pool_lexical(records, np.array([1, 2, 3, 9], dtype=np.int64), 5, path)
    kept = read_rows(path, lexical_cache.fingerprint())
    assert kept is not None
    assert list(kept.ids) == ["v0", "v1", "v2"]


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda p: p.write_bytes(b"\x00not an npz"), id="garbage"),
        pytest.param(lambda p: p.write_bytes(p.read_bytes()[:200]), id="truncated"),
        pytest.param(
            lambda p: np.savez(p, fingerprint=np.array("other-normaliser")), id="other-settings"
        ),
    ],
)
def test_a_damaged_or_foreign_cache_is_recomputed_and_replaced(
    tmp_path: Path, damage: object, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "lexical.npz"
    records = vacancies(TEXTS)
    seqs = np.arange(1, 5, dtype=np.int64)
    pool_lexical(records, seqs, 4, path)
    damage(path)  # type: ignore[operator]
    caplog.set_level(logging.INFO, logger=lexical_cache.__name__)
    matrix = pool_lexical(records, seqs, 4, path)
    assert counts(caplog) == "vacancy n-grams: 0 kept, 4 computed"
    assert np.allclose(matrix.toarray(), afresh(records))
    assert read_rows(path, lexical_cache.fingerprint()) is not None
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".lexical-")]


def test_an_empty_pool(tmp_path: Path) -> None:
    matrix = pool_lexical([], np.zeros(0, dtype=np.int64), 0, tmp_path / "lexical.npz")
    assert matrix.shape[0] == 0


def test_an_unwritable_cache_costs_speed_not_the_pool(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder should be")
    records = vacancies(TEXTS)
    matrix = pool_lexical(records, np.arange(1, 5, dtype=np.int64), 4, blocker / "lexical.npz")
    assert np.allclose(matrix.toarray(), afresh(records))
