"""Skill-extraction evaluation on the project's hand-annotated ads and CVs.

``evaluation/data/skills_eval_fa.jsonl`` holds documents written by the project, each with the
taxonomy skills its text names explicitly (``gold``, with the words that name them) and, for
vacancies, the tags an employer would set. Three families of figures:

- **explicit precision / recall**: skills the extractor reports as ``explicit`` against the
  gold skills. A gold mention may list alternative ids (ESCO often has a knowledge and a skill
  concept for one thing); a prediction of any of them is right, and finds that mention.
- **expected-skill recall@k**: share of a document's gold skills among its top-k inferred
  skills, all sources together, averaged over documents.
- **tag recovery@k**: share of employer tags that equal, after normalisation, a label of one
  of the top-k inferred skills (the issue's definition).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nlp.normalize import normalize
from skills.inference import InferredSkill, SkillInferencer

DATA = Path(__file__).resolve().parent / "data" / "skills_eval_fa.jsonl"


@dataclass(frozen=True)
class AnnotatedDocument:
    id: str
    kind: str
    style: str
    text: str
    tags: tuple[str, ...]
    # One entry per gold mention: every id that counts as right for it.
    gold: tuple[frozenset[str], ...] = field(default=())
    split: str = ""  # "dev": read while developing; "test": never looked at


def load_annotated(path: Path = DATA) -> list[AnnotatedDocument]:
    documents: list[AnnotatedDocument] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            row = json.loads(line)
            groups: dict[str, set[str]] = defaultdict(set)
            order: list[str] = []
            for item in row["gold"]:
                key = item["surface"]
                if key not in groups:
                    order.append(key)
                groups[key].add(item["skill_id"])
            documents.append(
                AnnotatedDocument(
                    id=row["id"],
                    kind=row["kind"],
                    style=row.get("style", ""),
                    text=row["text"],
                    tags=tuple(row.get("tags") or ()),
                    gold=tuple(frozenset(groups[k]) for k in order),
                    split=row.get("split", ""),
                )
            )
    return documents


def _key(label: str) -> str:
    """Comparison form of a tag or label: normalised, lower case, and without spaces or
    ZWNJs, so "صندوقداری"، "صندوق‌داری" and "صندوق داری" are one tag."""
    return "".join(normalize(label).lower().replace("\u200c", " ").split())


@dataclass(frozen=True)
class DocumentResult:
    document: AnnotatedDocument
    inferred: list[InferredSkill]


class SkillExtractionEvaluator:
    """Callable evaluator: ``evaluator(inferencer)`` returns a flat dict of metrics."""

    primary_metric = "explicit_precision"

    def __init__(self, documents: Sequence[AnnotatedDocument], k: int = 20) -> None:
        self.documents = list(documents)
        self.k = k

    def predictions(self, inferencer: SkillInferencer) -> list[DocumentResult]:
        inferred = inferencer.infer_many([d.text for d in self.documents], top_k=self.k)
        return [DocumentResult(d, i) for d, i in zip(self.documents, inferred, strict=True)]

    def __call__(self, inferencer: SkillInferencer) -> dict[str, float]:
        return self.metrics(self.predictions(inferencer))

    def metrics(self, results: Sequence[DocumentResult]) -> dict[str, float]:
        out = _scores(results, self.k)
        by_style: dict[str, list[DocumentResult]] = defaultdict(list)
        for result in results:
            by_style[result.document.style].append(result)
        for style, members in sorted(by_style.items()):
            scores = _scores(members, self.k)
            out[f"explicit_precision[{style}]"] = scores["explicit_precision"]
            out[f"explicit_recall[{style}]"] = scores["explicit_recall"]
        splits = sorted({r.document.split for r in results if r.document.split})
        for split in splits if len(splits) > 1 else []:
            scores = _scores([r for r in results if r.document.split == split], self.k)
            for name in ("explicit_precision", "explicit_recall", f"tag_recovery@{self.k}"):
                out[f"{name}[{split}]"] = scores[name]
        out["documents"] = float(len(results))
        return out

    def errors(self, results: Sequence[DocumentResult]) -> list[dict[str, str]]:
        """False explicit skills and missed gold mentions, for reading."""
        rows: list[dict[str, str]] = []
        for result in results:
            gold_ids = set().union(*result.document.gold) if result.document.gold else set()
            for skill in result.inferred:
                if skill.source == "explicit" and skill.id not in gold_ids:
                    rows.append(
                        {
                            "document": result.document.id,
                            "kind": "false_explicit",
                            "skill": f"{skill.label_fa} ({skill.id})",
                            "evidence": skill.evidence or "",
                        }
                    )
            found = {s.id for s in result.inferred if s.source == "explicit"}
            for group in result.document.gold:
                if not group & found:
                    rows.append(
                        {
                            "document": result.document.id,
                            "kind": "missed",
                            "skill": " / ".join(sorted(group)),
                            "evidence": "",
                        }
                    )
        return rows


def _scores(results: Sequence[DocumentResult], k: int) -> dict[str, float]:
    true_positive = predicted = 0
    found_mentions = gold_mentions = 0
    recall_at_k: list[float] = []
    tags_found = tags_total = 0
    for result in results:
        gold = result.document.gold
        gold_ids = set().union(*gold) if gold else set()
        explicit = {s.id for s in result.inferred if s.source == "explicit"}
        predicted += len(explicit)
        true_positive += len(explicit & gold_ids)
        found_mentions += sum(1 for group in gold if group & explicit)
        gold_mentions += len(gold)
        top = {s.id for s in result.inferred[:k]}
        if gold:
            recall_at_k.append(sum(1 for group in gold if group & top) / len(gold))
        labels = {_key(label) for s in result.inferred[:k] for label in s.labels}
        for tag in result.document.tags:
            tags_total += 1
            tags_found += _key(tag) in labels
    precision = true_positive / predicted if predicted else 0.0
    recall = found_mentions / gold_mentions if gold_mentions else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "explicit_precision": precision,
        "explicit_recall": recall,
        "explicit_f1": f1,
        f"expected_recall@{k}": sum(recall_at_k) / len(recall_at_k) if recall_at_k else 0.0,
        f"tag_recovery@{k}": tags_found / tags_total if tags_total else 0.0,
        "tags": float(tags_total),
    }
