from __future__ import annotations

import pytest

from taxonomy.isco import UnknownCodeError, load_isco


def test_counts_and_flags() -> None:
    isco = load_isco()
    official = [g for g in isco if g.official]
    assert len(official) == 619
    levels = [g.level for g in official]
    assert (levels.count(1), levels.count(2), levels.count(3), levels.count(4)) == (
        10,
        43,
        130,
        436,
    )
    assert len(isco.units()) == 436
    national = [g.code for g in isco if not g.official]
    assert {"1115", "2637", "2638", "0410", "0510"} <= set(national)


def test_every_group_has_persian_and_english_titles() -> None:
    for group in load_isco():
        assert group.title_fa.strip(), group.code
        assert group.title_en.strip(), group.code
    assert all(g.definition for g in load_isco() if g.official)


@pytest.mark.parametrize(
    ("code", "chain"),
    [("2512", ["2", "25", "251"]), ("8332", ["8", "83", "833"]), ("0110", ["0", "01", "011"])],
)
def test_hierarchy(code: str, chain: list[str]) -> None:
    isco = load_isco()
    assert [g.code for g in isco.ancestors(code)] == chain
    assert code in {g.code for g in isco.children(chain[-1])}


def test_unknown_code() -> None:
    with pytest.raises(UnknownCodeError):
        load_isco().get("9999")
    assert "9999" not in load_isco()
