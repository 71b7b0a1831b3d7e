"""Emerging skills the taxonomy lacks: growing clusters of unmatched requirement phrases.

Phrases that no taxonomy skill matched (see :mod:`skills.phrases`) are screened one by one
with the trend model, the growing ones are clustered by embedding similarity so that
spellings of one thing («پرامپت نویسی»، «پرامپت‌نویسی») count together, and each cluster is
tested again over the vacancies that mention any of its phrases. A cluster is named by its
most typical phrase and comes with example ads for the taxonomy curators.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize as l2_normalize

from analytics.facts import Facts, TitleLookup
from analytics.model import EMERGING_COLUMNS
from analytics.periods import month_label
from analytics.trends import benjamini_hochberg, fit_trends

logger = logging.getLogger(__name__)

# Embeds phrases into unit vectors (e.g. the project's e5 or static model).
PhraseEmbedder = Callable[[Sequence[str]], np.ndarray]


@dataclass(frozen=True)
class EmergingRules:
    min_count: int = 8  # vacancies mentioning a phrase cluster in the window
    min_growth: float = 1.5  # rate ratio per 12 months
    alpha: float = 0.05
    screen_p: float = 0.2  # loose first pass on single phrases
    max_candidates: int = 2000  # phrases clustered at most (the most frequent screened ones)
    cluster_distance: float = 0.35  # cosine distance within which phrases join one cluster
    examples: int = 3


def char_ngram_embedder(phrases: Sequence[str]) -> np.ndarray:
    """Character n-gram vectors: spelling variants of one phrase land close together."""
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4)).fit_transform(
        [p.replace(" ", "") + " " + p for p in phrases]
    )
    return np.asarray(l2_normalize(vectors).toarray(), dtype=np.float32)


def _monthly_matrix(
    rows: np.ndarray, labels: np.ndarray, months: np.ndarray, first: int, width: int, k: int
) -> np.ndarray:
    """Vacancies per (label, month), counting a vacancy once per label."""
    pairs = pd.DataFrame({"row": rows, "label": labels}).drop_duplicates()
    matrix = np.zeros((k, width))
    np.add.at(
        matrix,
        (pairs["label"].to_numpy(), months[pairs["row"].to_numpy()] - first),
        1,
    )
    return matrix


def emerging_phrases(
    facts: Facts,
    *,
    embed: PhraseEmbedder | None = None,
    rules: EmergingRules | None = None,
    lookup: TitleLookup | None = None,
) -> pd.DataFrame:
    """Growing clusters of unmatched phrases among the vacancies of ``facts`` (one window)."""
    rules = rules or EmergingRules()
    embed = embed or char_ngram_embedder
    empty = pd.DataFrame(columns=list(EMERGING_COLUMNS))
    if len(facts) == 0 or facts.phrases.empty:
        return empty
    months = facts.records["month"].to_numpy()
    first, width = int(months.min()), int(months.max() - months.min() + 1)
    exposure = np.bincount(months - first, minlength=width).astype(np.float64)

    phrase_codes, vocabulary = pd.factorize(facts.phrases["phrase"])
    rows = facts.phrases["row"].to_numpy()
    totals = np.bincount(phrase_codes, minlength=len(vocabulary))
    frequent = np.flatnonzero(totals >= max(2, rules.min_count // 2))
    if len(frequent) == 0:
        return empty
    # First pass: each frequent phrase alone, loosely; only growing ones go on.
    in_frequent = np.isin(phrase_codes, frequent)
    remap = np.full(len(vocabulary), -1)
    remap[frequent] = np.arange(len(frequent))
    matrix = _monthly_matrix(
        rows[in_frequent], remap[phrase_codes[in_frequent]], months, first, width, len(frequent)
    )
    fit = fit_trends(matrix, exposure)
    growing = (fit.growth > 1.0) & (fit.p_value < rules.screen_p)
    candidates = frequent[growing]
    if len(candidates) == 0:
        return empty
    candidates = candidates[np.argsort(-totals[candidates], kind="stable")][: rules.max_candidates]
    texts = [str(vocabulary[c]) for c in candidates]
    logger.info("clustering %d growing phrases of %d distinct", len(texts), len(vocabulary))
    if len(texts) == 1:
        cluster_of = np.zeros(1, dtype=np.int64)
    else:
        vectors = np.asarray(embed(texts), dtype=np.float32)
        cluster_of = AgglomerativeClustering(
            n_clusters=None,
            metric="cosine",
            linkage="average",
            distance_threshold=rules.cluster_distance,
        ).fit_predict(vectors)
    k = int(cluster_of.max()) + 1
    label_of = np.full(len(vocabulary), -1)
    label_of[candidates] = cluster_of
    in_candidates = label_of[phrase_codes] >= 0
    cluster_rows = rows[in_candidates]
    cluster_labels = label_of[phrase_codes[in_candidates]]
    matrix = _monthly_matrix(cluster_rows, cluster_labels, months, first, width, k)
    counts = matrix.sum(axis=1)
    fit = fit_trends(matrix, exposure)
    tested = counts >= rules.min_count
    q = np.ones(k)
    # The screen already picked growing phrases, so correct for every phrase it looked at:
    # the ones it let go count as tests with p = 1.
    screened_out = max(len(frequent) - int(tested.sum()), 0)
    padded = np.r_[fit.p_value[tested], np.ones(screened_out)]
    q[tested] = benjamini_hochberg(padded)[: int(tested.sum())]
    emerging = tested & (q < rules.alpha) & (fit.growth >= rules.min_growth)

    postings = facts.records["posting"].to_numpy()
    found: list[dict[str, object]] = []
    example_keys: list[list[int]] = []
    for cluster in np.flatnonzero(emerging):
        members = [c for c in candidates if label_of[c] == cluster]
        members.sort(key=lambda c: -totals[c])
        hit_rows = np.unique(cluster_rows[cluster_labels == cluster])
        recent = hit_rows[np.argsort(-months[hit_rows], kind="stable")][: rules.examples]
        first_hit = int(months[hit_rows].min())
        found.append(
            {
                "cluster": int(cluster),
                # The most frequent spelling is the one curators will recognise.
                "name": str(vocabulary[members[0]]),
                "phrases": " ؛ ".join(str(vocabulary[c]) for c in members),
                "count": int(counts[cluster]),
                "first_month": month_label(first_hit),
                "growth": float(fit.growth[cluster]),
                "growth_low": float(fit.growth_low[cluster]),
                "growth_high": float(fit.growth_high[cluster]),
                "q_value": float(q[cluster]),
            }
        )
        example_keys.append([int(postings[r]) for r in recent])
    if not found:
        return empty
    titles = lookup([key for keys in example_keys for key in keys]) if lookup else {}
    for row, keys in zip(found, example_keys, strict=True):
        row["examples"] = " ؛ ".join(
            "{}: {}".format(*titles.get(key, (f"#{key}", ""))) for key in keys
        )
    frame = pd.DataFrame(found, columns=list(EMERGING_COLUMNS))
    return frame.sort_values(["q_value", "count"], ascending=[True, False]).reset_index(drop=True)
