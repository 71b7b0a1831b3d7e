"""The single-file on-disk format of a vector index, and crash-safe writing of it.

Layout (all integers little-endian)::

    offset  size  field
    0       8     magic  b"KRYBVIDX"
    8       4     format version (uint32)
    12      8     metadata length in bytes (uint64)
    20      8     index length in bytes (uint64)
    28      32    SHA-256 over bytes [0, 28) + metadata + index
    60      ...   metadata: UTF-8 JSON object
    ...     ...   index: bytes from ``faiss.serialize_index``

The file is written to ``<path>.tmp-<random>`` in the same directory, flushed and
fsynced, renamed onto ``path`` with ``os.replace`` and the directory fsynced, so a
reader sees either the old file or the new one, never a mix. Reading checks the magic,
the version, the exact length and the checksum before anything is parsed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import struct
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.errors import IndexCorruptError

__all__ = ["FORMAT_VERSION", "MAGIC", "Payload", "read_payload", "write_payload"]

logger = logging.getLogger(__name__)

MAGIC = b"KRYBVIDX"
FORMAT_VERSION = 1
_HEADER = struct.Struct("<8sIQQ")
_DIGEST_SIZE = hashlib.sha256().digest_size
_PREFIX_SIZE = _HEADER.size + _DIGEST_SIZE


@dataclass(frozen=True, slots=True)
class Payload:
    """What a file holds: the JSON metadata and the serialised faiss index."""

    metadata: dict[str, Any]
    index_bytes: memoryview


def write_payload(
    path: str | os.PathLike[str], metadata: Mapping[str, Any], index_bytes: memoryview
) -> None:
    """Atomically replace ``path`` with a file holding ``metadata`` and ``index_bytes``."""
    text = json.dumps(metadata, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    meta = text.encode("utf-8")
    header = _HEADER.pack(MAGIC, FORMAT_VERSION, len(meta), index_bytes.nbytes)
    digest = hashlib.sha256(header)
    digest.update(meta)
    digest.update(index_bytes)
    _write_atomic(Path(path), (header, digest.digest(), meta, index_bytes))


def read_payload(path: str | os.PathLike[str]) -> Payload:
    """Read and verify a file written by :func:`write_payload`.

    Raises ``IndexCorruptError`` if the file is truncated, has trailing bytes, fails its
    checksum, is not an index file, or has a format version this code cannot read.
    ``OSError`` (e.g. ``FileNotFoundError``) propagates unchanged.
    """
    path = Path(path)
    data = memoryview(path.read_bytes())
    size = data.nbytes
    if size < len(MAGIC) or bytes(data[: len(MAGIC)]) != MAGIC:
        if size < len(MAGIC) and bytes(data) == MAGIC[:size]:
            raise IndexCorruptError(f"{path}: truncated index file ({size} bytes)")
        raise IndexCorruptError(f"{path}: not a karyab vector index file (bad magic)")
    if size < _PREFIX_SIZE:
        raise IndexCorruptError(
            f"{path}: truncated index file ({size} bytes, header alone is {_PREFIX_SIZE})"
        )
    _, version, meta_size, index_size = _HEADER.unpack_from(data)
    if version != FORMAT_VERSION:
        raise IndexCorruptError(
            f"{path}: unsupported index format version {version} (expected {FORMAT_VERSION})"
        )
    expected = _PREFIX_SIZE + meta_size + index_size
    if size < expected:
        raise IndexCorruptError(
            f"{path}: truncated index file ({size} of {expected} bytes present)"
        )
    if size > expected:
        raise IndexCorruptError(
            f"{path}: index file has {size - expected} unexpected trailing bytes"
        )
    digest = hashlib.sha256(data[: _HEADER.size])
    digest.update(data[_PREFIX_SIZE:])
    if digest.digest() != bytes(data[_HEADER.size : _PREFIX_SIZE]):
        raise IndexCorruptError(f"{path}: checksum mismatch, the index file is corrupted")
    meta_end = _PREFIX_SIZE + meta_size
    try:
        metadata = json.loads(bytes(data[_PREFIX_SIZE:meta_end]).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IndexCorruptError(f"{path}: metadata block is not valid JSON: {exc}") from exc
    if not isinstance(metadata, dict):
        raise IndexCorruptError(f"{path}: metadata block is not a JSON object")
    return Payload(metadata=metadata, index_bytes=data[meta_end:])


def _write_atomic(path: Path, chunks: tuple[bytes | memoryview, ...]) -> None:
    directory = path.parent
    fd, temp_name = tempfile.mkstemp(prefix=f"{path.name}.tmp-", dir=directory)
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
        raise
    _fsync_directory(directory)
    logger.debug("wrote %s (%d bytes)", path, sum(memoryview(c).nbytes for c in chunks))


def _fsync_directory(directory: Path) -> None:
    """Make the rename durable; skipped where directories cannot be opened (Windows)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        logger.debug("could not fsync directory %s", directory, exc_info=True)
    finally:
        os.close(fd)
