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
  board's development list, 55 % of ads carry a title key an earlier ad had;
* :meth:`CodingReview.sample` draws auto-coded records for a person to check, and
  :meth:`CodingReview.quality` measures the coder on every title people have coded: the
  error of the auto-coding cut on the office's own titles, and the cut that meets the target
  there, which :meth:`CodingReview.apply_threshold` puts in place of the coder's own;
* :meth:`CodingReview.recode` codes the stored records again after the cut, a decision or
  the coder changed, touching only codes the coder or a decision gave (``isco_source``).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Literal, TypeVar

import numpy as np
from tqdm.auto import tqdm

from karyab.enrich import code_record, with_occupations
from karyab.records import Jobseeker, Vacancy
from models.occupation_coder import (
    OccupationCandidate,
    OccupationCoder,
    OccupationPrediction,
    has_signal,
    occupation_key,
)
from models.selective_coding import (
    MAX_TARGET_ERROR,
    MIN_AUTO_CODED_CHECKS,
    CheckedCut,
    cut_at,
    cut_for_target,
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


# The store's meta entry holding an auto-coding cut set from people's checks (JSON).
_THRESHOLD = "occupation_threshold"
# Coded records drawn per title key asked for: keys repeat, and decided keys drop out.
_SAMPLE_DRAW = 5
# Title keys whose predictions one recoding pass keeps (about 0.5 KB each).
_PREDICTIONS_KEPT = 200_000


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


class ThresholdError(ValueError):
    """An auto-coding cut that people's checks cannot set (too few of them)."""


@dataclass(frozen=True)
class CodingQuality:
    """The coder measured on the titles people have coded (their decisions)."""

    target_error: float
    checks: int
    source: Literal["coder", "checks"]  # where the cut in use comes from
    in_use: CheckedCut  # what the cut in use does to the checks
    proposed: CheckedCut | None  # the lowest cut meeting the target on them, if enough
    set_by: str | None = None  # who set the cut in use from checks, and when
    set_at: str | None = None
    learned: int = 0  # decisions the coder was trained on: not checks of it

    def as_dict(self) -> dict[str, object]:
        """The report as plain data (the CLI prints it, the API answers it)."""
        return {
            "target_error": self.target_error,
            "checks": self.checks,
            "source": self.source,
            "in_use": self.in_use.as_dict(),
            "proposed": self.proposed.as_dict() if self.proposed else None,
            "set_by": self.set_by,
            "set_at": self.set_at,
            "learned": self.learned,
        }


@dataclass(frozen=True)
class DecisionResult:
    decisions: tuple[OccupationDecision, ...]
    recoded: dict[str, int]  # records coded by them, by kind


@dataclass
class RecodeCounts:
    """What coding the stored records again did to those of one kind."""

    checked: int = 0  # live records read
    given: int = 0  # left alone: their codes came with them
    coded: int = 0  # had no code, have one now
    uncoded: int = 0  # lost their code: below the cut now (they go to the review queue)
    recoded: int = 0  # another code
    restamped: int = 0  # same code, its source or the coder's guess newly kept
    skipped: int = 0  # written by someone else while this ran (coded by that write)

    def count(self, before: str | None, after: str | None) -> None:
        if before == after:
            self.restamped += 1
        elif before is None:
            self.coded += 1
        elif after is None:
            self.uncoded += 1
        else:
            self.recoded += 1


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
        decisions = self._all_decisions()
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
        return self._items(ranked, counts, titles)

    def _items(
        self, keys: list[str], counts: dict[str, Counter[str]], titles: dict[str, Counter[str]]
    ) -> list[QueueItem]:
        """Queue items of ``keys``, each with the coder's candidates for its most common
        title."""
        examples = [titles[key].most_common(1)[0][0] for key in keys]
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
            for key, example, prediction in zip(keys, examples, predictions, strict=True)
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
        otherwise = self._coded_otherwise(decisions)
        coder_said = {}
        for (kind, record_id), (code, prediction) in otherwise.items():
            ids[kind][record_id] = code  # type: ignore[index]
            coder_said[kind, record_id] = prediction
        cut = self._unsourced_cut()
        recoded: dict[Kind, list[Vacancy | Jobseeker]] = {}
        for kind in KINDS:
            records = self.store.get_many(kind, ids[kind])
            recoded[kind] = [
                code_record(records[i], code, None)
                for i, code in ids[kind].items()
                if i in records and _recodable(records[i], coder_said.get((kind, i)), cut)
            ]
        kept = list(decisions.values())
        self.store.decide_occupations(kept, recoded, WriteAudit(actor, "decide_occupation"))
        counts: dict[str, int] = {k: len(rs) for k, rs in recoded.items() if rs}
        logger.info("%s coded %d title keys; records coded: %s", actor, len(kept), counts)
        return DecisionResult(tuple(kept), counts)

    def _coded_otherwise(
        self, decisions: dict[str, OccupationDecision]
    ) -> dict[tuple[str, str], tuple[str, OccupationPrediction]]:
        """(kind, id) → (decided code, the coder's prediction for the key) of the stored
        coded records whose code is not the one a person now gives their key (the
        prediction tells whether a code stored before sources were kept was the coder's)."""
        found = [
            row for row in self.store.coded_with_keys(decisions) if row[3] != decisions[row[0]].code
        ]
        keys = list(dict.fromkeys(row[0] for row in found))
        predictions = self.coder.predict([decisions[k].title for k in keys], top_k=1)
        by_key = dict(zip(keys, predictions, strict=True))
        return {
            (kind, record_id): (decisions[key].code, by_key[key])
            for key, kind, record_id, _ in found
        }

    def _unsourced_cut(self) -> float:
        """The confidence at which a code stored without its source counts as the coder's:
        the coder's own cut or the cut in use, whichever auto-codes more."""
        return min(self.threshold()[0], float(self.coder.threshold_))

    # -- checking the auto-coding -------------------------------------------------------

    def sample(self, kind: Kind | None = None, limit: int = 50) -> list[QueueItem]:
        """Title keys of stored records the coder coded, drawn at random by record, for a
        person to check: each with the coder's candidates and confidence. Decisions on them
        (right or wrong) are checks of the auto-coding that :meth:`quality` counts; a
        different code corrects the records too."""
        self._check_key_version()
        threshold, _ = self.threshold()
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        titles: dict[str, Counter[str]] = defaultdict(Counter)
        codes: dict[str, set[str]] = defaultdict(set)
        for each, _, title, code in self.store.coded_sample(limit * _SAMPLE_DRAW, kind):
            key = self.key(title)
            if has_signal(key):
                counts[key][each] += 1
                titles[key][title] += 1
                codes[key].add(code)
        decided = self.store.decided_codes(counts)
        keys = sorted((k for k in counts if k not in decided), key=lambda k: -counts[k].total())
        items = [
            item
            for item in self._items(keys, counts, titles)
            # Coded by the coder: its code, at or above the cut in use.
            if item.candidates
            and item.candidates[0].code in codes[item.title_key]
            and item.confidence >= threshold
        ]
        return items[:limit]

    def quality(self, target_error: float | None = None) -> CodingQuality:
        """The coder on every title people have coded: what the cut in use auto-codes of
        them and how often wrongly, and the lowest cut at which they err at most
        ``target_error`` (the coder's own target by default)."""
        target = self.coder.target_error if target_error is None else target_error
        if not 0 < target < MAX_TARGET_ERROR:
            raise ThresholdError(f"the target error must lie between 0 and {MAX_TARGET_ERROR}")
        everything = self._all_decisions()
        # What the coder was trained on would measure it in-sample.
        decisions = [d for d in everything if d.title_key not in self.coder.learned_from_]
        predictions = self.coder.predict([d.title for d in decisions], top_k=1)
        confidence = np.array([p.confidence for p in predictions], dtype=float)
        correct = np.array(
            [p.code == d.code for p, d in zip(predictions, decisions, strict=True)], dtype=bool
        )
        kept = self._kept_threshold()
        threshold = float(kept["threshold"]) if kept else float(self.coder.threshold_)
        return CodingQuality(
            target_error=target,
            checks=len(decisions),
            source="checks" if kept else "coder",
            in_use=cut_at(confidence, correct, threshold),
            proposed=cut_for_target(confidence, correct, target),
            set_by=kept.get("actor"),
            set_at=kept.get("set_at"),
            learned=len(everything) - len(decisions),
        )

    def apply_threshold(self, actor: str, target_error: float | None = None) -> CodingQuality:
        """Put the cut people's checks propose (:meth:`quality`) in place of the coder's own,
        for this trained coder; later records and texts are auto-coded by it."""
        quality = self.quality(target_error)
        if quality.proposed is None:
            raise ThresholdError(
                f"the {quality.checks} titles people have coded cannot set a cut at "
                f"{quality.target_error:g} error: it needs at least {MIN_AUTO_CODED_CHECKS} of "
                "them auto-coded at it: check more of the coding (GET /v1/occupations/checks, "
                "karyab coding-queue --check)"
            )
        now = datetime.now(UTC).isoformat(timespec="seconds")
        cut = quality.proposed
        kept = {
            "coder": self.coder.fingerprint,
            "threshold": cut.threshold,
            "target_error": quality.target_error,
            "checks": cut.checked,
            "auto_coded": cut.auto_coded,
            "errors": cut.errors,
            "actor": actor,
            "set_at": now,
        }
        self.store.set_meta_value(_THRESHOLD, json.dumps(kept))
        logger.info(
            "%s set the auto-coding cut to %.3f from %d checks", actor, cut.threshold, cut.checked
        )
        return replace(quality, source="checks", in_use=cut, set_by=actor, set_at=now)

    def reset_threshold(self) -> None:
        """Go back to the coder's own cut."""
        self.store.set_meta_value(_THRESHOLD, None)

    def threshold(self) -> tuple[float, Literal["coder", "checks"]]:
        """The auto-coding cut in use: one set from people's checks for this coder, else the
        coder's own (set out of fold on the title index when it was trained)."""
        kept = self._kept_threshold()
        if kept:
            return float(kept["threshold"]), "checks"
        return float(self.coder.threshold_), "coder"

    def _kept_threshold(self) -> dict[str, Any]:
        raw = self.store.meta_value(_THRESHOLD)
        try:
            kept = json.loads(raw) if raw else {}
        except ValueError:
            logger.warning("the stored auto-coding cut is unreadable; the coder's own is used")
            return {}
        if not isinstance(kept, dict) or kept.get("coder") != self.coder.fingerprint:
            return {}  # set for another trained coder: its confidences meant something else
        return kept

    def _all_decisions(self) -> list[OccupationDecision]:
        decisions: list[OccupationDecision] = []
        while batch := self.store.occupation_decisions(limit=10_000, offset=len(decisions)):
            decisions += batch
        return decisions

    # -- coding the stored records again ------------------------------------------------

    def recode(
        self,
        kind: Kind | None = None,
        *,
        actor: str = "system",
        dry_run: bool = False,
        page: int = 2_000,
        show_progress: bool = False,
        stop: Callable[[], bool] | None = None,
        progress: Callable[[str, RecodeCounts], None] | None = None,
    ) -> dict[str, RecodeCounts]:
        """Code the stored live records again as a new record would be coded now: people's
        decisions first, then the coder at the cut in use. Run it after a stricter (or
        looser) cut is set, or a retrained coder is put in place: until then, records keep
        the codes they got on write. Only codes the coder or a decision gave change; a code
        that came with a record stays. Each page is stored in one transaction, and a record
        written since it was read is left (its write coded it), so a run can be stopped and
        run again. ``dry_run`` counts without writing. ``stop`` is asked between pages, and
        True ends the run; ``progress`` gets each kind's counts after every page."""
        threshold, _ = self.threshold()
        unsourced_cut = self._unsourced_cut()
        counts: dict[str, RecodeCounts] = {}
        # The coder's answer per title key, across pages: titles recur, and pages follow ids.
        predicted: dict[str, OccupationPrediction] = {}
        for each in (kind,) if kind else KINDS:
            if stop and stop():
                break
            total = self.store.count(each)
            tally = RecodeCounts()
            after: str | None = None
            with tqdm(
                total=total, desc=f"coding {each} records again", disable=not show_progress
            ) as bar:
                while not (stop and stop()) and (
                    batch := self.store.live_records(each, after, page)
                ):
                    after = batch[-1][0].id
                    if len(predicted) > _PREDICTIONS_KEPT:
                        predicted.clear()
                    changed = self._recoded_page(
                        batch, (threshold, unsourced_cut), predicted, tally
                    )
                    if changed and not dry_run:
                        stored = self.store.recode_occupations(
                            each, changed, WriteAudit(actor, "recode_occupations")
                        )
                        tally.skipped += len(changed) - len(stored)
                    bar.update(len(batch))
                    if progress is not None:
                        progress(each, replace(tally))
            counts[each] = tally
            logger.info(
                "%s records coded again%s: %s", each, " (dry run)" if dry_run else "", tally
            )
        return counts

    def _recoded_page(
        self,
        batch: list[tuple[Vacancy | Jobseeker, int]],
        cuts: tuple[float, float],
        predicted: dict[str, OccupationPrediction],
        tally: RecodeCounts,
    ) -> list[tuple[Vacancy | Jobseeker, int]]:
        """The records of one page whose coding changes, each with the write sequence it was
        read at. ``cuts`` are the cut in use and :meth:`_unsourced_cut`; ``predicted`` keeps
        the coder's answers by key, ``tally`` counts changes."""
        threshold, unsourced_cut = cuts
        keys = {r.id: occupation_key(r.title or r.text) for r, _ in batch}
        decided = self.decided(list(keys.values()))
        ask = [
            keys[r.id]
            for r, _ in batch
            if r.isco_source != "given" and (keys[r.id] not in decided or _unsourced(r))
        ]
        unique = [k for k in dict.fromkeys(ask) if k not in predicted]
        predicted.update(zip(unique, self.coder.predict_keys(unique, top_k=1), strict=True))
        changed = []
        for record, seq in batch:
            tally.checked += 1
            key = keys[record.id]
            prediction = predicted.get(key)
            if not _recodable(record, prediction, unsourced_cut):
                tally.given += 1
                continue
            fresh = code_record(record, decided.get(key), prediction, threshold)
            if _coding(fresh) == _coding(record):
                continue
            tally.count(record.isco_code, fresh.isco_code)
            changed.append((fresh, seq))
        return changed

    # -- coding with decisions ----------------------------------------------------------

    def code(self, texts: Sequence[str], top_k: int = 5) -> list[OccupationPrediction]:
        """:meth:`OccupationCoder.predict`, except that a text whose key a person decided
        gets that code first, with confidence 1 (the coder's other candidates follow)."""
        keys = [occupation_key(text) for text in texts]
        decided = self.decided(keys)
        threshold, _ = self.threshold()
        predictions = self.coder.predict_keys(keys, top_k)
        return [
            _with_decision(prediction, decided[key], self.taxonomy, top_k)
            if key in decided
            else replace(prediction, abstain=prediction.confidence < threshold)
            if prediction.candidates
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
        threshold, _ = self.threshold()
        return with_occupations(self.coder, records, self.decided, threshold)


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


def _coding(record: Vacancy | Jobseeker) -> tuple[str | None, str | None, str | None]:
    return record.isco_code, record.isco_guess, record.isco_source


def _recodable(
    record: Vacancy | Jobseeker,
    prediction: OccupationPrediction | None,
    unsourced_cut: float,
) -> bool:
    """Whether a correction or a new cut may change ``record``'s code: it has none, or the
    coder or a person's decision gave it. A code that came with the record is left. A code
    stored before sources were kept counts as the coder's when the coder (``prediction``,
    for the record's key) still gives it at ``unsourced_cut`` or above."""
    if not record.isco_code or record.isco_source in ("coder", "decision"):
        return True
    if record.isco_source == "given" or prediction is None:
        return False
    return prediction.code == record.isco_code and prediction.confidence >= unsourced_cut


def _unsourced(record: Vacancy | Jobseeker) -> bool:
    """A code stored before code sources were kept."""
    return bool(record.isco_code) and record.isco_source is None
