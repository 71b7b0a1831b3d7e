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

import hashlib
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
    occupation_key,
)
from storage.occupation_decisions import OccupationDecision
from storage.sql_store import SqlStore, WriteAudit
from taxonomy.isco import IscoTaxonomy

logger = logging.getLogger(__name__)

Kind = Literal["vacancy", "jobseeker"]
KINDS: tuple[Kind, ...] = ("vacancy", "jobseeker")
R = TypeVar("R", Vacancy, Jobseeker)
# The store's meta entry naming how its title keys were made (see _key_version).
_KEY_VERSION = "title_key_version"
# Titles whose keys pin down the normaliser and title parser: a change to either that moves
# any of them makes the stored keys stale.
_KEY_PROBE = (
    "برنامه‌نويس ارشد Python (تهران) - آقا",
    "استخدام كارشناس فروش فوری در اصفهان",
    "راننده پایه ۱ - خانم",
    "خـیـاط‌ (مشهد)",
    "Senior Data Engineer [Remote]",
)


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
        self._keys_checked = False

    def key(self, title: str) -> str:
        """What decisions are kept and records grouped by: :func:`decision_key`."""
        return decision_key(occupation_key(title))

    def fill_keys(self) -> int:
        """Compute the title keys the store lacks for its uncoded records (each distinct
        title once, about 0.2 ms) and keep them there, so a queue or a decision groups
        records in SQL; returns how many records got one. Keys made another way (a new
        normaliser) are forgotten first, and decisions re-keyed from their titles."""
        self._check_key_version()
        missing = self.store.titles_without_keys()
        keys: dict[str, str] = {}
        for _, _, title in missing:
            if title not in keys:
                key = self.key(title)
                keys[title] = key if has_signal(key) else ""
        self.store.set_title_keys((kind, i, title, keys[title]) for kind, i, title in missing)
        if missing:
            logger.info("title keys computed for %d records", len(missing))
        return len(missing)

    def _check_key_version(self) -> None:
        """Once per process: when the store's keys were made another way (a new normaliser
        or title parser), forget the records' keys and re-key the decisions."""
        if self._keys_checked:
            return
        version = _key_version()
        if self.store.meta_value(_KEY_VERSION) != version:
            self.store.clear_title_keys()
            self._rekey_decisions()
            self.store.set_meta_value(_KEY_VERSION, version)
        self._keys_checked = True

    def _rekey_decisions(self) -> None:
        """Give every decision the key its title has now; where two titles now share a key,
        the newer decision stands."""
        decisions, offset = [], 0
        while batch := self.store.occupation_decisions(limit=10_000, offset=offset):
            decisions += batch
            offset += len(batch)
        rekeyed: dict[str, OccupationDecision] = {}
        for decision in sorted(decisions, key=lambda d: d.decided_at):
            key = self.key(decision.title)
            if has_signal(key):
                rekeyed[key] = replace(decision, title_key=key)
        if rekeyed or decisions:
            self.store.replace_occupation_decisions(list(rekeyed.values()))
            logger.info("re-keyed %d occupation decisions", len(rekeyed))

    # -- the queue --------------------------------------------------------------------

    def queue(self, kind: Kind | None = None, limit: int = 50) -> list[QueueItem]:
        """Title keys of stored records without a code, the most records first, each with
        the coder's candidates for its most common title. (A record is queued by its title;
        one without a title is coded from its text's first line, never queued.)"""
        self.fill_keys()
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        for key, each, n in self.store.uncoded_key_counts(kind):
            counts[key][each] += n
        ranked = sorted(counts, key=lambda k: (-counts[k].total(), k))[:limit]
        titles: dict[str, Counter[str]] = defaultdict(Counter)
        for key, title, n in self.store.uncoded_key_titles(ranked, kind):
            titles[key][title] += n
        examples = [titles[key].most_common(1)[0][0] for key in ranked]
        predictions = self.coder.predict(examples, top_k=5)
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
        self.fill_keys()
        ids: dict[Kind, dict[str, str]] = {kind: {} for kind in KINDS}
        for key, kind, record_id, _ in self.store.uncoded_with_keys(decisions):
            ids[kind][record_id] = decisions[key].code  # type: ignore[index]
        recoded: dict[Kind, list[Vacancy | Jobseeker]] = {}
        for kind in KINDS:
            records = self.store.get_many(kind, ids[kind])
            recoded[kind] = [
                replace(records[i], isco_code=code, isco_guess=None)
                for i, code in ids[kind].items()
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
        keys = [occupation_key(text) for text in texts]
        decided = self.decided(keys)
        predictions = self.coder.predict_keys(keys, top_k)
        return [
            _with_decision(prediction, decided[key], self.taxonomy, top_k)
            if key in decided
            else prediction
            for key, prediction in zip(keys, predictions, strict=True)
        ]

    def decided(self, keys: Sequence[str]) -> dict[str, str]:
        """Occupation key → the code a person decided for it, for the keys that have one."""
        self._check_key_version()
        folded = {key: decision_key(key) for key in keys if has_signal(key)}
        codes = self.store.decided_codes(folded.values())
        return {key: codes[fold] for key, fold in folded.items() if fold in codes}

    def with_occupations(self, records: Sequence[R]) -> list[R]:
        """:func:`karyab.enrich.with_occupations`, with people's decisions first."""
        return with_occupations(self.coder, records, self.decided)


def decision_key(key: str) -> str:
    """An occupation key without its spaces (and so its ZWNJ, which keys write as spaces):
    «سالن‌کار», «سالن کار» and «سالنکار» are one title to a person coding them."""
    return key.replace(" ", "")


def _key_version() -> str:
    probe = "\n".join(decision_key(occupation_key(title)) for title in _KEY_PROBE)
    return hashlib.sha256(probe.encode()).hexdigest()[:16]


def _with_decision(
    prediction: OccupationPrediction, code: str, taxonomy: IscoTaxonomy, top_k: int
) -> OccupationPrediction:
    group = taxonomy.get(code)
    first = OccupationCandidate(code, group.title_fa, group.title_en, 1.0)
    others = tuple(c for c in prediction.candidates if c.code != code)
    return OccupationPrediction((first, *others)[:top_k], 1.0, False)
