"""Training data for the occupation coder, and a cached, trained coder.

The coder learns from the project's own material only: the Persian title index, the ISCO-08
titles, the ILO and ESCO English titles and the demo vacancies and CVs. The labelled
evaluation set (``evaluation/data``) is never used for training.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
from pathlib import Path

from models.encoder import Encoder
from models.occupation_coder import OccupationCoder
from taxonomy.isco import IscoTaxonomy
from taxonomy.titles import load_english_titles, load_title_index

logger = logging.getLogger(__name__)

CODER_VERSION = 2


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
    or another encoder trains a new coder. It is our own artefact, written atomically into
    the data dir; pickle is only ever read from there.
    """
    texts, codes = training_examples(taxonomy)
    path = cache_dir / f"occupation-coder-{_fingerprint(texts, codes, encoder)}.pkl"
    if path.is_file():
        try:
            with path.open("rb") as handle:
                state = pickle.load(handle)
            return OccupationCoder.from_state(state, taxonomy, encoder)
        except (OSError, pickle.UnpicklingError, EOFError, KeyError, AttributeError) as error:
            logger.warning("cached occupation coder %s is unusable (%s); retraining", path, error)
    logger.info("training the occupation coder on %d examples (first use only)", len(texts))
    coder = OccupationCoder(taxonomy, encoder).fit(texts, codes)
    cache_dir.mkdir(parents=True, exist_ok=True)
    handle_fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=".coder-")
    try:
        with os.fdopen(handle_fd, "wb") as handle:
            pickle.dump(coder.state(), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return coder
