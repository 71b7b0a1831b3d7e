"""Ranking and beyond-accuracy metrics as pure functions over BEIR-style dicts.

``qrels[qid][doc_id] = grade`` (graded relevance, 0 = not relevant) and
``run[qid][doc_id] = score`` (higher is better; ties break on the document id). The ranking
metrics (recall, nDCG, MRR, MAP) return the mean over the queries that have at least one
relevant document; queries missing from ``run`` count as 0.

The beyond-accuracy metrics (coverage, concentration, exposure) look only at ``run``: they
use every query in it, whether judged or not, and describe where the recommendations go.

The underscored helpers work on one query's hits or top-k list, so that an evaluator can
reduce each query once and derive every metric from that.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from itertools import compress, repeat, zip_longest
from operator import le

Qrels = Mapping[str, Mapping[str, int]]
Run = Mapping[str, Mapping[str, float]]


def _top(scores: Mapping[str, float], k: int, values: Sequence[float] | None = None) -> list[str]:
    """The ``k`` best document ids, best first, ties broken on the id (so results do not
    depend on dict order). ``values`` is ``sorted(scores.values())`` if the caller has it."""
    if len(scores) > k:
        threshold = (sorted(scores.values()) if values is None else values)[-k]
        # The documents scoring at least the k-th best score, filtered in C (hot path).
        candidates = list(compress(scores, map(le, repeat(threshold), scores.values())))
    else:
        candidates = list(scores)
    # Two stable sorts with C-level keys give the order of key=(-score, doc), faster.
    candidates.sort()
    candidates.sort(key=scores.__getitem__, reverse=True)
    return candidates[:k]


def _judged(qrels: Qrels) -> dict[str, dict[str, int]]:
    return {
        qid: {doc: grade for doc, grade in docs.items() if grade > 0}
        for qid, docs in qrels.items()
        if any(grade > 0 for grade in docs.values())
    }


def _check_k(k: int) -> None:
    if k < 1:
        raise ValueError("k must be at least 1")


def _discount(position: int) -> float:
    """Log2 discount of a 0-based position: 1, 1/log2(3), 1/2, ... (rank r gets 1/log2(r+1))."""
    return 1.0 / math.log2(position + 2)


# Per-query helpers. The ranking metrics need only where the relevant documents land, so a
# query is reduced once to its hits: (0-based position, grade) of each ranked relevant
# document, best first. ``relevant`` holds the positive grades only.

Hits = list[tuple[int, int]]


def _hits(
    relevant: Mapping[str, int], scores: Mapping[str, float], values: Sequence[float] | None = None
) -> Hits:
    """Positions of the relevant documents in the ranking of ``scores`` (as in ``_top``).

    A document's position is the number of documents with a higher score, plus those with
    the same score and a smaller id. ``values`` is ``sorted(scores.values())``.
    """
    if values is None:
        values = sorted(scores.values())
    n = len(values)
    hits = []
    for doc, grade in relevant.items():
        score = scores.get(doc)
        if score is None:
            continue
        right = bisect_right(values, score)
        position = n - right
        if right - bisect_left(values, score) > 1:  # a tie: the smaller ids rank first
            position += sum(1 for other, value in scores.items() if value == score and other < doc)
        hits.append((position, grade))
    hits.sort()
    return hits


def _ideal_dcg(relevant: Mapping[str, int], k: int) -> float:
    ideal = sorted(relevant.values(), reverse=True)[:k]
    return sum((2**grade - 1) * _discount(i) for i, grade in enumerate(ideal))


def _recall(hits: Hits, n_relevant: int, k: float) -> float:
    return sum(1 for position, _ in hits if position < k) / n_relevant


def _dcg(hits: Hits, k: float) -> float:
    return sum((2**grade - 1) * _discount(position) for position, grade in hits if position < k)


def _reciprocal_rank(hits: Hits, k: float) -> float:
    return 1.0 / (hits[0][0] + 1) if hits and hits[0][0] < k else 0.0


def _average_precision(hits: Hits, n_relevant: int, k: float) -> float:
    found = (position for position, _ in hits if position < k)
    return sum(count / (position + 1) for count, position in enumerate(found, start=1)) / n_relevant


def _depth(k: int | None) -> float:
    if k is None:
        return math.inf
    _check_k(k)
    return k


def recall_at_k(qrels: Qrels, run: Run, k: int) -> float:
    """Mean over judged queries of (relevant documents in the top ``k``) / (relevant documents)."""
    _check_k(k)
    relevant = _judged(qrels)
    if not relevant:
        return 0.0
    total = sum(
        _recall(_hits(docs, run.get(qid, {})), len(docs), k) for qid, docs in relevant.items()
    )
    return total / len(relevant)


def ndcg_at_k(qrels: Qrels, run: Run, k: int) -> float:
    """nDCG with gain ``2**grade - 1`` and a log2 position discount.

    DCG@k of the ranking over the DCG@k of the ideal ranking of the query's judged documents.
    """
    _check_k(k)
    relevant = _judged(qrels)
    if not relevant:
        return 0.0
    total = sum(
        _dcg(_hits(docs, run.get(qid, {})), k) / _ideal_dcg(docs, k)
        for qid, docs in relevant.items()
    )
    return total / len(relevant)


def mrr(qrels: Qrels, run: Run, k: int | None = None) -> float:
    """Mean reciprocal rank of the first relevant document in the top ``k`` (0 if none)."""
    depth = _depth(k)
    relevant = _judged(qrels)
    if not relevant:
        return 0.0
    total = sum(
        _reciprocal_rank(_hits(docs, run.get(qid, {})), depth) for qid, docs in relevant.items()
    )
    return total / len(relevant)


def mean_average_precision(qrels: Qrels, run: Run, k: int | None = None) -> float:
    """Mean over judged queries of the precision at each relevant hit in the top ``k``,
    summed and divided by the number of relevant documents."""
    depth = _depth(k)
    relevant = _judged(qrels)
    if not relevant:
        return 0.0
    total = sum(
        _average_precision(_hits(docs, run.get(qid, {})), len(docs), depth)
        for qid, docs in relevant.items()
    )
    return total / len(relevant)


# Beyond-accuracy helpers over the top-k lists of every query in a run.


def _coverage(tops: Iterable[Sequence[str]], catalogue_size: int) -> float:
    if catalogue_size < 1:
        raise ValueError("catalogue_size must be at least 1")
    distinct: set[str] = set()
    for top in tops:
        distinct.update(top)
    if len(distinct) > catalogue_size:
        raise ValueError(
            f"the run recommends {len(distinct)} distinct documents, "
            f"more than catalogue_size={catalogue_size}"
        )
    return len(distinct) / catalogue_size


def _concentration(
    tops: Iterable[Sequence[str]], top_share: float, catalogue_size: int | None
) -> float:
    if not 0.0 < top_share <= 1.0:
        raise ValueError("top_share must be in (0, 1]")
    if catalogue_size is not None and catalogue_size < 1:
        raise ValueError("catalogue_size must be at least 1")
    counts: Counter[str] = Counter()
    for top in tops:
        counts.update(top)
    slots = sum(counts.values())
    if slots == 0:
        return 0.0
    size = len(counts) if catalogue_size is None else catalogue_size
    # Rounding first keeps float noise out: 0.07 * 100 is 7.000000000000001, not 8 documents.
    n_top = max(1, math.ceil(round(top_share * size, 9)))
    return sum(count for _, count in counts.most_common(n_top)) / slots


def _exposure_by_group(
    tops: Sequence[Sequence[str]], groups: Mapping[str, str], group_sizes: Mapping[str, int]
) -> dict[str, float]:
    exposure = dict.fromkeys(group_sizes, 0.0)
    # One column of documents per rank, across all queries (None pads short lists).
    for position, column in enumerate(zip_longest(*tops)):
        weight = _discount(position)
        for group, count in Counter(map(groups.get, column)).items():
            if group is not None:
                exposure[group] += count * weight
    total_exposure = sum(exposure.values())
    if total_exposure == 0.0:
        return dict.fromkeys(group_sizes, 0.0)
    catalogue = sum(group_sizes.values())
    return {
        group: (exposure[group] / total_exposure) / (size / catalogue)
        for group, size in group_sizes.items()
    }


def _parity(ratios: Mapping[str, float]) -> float:
    if not ratios:
        raise ValueError("groups is empty: exposure parity needs at least one group")
    highest = max(ratios.values())
    return min(ratios.values()) / highest if highest > 0.0 else 0.0


def _tops(run: Run, k: int) -> list[list[str]]:
    _check_k(k)
    return [_top(scores, k) for scores in run.values()]


def catalogue_coverage(run: Run, catalogue_size: int, k: int) -> float:
    """Share of the catalogue that is recommended at all.

    ``|union over queries of the top-k documents| / catalogue_size``: 1.0 when every document
    appears in at least one query's top ``k``, 0.0 for an empty run. Raises ``ValueError``
    when the run recommends more distinct documents than ``catalogue_size``.
    """
    return _coverage(_tops(run, k), catalogue_size)


def concentration(
    run: Run, k: int, top_share: float = 0.01, catalogue_size: int | None = None
) -> float:
    """Share of all top-k recommendation slots taken by the most-recommended documents.

    Count how often each document appears in the queries' top ``k``; the answer is the
    slots held by the ``ceil(top_share * catalogue_size)`` most frequent documents (at least
    one) divided by all filled slots. ``catalogue_size`` defaults to the number of distinct
    recommended documents. High values mean congestion: many job seekers are sent to the
    same few vacancies. 0.0 for an empty run.
    """
    return _concentration(_tops(run, k), top_share, catalogue_size)


def exposure_by_group(run: Run, groups: Mapping[str, str], k: int) -> dict[str, float]:
    """Each group's share of position-discounted exposure over its share of the catalogue.

    A document at rank ``r`` (1-based) of a query's top ``k`` receives exposure
    ``1 / log2(r + 1)``; exposure is summed over all queries and over each group's documents.
    ``groups`` maps every catalogue document id to a group label; documents without a label
    are ignored on both sides. The result maps each group to
    ``(group exposure / total exposure) / (group documents / labelled documents)``:
    1.0 is exactly proportional, above 1.0 over-exposed, 0.0 never shown (also for every
    group when the run shows no labelled document).
    """
    return _exposure_by_group(_tops(run, k), groups, Counter(groups.values()))


def exposure_parity(run: Run, groups: Mapping[str, str], k: int) -> float:
    """Demographic parity of exposure: lowest over highest exposure ratio among the groups.

    Uses the ratios of :func:`exposure_by_group` over every group with at least one document.
    1.0 means every group receives exposure in proportion to its share of the catalogue;
    0.0 means some group receives none (or nothing labelled is shown). Raises
    ``ValueError`` when ``groups`` is empty.
    """
    return _parity(exposure_by_group(run, groups, k))
