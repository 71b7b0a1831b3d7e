"""Training data for the occupation coder, and a cached, trained coder.

The coder learns from the project's own material: the Persian title index, the ISCO-08
titles, the ILO and ESCO English titles and the demo vacancies and CVs. The labelled
evaluation set (``evaluation/data``) is never used for training.

An office can also teach it its own coding: :func:`train_occupation_coder` with people's
decisions (:mod:`karyab.coding_review`) adds four in five of them, each repeated
:data:`DECISION_WEIGHT` times, and keeps the fifth out (:func:`held_out_for_checks`, by title
key, the same fifth at every retraining) so that the coder can still be measured on titles
it has not seen. The coder trained last is named in ``occupation-coder-current.json`` in the
cache folder, and :func:`ensure_occupation_coder` loads it while the project's own training
data are unchanged.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from models.encoder import Encoder
from models.occupation_coder import OccupationCoder
from taxonomy.isco import IscoTaxonomy
from taxonomy.titles import load_english_titles, load_title_index

logger = logging.getLogger(__name__)

CODER_VERSION = 2
# People's decisions weigh this many index titles: they are the office's own convention.
# Taught one half of the labelled ads as decisions, the coder codes the other half with
# accuracy@1 0.823 instead of 0.803 and auto-codes 50 % instead of 41 % at 5 % error (four
# random halvings: evaluate-occupations --learning-splits 4). In a first trial, adding them
# once gained less than a third of what five did.
DECISION_WEIGHT = 5
# The share of decisions (by title key) kept out of training, to measure the coder on.
CHECK_SHARE = 0.2
CURRENT = "occupation-coder-current.json"


@dataclass(frozen=True)
class DecisionExample:
    """A person's code for a title key (``storage.occupation_decisions``), as training data."""

    title_key: str
    title: str
    code: str


def held_out_for_checks(title_key: str) -> bool:
    """Whether a decision is kept out of training, to measure the coder on: a fixed fifth
    of title keys, by hash, so retraining never moves a key into training."""
    value = int(hashlib.sha256(title_key.encode()).hexdigest()[:8], 16) / 0x1_0000_0000
    return value < CHECK_SHARE


def training_examples(taxonomy: IscoTaxonomy) -> tuple[list[str], list[str]]:
    """(title, 4-digit code) pairs from the title index, ISCO, ILO/ESCO and the demo data."""
    from demo import load_demo_jobseekers, load_demo_vacancies

    texts: list[str] = []
    codes: list[str] = []
    for entry in [*load_title_index(), *load_english_titles()]:
        if entry.code in taxonomy:
            texts.append(entry.title)
            codes.append(entry.code)
    for group in taxonomy.units(official_only=False):
        texts.append(group.title_fa)
        codes.append(group.code)
    for record in [*load_demo_vacancies(), *load_demo_jobseekers()]:
        if record.get("isco_code") in taxonomy:
            texts.append(record["title"])
            codes.append(record["isco_code"])
    return texts, codes


def _fingerprint(texts: list[str], codes: list[str], encoder: Encoder) -> str:
    digest = hashlib.sha256(f"v{CODER_VERSION}|{encoder.name}".encode())
    for text, code in zip(texts, codes, strict=True):
        digest.update(f"{code}\t{text}\n".encode())
    return digest.hexdigest()[:16]


def ensure_occupation_coder(
    taxonomy: IscoTaxonomy, encoder: Encoder, cache_dir: Path
) -> OccupationCoder:
    """Load the trained coder from ``cache_dir``, training and caching it on first use.

    The cache file is named by a fingerprint of the training data and encoder, so new data
    or another encoder trains a new coder. A coder trained with people's decisions
    (:func:`train_occupation_coder`) is loaded instead while it was trained on the same
    project data and encoder. The files are our own artefacts, written atomically into the
    data dir; pickle is only ever read from there.
    """
    texts, codes = training_examples(taxonomy)
    base = _fingerprint(texts, codes, encoder)
    current = _current(cache_dir)
    name = current.get("file")
    if current.get("base") == base and isinstance(name, str) and "/" not in name:
        coder = _load(cache_dir / name, taxonomy, encoder)
        if coder is not None:
            return coder
    coder = _load(cache_dir / f"occupation-coder-{base}.pkl", taxonomy, encoder)
    if coder is not None:
        return coder
    logger.info("training the occupation coder on %d examples (first use only)", len(texts))
    coder = OccupationCoder(taxonomy, encoder).fit(texts, codes)
    _save(coder, cache_dir / f"occupation-coder-{base}.pkl")
    return coder


def train_occupation_coder(
    taxonomy: IscoTaxonomy,
    encoder: Encoder,
    cache_dir: Path,
    decisions: Sequence[DecisionExample] = (),
) -> OccupationCoder:
    """Train the coder on the project's data and people's ``decisions`` (all but the fifth
    kept for checks) and make it the one :func:`ensure_occupation_coder` loads. Without
    decisions, the project's own coder becomes current again."""
    texts, codes = training_examples(taxonomy)
    base = _fingerprint(texts, codes, encoder)
    learned = [d for d in decisions if not held_out_for_checks(d.title_key)]
    if not learned:
        (cache_dir / CURRENT).unlink(missing_ok=True)
        return ensure_occupation_coder(taxonomy, encoder, cache_dir)
    all_texts, all_codes, always = with_decisions(texts, codes, learned)
    fingerprint = _fingerprint(all_texts, all_codes, encoder)
    path = cache_dir / f"occupation-coder-{fingerprint}.pkl"
    coder = _load(path, taxonomy, encoder)
    if coder is None:
        logger.info(
            "training the occupation coder on %d examples and %d people's decisions",
            len(texts),
            len(learned),
        )
        coder = OccupationCoder(taxonomy, encoder).fit(all_texts, all_codes, always_train=always)
        coder.learned_from_ = frozenset(d.title_key for d in learned)
        _save(coder, path)
    current = {
        "file": path.name,
        "base": base,
        "decisions": len(learned),
        "held_out": len(decisions) - len(learned),
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    _write_atomically(cache_dir / CURRENT, json.dumps(current).encode())
    return coder


def with_decisions(
    texts: Sequence[str], codes: Sequence[str], decisions: Sequence[DecisionExample]
) -> tuple[list[str], list[str], list[bool]]:
    """The training examples with ``decisions`` added, each :data:`DECISION_WEIGHT` times,
    and which examples must always train (the decisions: see ``OccupationCoder.fit``)."""
    extra_texts = [d.title for d in decisions for _ in range(DECISION_WEIGHT)]
    extra_codes = [d.code for d in decisions for _ in range(DECISION_WEIGHT)]
    always = [False] * len(texts) + [True] * len(extra_texts)
    return [*texts, *extra_texts], [*codes, *extra_codes], always


def _current(cache_dir: Path) -> dict[str, object]:
    try:
        current = json.loads((cache_dir / CURRENT).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        logger.warning("%s is unreadable (%s); the project's own coder is used", CURRENT, error)
        return {}
    return current if isinstance(current, dict) else {}


def _load(path: Path, taxonomy: IscoTaxonomy, encoder: Encoder) -> OccupationCoder | None:
    if not path.is_file():
        return None
    try:
        with path.open("rb") as handle:
            state = pickle.load(handle)
        return OccupationCoder.from_state(state, taxonomy, encoder)
    except (OSError, pickle.UnpicklingError, EOFError, KeyError, AttributeError) as error:
        logger.warning("cached occupation coder %s is unusable (%s); retraining", path, error)
        return None


def _save(coder: OccupationCoder, path: Path) -> None:
    _write_atomically(path, pickle.dumps(coder.state(), protocol=pickle.HIGHEST_PROTOCOL))


def _write_atomically(path: Path, payload: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle_fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".coder-")
    try:
        with os.fdopen(handle_fd, "wb") as handle:
            handle.write(payload)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
