"""ISCO-08 occupation coding of Persian job titles, vacancies and CVs.

Three views of a title vote for 4-digit codes:

* **semantic**: nearest titles of the Persian title index in e5 space (max cosine per code);
* **lexical**: nearest titles by character n-gram TF-IDF (robust to spelling, ZWNJ and
  transliteration variants);
* **classifier**: a linear model (scikit-learn) over word and character n-grams, trained on
  the index and on full-text examples.

For each candidate code a small logistic model combines the three views into one score; it
is trained on out-of-fold predictions, so it learns how far each view can be trusted on
titles it has not seen. The top score is then calibrated (isotonic regression, again out of
fold) into the probability that the top code is right, and the coder abstains below the
threshold that keeps the error of accepted codes under a target rate: selective coding, as
statistical offices do it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import torch
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC
from tqdm.auto import tqdm

from models.encoder import Encoder
from models.selective_coding import threshold_for_error
from nlp.normalize import normalize
from nlp.occupation_line import occupation_line
from nlp.titles import parse_job_title
from taxonomy.isco import IscoTaxonomy

logger = logging.getLogger(__name__)

_SPACES = re.compile(r"[\s\u200c]+")
_NEIGHBOURS = 50
_CANDIDATES = 20
N_FEATURES = 12


@dataclass(frozen=True)
class OccupationCandidate:
    code: str
    title_fa: str
    title_en: str
    score: float


@dataclass(frozen=True)
class OccupationPrediction:
    candidates: tuple[OccupationCandidate, ...]
    confidence: float
    abstain: bool

    @property
    def code(self) -> str | None:
        return self.candidates[0].code if self.candidates else None


# Licence and bar grades are written in words in the index and often in digits in ads
# («راننده پایه ۱» = «راننده پایه یک»); digits are Latin after normalisation.
_GRADES = re.compile(r"پایه\s*([123])(?!\d)")
_GRADE_WORDS = {"1": "یک", "2": "دو", "3": "سه"}


def title_key(text: str) -> str:
    """The occupational part of a title, normalised, ZWNJ and spaces unified."""
    parsed = parse_job_title(text) if len(text) <= 300 else None
    title = parsed.title if parsed and parsed.title else normalize(text)
    title = _GRADES.sub(lambda match: f"پایه {_GRADE_WORDS[match.group(1)]}", title)
    return _SPACES.sub(" ", title.lower()).strip()


_BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")


def core_key(key: str) -> str:
    """A title key without its bracketed details (industry, tools, product), when that
    leaves something: ``کارشناس فروش (روغن خوراکی)`` -> ``کارشناس فروش``."""
    core = _SPACES.sub(" ", _BRACKETS.sub(" ", key)).strip()
    return core or key


def occupation_key(text: str) -> str:
    """The title key a title, vacancy or CV is coded by: a title's own, or that of the line of
    a longer text that names the occupation (:func:`nlp.occupation_line.occupation_line`). A
    long text without line breaks (a run-on CV) is cut like a line: its head names the
    occupation, and encoding all of it would cost seconds per text."""
    return title_key(occupation_line(text) if "\n" in text.strip() or len(text) > 300 else text)


def has_signal(key: str) -> bool:
    """Whether a key has a letter or digit to code by."""
    return any(ch.isalnum() for ch in key)


@dataclass(frozen=True)
class _Views:
    """Per-query scores from each view, for the candidate codes of that query."""

    codes: list[list[str]]
    features: list[np.ndarray]  # one (n_candidates, N_FEATURES) block per query


class OccupationCoder:
    """Ranked ISCO-08 unit groups with a calibrated confidence and an abstain flag."""

    def __init__(
        self,
        taxonomy: IscoTaxonomy,
        encoder: Encoder,
        *,
        target_error: float = 0.05,
        n_folds: int = 4,
        random_state: int = 0,
    ) -> None:
        self.taxonomy = taxonomy
        self.encoder = encoder
        self.target_error = target_error
        self.n_folds = n_folds
        self.random_state = random_state

    # -- training ---------------------------------------------------------------------

    def fit(
        self,
        texts: Sequence[str],
        codes: Sequence[str],
        *,
        always_train: Sequence[bool] | None = None,
    ) -> OccupationCoder:
        """Learn from (title or text, 4-digit code) examples. Those marked ``always_train``
        (people's decisions, repeated for weight) are never held out, so the out-of-fold
        calibration and cut come from the rest alone."""
        if len(texts) != len(codes) or not texts:
            raise ValueError("texts and codes must be non-empty and of equal length")
        if always_train is not None and len(always_train) != len(texts):
            raise ValueError("always_train must have one flag per text")
        unknown = sorted({c for c in codes if c not in self.taxonomy})
        if unknown:
            raise ValueError(f"unknown ISCO codes in training data: {unknown[:10]}")
        keys = [title_key(t) for t in texts]
        labels = np.asarray(codes)
        self.codes_ = sorted(set(codes))
        self.code_index_ = {code: i for i, code in enumerate(self.codes_)}
        y = np.array([self.code_index_[c] for c in codes])

        logger.info("encoding %d training titles", len(keys))
        self.keys_ = keys
        self.labels_ = labels
        self.vectors_ = self.encoder.encode(keys, "query", batch_size=128, show_progress=True)
        self.lexical_ = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, min_df=1
        ).fit(keys)
        self.lexical_matrix_ = self.lexical_.transform(keys)
        self.word_ = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True)
        self.word_.fit(keys)
        # How many index titles a code has tracks how common it is in the labour market.
        counts = np.bincount(y, minlength=len(self.codes_))
        self.log_prior_ = {
            code: float(np.log1p(counts[i]) / np.log1p(counts.max()))
            for i, code in enumerate(self.codes_)
        }
        # Keys of the people's decisions learned from, set by the trainer (models/
        # occupation_training.py): their checks would be in-sample.
        self.learned_from_: frozenset[str] = frozenset()
        self._prepare()

        fixed = np.zeros(len(keys), bool) if always_train is None else np.asarray(always_train)
        folds = self._folds(y, fixed)
        # The fold classifiers and the final one are independent, and liblinear releases
        # the GIL: train them all at once in threads (the first start waits on this).
        everything = np.arange(len(keys))
        classifiers = self._train_classifiers(keys, y, [train for train, _ in folds] + [everything])
        oof_codes: list[list[str]] = []
        oof_features: list[np.ndarray] = []
        oof_truth: list[str] = []
        for (train, held), classifier in zip(
            tqdm(folds, desc="occupation coder folds", unit="fold"), classifiers, strict=False
        ):
            views = self._views(
                [keys[i] for i in held],
                self.vectors_[held],
                classifier,
                allowed=train,
            )
            oof_codes.extend(views.codes)
            oof_features.extend(views.features)
            oof_truth.extend(labels[held])

        rows: list[np.ndarray] = []
        targets: list[bool] = []
        for cands, feats, truth in zip(oof_codes, oof_features, oof_truth, strict=True):
            rows.append(feats)
            targets.extend(code == truth for code in cands)
        self.combiner_ = LogisticRegression(C=1.0, max_iter=1000)
        self.combiner_.fit(np.vstack(rows), np.asarray(targets))

        oof_ranked = self._rank(_Views(oof_codes, oof_features))
        top_scores = [ranked[0][1] if ranked else 0.0 for ranked in oof_ranked]
        correct = [
            bool(ranked) and ranked[0][0] == truth
            for ranked, truth in zip(oof_ranked, oof_truth, strict=True)
        ]
        self.calibrator_ = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0)
        self.calibrator_.fit(np.asarray(top_scores), np.asarray(correct, dtype=float))
        confidences = self.calibrator_.predict(np.asarray(top_scores))
        self.threshold_ = threshold_for_error(confidences, np.asarray(correct), self.target_error)
        self.oof_accuracy_ = float(np.mean(correct))
        logger.info(
            "out-of-fold accuracy@1 %.3f; abstain below confidence %.3f",
            self.oof_accuracy_,
            self.threshold_,
        )
        self.classifier_ = classifiers[-1]
        return self

    def _folds(self, y: np.ndarray, fixed: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        n_splits = max(2, self.n_folds)
        counts = np.bincount(y[~fixed], minlength=len(self.codes_))
        # Codes with fewer examples than folds cannot be stratified; they stay in training.
        single = np.isin(y, np.flatnonzero(counts < n_splits)) | fixed
        index = np.flatnonzero(~single)
        splitter = StratifiedKFold(n_splits, shuffle=True, random_state=self.random_state)
        folds = []
        for train, held in splitter.split(index, y[index]):
            folds.append((np.concatenate([index[train], np.flatnonzero(single)]), index[held]))
        return folds

    def _features(
        self, keys: Sequence[str], characters: sparse.csr_matrix | None = None
    ) -> sparse.csr_matrix:
        """The classifier's input: character and word n-grams (``characters`` when the
        caller has already transformed the keys)."""
        if characters is None:
            characters = self.lexical_.transform(keys)
        return sparse.hstack([characters, self.word_.transform(keys)]).tocsr()

    def _train_classifiers(
        self, keys: Sequence[str], y: np.ndarray, row_sets: Sequence[np.ndarray]
    ) -> list[LinearSVC]:
        features = self._features(keys)

        def train(rows: np.ndarray) -> LinearSVC:
            classifier = LinearSVC(C=0.5, random_state=self.random_state)
            return classifier.fit(features[rows], y[rows])

        workers = max(1, min(len(row_sets), os.cpu_count() or 1))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(train, row_sets))

    # -- persistence ------------------------------------------------------------------

    _STATE = (
        "codes_",
        "code_index_",
        "keys_",
        "labels_",
        "vectors_",
        "lexical_",
        "lexical_matrix_",
        "word_",
        "combiner_",
        "calibrator_",
        "threshold_",
        "oof_accuracy_",
        "log_prior_",
        "classifier_",
        "target_error",
        "random_state",
        "learned_from_",
    )
    # Kept by coders trained before the attribute existed: read with this default.
    _STATE_DEFAULTS: ClassVar[Mapping[str, object]] = {"learned_from_": frozenset()}

    def state(self) -> dict[str, object]:
        """The fitted state, without the taxonomy and encoder (which are passed in)."""
        return {name: getattr(self, name) for name in self._STATE}

    @classmethod
    def from_state(
        cls, state: dict[str, object], taxonomy: IscoTaxonomy, encoder: Encoder
    ) -> OccupationCoder:
        coder = cls(taxonomy, encoder)
        for name in cls._STATE:
            setattr(coder, name, state[name] if name in state else cls._STATE_DEFAULTS[name])
        coder._prepare()
        return coder

    def _prepare(self) -> None:
        """Derived lookups of the fitted state, computed once (not persisted)."""
        self._title_vectors = torch.from_numpy(np.ascontiguousarray(self.vectors_, np.float32))
        # Transposed once: a CSR times a CSC transpose costs a conversion on every call.
        self._lexical_by_title = self.lexical_matrix_.T.tocsr()
        self._label_index = np.array([self.code_index_[str(c)] for c in self.labels_])
        self._prior = np.array([self.log_prior_.get(c, 0.0) for c in self.codes_], np.float32)
        self._fingerprint: str | None = None

    @property
    def fingerprint(self) -> str:
        """Names this trained coder (its titles, codes and own cut): a cut set for it from
        people's checks is not carried over to another."""
        if self._fingerprint is None:
            digest = hashlib.sha256(f"{self.threshold_!r}|{self.oof_accuracy_!r}".encode())
            for key, label in zip(self.keys_, self.labels_, strict=True):
                digest.update(f"{label}\t{key}\n".encode())
            self._fingerprint = digest.hexdigest()[:16]
        return self._fingerprint

    # -- scoring ----------------------------------------------------------------------

    def _views(
        self,
        keys: Sequence[str],
        vectors: np.ndarray,
        classifier: object,
        allowed: np.ndarray | None = None,
        core: tuple[list[int], list[str]] | None = None,
    ) -> _Views:
        # In torch, not numpy: numpy's BLAS threads spin after a product and then fight the
        # encoder's threads for the two cores (single titles took 100 ms instead of 20).
        queries = torch.from_numpy(np.ascontiguousarray(vectors, dtype=np.float32))
        semantic = (queries @ self._title_vectors.T).numpy()
        characters = self.lexical_.transform(keys)
        lexical = (characters @ self._lexical_by_title).toarray()
        if core is not None and core[0]:
            # The head of a title without its bracketed details votes too: keep the better
            # character similarity of the full and the core form for each index title. (An
            # e5 vector of the head as well cost a quarter more encoding for no measurable
            # gain on the labelled set: 0.787 vs 0.785 accuracy@1, 0.939 @5 both ways.)
            rows, core_keys = core
            core_lexical = (self.lexical_.transform(core_keys) @ self._lexical_by_title).toarray()
            lexical[rows] = np.maximum(lexical[rows], core_lexical)
        if allowed is not None:
            mask = np.full(len(self.keys_), -1.0, dtype=np.float32)
            mask[allowed] = 0.0
            blocked = mask < 0
            semantic[:, blocked] = -1.0
            lexical[:, blocked] = -1.0
        decision = np.asarray(classifier.decision_function(self._features(keys, characters)))  # type: ignore[attr-defined]
        classes = np.asarray(classifier.classes_)  # type: ignore[attr-defined]
        label_index = self._label_index
        n_codes = len(self.codes_)
        sem, sem_vote = _per_code(semantic, label_index, n_codes, _NEIGHBOURS, 0.02)
        lex, lex_vote = _per_code(lexical, label_index, n_codes, _NEIGHBOURS, 0.05)
        # The classifier votes with its top candidates only, as the neighbour views do.
        clf = np.full((len(keys), n_codes), np.nan, dtype=np.float32)
        top_classes = np.argsort(-decision, axis=1, kind="stable")[:, :_CANDIDATES]
        query_rows = np.arange(len(keys))[:, None]
        clf[query_rows, classes[top_classes]] = decision[query_rows, top_classes]
        prior = self._prior
        blocks = []
        views = [(sem, 0.0), (lex, 0.0), (clf, -1.0)]
        for view, absent in views:
            filled = np.where(np.isnan(view), absent, view)
            present = ~np.isnan(view)
            peak = np.where(present, view, -np.inf).max(axis=1)
            best = np.where(present.any(axis=1), peak, 0.0)
            blocks += [filled, filled - best[:, None], 1.0 / (1 + _ranks(view))]
        features = np.stack(
            [*blocks, np.broadcast_to(prior, sem.shape), sem_vote, lex_vote], axis=2
        ).astype(np.float32)
        all_codes, all_features = [], []
        for row in range(len(keys)):
            tops = [_top_present(view[row], 10) for view, _ in views]
            candidates = list(dict.fromkeys([code for top in tops for code in top]))
            all_codes.append([self.codes_[c] for c in candidates])
            all_features.append(features[row, candidates])
        return _Views(all_codes, all_features)

    def _rank(self, views: _Views) -> list[list[tuple[str, float]]]:
        """Each query's candidates with the combiner's probability, best first (one
        combiner call for the whole batch)."""
        if not views.codes:
            return []
        sizes = [len(codes) for codes in views.codes]
        stacked = np.vstack(views.features) if sum(sizes) else np.zeros((0, N_FEATURES))
        all_logits = self.combiner_.decision_function(stacked) if len(stacked) else stacked
        ranked: list[list[tuple[str, float]]] = []
        start = 0
        for codes, size in zip(views.codes, sizes, strict=True):
            logits = np.asarray(all_logits[start : start + size], dtype=np.float64)
            start += size
            if not size:
                ranked.append([])
                continue
            weights = np.exp(logits - logits.max())
            probabilities = weights / weights.sum()
            order = np.argsort(-probabilities)
            ranked.append([(codes[i], float(probabilities[i])) for i in order])
        return ranked

    def predict(self, texts: Sequence[str], top_k: int = 5) -> list[OccupationPrediction]:
        """Ranked codes for each text (a title, or a vacancy or CV, coded by the line that
        names its occupation: :func:`occupation_key`).

        Texts that reduce to the same title key are coded once: job-ad batches repeat
        titles a lot, and each distinct key costs an e5 encoding.
        """
        return self.predict_keys([occupation_key(t) for t in texts], top_k)

    def predict_keys(self, keys: Sequence[str], top_k: int = 5) -> list[OccupationPrediction]:
        """:meth:`predict` for texts already reduced to their :func:`occupation_key`."""
        if top_k < 1:
            raise ValueError("top_k must be at least 1")
        # A key without a letter or digit ("!!!", "---") carries no signal: no candidates,
        # rather than whatever codes the calibration happens to give a blank query.
        unique = list(dict.fromkeys(k for k in keys if has_signal(k)))
        coded = dict(zip(unique, self._predict_unique(unique, top_k), strict=True))
        abstained = OccupationPrediction((), 0.0, True)
        return [coded.get(key, abstained) for key in keys]

    def _predict_unique(self, keys: list[str], top_k: int) -> list[OccupationPrediction]:
        if not keys:
            return []
        cores = [core_key(k) for k in keys]
        rows = [j for j, (k, c) in enumerate(zip(keys, cores, strict=True)) if c != k]
        core_keys = [cores[j] for j in rows]
        # Small batches: the encoder sorts by length, and short titles then waste little on
        # padding (batches of 128 took half as long again).
        vectors = self.encoder.encode(keys, "query", batch_size=32)
        views = self._views(keys, vectors, self.classifier_, core=(rows, core_keys))
        ranked_all = self._rank(views)
        tops = np.array([ranked[0][1] if ranked else 0.0 for ranked in ranked_all])
        confidences = self.calibrator_.predict(tops) if len(tops) else tops
        predictions = []
        for ranked, confidence in zip(ranked_all, confidences, strict=True):
            confidence = float(confidence) if ranked else 0.0
            candidates = tuple(
                OccupationCandidate(
                    code=code,
                    title_fa=self.taxonomy.get(code).title_fa,
                    title_en=self.taxonomy.get(code).title_en,
                    score=round(score, 6),
                )
                for code, score in ranked[:top_k]
            )
            predictions.append(
                OccupationPrediction(candidates, round(confidence, 6), confidence < self.threshold_)
            )
        return predictions


def _per_code(
    scores: np.ndarray, labels: np.ndarray, n_codes: int, k: int, temperature: float
) -> tuple[np.ndarray, np.ndarray]:
    """Per code, among each row's ``k`` nearest titles: the best similarity (NaN where the
    code has no title among them) and its share of a soft nearest-neighbour vote, so that
    many close titles outvote one."""
    n_rows = scores.shape[0]
    best = np.full((n_rows, n_codes), -np.inf, dtype=np.float32)
    votes = np.zeros((n_rows, n_codes), dtype=np.float32)
    if n_rows == 0 or scores.shape[1] == 0:
        return np.where(np.isinf(best), np.nan, best), votes
    k = min(k, scores.shape[1])
    # torch's top-k is an order of magnitude faster than numpy's row-wise argpartition on
    # the (held-out titles x index titles) matrices of training.
    found = torch.topk(torch.from_numpy(np.ascontiguousarray(scores)), k, dim=1, sorted=False)
    top = found.indices.numpy()
    values = np.take_along_axis(scores, top, axis=1)
    valid = values > -1.0  # titles blocked out of fold score -1
    rows = np.broadcast_to(np.arange(n_rows)[:, None], top.shape)
    codes = labels[top]
    np.maximum.at(best, (rows[valid], codes[valid]), values[valid])
    peak = np.where(valid, values, -np.inf).max(axis=1, keepdims=True)
    weights = np.where(valid, np.exp((values - peak) / temperature), 0.0)
    np.add.at(votes, (rows, codes), weights)
    totals = votes.sum(axis=1, keepdims=True)
    votes = np.divide(votes, totals, out=np.zeros_like(votes), where=totals > 0)
    return np.where(np.isinf(best), np.nan, best), votes


def _ranks(view: np.ndarray) -> np.ndarray:
    """Each code's rank in its row (best first, ties by code), 50 where it has no score."""
    order = np.argsort(np.where(np.isnan(view), np.inf, -view), axis=1, kind="stable")
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(view.shape[1])[None, :], axis=1)
    return np.where(np.isnan(view), 50, ranks).astype(np.float32)


def _top_present(row: np.ndarray, n: int) -> list[int]:
    present = np.flatnonzero(~np.isnan(row))
    order = np.argsort(-row[present], kind="stable")[:n]
    return present[order].tolist()
