"""The Persian index of occupational titles: coverage and hygiene."""

from __future__ import annotations

import re
from collections import Counter

from taxonomy.isco import load_isco
from taxonomy.titles import KINDS, TITLES_DIR, load_english_titles, load_title_index


def test_covers_every_unit_group_with_8000_titles() -> None:
    entries = load_title_index()
    assert len(entries) >= 8000
    units = {g.code for g in load_isco().units()}
    per_code = Counter(e.code for e in entries)
    assert units <= set(per_code), sorted(units - set(per_code))[:10]
    assert min(per_code[c] for c in units) >= 5


def test_codes_kinds_and_spelling() -> None:
    isco = load_isco()
    for entry in load_title_index():
        assert entry.code in isco and isco.get(entry.code).level == 4, entry
        assert entry.kind in KINDS, entry
        assert entry.title and entry.title == entry.title.strip(), entry
        assert not re.search("[يك]", entry.title), entry  # Persian ی and ک only
        assert len(entry.title.split()) <= 9, entry


def test_no_title_twice_under_one_code() -> None:
    keys = [(e.code, re.sub(r"[\s\u200c]+", "", e.title).lower()) for e in load_title_index()]
    assert len(keys) == len(set(keys))


def test_every_batch_was_reviewed() -> None:
    batches = sorted(p.stem for p in TITLES_DIR.glob("*.tsv"))
    reviews = sorted(
        p.stem.removeprefix("review_") for p in (TITLES_DIR / "reviews").glob("review_*.tsv")
    )
    assert batches == reviews


def test_each_title_has_one_code() -> None:
    # Batches written apart coded some titles differently; a reconciliation chose one code
    # per title (reviews/conflicts_*.tsv), so the coder never learns two answers for one
    # title.
    codes: dict[str, set[str]] = {}
    for entry in load_title_index():
        codes.setdefault(re.sub(r"[\s\u200c]+", "", entry.title).lower(), set()).add(entry.code)
    assert not {title: found for title, found in codes.items() if len(found) > 1}


def test_english_titles_cover_every_unit_group() -> None:
    codes = {e.code for e in load_english_titles()}
    assert {g.code for g in load_isco().units()} <= codes
