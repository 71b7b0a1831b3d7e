"""Character n-gram vectors of documents, hashed word by word.

scikit-learn's ``HashingVectorizer`` with ``analyzer="char_wb"`` cuts every word of every
document into n-grams in Python and hashes each n-gram: half a millisecond per CV, the
largest cost of a nightly patch. Its n-grams never cross a word boundary, so a document's
counts are the sum of its words' counts; :class:`NgramHasher` hashes each distinct word
once, keeps it, and sums. The result is exactly the vectorizer's (the same hashed counts,
normalised by the same function), so rows made either way can be compared.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.feature_extraction import FeatureHasher
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.preprocessing import normalize

logger = logging.getLogger(__name__)

_Word = tuple[npt.NDArray[np.int32], npt.NDArray[np.float64]]  # hashed columns, counts


def lexical_vectorizer() -> HashingVectorizer:
    """Stateless character n-grams (no vocabulary to fit or keep in step with the store);
    robust to the ZWNJ, spelling and suffix variation that word tokens miss."""
    return HashingVectorizer(
        analyzer="char_wb",
        ngram_range=(3, 4),
        n_features=2**18,
        alternate_sign=False,
        norm="l2",
    )


class NgramHasher:
    """``lexical_vectorizer().transform``, word by word, remembering up to ``max_words``
    words (a night's CVs share most of theirs; the memory is forgotten when full)."""

    def __init__(self, max_words: int = 200_000) -> None:
        vectorizer = lexical_vectorizer()
        if vectorizer.binary or vectorizer.strip_accents or not vectorizer.lowercase:
            raise ValueError("NgramHasher reproduces a lowercasing, counting char_wb vectorizer")
        self.n_features = int(vectorizer.n_features)
        self.max_words = max_words
        self._norm = vectorizer.norm
        self._analyzer = vectorizer.build_analyzer()
        self._hasher = FeatureHasher(
            n_features=self.n_features,
            input_type="string",
            alternate_sign=vectorizer.alternate_sign,
        )
        self._words: dict[str, _Word] = {}

    def __call__(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """One float32 row per text."""
        if not texts:
            return sparse.csr_matrix((0, self.n_features), dtype=np.float32)
        documents = [text.lower().split() for text in texts]
        vocabulary = list({word: None for words in documents for word in words})
        self._learn(vocabulary)
        # Counts = (text × word occurrences) @ (word × hashed n-gram counts), in C.
        local = {word: i for i, word in enumerate(vocabulary)}
        occurrences = [local[word] for words in documents for word in words]
        starts = np.zeros(len(documents) + 1, dtype=np.int64)
        np.cumsum([len(words) for words in documents], out=starts[1:])
        per_text = sparse.csr_matrix(
            (np.ones(len(occurrences)), np.asarray(occurrences, dtype=np.int64), starts),
            shape=(len(documents), len(vocabulary)),
        )
        hashed = [self._words[word] for word in vocabulary]
        sizes = np.zeros(len(vocabulary) + 1, dtype=np.int64)
        np.cumsum([len(columns) for columns, _ in hashed], out=sizes[1:])
        per_word = sparse.csr_matrix(
            (
                np.concatenate([c for _, c in hashed]) if hashed else np.zeros(0),
                np.concatenate([c for c, _ in hashed]) if hashed else np.zeros(0, np.int32),
                sizes,
            ),
            shape=(len(vocabulary), self.n_features),
        )
        matrix = sparse.csr_matrix(per_text @ per_word, dtype=np.float64)
        matrix.sum_duplicates()  # sorted columns, as the vectorizer's: the same norms
        if self._norm is not None:
            matrix = normalize(matrix, norm=self._norm, copy=False)
        return sparse.csr_matrix(matrix, dtype=np.float32)

    def _learn(self, words: list[str]) -> None:
        new = [word for word in words if word not in self._words]
        if not new:
            return
        if len(self._words) + len(new) > self.max_words:
            logger.debug("n-gram hasher: %d words remembered, forgetting them", len(self._words))
            self._words = {}
            new = list(words)
        hashed = sparse.csr_matrix(self._hasher.transform(self._analyzer(word) for word in new))
        hashed.sum_duplicates()
        for row, word in enumerate(new):
            start, end = hashed.indptr[row], hashed.indptr[row + 1]
            self._words[word] = (
                hashed.indices[start:end].astype(np.int32),
                hashed.data[start:end].astype(np.float64),
            )
