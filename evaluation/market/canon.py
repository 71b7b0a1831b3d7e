"""Canonical skills: map the spelling a document used back to one skill name.

An occupation's skill entry may hold spelling alternatives (``"Excel|اکسل"``) and a document
records the form it picked (``"اکسل"``). Per occupation, each form maps back to its entry;
entries of different occupations that share a spelling (case-insensitive) are one skill, so
``"Python|پایتون"`` (backend developer) and ``"Python"`` (data analyst) compare equal. A
skill's canonical name is the first form of the first entry, in :data:`OCCUPATIONS` order
(skills before certificates), that belongs to it: ``"اکسل"`` → ``"Excel"``.
"""

from __future__ import annotations

from functools import cache

from demo.content import OCCUPATIONS


def _entries() -> list[tuple[str, str]]:
    """(occupation key, entry) for every skill and certificate entry, in content order."""
    return [(occ.key, entry) for occ in OCCUPATIONS for entry in occ.skills + occ.certificates]


@cache
def _canonical_of_entry() -> dict[str, str]:
    """Entry string -> canonical skill name (entries sharing a spelling are merged)."""
    parent: dict[str, str] = {}

    def find(entry: str) -> str:
        while parent[entry] != entry:
            parent[entry] = parent[parent[entry]]
            entry = parent[entry]
        return entry

    rank: dict[str, int] = {}
    for _, entry in _entries():
        rank.setdefault(entry, len(rank))
    first_with_form: dict[str, str] = {}
    for _, entry in _entries():
        parent.setdefault(entry, entry)
        for form in entry.split("|"):
            key = form.casefold()
            other = first_with_form.setdefault(key, entry)
            root_a, root_b = find(entry), find(other)
            if root_a != root_b:
                # The root that appeared first in content order stays the root.
                first, second = sorted((root_a, root_b), key=rank.__getitem__)
                parent[second] = first
    return {entry: find(entry).split("|")[0] for entry in parent}


@cache
def skill_forms(occupation_key: str) -> dict[str, str]:
    """Spelling -> canonical skill name for one occupation's skills and certificates.

    >>> skill_forms("accountant")["اکسل"]
    'Excel'
    """
    canonical = _canonical_of_entry()
    for occ in OCCUPATIONS:
        if occ.key == occupation_key:
            return {
                form: canonical[entry]
                for entry in occ.skills + occ.certificates
                for form in entry.split("|")
            }
    raise ValueError(f"unknown occupation key {occupation_key!r}")


def canonical_skills(occupation_key: str, forms: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The canonical names of the spellings ``forms`` used by a document of the occupation,
    in order, without repeats.

    >>> canonical_skills("python_backend", ["پایتون", "Django", "Python"])
    ('Python', 'Django')
    """
    table = skill_forms(occupation_key)
    names: dict[str, None] = {}
    for form in forms:
        if form not in table:
            raise ValueError(f"{form!r} is not a skill spelling of occupation {occupation_key!r}")
        names[table[form]] = None
    return tuple(names)
