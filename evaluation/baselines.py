"""The systems karyab is measured against, in the same harness: random, BM25 (bm25s),
TF-IDF and zero-shot e5. Each returns a run: ``run[query_id][doc_id] = score``."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from itertools import pairwise

import bm25s
import numpy as np
import numpy.typing as npt
from sklearn.feature_extraction.text import TfidfVectorizer

from evaluation.retrieval import Run
from nlp.tokenize import content_tokens

logger = logging.getLogger(__name__)


def _top(scores: npt.NDArray[np.float64], k: int) -> npt.NDArray[np.int64]:
    k = min(k, scores.shape[0])
    part = np.argpartition(-scores, k - 1)[:k]
    return part[np.lexsort((part, -scores[part]))]


def random_run(
    query_ids: Sequence[str], doc_ids: Sequence[str], k: int, *, random_state: int = 0
) -> Run:
    """k documents per query drawn uniformly (the floor every metric is read against)."""
    rng = np.random.default_rng(random_state)
    run: Run = {}
    for qid in query_ids:
        picked = rng.choice(len(doc_ids), size=min(k, len(doc_ids)), replace=False)
        run[qid] = {doc_ids[i]: float(k - rank) for rank, i in enumerate(picked)}
    return run


def bm25_run(
    query_ids: Sequence[str],
    query_texts: Sequence[str],
    doc_ids: Sequence[str],
    doc_texts: Sequence[str],
    k: int,
) -> Run:
    """Okapi BM25 (bm25s, Lucene variant) over normalised Persian word tokens without
    stopwords."""
    retriever = bm25s.BM25()
    retriever.index([content_tokens(text) or ["∅"] for text in doc_texts], show_progress=False)
    tokens = [content_tokens(text) or ["∅"] for text in query_texts]
    docs, scores = retriever.retrieve(tokens, k=min(k, len(doc_ids)), show_progress=False)
    return {
        qid: {doc_ids[int(d)]: float(s) for d, s in zip(row_docs, row_scores, strict=True)}
        for qid, row_docs, row_scores in zip(query_ids, docs, scores, strict=True)
    }


def tfidf_run(
    query_ids: Sequence[str],
    query_texts: Sequence[str],
    doc_ids: Sequence[str],
    doc_texts: Sequence[str],
    k: int,
) -> Run:
    """Cosine over sublinear TF-IDF of word unigrams and bigrams (fitted on the corpus)."""
    vectorizer = TfidfVectorizer(
        analyzer=lambda text: _with_bigrams(content_tokens(text)), sublinear_tf=True, min_df=1
    )
    docs = vectorizer.fit_transform(doc_texts)
    queries = vectorizer.transform(query_texts)
    return _sparse_top(query_ids, queries @ docs.T, doc_ids, k)


def _with_bigrams(tokens: list[str]) -> list[str]:
    return tokens + [f"{a} {b}" for a, b in pairwise(tokens)]


def _sparse_top(query_ids: Sequence[str], sims: object, doc_ids: Sequence[str], k: int) -> Run:
    run: Run = {}
    dense_rows = 512
    matrix = sims.tocsr()  # type: ignore[attr-defined]
    for start in range(0, len(query_ids), dense_rows):
        block = matrix[start : start + dense_rows].toarray()
        for offset, row in enumerate(block):
            top = _top(row, k)
            run[query_ids[start + offset]] = {doc_ids[i]: float(row[i]) for i in top}
    return run


def dense_run(
    query_ids: Sequence[str],
    query_vectors: npt.NDArray[np.float32],
    doc_ids: Sequence[str],
    doc_vectors: npt.NDArray[np.float32],
    k: int,
) -> Run:
    """Exact cosine top-k of unit vectors (zero-shot e5 when given e5 vectors)."""
    import faiss

    index = faiss.IndexFlatIP(doc_vectors.shape[1])
    index.add(np.ascontiguousarray(doc_vectors, dtype=np.float32))
    scores, rows = index.search(np.ascontiguousarray(query_vectors, dtype=np.float32), k)
    return {
        qid: {doc_ids[int(r)]: float(s) for r, s in zip(row_ids, row_scores, strict=True) if r >= 0}
        for qid, row_ids, row_scores in zip(query_ids, rows, scores, strict=True)
    }
