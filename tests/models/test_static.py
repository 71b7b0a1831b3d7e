"""The static encoder distilled from e5 (on a small vocabulary, to stay quick)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from models.static import StaticEncoder, ensure_static

pytestmark = pytest.mark.slow

CORPUS = [
    "برنامه نویسی پایتون",
    "توسعه نرم افزار با Python و Django",
    "رانندگی کامیون و حمل بار بین شهری",
    "حسابداری مالی و تهیه اظهارنامه مالیاتی",
    "آشپزی و تهیه غذا",
    "نرم‌افزار حسابداری سپیدار و هلو",
    "نصب و تعمیر کولر گازی",
    "فروش تلفنی و بازاریابی",
] * 40  # PCA needs at least as many tokens as dimensions


@pytest.fixture(scope="module")
def static_dir(e5_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    words = {w for text in CORPUS for w in text.split()}
    corpus = [*CORPUS, *words, *(f"{a}{b}" for a in "ابپتثجچحخدذرزسش" for b in "ابپتثجچحخدذرز")]
    return ensure_static(e5_model_dir, corpus, out=tmp_path_factory.mktemp("static") / "s")


def test_vectors_are_unit_rows(static_dir: Path) -> None:
    encoder = StaticEncoder(static_dir)
    vectors = encoder.encode(["برنامه نویسی پایتون", "آشپزی", "", "漢字"], kind="query")
    assert vectors.shape == (4, encoder.dim) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors[:2], axis=1), 1.0, atol=1e-5)
    assert not vectors[2].any() and not vectors[3].any()  # nothing known: a zero row
    again = encoder.encode(["برنامه نویسی پایتون"], kind="passage")
    assert np.allclose(again[0], vectors[0])
    assert encoder.encode([], kind="query").shape == (0, encoder.dim)
    with pytest.raises(TypeError):
        encoder.encode("برنامه نویسی", kind="query")  # type: ignore[arg-type]


def test_related_texts_are_closer(static_dir: Path) -> None:
    encoder = StaticEncoder(static_dir)
    a, b, c = encoder.encode(
        ["برنامه نویسی پایتون", "توسعه نرم افزار با Python", "آشپزی و تهیه غذا"], kind="query"
    )
    assert float(a @ b) > float(a @ c)


def test_reused_then_rebuilt_when_damaged(static_dir: Path, e5_model_dir: Path) -> None:
    before = (static_dir / "embeddings.npz").stat().st_mtime_ns
    words = {w for text in CORPUS for w in text.split()}
    corpus = [*CORPUS, *words, *(f"{a}{b}" for a in "ابپتثجچحخدذرزسش" for b in "ابپتثجچحخدذرز")]
    assert ensure_static(e5_model_dir, corpus, out=static_dir) == static_dir
    assert (static_dir / "embeddings.npz").stat().st_mtime_ns == before
    with (static_dir / "embeddings.npz").open("r+b") as handle:
        handle.seek(100)
        handle.write(b"\0" * 64)
    ensure_static(e5_model_dir, corpus, out=static_dir)
    StaticEncoder(static_dir).encode(["پایتون"], kind="query")  # loads again
