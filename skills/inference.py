"""Skills of a CV or vacancy: explicit mentions, implicit evidence, and the occupation's needs.

Three sources, each with a score band so that a ranking reads the way a person would weigh the
evidence: a skill the text names (0.80–0.99) comes before one the text implies (0.45–0.75),
which comes before one only the occupation suggests (0.15–0.50, marked ``occupation``: the
text does not say the person has it or the job asks for it, the occupation usually does).
A skill found several ways keeps its strongest source.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from models.occupation_coder import OccupationCoder
from nlp.normalize import normalize
from skills.gazetteer import Mention, SkillGazetteer
from skills.implicit import ImplicitHit, ImplicitSkillMatcher
from skills.phrases import unmatched_phrases
from skills.segment import Segment, segment_text
from taxonomy.isco import IscoTaxonomy
from taxonomy.skills import SkillTaxonomy

logger = logging.getLogger(__name__)

SkillSource = Literal["explicit", "implicit", "occupation"]
REQUIREMENT_SECTIONS = frozenset({"requirements", "duties", "experience"})
SECTION_BONUS = 0.03
REPEAT_BONUS = 0.01
MAX_REPEAT_BONUS = 0.03
IMPLICIT_BAND = (0.45, 0.75)
OCCUPATION_BAND = (0.15, 0.50)
OCCUPATION_SKILLS = 12  # essential skills taken from the coded occupation


_SKILL_FIELDS = ("مهارت", "نرم‌افزار", "skills", "توانایی")


def _is_skills_field(text: str) -> bool:
    """A form field that lists skills: "مهارت‌های مورد نیاز: اکسل / هلو"."""
    key, colon, _ = text.partition(":")
    return bool(colon) and len(key) <= 40 and any(word in key for word in _SKILL_FIELDS)


@dataclass(frozen=True)
class InferredSkill:
    id: str
    label_fa: str
    label_en: str
    labels: tuple[str, ...]
    score: float
    source: SkillSource
    evidence: str | None

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "label_fa": self.label_fa,
            "label_en": self.label_en,
            "labels": list(self.labels),
            "score": self.score,
            "source": self.source,
            "evidence": self.evidence,
        }


@dataclass(frozen=True)
class DocumentSkills:
    """What one text yields: its ranked skills and the requirement phrases no taxonomy
    skill matched (candidates for new skills)."""

    skills: list[InferredSkill]
    unmatched_phrases: list[str]


@dataclass(frozen=True)
class OccupationHint:
    code: str
    confidence: float


class SkillInferencer:
    """Infers skills; the taxonomy, gazetteer and models are built once and passed in."""

    def __init__(
        self,
        taxonomy: SkillTaxonomy,
        gazetteer: SkillGazetteer,
        *,
        implicit: ImplicitSkillMatcher | None = None,
        occupation_coder: OccupationCoder | None = None,
        isco: IscoTaxonomy | None = None,
    ) -> None:
        self.taxonomy = taxonomy
        self.gazetteer = gazetteer
        self.implicit = implicit
        self.occupation_coder = occupation_coder
        self.isco = isco

    def infer(
        self,
        text: str,
        *,
        top_k: int = 20,
        occupation: OccupationHint | None = None,
        code_occupation: bool = True,
    ) -> list[InferredSkill]:
        return self.infer_many(
            [text], top_k=top_k, occupations=[occupation], code_occupations=code_occupation
        )[0]

    def infer_many(
        self,
        texts: Sequence[str],
        *,
        top_k: int = 20,
        occupations: Sequence[OccupationHint | None] | None = None,
        code_occupations: bool = True,
    ) -> list[list[InferredSkill]]:
        """Skills per text, best first. Texts without an occupation hint are coded with the
        occupation coder when there is one and ``code_occupations`` is set."""
        analysed = self.analyse_many(
            texts, top_k=top_k, occupations=occupations, code_occupations=code_occupations
        )
        return [document.skills for document in analysed]

    def analyse_many(
        self,
        texts: Sequence[str],
        *,
        top_k: int = 20,
        occupations: Sequence[OccupationHint | None] | None = None,
        code_occupations: bool = True,
    ) -> list[DocumentSkills]:
        """Skills and unmatched requirement phrases per text (see :meth:`infer_many`)."""
        hints: list[OccupationHint | None] = (
            list(occupations) if occupations is not None else [None] * len(texts)
        )
        if len(hints) != len(texts):
            raise ValueError("occupations must be as long as texts")
        if code_occupations:
            hints = self._code_missing(texts, hints)
        segmented = [segment_text(normalize(t)) if t.strip() else [] for t in texts]
        implicit = self._implicit(segmented)
        return [
            self._infer_one(segments, hint, hits, top_k)
            for segments, hint, hits in zip(segmented, hints, implicit, strict=True)
        ]

    def _implicit(self, segmented: list[list[Segment]]) -> list[list[ImplicitHit]]:
        """Implicit hits per document, matched in one batch over every document's content."""
        per_document: list[list[ImplicitHit]] = [[] for _ in segmented]
        if self.implicit is None:
            return per_document
        owner: dict[str, list[int]] = {}
        content: list[str] = []
        for index, segments in enumerate(segmented):
            for segment in segments:
                if not segment.boilerplate and not segment.metadata:
                    if segment.text not in owner:
                        content.append(segment.text)
                    owner.setdefault(segment.text, []).append(index)
        for hit in self.implicit.match(content):
            for index in dict.fromkeys(owner[hit.segment]):
                per_document[index].append(hit)
        return per_document

    def _code_missing(
        self, texts: Sequence[str], hints: list[OccupationHint | None]
    ) -> list[OccupationHint | None]:
        missing = [i for i, hint in enumerate(hints) if hint is None and texts[i].strip()]
        if not missing or self.occupation_coder is None:
            return hints
        predictions = self.occupation_coder.predict([texts[i] for i in missing], top_k=1)
        for i, prediction in zip(missing, predictions, strict=True):
            if prediction.code is not None and not prediction.abstain:
                hints[i] = OccupationHint(prediction.code, prediction.confidence)
        return hints

    def _infer_one(
        self,
        segments: list[Segment],
        hint: OccupationHint | None,
        implicit_hits: list[ImplicitHit],
        top_k: int,
    ) -> DocumentSkills:
        if not segments:
            return DocumentSkills([], [])
        best: dict[str, tuple[float, SkillSource, str | None]] = {}

        def offer(skill_id: str, score: float, source: SkillSource, evidence: str | None) -> None:
            if skill_id not in best or score > best[skill_id][0]:
                best[skill_id] = (round(min(score, 0.99), 4), source, evidence)

        explicit, phrases = self._explicit(segments)
        for skill_id, (score, evidence) in explicit.items():
            offer(skill_id, score, "explicit", evidence)
        if self.implicit is not None:
            low, high = IMPLICIT_BAND
            floor = self.implicit.config.min_similarity
            for hit in implicit_hits:
                strength = (hit.similarity - floor) / max(1.0 - floor, 1e-6)
                offer(
                    hit.skill_id, low + (high - low) * min(strength, 1.0), "implicit", hit.segment
                )
        if hint is not None:
            low, high = OCCUPATION_BAND
            title = (
                self.isco.get(hint.code).title_fa if self.isco and hint.code in self.isco else ""
            )
            evidence = f"ISCO {hint.code} {title}".strip()
            essential = self.taxonomy.for_occupation(hint.code, "essential")[:OCCUPATION_SKILLS]
            for relation in essential:
                offer(
                    relation.skill_id,
                    low + (high - low) * relation.share * hint.confidence,
                    "occupation",
                    evidence,
                )
        ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))[:top_k]
        out: list[InferredSkill] = []
        for skill_id, (score, source, why) in ranked:
            skill = self.taxonomy.get(skill_id)
            out.append(
                InferredSkill(
                    id=skill.id,
                    label_fa=skill.label_fa,
                    label_en=skill.label_en,
                    labels=skill.labels,
                    score=score,
                    source=source,
                    evidence=why,
                )
            )
        return DocumentSkills(out, phrases)

    def _is_field_of_study(self, skill_id: str) -> bool:
        """An ESCO knowledge area (not a language): in a degree line it names the degree."""
        skill = self.taxonomy.get(skill_id)
        return (
            skill.skill_type == "knowledge"
            and not skill.local
            and "language" not in (skill.collections)
        )

    def _explicit(self, segments: list[Segment]) -> tuple[dict[str, tuple[float, str]], list[str]]:
        """Explicit skills (score, evidence) and the requirement phrases left unmatched."""
        found: dict[str, list[tuple[Mention, Segment]]] = {}
        read: list[tuple[Segment, list[Mention]]] = []
        for segment in segments:
            if segment.boilerplate:
                continue
            listing = segment.section == "requirements" or _is_skills_field(segment.text)
            mentions = self.gazetteer.find(segment.text, skills_context=listing)
            read.append((segment, mentions))
            for mention in mentions:
                if segment.education and self._is_field_of_study(mention.skill_id):
                    continue
                found.setdefault(mention.skill_id, []).append((mention, segment))
        scored: dict[str, tuple[float, str]] = {}
        for skill_id, places in found.items():
            mention, segment = max(places, key=lambda pair: pair[0].score)
            score = mention.score
            if any(s.section in REQUIREMENT_SECTIONS for _, s in places):
                score += SECTION_BONUS
            score += min(REPEAT_BONUS * (len(places) - 1), MAX_REPEAT_BONUS)
            scored[skill_id] = (score, mention.surface)
        return scored, unmatched_phrases(read)
