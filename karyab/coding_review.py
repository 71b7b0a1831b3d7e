"""Coding review: the titles the occupation coder abstained on go to a person, and the person's
code is kept and reused.

The coder codes the sure cases and abstains on the rest (``isco_code`` stays empty). This is
the other half of selective coding, as statistical offices run it:

* :meth:`CodingReview.queue` lists the stored records still without a code, grouped by title
  key and most frequent first, each with the coder's candidates, so that one decision codes
  every record with that title;
* :meth:`CodingReview.decide` keeps a person's code for a title key and codes the stored
  records with that key at once, in one transaction with its audit entry;
* :meth:`CodingReview.code` and :meth:`CodingReview.with_occupations` give later texts with a
  decided key the person's code before the coder is asked. Job-ad titles repeat: on the job
  board's development list, 55 % of ads carry a title key an earlier ad had.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Literal, TypeVar

from karyab.enrich import with_occupations
from karyab.records import Jobseeker, Vacancy
from models.occupation_coder import (
    OccupationCandidate,
    OccupationCoder,
    OccupationPrediction,
    has_signal,
    text_key,
)
from storage.occupation_decisions import OccupationDecision
from storage.sql_store import SqlStore, WriteAudit
from taxonomy.isco import IscoTaxonomy

logger = logging.getLogger(__name__)

Kind = Literal["vacancy", "jobseeker"]
KINDS: tuple[Kind, ...] = ("vacancy", "jobseeker")
R = TypeVar("R", Vacancy, Jobseeker)
# Title keys remembered per review object: a queue over a large store parses each distinct
# stored title once (about 0.2 ms each), not on every call.
_KEY_MEMORY = 200_000


class DecisionError(ValueError):
    """A decision that cannot be kept: an unknown code, or a title with nothing to code.
    ``index`` is the position of the pair at fault among those given."""

    def __init__(self, message: str, index: int | None = None) -> None:
        super().__init__(message)
        self.index = index


@dataclass(frozen=True)
class QueueItem:
    """Stored records without a code that share one title key."""

    title_key: str
    title: str  # the title most of them are written with
    count: int
    counts: dict[str, int]  # by kind
    candidates: tuple[OccupationCandidate, ...]
    confidence: float


@dataclass(frozen=True)
class DecisionResult:
    decisions: tuple[OccupationDecision, ...]
    recoded: dict[str, int]  # records coded by them, by kind


class CodingReview:
    """The review queue and people's decisions over one store and one coder."""

    def __init__(self, store: SqlStore, coder: OccupationCoder, taxonomy: IscoTaxonomy) -> None:
        self.store = store
        self.coder = coder
        self.taxonomy = taxonomy
        self._keys: dict[str, str] = {}

    def key(self, title: str) -> str:
        key = self._keys.get(title)
        if key is None:
            if len(self._keys) >= _KEY_MEMORY:
                self._keys.clear()
            key = self._keys[title] = text_key(title)
        return key

    # -- the queue --------------------------------------------------------------------

    def queue(self, kind: Kind | None = None, limit: int = 50) -> list[QueueItem]:
        """Title keys of stored records without a code, the most records first, each with
        the coder's candidates for its most common title."""
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        titles: dict[str, Counter[str]] = defaultdict(Counter)
        for each in (kind,) if kind else KINDS:
            for _, title in self.store.uncoded_titles(each):
                key = self.key(title)
                if has_signal(key):
                    counts[key][each] += 1
                    titles[key][title] += 1
        ranked = sorted(counts, key=lambda k: (-counts[k].total(), k))[:limit]
        examples = [titles[key].most_common(1)[0][0] for key in ranked]
        predictions = self.coder.predict_keys(ranked, top_k=5)
        return [
            QueueItem(
                title_key=key,
                title=example,
                count=counts[key].total(),
                counts=dict(counts[key]),
                candidates=prediction.candidates,
                confidence=prediction.confidence,
            )
            for key, example, prediction in zip(ranked, examples, predictions, strict=True)
        ]

    # -- decisions --------------------------------------------------------------------

    def decide(self, title: str, code: str, actor: str) -> DecisionResult:
        """Keep ``code`` for ``title``'s key (replacing an earlier decision) and code the
        stored records with that key that have no code yet."""
        return self.decide_many([(title, code)], actor)

    def decide_many(self, pairs: Sequence[tuple[str, str]], actor: str) -> DecisionResult:
        """:meth:`decide` for many (title, code) pairs, e.g. a coding dictionary an office
        already keeps: all are checked before anything is written, then kept with the
        records they code in one transaction. Pairs whose titles share a key must agree."""
        if not pairs:
            raise DecisionError("no decisions given")
        now = datetime.now(UTC)
        decisions: dict[str, OccupationDecision] = {}
        for index, (title, code) in enumerate(pairs):
            if code not in self.taxonomy or self.taxonomy.get(code).level != 4:
                raise DecisionError(f"{code!r} is not an ISCO-08 unit group (4 digits)", index)
            key = self.key(title)
            if not has_signal(key):
                raise DecisionError("the title has no letters or digits to code by", index)
            earlier = decisions.get(key)
            if earlier is not None and earlier.code != code:
                raise DecisionError(
                    f"{title!r} has the title key {key!r} of {earlier.title!r}, coded "
                    f"{earlier.code}, but is coded {code}",
                    index,
                )
            decisions[key] = OccupationDecision(key, code, title.strip(), actor, now)
        recoded: dict[Kind, list[Vacancy | Jobseeker]] = {}
        for kind in KINDS:
            keyed = [(i, self.key(t)) for i, t in self.store.uncoded_titles(kind)]
            codes = {i: decisions[key].code for i, key in keyed if key in decisions}
            records = self.store.get_many(kind, codes)
            recoded[kind] = [
                replace(records[i], isco_code=code, isco_guess=None)
                for i, code in codes.items()
                if i in records
            ]
        kept = list(decisions.values())
        self.store.decide_occupations(kept, recoded, WriteAudit(actor, "decide_occupation"))
        counts: dict[str, int] = {kind: len(records) for kind, records in recoded.items()}
        logger.info("%s coded %d title keys; records coded: %s", actor, len(kept), counts)
        return DecisionResult(tuple(kept), counts)

    # -- coding with decisions ----------------------------------------------------------

    def code(self, texts: Sequence[str], top_k: int = 5) -> list[OccupationPrediction]:
        """:meth:`OccupationCoder.predict`, except that a text whose key a person decided
        gets that code first, with confidence 1 (the coder's other candidates follow)."""
        keys = [self.key(text) for text in texts]
        decided = self.store.decided_codes(k for k in keys if has_signal(k))
        predictions = self.coder.predict_keys(keys, top_k)
        return [
            _with_decision(prediction, decided[key], self.taxonomy, top_k)
            if key in decided
            else prediction
            for key, prediction in zip(keys, predictions, strict=True)
        ]

    def with_occupations(self, records: Sequence[R]) -> list[R]:
        """:func:`karyab.enrich.with_occupations`, with people's decisions first."""
        return with_occupations(self.coder, records, self.store.decided_codes)


def _with_decision(
    prediction: OccupationPrediction, code: str, taxonomy: IscoTaxonomy, top_k: int
) -> OccupationPrediction:
    group = taxonomy.get(code)
    first = OccupationCandidate(code, group.title_fa, group.title_en, 1.0)
    others = tuple(c for c in prediction.candidates if c.code != code)
    return OccupationPrediction((first, *others)[:top_k], 1.0, False)
