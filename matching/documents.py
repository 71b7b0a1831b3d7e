"""Character n-gram rows of stored records' documents, kept between requests.

Scoring one request re-ranks a few hundred stored candidates, and their documents must be
normalised (hazm) and hashed into n-grams first: about 3 ms a document, most of a request's
time. The same vacancies come back for many jobseekers (and the same jobseekers for many
vacancies), so each row is computed once and kept in a bounded least-recently-used cache.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from matching.features import lexical_vectors
from matching.ngrams import lexical_vectorizer
from nlp.normalize import normalize

# About 8 KB a row (1,000 n-grams of float32 weight and int32 column): 80 MB at most.
DEFAULT_CAPACITY = 10_000


def _key(document: str) -> bytes:
    # By content, not by id: an updated record is a new entry, and the stale one ages out.
    return hashlib.blake2b(document.encode("utf-8"), digest_size=16).digest()


class LexicalCache:
    """``rows(documents)`` equals ``lexical_vectors([normalize(d) for d in documents])``,
    computing only the documents it has not seen recently."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        if capacity < 0:
            raise ValueError("capacity must be at least 0")
        self.capacity = capacity
        self._rows: OrderedDict[bytes, sparse.csr_matrix] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._rows)

    def rows(self, documents: Sequence[str]) -> sparse.csr_matrix:
        if not documents:
            return sparse.csr_matrix((0, lexical_vectorizer().n_features), dtype=np.float32)
        keys = [_key(document) for document in documents]
        found: dict[bytes, sparse.csr_matrix] = {}
        with self._lock:
            for key in keys:
                row = self._rows.get(key)
                if row is not None:
                    self._rows.move_to_end(key)
                    found[key] = row
        missing = {key: doc for key, doc in zip(keys, documents, strict=True) if key not in found}
        if missing:
            computed = lexical_vectors([normalize(doc) for doc in missing.values()])
            for i, key in enumerate(missing):
                found[key] = computed[i]
            with self._lock:
                for key in missing:
                    self._rows[key] = found[key]
                    self._rows.move_to_end(key)
                while len(self._rows) > self.capacity:
                    self._rows.popitem(last=False)
        self.hits += len(keys) - len(missing)
        self.misses += len(missing)
        return sparse.vstack([found[key] for key in keys], format="csr")
