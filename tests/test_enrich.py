"""What every record gets on write: a code for the sure cases, a guess kept for search."""

from __future__ import annotations

from dataclasses import replace

import pytest

from karyab.enrich import with_occupations
from karyab.records import Jobseeker, Vacancy


@pytest.mark.parametrize(
    ("title", "code", "guess"),
    [
        ("حسابدار", "2411", None),  # sure: coded
        ("نیروی ساده", "9112", None),
        ("مدیر", None, "2411"),  # unsure: no code, the best guess kept for search
        ("همکار خانم", None, "3313"),
        ("!!!", None, None),  # no signal: neither
    ],
)
def test_vacancies_get_a_code_or_a_guess(
    small_coder, title: str, code: str | None, guess: str | None
) -> None:  # type: ignore[no-untyped-def]
    (vacancy,) = with_occupations(small_coder, [Vacancy(id="v", title=title, text="")])
    assert (vacancy.isco_code, vacancy.isco_guess) == (code, guess)
    assert vacancy.isco_source == ("coder" if code else None)
    assert vacancy.attributes()["isco_minor"] == ((code or guess or "")[:3] or None)


def test_a_given_code_is_kept_and_round_trips(small_coder) -> None:  # type: ignore[no-untyped-def]
    seeker = Jobseeker(id="j", title="مدیر", text="", isco_code="1211")
    (kept,) = with_occupations(small_coder, [seeker])
    assert kept == replace(seeker, isco_source="given")
    (guessed,) = with_occupations(small_coder, [Jobseeker(id="k", title="مدیر", text="")])
    data = {**guessed.__dict__, "education": None}
    assert Jobseeker.from_dict(data).isco_guess == "2411"
    data = {**kept.__dict__, "education": None}
    assert Jobseeker.from_dict(data).isco_source == "given"


def test_people_s_decisions_come_first_and_say_so(small_coder) -> None:  # type: ignore[no-untyped-def]
    records = [Vacancy(id="v", title="مدیر", text=""), Vacancy(id="w", title="حسابدار", text="")]
    decided = with_occupations(small_coder, records, lambda keys: {k: "1211" for k in keys[:1]})
    assert [(r.isco_code, r.isco_source) for r in decided] == [
        ("1211", "decision"),
        ("2411", "coder"),
    ]


@pytest.mark.parametrize("stored", ["coder", "decision", "given", "a typo", None, 3])
def test_an_unknown_source_reads_as_none(stored: object) -> None:
    record = Vacancy.from_dict({"id": "v", "isco_code": "2411", "isco_source": stored})
    assert record.isco_source == (stored if stored in ("coder", "decision", "given") else None)
