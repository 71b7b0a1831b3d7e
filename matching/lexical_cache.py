"""The vacancy pool's character n-gram rows, kept from one night to the next.

Normalising and hashing every vacancy document is most of loading a pool (about two
minutes per 100,000 vacancies on one core, and each Ray actor loads its own), while a
night changes about 1 % of the vacancies. Rows are kept per (vacancy id, store seq) under a
fingerprint of the normaliser and the vectorizer, so a row is reused only for the same text
made the same way; anything else is computed again.

The file is a derived artefact (delete it at will) and is replaced atomically, so two
actors writing it at once, or a run killed while writing, leave a whole file behind.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from scipy import sparse
from tqdm import tqdm

from karyab.records import Vacancy
from matching.ngrams import NgramHasher, lexical_vectorizer
from nlp.normalize import normalize

logger = logging.getLogger(__name__)

_BATCH = 2000
# Text that exercises the normaliser (Arabic letters, digits, ZWNJ, kashida, diacritics,
# Latin): if its output changes, so may every stored document's.
_PROBE = "كارشناس ارشد برنامه نويسي Python پايه ١ - ۳ سال سابقه، مي‌باشد ـــ تهرانِ"


@dataclass(frozen=True)
class LexicalRows:
    """Rows of the lexical matrix and the (vacancy id, seq) each was made from."""

    ids: tuple[str, ...]
    seqs: npt.NDArray[np.int64]
    matrix: sparse.csr_matrix


def fingerprint() -> str:
    """What a cached row depends on besides its document: the vectorizer's settings and
    what the normaliser makes of a probe text."""
    params = sorted((k, repr(v)) for k, v in lexical_vectorizer().get_params().items())
    return hashlib.sha256(repr((params, normalize(_PROBE))).encode()).hexdigest()[:16]


def read_rows(path: Path, expected: str) -> LexicalRows | None:
    """The rows kept at ``path``; None when there are none, or they were made differently
    (``expected``: :func:`fingerprint`) or cannot be read."""
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as kept:
            if str(kept["fingerprint"]) != expected:
                logger.info("lexical cache %s: made by other settings, not used", path)
                return None
            matrix = sparse.csr_matrix(
                (kept["data"], kept["indices"], kept["indptr"]), shape=tuple(kept["shape"])
            )
            ids = tuple(str(i) for i in kept["ids"])
            seqs = kept["seqs"].astype(np.int64)
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as error:
        logger.warning("lexical cache %s unreadable (%s): computing every row", path, error)
        return None
    if len(ids) != matrix.shape[0] or len(seqs) != len(ids):
        logger.warning("lexical cache %s inconsistent: computing every row", path)
        return None
    return LexicalRows(ids, seqs, matrix)


def write_rows(path: Path, rows: LexicalRows, made_by: str) -> None:
    """Replace ``path`` with ``rows`` in one step."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".lexical-", suffix=".npz")
    try:
        with os.fdopen(handle, "wb") as out:
            np.savez(
                out,
                fingerprint=np.array(made_by),
                ids=np.array(rows.ids, dtype=str),
                seqs=rows.seqs,
                data=rows.matrix.data,
                indices=rows.matrix.indices,
                indptr=rows.matrix.indptr,
                shape=np.array(rows.matrix.shape, dtype=np.int64),
            )
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def pool_lexical(
    records: Sequence[Vacancy],
    seqs: npt.NDArray[np.int64],
    generation: int,
    path: Path | None,
    *,
    show_progress: bool = False,
) -> sparse.csr_matrix:
    """The lexical row of each of ``records`` (``seqs``: the store seq each was read at),
    reusing the rows kept at ``path`` and keeping the new set there (None: no cache).

    Rows of vacancies written after ``generation`` (while the pool was loading, so the
    record read may predate the seq) are computed but not kept.
    """
    made_by = fingerprint()
    kept = read_rows(path, made_by) if path is not None else None
    position: dict[tuple[str, int], int] = {}
    if kept is not None:
        keys = zip(kept.ids, kept.seqs.tolist(), strict=True)
        position = {key: row for row, key in enumerate(keys)}
    source = np.empty(len(records), dtype=np.int64)
    missing: list[int] = []
    for row, (record, seq) in enumerate(zip(records, seqs.tolist(), strict=True)):
        found = position.get((record.id, seq))
        if found is None:
            missing.append(row)
        else:
            source[row] = found
    parts = [kept.matrix] if kept is not None else []
    offset = kept.matrix.shape[0] if kept is not None else 0
    progress = tqdm(
        total=len(missing), desc="vacancy n-grams", unit="vacancy", disable=not show_progress
    )
    ngrams = NgramHasher()
    with progress as bar:
        for start in range(0, len(missing), _BATCH):
            chunk = missing[start : start + _BATCH]
            parts.append(ngrams([normalize(records[r].document()) for r in chunk]))
            bar.update(len(chunk))
    source[missing] = offset + np.arange(len(missing))
    if not parts:
        return NgramHasher()([])
    stacked = parts[0] if len(parts) == 1 else sparse.vstack(parts, format="csr")
    matrix = sparse.csr_matrix(stacked[source])
    logger.info("vacancy n-grams: %d kept, %d computed", len(records) - len(missing), len(missing))
    if path is not None and (missing or kept is None or kept.matrix.shape[0] != len(records)):
        stable = np.flatnonzero(seqs <= generation)
        rows = LexicalRows(
            tuple(records[r].id for r in stable.tolist()),
            seqs[stable],
            sparse.csr_matrix(matrix[stable]),
        )
        try:
            write_rows(path, rows, made_by)
        except OSError as error:  # a read-only data dir costs speed, not the night
            logger.warning("lexical cache %s not written: %s", path, error)
    return matrix
