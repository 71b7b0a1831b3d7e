"""The on-disk format of a vector index, and crash-safe writing of it.

Version 2 (written now) keeps the faiss block in a file of its own beside the index file,
named after its SHA-256 (``<name>.<digest16>.faiss``), so that faiss can memory-map it:
processes that load the same index share its pages. The index file holds the header and
the metadata, which records the block's file name, size and digest. Version 1 (still read)
holds both in one file. Layout of the index file (all integers little-endian)::

    offset  size  field
    0       8     magic  b"KRYBVIDX"
    8       4     format version (uint32)
    12      8     metadata length in bytes (uint64)
    20      8     index length in bytes (uint64)
    28      32    SHA-256 over bytes [0, 28) + metadata + index
    60      ...   metadata: UTF-8 JSON object
    ...     ...   index: bytes from ``faiss.serialize_index`` (version 1; empty in 2)

The file is written to ``<path>.tmp-<random>`` in the same directory, flushed and
fsynced, renamed onto ``path`` with ``os.replace`` and the directory fsynced, so a
reader sees either the old file or the new one, never a mix. Reading checks the magic,
the version, the exact length and the checksum before anything is parsed.
"""

from __future__ import annotations

import contextlib
import glob
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

__all__ = [
    "FORMAT_VERSION",
    "MAGIC",
    "Payload",
    "read_payload",
    "write_payload",
    "write_split_payload",
]

logger = logging.getLogger(__name__)

MAGIC = b"KRYBVIDX"
FORMAT_VERSION = 2
_READABLE_VERSIONS = (1, 2)
_BLOCK_SUFFIX = ".faiss"
_HEADER = struct.Struct("<8sIQQ")
_DIGEST_SIZE = hashlib.sha256().digest_size
_PREFIX_SIZE = _HEADER.size + _DIGEST_SIZE


@dataclass(frozen=True, slots=True)
class Payload:
    """What a file holds: the JSON metadata and the serialised faiss index, in memory or
    (``index_path``, verified) in its own file for faiss to read or map."""

    metadata: dict[str, Any]
    index_bytes: memoryview | None
    index_path: Path | None = None


def write_payload(
    path: str | os.PathLike[str], metadata: Mapping[str, Any], index_bytes: memoryview
) -> None:
    """Atomically replace ``path`` with one file (version 1) holding ``metadata`` and
    ``index_bytes``."""
    _write_index_file(Path(path), 1, metadata, index_bytes)


def write_split_payload(
    path: str | os.PathLike[str], metadata: Mapping[str, Any], index_bytes: memoryview
) -> None:
    """Atomically replace ``path`` (version 2): the faiss block goes to its own file, named
    by its digest, before the index file that names it; blocks of earlier saves go after."""
    path = Path(path)
    digest = hashlib.sha256(index_bytes).hexdigest()
    block = path.with_name(f"{path.name}.{digest[:16]}{_BLOCK_SUFFIX}")
    if not (block.exists() and block.stat().st_size == index_bytes.nbytes):
        _write_atomic(block, (index_bytes,))
    described = {
        **metadata,
        "index_file": block.name,
        "index_size": index_bytes.nbytes,
        "index_sha256": digest,
    }
    _write_index_file(path, 2, described, memoryview(b""))
    # A process that mapped an older block keeps its pages: unlinking frees them only when
    # it lets go. One that read the index file just before this finds its block gone, and
    # rebuilds (the block is reported as missing, like any damage).
    for stale in path.parent.glob(f"{glob.escape(path.name)}.*{_BLOCK_SUFFIX}"):
        if stale != block:
            with contextlib.suppress(OSError):
                stale.unlink()


def _write_index_file(
    path: Path, version: int, metadata: Mapping[str, Any], index_bytes: memoryview
) -> None:
    text = json.dumps(metadata, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    meta = text.encode("utf-8")
    header = _HEADER.pack(MAGIC, version, len(meta), index_bytes.nbytes)
    digest = hashlib.sha256(header)
    digest.update(meta)
    digest.update(index_bytes)
    _write_atomic(path, (header, digest.digest(), meta, index_bytes))


def read_payload(path: str | os.PathLike[str], *, map_block: bool = False) -> Payload:
    """Read and verify a file written by :func:`write_payload` or
    :func:`write_split_payload`.

    Raises ``IndexCorruptError`` if the file is truncated, has trailing bytes, fails its
    checksum, is not an index file, has a format version this code cannot read, or (version
    2) its faiss block file is missing or damaged. With ``map_block`` a version 2 block is
    verified and left on disk (``index_path``) rather than read into memory. ``OSError``
    (e.g. ``FileNotFoundError`` for ``path`` itself) propagates unchanged.
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
    if version not in _READABLE_VERSIONS:
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
    if version == 1:
        return Payload(metadata=metadata, index_bytes=data[meta_end:])
    return _read_block(path, metadata, map_block)


def _read_block(path: Path, metadata: dict[str, Any], map_block: bool) -> Payload:
    name = metadata.pop("index_file", None)
    size = metadata.pop("index_size", None)
    expected = metadata.pop("index_sha256", None)
    if not (
        isinstance(name, str)
        and isinstance(size, int)
        and isinstance(expected, str)
        and name == Path(name).name  # a sibling, never a path elsewhere
        and name.startswith(f"{path.name}.")
    ):
        raise IndexCorruptError(f"{path}: metadata does not name a faiss block file")
    block = path.with_name(name)
    digest = hashlib.sha256()
    kept = bytearray() if not map_block else None
    try:
        with block.open("rb") as handle:
            while chunk := handle.read(1 << 22):
                digest.update(chunk)
                if kept is not None:
                    kept += chunk
            read = handle.tell()
    except FileNotFoundError:
        raise IndexCorruptError(f"{path}: its faiss block {name} is missing") from None
    if read != size or digest.hexdigest() != expected:
        raise IndexCorruptError(f"{path}: checksum mismatch, its faiss block {name} is damaged")
    if kept is not None:
        return Payload(metadata=metadata, index_bytes=memoryview(bytes(kept)))
    return Payload(metadata=metadata, index_bytes=None, index_path=block)


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
