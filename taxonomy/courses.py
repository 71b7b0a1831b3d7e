"""Persian vocational training courses linked to the skills they teach.

``taxonomy/data/courses/courses_fa.tsv`` is written by the project in the style of the courses
Iran's Technical and Vocational Training Organisation (سازمان آموزش فنی و حرفه‌ای) runs; it is
a catalogue of course kinds, not an official schedule.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "courses" / "courses_fa.tsv"


@dataclass(frozen=True)
class Course:
    id: str
    title_fa: str
    title_en: str
    hours: int
    level: str
    sector: str
    skill_ids: tuple[str, ...]
    isco_units: tuple[str, ...]


class CourseCatalogue:
    def __init__(self, courses: list[Course]) -> None:
        self._courses = {course.id: course for course in courses}
        self._by_skill: dict[str, list[Course]] = defaultdict(list)
        for course in courses:
            for skill_id in course.skill_ids:
                self._by_skill[skill_id].append(course)
        units: dict[str, set[str]] = defaultdict(set)
        for course in courses:
            units[course.sector].update(course.isco_units)
        self._sector_units = {sector: frozenset(found) for sector, found in units.items()}
        for listed in self._by_skill.values():
            # Focused, short courses first: they close one gap with the least time.
            listed.sort(key=lambda c: (len(c.skill_ids), c.hours))

    def __len__(self) -> int:
        return len(self._courses)

    def __iter__(self) -> Iterator[Course]:
        return iter(self._courses.values())

    def get(self, course_id: str) -> Course:
        return self._courses[course_id]

    def teaching(self, skill_id: str) -> list[Course]:
        return list(self._by_skill.get(skill_id, []))

    def sector_units(self, sector: str) -> frozenset[str]:
        """The ISCO unit groups the catalogue's courses of ``sector`` train for."""
        return self._sector_units.get(sector, frozenset())

    @property
    def skills_taught(self) -> set[str]:
        return set(self._by_skill)


def courses_from(path: Path) -> CourseCatalogue:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return CourseCatalogue(
        [
            Course(
                id=row["id"],
                title_fa=row["title_fa"].strip(),
                title_en=row["title_en"].strip(),
                hours=int(row["hours"]),
                level=row["level"].strip(),
                sector=row["sector"].strip(),
                skill_ids=tuple(row["skills"].split()),
                isco_units=tuple(row["isco_units"].split()),
            )
            for row in rows
        ]
    )


@cache
def load_courses() -> CourseCatalogue:
    return courses_from(DATA)
