"""Build the skill inferencer once per process, caching the gazetteer on disk.

Normalising ~50k labels and loading hazm's lexicon takes about 15 s; the compiled gazetteer
is pickled under the models folder, keyed by a hash of the taxonomy files and the gazetteer
version, and loads in well under a second afterwards.
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
from skills.gazetteer import SkillGazetteer
from skills.implicit import ImplicitSkillMatcher
from skills.inference import SkillInferencer
from taxonomy.isco import IscoTaxonomy
from taxonomy.skills import DATA, SkillTaxonomy

logger = logging.getLogger(__name__)

GAZETTEER_VERSION = 1


def taxonomy_fingerprint(folder: Path = DATA) -> str:
    from skills import gazetteer

    # The gazetteer's own code is part of the key: a change in how labels are indexed
    # must not be served from an old pickle.
    digest = hashlib.sha256(f"gazetteer-v{GAZETTEER_VERSION}".encode())
    digest.update(Path(gazetteer.__file__).read_bytes())
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in {".csv", ".tsv"} and "reviews" not in path.parts:
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def load_gazetteer(taxonomy: SkillTaxonomy, cache_dir: Path | None) -> SkillGazetteer:
    """The gazetteer for ``taxonomy``, from ``cache_dir`` when a fresh copy is there."""
    path = cache_dir / f"skill-gazetteer-{taxonomy_fingerprint()}.pkl" if cache_dir else None
    if path is not None and path.exists():
        try:
            with path.open("rb") as handle:
                cached = pickle.load(handle)
            if isinstance(cached, SkillGazetteer):
                return cached
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError) as error:
            logger.warning("skill gazetteer cache %s unreadable (%s); rebuilding", path, error)
    from nlp.lexicon import persian_lexicon

    logger.info("building the skill gazetteer (once; cached afterwards)")
    gazetteer = SkillGazetteer(taxonomy, persian_lexicon().words.keys())
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".gazetteer-")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(gazetteer, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        for stale in path.parent.glob("skill-gazetteer-*.pkl"):
            if stale != path:
                stale.unlink(missing_ok=True)
    return gazetteer


def build_skill_inferencer(
    taxonomy: SkillTaxonomy,
    *,
    cache_dir: Path | None,
    implicit_encoder: Encoder | None,
    occupation_coder: OccupationCoder | None = None,
    isco: IscoTaxonomy | None = None,
) -> SkillInferencer:
    gazetteer = load_gazetteer(taxonomy, cache_dir)
    implicit = ImplicitSkillMatcher(taxonomy, implicit_encoder) if implicit_encoder else None
    return SkillInferencer(
        taxonomy, gazetteer, implicit=implicit, occupation_coder=occupation_coder, isco=isco
    )
