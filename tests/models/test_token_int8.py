"""int8 linear layers scaled per token: a row's output is its own, whatever it is batched
with, and close to the float layer's."""

from __future__ import annotations

import pytest
import torch

from models.token_int8 import TokenInt8Linear


@pytest.fixture()
def layers() -> tuple[torch.nn.Linear, TokenInt8Linear]:
    torch.manual_seed(0)
    linear = torch.nn.Linear(64, 96)
    return linear, TokenInt8Linear.from_linear(linear)


@pytest.mark.parametrize("rows", [1, 5, 16, 17, 40])
def test_close_to_the_float_layer(
    layers: tuple[torch.nn.Linear, TokenInt8Linear], rows: int
) -> None:
    linear, quantised = layers
    x = torch.randn(rows, 64)
    with torch.no_grad():
        expected, got = linear(x), quantised(x)
    assert got.shape == expected.shape
    cosine = torch.nn.functional.cosine_similarity(got, expected, dim=1)
    assert cosine.min() > 0.999


def test_a_row_does_not_depend_on_its_batch(
    layers: tuple[torch.nn.Linear, TokenInt8Linear],
) -> None:
    _, quantised = layers
    torch.manual_seed(1)
    row = torch.randn(1, 64)
    loud = torch.randn(30, 64) * 50  # large activations set a per-batch scale
    with torch.no_grad():
        alone = quantised(row)
        batched = quantised(torch.cat([loud[:7], row, loud[7:]]))[7:8]
        in_3d = quantised(torch.cat([row, loud[:5]]).reshape(2, 3, 64))[0, 0]
    assert torch.equal(alone, batched)
    assert torch.equal(alone[0], in_3d)
    # PyTorch's dynamic quantisation scales the whole batch at once: the same row moves.
    dynamic = torch.ao.quantization.quantize_dynamic(
        torch.nn.Sequential(layers[0]), {torch.nn.Linear}, dtype=torch.qint8
    )
    with torch.no_grad():
        assert not torch.equal(dynamic(row), dynamic(torch.cat([loud[:7], row, loud[7:]]))[7:8])


def test_without_bias() -> None:
    linear = torch.nn.Linear(32, 8, bias=False)
    with torch.no_grad():
        x = torch.randn(3, 32)
        assert torch.allclose(TokenInt8Linear.from_linear(linear)(x), linear(x), atol=0.05)


def test_the_coder_s_encoder_with_the_hashing_stand_in_is_that_encoder() -> None:
    from pathlib import Path

    from karyab.service import build_coder_encoder
    from karyab.settings import Settings
    from models.encoder import HashingEncoder

    settings = Settings(data_dir=Path("/nonexistent"), encoder="hashing")
    given = HashingEncoder()
    assert build_coder_encoder(settings, given) is given
    assert isinstance(build_coder_encoder(settings), HashingEncoder)
