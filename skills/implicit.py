"""Implicit skills: embedding similarity between text segments and skill labels.

"پنج سال مسئول تنظیم اظهارنامه‌ها و لیست بیمه کارکنان بودم" names no label verbatim but is
close to "تهیه اظهارنامه مالیاتی" and "تهیه لیست بیمه". Each content segment is embedded and
compared with every Persian and English label of every skill. The static model is fast but
loose (a location line is "close" to workplace-safety labels), so a label is kept only when it
is among the segment's nearest, passes a similarity floor, stands out from the segment's
typical similarity, and shares at least half of its content words (by stem) with the
segment: the embedding ranks, the shared words keep the hit about the same thing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from models.encoder import Encoder
from nlp.normalize import normalize
from nlp.stopwords import is_stopword
from skills.gazetteer import tokens_of
from taxonomy.skills import SkillTaxonomy

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImplicitHit:
    skill_id: str
    similarity: float
    segment: str


@dataclass(frozen=True)
class ImplicitConfig:
    min_similarity: float = 0.75
    min_margin: float = 0.25  # above the segment's mean similarity to all labels
    nearest: int = 30  # labels looked at per segment
    per_segment: int = 2
    min_segment_chars: int = 12


_STEM_CHARS = 4  # words compare by their first characters: "تنظیم" ~ "تنظیمات"


def content_stems(text: str, *, normalized: bool = False) -> frozenset[str]:
    """Content words of ``text`` (no stopwords, 3+ characters), cut to a crude stem."""
    return frozenset(
        t.text[:_STEM_CHARS]
        for t in tokens_of(text if normalized else normalize(text))
        if len(t.text) >= 3 and not is_stopword(t.text) and not t.text.isdigit()
    )


class ImplicitSkillMatcher:
    def __init__(
        self,
        taxonomy: SkillTaxonomy,
        encoder: Encoder,
        config: ImplicitConfig | None = None,
    ) -> None:
        self.encoder = encoder
        self.config = config or ImplicitConfig()
        owners: list[str] = []
        texts: list[str] = []
        for skill in taxonomy:
            for label in (skill.label_fa, *skill.alt_fa, skill.label_en):
                texts.append(label)
                owners.append(skill.id)
        self._owners = owners
        self._label_stems = [content_stems(t) for t in texts]
        logger.info("embedding %d skill labels with %s", len(texts), encoder.name)
        self._labels = encoder.encode(texts, kind="passage", batch_size=256)

    def match(self, segments: Sequence[str]) -> list[ImplicitHit]:
        """Hits for normalised segments (of one or many documents), in segment order."""
        config = self.config
        usable = [s for s in segments if len(s) >= config.min_segment_chars]
        if not usable:
            return []
        vectors = self.encoder.encode(usable, kind="query", batch_size=256)
        similarity = vectors @ self._labels.T  # one BLAS call for the whole batch
        floors = np.maximum(config.min_similarity, similarity.mean(axis=1) + config.min_margin)
        nearest = np.argpartition(-similarity, config.nearest, axis=1)[:, : config.nearest]
        hits: list[ImplicitHit] = []
        for row_index, segment in enumerate(usable):
            row = similarity[row_index]
            candidates = nearest[row_index]
            candidates = candidates[row[candidates] >= floors[row_index]]
            if not candidates.size:
                continue
            stems = content_stems(segment, normalized=True)
            kept: dict[str, float] = {}
            for index in candidates[np.argsort(-row[candidates])]:
                owner = self._owners[index]
                label_stems = self._label_stems[index]
                shared = len(label_stems & stems)
                if owner not in kept and shared and shared * 2 >= len(label_stems):
                    kept[owner] = float(row[index])
                    if len(kept) >= config.per_segment:
                        break
            hits.extend(ImplicitHit(owner, sim, segment) for owner, sim in kept.items())
        return hits
