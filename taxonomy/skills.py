"""The Persian skills taxonomy: ESCO v1.1.1 as backbone, Persian labels written by the project.

Sources, all in ``taxonomy/data/skills`` (see the data README for attribution):

- ``esco_skills.csv``: the ESCO skills the project covers, with English labels, type,
  collections and broader concepts (built by ``scripts/build_skills.py``);
- ``labels_fa/*.tsv``: the project's Persian preferred and alternative labels per ESCO URI;
- ``iran_skills.tsv`` and ``added_skills.tsv``: skills Iranian ads ask for that ESCO lacks
  (``karyab:skill/...`` ids);
- ``extra_esco.tsv``: Persian labels of ESCO skills added to the selection by curation;
- ``aliases_fa.tsv``: further surface forms of skills, found missing in ads and CVs;
- ``skill_groups.csv``: ESCO skill groups above the covered skills (the hierarchy);
- ``occupation_skills.csv``: per ISCO-08 unit group, the share of its ESCO occupations that
  hold each skill as essential or optional.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "skills"
LOCAL_PREFIX = "karyab:skill/"


class UnknownSkillError(KeyError):
    """The id is not a skill of the taxonomy."""


@dataclass(frozen=True)
class Skill:
    id: str
    label_fa: str
    label_en: str
    alt_fa: tuple[str, ...]
    alt_en: tuple[str, ...]
    skill_type: str
    collections: tuple[str, ...]
    broader: tuple[str, ...]

    @property
    def local(self) -> bool:
        """Added by the project (not in ESCO)."""
        return self.id.startswith(LOCAL_PREFIX)

    @property
    def labels(self) -> tuple[str, ...]:
        """Every surface form, Persian first, without repeats."""
        seen: dict[str, None] = {}
        for label in (self.label_fa, *self.alt_fa, self.label_en, *self.alt_en):
            if label:
                seen.setdefault(label, None)
        return tuple(seen)


@dataclass(frozen=True)
class OccupationSkill:
    skill_id: str
    relation: str  # "essential" | "optional"
    share: float  # share of the unit group's ESCO occupations holding the skill


@dataclass(frozen=True)
class SkillGroup:
    id: str
    label_en: str
    broader: tuple[str, ...]


class SkillTaxonomy:
    """Look-ups over skills, their hierarchy and the occupation → skill relations."""

    def __init__(
        self,
        skills: list[Skill],
        groups: list[SkillGroup],
        relations: dict[str, list[OccupationSkill]],
    ) -> None:
        self._skills = {skill.id: skill for skill in skills}
        self._groups = {group.id: group for group in groups}
        self._relations = relations
        held_in: dict[str, set[str]] = {}
        for unit, rows in relations.items():
            for row in rows:
                held_in.setdefault(row.skill_id, set()).add(unit[:2])
        self._breadth = {skill_id: len(groups) for skill_id, groups in held_in.items()}

    def __contains__(self, skill_id: object) -> bool:
        return isinstance(skill_id, str) and skill_id in self._skills

    def __len__(self) -> int:
        return len(self._skills)

    def __iter__(self) -> Iterator[Skill]:
        return iter(self._skills.values())

    def get(self, skill_id: str) -> Skill:
        try:
            return self._skills[skill_id]
        except KeyError:
            raise UnknownSkillError(f"not a skill of the taxonomy: {skill_id!r}") from None

    def group_label(self, concept_id: str) -> str:
        if concept_id in self._skills:
            return self._skills[concept_id].label_en
        group = self._groups.get(concept_id)
        return group.label_en if group else ""

    def parents(self, concept_id: str) -> tuple[str, ...]:
        if concept_id in self._skills:
            return self._skills[concept_id].broader
        group = self._groups.get(concept_id)
        return group.broader if group else ()

    def ancestors(self, skill_id: str) -> list[str]:
        """Every broader concept (skills and groups), nearest first, without repeats."""
        seen: dict[str, None] = {}
        frontier = list(self.parents(skill_id))
        while frontier:
            concept = frontier.pop(0)
            if concept in seen:
                continue
            seen[concept] = None
            frontier.extend(self.parents(concept))
        return list(seen)

    def breadth(self, skill_id: str) -> int:
        """How many ISCO sub-major groups have a unit group that holds the skill: 1 to 3 for
        a trade's own skill, 8 or more for one every trade asks (hygiene, protective
        equipment, handling complaints)."""
        return self._breadth.get(skill_id, 0)

    def for_occupation(self, unit_code: str, relation: str | None = None) -> list[OccupationSkill]:
        """Skills of an ISCO-08 unit group, most widely held first."""
        rows = self._relations.get(unit_code, [])
        return [r for r in rows if relation is None or r.relation == relation]


def _split(cell: str, separator: str = " | ") -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split(separator) if part.strip())


def _read(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def _persian_labels(paths: list[Path]) -> dict[str, tuple[str, tuple[str, ...]]]:
    labels: dict[str, tuple[str, tuple[str, ...]]] = {}
    for path in paths:
        for row in _read(path, "\t"):
            labels[row["id"]] = (row["label_fa"].strip(), _split(row.get("alt_fa") or ""))
    return labels


def _aliases(path: Path) -> dict[str, list[str]]:
    aliases: dict[str, list[str]] = defaultdict(list)
    if path.exists():
        for row in _read(path, "\t"):
            if row["alias"].strip():
                aliases[row["id"]].append(row["alias"].strip())
    return aliases


# Project skills ESCO lacks (file pattern), and the collection their skills belong to.
LOCAL_FILES = {"iran_skills.tsv": "iran", "added_skills*.tsv": "added"}


def skills_from(folder: Path) -> SkillTaxonomy:
    persian = _persian_labels(
        sorted((folder / "labels_fa").glob("*.tsv")) + sorted(folder.glob("extra_esco*.tsv"))
    )
    aliases: dict[str, list[str]] = defaultdict(list)
    for path in sorted(folder.glob("aliases_fa*.tsv")):
        for skill_id, forms in _aliases(path).items():
            aliases[skill_id].extend(forms)
    skills: list[Skill] = []
    for row in _read(folder / "esco_skills.csv"):
        if row["id"] not in persian:
            continue  # not yet labelled in Persian: not part of the taxonomy
        label_fa, alt_fa = persian[row["id"]]
        skills.append(
            Skill(
                id=row["id"],
                label_fa=label_fa,
                label_en=row["label_en"],
                alt_fa=alt_fa + tuple(aliases.get(row["id"], ())),
                alt_en=_split(row["alt_en"]),
                skill_type=row["skill_type"],
                collections=tuple(row["collections"].split()),
                broader=tuple(row["broader"].split()),
            )
        )
    relations: dict[str, list[OccupationSkill]] = defaultdict(list)
    local_rows = [
        (row, collection)
        for pattern, collection in LOCAL_FILES.items()
        for path in sorted(folder.glob(pattern))
        for row in _read(path, "\t")
    ]
    for row, collection in local_rows:
        skills.append(
            Skill(
                id=row["id"],
                label_fa=row["label_fa"].strip(),
                label_en=row["label_en"].strip(),
                alt_fa=_split(row["alt_fa"]) + tuple(aliases.get(row["id"], ())),
                alt_en=(),
                skill_type=row["skill_type"],
                collections=(collection,),
                broader=tuple(row["broader"].split()),
            )
        )
        for unit in row["units"].split():
            relations[unit].append(OccupationSkill(row["id"], "essential", 1.0))
    known = {skill.id for skill in skills}
    for row in _read(folder / "occupation_skills.csv"):
        if row["skill_id"] in known:
            relations[row["unit"]].append(
                OccupationSkill(row["skill_id"], row["relation"], float(row["share"]))
            )
    for rows in relations.values():
        rows.sort(key=lambda r: (r.relation != "essential", -r.share))
    groups = [
        SkillGroup(row["id"], row["label_en"], tuple(row["broader"].split()))
        for row in _read(folder / "skill_groups.csv")
    ]
    return SkillTaxonomy(skills, groups, dict(relations))


@cache
def load_skills() -> SkillTaxonomy:
    """The bundled taxonomy (read once per process; it is immutable)."""
    return skills_from(DATA)
