"""ISCO-08: the 619 official groups plus Iran's national extension codes."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "isco08.csv"

LEVEL_NAMES = {1: "major", 2: "sub_major", 3: "minor", 4: "unit"}


class UnknownCodeError(KeyError):
    """The code is not an ISCO-08 group (nor a national extension)."""


@dataclass(frozen=True)
class IscoGroup:
    code: str
    level: int
    parent_code: str | None
    official: bool
    title_en: str
    title_fa: str
    definition: str

    @property
    def major(self) -> str:
        return self.code[:1]


class IscoTaxonomy:
    """Look-ups over the hierarchy; codes are strings ("2512", "251", "25", "2")."""

    def __init__(self, groups: list[IscoGroup]) -> None:
        self._groups = {group.code: group for group in groups}
        self._children: dict[str, list[str]] = {}
        for group in groups:
            if group.parent_code:
                self._children.setdefault(group.parent_code, []).append(group.code)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._groups

    def __len__(self) -> int:
        return len(self._groups)

    def __iter__(self) -> Iterator[IscoGroup]:
        return iter(self._groups.values())

    def get(self, code: str) -> IscoGroup:
        try:
            return self._groups[code]
        except KeyError:
            raise UnknownCodeError(f"not an ISCO-08 code: {code!r}") from None

    def units(self, *, official_only: bool = True) -> list[IscoGroup]:
        return [
            g for g in self._groups.values() if g.level == 4 and (g.official or not official_only)
        ]

    def children(self, code: str) -> list[IscoGroup]:
        return [self._groups[c] for c in self._children.get(code, [])]

    def ancestors(self, code: str) -> list[IscoGroup]:
        """The group's parents from the major group down, the group itself excluded."""
        chain: list[IscoGroup] = []
        group = self.get(code)
        while group.parent_code:
            group = self.get(group.parent_code)
            chain.append(group)
        return chain[::-1]


def _groups_from(path: Path) -> list[IscoGroup]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            IscoGroup(
                code=row["code"],
                level=int(row["level"]),
                parent_code=row["parent_code"] or None,
                official=row["official"] == "1",
                title_en=row["title_en"],
                title_fa=row["title_fa"],
                definition=row["definition"],
            )
            for row in csv.DictReader(handle)
        ]


@cache
def load_isco(path: Path = DATA) -> IscoTaxonomy:
    """The bundled ISCO-08 taxonomy (read once per process)."""
    return IscoTaxonomy(_groups_from(path))
