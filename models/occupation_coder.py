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

import logging
import os
import re
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC
from tqdm.auto import tqdm

from models.encoder import Encoder
from nlp.normalize import normalize
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


def title_key(text: str) -> str:
    """The occupational part of a title, normalised, ZWNJ and spaces unified."""
    parsed = parse_job_title(text) if len(text) <= 300 else None
    title = parsed.title if parsed and parsed.title else normalize(text)
    return _SPACES.sub(" ", title.lower()).strip()


_BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")


def core_key(key: str) -> str:
    """A title key without its bracketed details (industry, tools, product), when that
    leaves something: ``کارشناس فروش (روغن خوراکی)`` -> ``کارشناس فروش``."""
    core = _SPACES.sub(" ", _BRACKETS.sub(" ", key)).strip()
    return core or key


def main_title(text: str) -> str:
    """The line of a vacancy or CV that names the occupation: its first non-empty line."""
    for line in text.splitlines():
        line = line.strip(" \t-•*:")
        if line:
            return line[:300]
    return ""


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

    def fit(self, texts: Sequence[str], codes: Sequence[str]) -> OccupationCoder:
        """Learn from (title or text, 4-digit code) examples."""
        if len(texts) != len(codes) or not texts:
            raise ValueError("texts and codes must be non-empty and of equal length")
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

        folds = self._folds(y)
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

        top_scores, correct = [], []
        for cands, feats, truth in zip(oof_codes, oof_features, oof_truth, strict=True):
            ranked = self._rank(cands, feats)
            top_scores.append(ranked[0][1] if ranked else 0.0)
            correct.append(bool(ranked) and ranked[0][0] == truth)
        self.calibrator_ = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0)
        self.calibrator_.fit(np.asarray(top_scores), np.asarray(correct, dtype=float))
        confidences = self.calibrator_.predict(np.asarray(top_scores))
        self.threshold_ = _threshold_for_error(confidences, np.asarray(correct), self.target_error)
        self.oof_accuracy_ = float(np.mean(correct))
        logger.info(
            "out-of-fold accuracy@1 %.3f; abstain below confidence %.3f",
            self.oof_accuracy_,
            self.threshold_,
        )
        self.classifier_ = classifiers[-1]
        return self

    def _folds(self, y: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        counts = np.bincount(y)
        n_splits = max(2, self.n_folds)
        # Codes with fewer examples than folds cannot be stratified; they stay in training.
        single = np.isin(y, np.flatnonzero(counts < n_splits))
        index = np.flatnonzero(~single)
        splitter = StratifiedKFold(n_splits, shuffle=True, random_state=self.random_state)
        folds = []
        for train, held in splitter.split(index, y[index]):
            folds.append((np.concatenate([index[train], np.flatnonzero(single)]), index[held]))
        return folds

    def _features(self, keys: Sequence[str]) -> sparse.csr_matrix:
        return sparse.hstack([self.lexical_.transform(keys), self.word_.transform(keys)]).tocsr()

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
    )

    def state(self) -> dict[str, object]:
        """The fitted state, without the taxonomy and encoder (which are passed in)."""
        return {name: getattr(self, name) for name in self._STATE}

    @classmethod
    def from_state(
        cls, state: dict[str, object], taxonomy: IscoTaxonomy, encoder: Encoder
    ) -> OccupationCoder:
        coder = cls(taxonomy, encoder)
        for name in cls._STATE:
            setattr(coder, name, state[name])
        return coder

    # -- scoring ----------------------------------------------------------------------

    def _views(
        self,
        keys: Sequence[str],
        vectors: np.ndarray,
        classifier: object,
        allowed: np.ndarray | None = None,
        core: tuple[list[int], list[str], np.ndarray] | None = None,
    ) -> _Views:
        semantic = vectors @ self.vectors_.T
        lexical = (self.lexical_.transform(keys) @ self.lexical_matrix_.T).toarray()
        if core is not None and core[0]:
            # The head of a title without its bracketed details votes too: keep the
            # better similarity of the full and the core form for each index title.
            rows, core_keys, core_vectors = core
            semantic[rows] = np.maximum(semantic[rows], core_vectors @ self.vectors_.T)
            core_lexical = (self.lexical_.transform(core_keys) @ self.lexical_matrix_.T).toarray()
            lexical[rows] = np.maximum(lexical[rows], core_lexical)
        if allowed is not None:
            mask = np.full(len(self.keys_), -1.0, dtype=np.float32)
            mask[allowed] = 0.0
            blocked = mask < 0
            semantic[:, blocked] = -1.0
            lexical[:, blocked] = -1.0
        decision = np.asarray(classifier.decision_function(self._features(keys)))  # type: ignore[attr-defined]
        classes = list(classifier.classes_)  # type: ignore[attr-defined]
        all_codes, all_features = [], []
        for row in range(len(keys)):
            sem = _per_code_max(semantic[row], self.labels_, _NEIGHBOURS)
            lex = _per_code_max(lexical[row], self.labels_, _NEIGHBOURS)
            sem_vote = _per_code_vote(semantic[row], self.labels_, _NEIGHBOURS, 0.02)
            lex_vote = _per_code_vote(lexical[row], self.labels_, _NEIGHBOURS, 0.05)
            clf_scores = decision[row]
            clf_order = np.argsort(-clf_scores)[:_CANDIDATES]
            clf = {self.codes_[classes[i]]: float(clf_scores[i]) for i in clf_order}
            candidates = list(dict.fromkeys([*_top(sem, 10), *_top(lex, 10), *_top(clf, 10)]))
            sem_best = max(sem.values(), default=0.0)
            lex_best = max(lex.values(), default=0.0)
            clf_best = max(clf.values(), default=0.0)
            sem_rank = {c: r for r, c in enumerate(_top(sem, len(sem)))}
            lex_rank = {c: r for r, c in enumerate(_top(lex, len(lex)))}
            clf_rank = {c: r for r, c in enumerate(_top(clf, len(clf)))}
            feats = np.zeros((len(candidates), N_FEATURES), dtype=np.float32)
            for i, code in enumerate(candidates):
                feats[i] = [
                    sem.get(code, 0.0),
                    sem.get(code, 0.0) - sem_best,
                    1.0 / (1 + sem_rank.get(code, 50)),
                    lex.get(code, 0.0),
                    lex.get(code, 0.0) - lex_best,
                    1.0 / (1 + lex_rank.get(code, 50)),
                    clf.get(code, -1.0),
                    clf.get(code, -1.0) - clf_best,
                    1.0 / (1 + clf_rank.get(code, 50)),
                    self.log_prior_.get(code, 0.0),
                    sem_vote.get(code, 0.0),
                    lex_vote.get(code, 0.0),
                ]
            all_codes.append(candidates)
            all_features.append(feats)
        return _Views(all_codes, all_features)

    def _rank(self, codes: list[str], features: np.ndarray) -> list[tuple[str, float]]:
        if not codes:
            return []
        logits = self.combiner_.decision_function(features)
        weights = np.exp(logits - logits.max())
        probabilities = weights / weights.sum()
        order = np.argsort(-probabilities)
        return [(codes[i], float(probabilities[i])) for i in order]

    def predict(self, texts: Sequence[str], top_k: int = 5) -> list[OccupationPrediction]:
        """Ranked codes for each text (a title, or a vacancy/CV whose first line is used).

        Texts that reduce to the same title key are coded once: job-ad batches repeat
        titles a lot, and each distinct key costs an e5 encoding.
        """
        if top_k < 1:
            raise ValueError("top_k must be at least 1")
        # A long text without line breaks (a run-on CV) is cut like a first line: its head
        # names the occupation, and encoding all of it would cost seconds per text.
        keys = [title_key(main_title(t) if "\n" in t.strip() or len(t) > 300 else t) for t in texts]
        unique = list(dict.fromkeys(k for k in keys if k))
        coded = dict(zip(unique, self._predict_keys(unique, top_k), strict=True))
        abstained = OccupationPrediction((), 0.0, True)
        return [coded.get(key, abstained) for key in keys]

    def _predict_keys(self, keys: list[str], top_k: int) -> list[OccupationPrediction]:
        if not keys:
            return []
        vectors = self.encoder.encode(keys, "query", batch_size=128)
        cores = [core_key(k) for k in keys]
        rows = [j for j, (k, c) in enumerate(zip(keys, cores, strict=True)) if c != k]
        core_keys = [cores[j] for j in rows]
        core_vectors = (
            self.encoder.encode(core_keys, "query", batch_size=128)
            if rows
            else np.zeros((0, vectors.shape[1]), dtype=np.float32)
        )
        views = self._views(keys, vectors, self.classifier_, core=(rows, core_keys, core_vectors))
        predictions = []
        for slot in range(len(keys)):
            ranked = self._rank(views.codes[slot], views.features[slot])
            confidence = float(self.calibrator_.predict([ranked[0][1]])[0]) if ranked else 0.0
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


def _per_code_max(scores: np.ndarray, labels: np.ndarray, k: int) -> dict[str, float]:
    k = min(k, len(scores))
    top = np.argpartition(-scores, k - 1)[:k]
    best: dict[str, float] = defaultdict(lambda: -1.0)
    for i in top:
        if scores[i] <= -1.0:
            continue
        code = str(labels[i])
        best[code] = max(best[code], float(scores[i]))
    return dict(best)


def _per_code_vote(
    scores: np.ndarray, labels: np.ndarray, k: int, temperature: float
) -> dict[str, float]:
    """Share of the soft nearest-neighbour vote per code: many close titles outvote one."""
    k = min(k, len(scores))
    top = np.argpartition(-scores, k - 1)[:k]
    top = top[scores[top] > -1.0]
    if not len(top):
        return {}
    weights = np.exp((scores[top] - scores[top].max()) / temperature)
    votes: dict[str, float] = defaultdict(float)
    for i, weight in zip(top, weights, strict=True):
        votes[str(labels[i])] += float(weight)
    total = sum(votes.values())
    return {code: vote / total for code, vote in votes.items()}


def _top(scores: dict[str, float], n: int) -> list[str]:
    return sorted(scores, key=lambda c: (-scores[c], c))[:n]


def _threshold_for_error(confidence: np.ndarray, correct: np.ndarray, target: float) -> float:
    """Lowest confidence cut whose accepted predictions err at most ``target`` of the time."""
    order = np.argsort(-confidence)
    errors = np.cumsum(~correct[order])
    accepted = np.arange(1, len(order) + 1)
    ok = errors / accepted <= target
    if not ok.any():
        return 1.01
    last = int(np.flatnonzero(ok).max())
    return float(confidence[order][last])
