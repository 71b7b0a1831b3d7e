"""What every record gets on write: a code for the sure cases, a guess kept for search."""

from __future__ import annotations

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
    assert vacancy.attributes()["isco_minor"] == ((code or guess or "")[:3] or None)


def test_a_given_code_is_kept_and_round_trips(small_coder) -> None:  # type: ignore[no-untyped-def]
    seeker = Jobseeker(id="j", title="مدیر", text="", isco_code="1211")
    (kept,) = with_occupations(small_coder, [seeker])
    assert kept == seeker
    (guessed,) = with_occupations(small_coder, [Jobseeker(id="k", title="مدیر", text="")])
    data = {**guessed.__dict__, "education": None}
    assert Jobseeker.from_dict(data).isco_guess == "2411"
