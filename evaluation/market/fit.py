"""The model of fit that defines the ground-truth relevance of the generated market.

Relevance of vacancy *v* for jobseeker *s* is one grade, the same in both directions (*v*
for *s* and *s* for *v*). It is a pure function of the two documents' hidden facts
(:class:`~evaluation.market.truth.DocumentTruth`) and shares no code with ``matching/``:

``fit = occupation × skills × experience × education × location``

occupation
    proximity of the two ISCO-08 codes: same 4-digit unit group 1.0, same 3-digit minor
    group 0.6, same 2-digit sub-major group 0.3, otherwise 0 (and the pair is irrelevant).
skills
    ``min(1, 0.15 + 0.85·c + 0.1·o + 0.1·k)`` where *c* is the share of *v*'s essential
    (required) canonical skills that *s* holds (1 when *v* requires none), *o* the share of
    *v*'s optional skills and *k* the share of its certificates that *s* holds (0 when *v*
    lists none). Skills are canonical (:mod:`evaluation.market.canon`), so «اکسل» on a CV
    covers «Excel» in an ad.
experience
    *s*'s years against *v*'s minimum (none stated: no minimum): enough 1.0, one year short
    0.7, two years 0.4, more 0.15.
education
    *s*'s level against *v*'s minimum (levels ``below_diploma < diploma < associate <
    bachelor < master < doctorate``; none stated: no minimum): at least the minimum 1.0, one
    level below 0.6, lower 0.25.
location
    a remote job (``employment_type == "remote"``) 1.0 wherever *s* lives; otherwise same
    city 1.0, same province 0.85, a neighbouring province (a land border,
    :func:`nlp.places.neighbouring_provinces`) 0.4, elsewhere 0.05.

Grades: ``fit ≥ 0.6`` → 3 (a strong match), ``≥ 0.4`` → 2, ``≥ 0.25`` → 1, else 0 (not
relevant). So the same occupation in the same province with every essential skill is a 3; a
neighbouring province caps the grade at 2; another region (0.05) never counts unless the job
is remote; a CV without any essential skill (0.15) never counts; a minor-group neighbour
(0.6) needs about a third of the essential skills, a sub-major-group one (0.3) nearly all.

The constants, the thresholds and the market mix (:mod:`evaluation.market.config`) are tuned
so that on ``medium`` (10,000 CVs, 5,000 ads) a query has about 15 (CV) or 35 (ad) relevant
documents on average, few queries have more than 100 (mostly remote ads) and almost none has
none.

Examples (the vacancy first): a Python developer CV in Tehran with every required skill for
a Python developer ad in Tehran → 3; the same CV for a remote Python ad posted in Shiraz → 3;
for the Tehran ad when the CV is from Bushehr (no border with Tehran) → 0; from Karaj
(Alborz borders Tehran) → 2; a CV two years short of the ad's minimum → 2, four years → 0;
a CV with one of the ad's three essential skills → 2 in the same city, 1 elsewhere in the
province.

:mod:`evaluation.market.qrels` computes the same function over whole blocks with numpy; both
multiply the factors in the order above so the grades agree exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Final

from demo.records import EDUCATION_LEVELS
from evaluation.market.truth import DocumentTruth
from nlp.places import neighbouring_provinces

#: Occupation proximity by the number of leading ISCO digits shared (4, 3, 2).
SAME_UNIT: Final = 1.0
SAME_MINOR: Final = 0.6
SAME_SUB_MAJOR: Final = 0.3

SKILL_BASE: Final = 0.15
SKILL_WEIGHT: Final = 0.85
OPTIONAL_BONUS: Final = 0.1
CERTIFICATE_BONUS: Final = 0.1

#: Factor by years short of the minimum: 0, 1, 2, 3 or more.
EXPERIENCE_FACTORS: Final = (1.0, 0.7, 0.4, 0.15)
#: Factor by education levels short of the minimum: 0, 1, 2 or more.
EDUCATION_FACTORS: Final = (1.0, 0.6, 0.25)

REMOTE: Final = 1.0
SAME_CITY: Final = 1.0
SAME_PROVINCE: Final = 0.85
NEIGHBOURING_PROVINCE: Final = 0.4
ELSEWHERE: Final = 0.05

#: Lowest fit of grades 1, 2 and 3.
GRADE_THRESHOLDS: Final = (0.25, 0.4, 0.6)

EDUCATION_RANK: Final[dict[str, int]] = {level: i for i, level in enumerate(EDUCATION_LEVELS)}


@dataclass(frozen=True)
class Factors:
    """The five factors of one (vacancy, jobseeker) pair."""

    occupation: float
    skills: float
    experience: float
    education: float
    location: float

    @property
    def fit(self) -> float:
        return self.occupation * self.skills * self.experience * self.education * self.location

    @property
    def grade(self) -> int:
        return grade_of(self.fit)


def occupation_proximity(code_a: str, code_b: str) -> float:
    """Proximity of two 4-digit ISCO-08 codes.

    >>> occupation_proximity("2512", "2514"), occupation_proximity("2512", "2411")
    (0.6, 0.0)
    """
    if code_a == code_b:
        return SAME_UNIT
    if code_a[:3] == code_b[:3]:
        return SAME_MINOR
    if code_a[:2] == code_b[:2]:
        return SAME_SUB_MAJOR
    return 0.0


def _share(wanted: tuple[str, ...], held: frozenset[str]) -> float | None:
    if not wanted:
        return None
    return sum(1 for skill in wanted if skill in held) / len(wanted)


def skill_factor(vacancy: DocumentTruth, jobseeker: DocumentTruth) -> float:
    """``min(1, 0.3 + 0.7·c + 0.1·o + 0.1·k)`` (see the module docstring)."""
    held = frozenset(jobseeker.skills)
    coverage = _share(vacancy.essential_skills, held)
    optional = _share(vacancy.optional_skills, held)
    certificates = _share(vacancy.certificates, held)
    value = SKILL_BASE + SKILL_WEIGHT * (1.0 if coverage is None else coverage)
    value = value + OPTIONAL_BONUS * (0.0 if optional is None else optional)
    value = value + CERTIFICATE_BONUS * (0.0 if certificates is None else certificates)
    return min(1.0, value)


def experience_factor(required: int | None, years: int | None) -> float:
    """Factor of a jobseeker with ``years`` for a minimum of ``required`` years."""
    short = max(0, (required or 0) - (years or 0))
    return EXPERIENCE_FACTORS[min(short, len(EXPERIENCE_FACTORS) - 1)]


def education_factor(required: str | None, level: str | None) -> float:
    """Factor of a jobseeker with ``level`` for a minimum of ``required``."""
    if required is None:
        return EDUCATION_FACTORS[0]
    have = EDUCATION_RANK[level] if level is not None else 0
    short = max(0, EDUCATION_RANK[required] - have)
    return EDUCATION_FACTORS[min(short, len(EDUCATION_FACTORS) - 1)]


@cache
def _neighbours(province: str) -> frozenset[str]:
    return neighbouring_provinces(province)


def location_factor(vacancy: DocumentTruth, jobseeker: DocumentTruth) -> float:
    """Remote or same city 1.0, same province 0.85, neighbouring province 0.4, else 0.05."""
    if vacancy.remote:
        return REMOTE
    if vacancy.province == jobseeker.province:
        return SAME_CITY if vacancy.city == jobseeker.city else SAME_PROVINCE
    if jobseeker.province in _neighbours(vacancy.province):
        return NEIGHBOURING_PROVINCE
    return ELSEWHERE


def factors(vacancy: DocumentTruth, jobseeker: DocumentTruth) -> Factors:
    """The five factors of vacancy ``vacancy`` for jobseeker ``jobseeker``."""
    if vacancy.kind != "vacancy" or jobseeker.kind != "jobseeker":
        raise ValueError(
            f"expected (vacancy, jobseeker) truths, got ({vacancy.kind}, {jobseeker.kind})"
        )
    return Factors(
        occupation=occupation_proximity(vacancy.isco_code, jobseeker.isco_code),
        skills=skill_factor(vacancy, jobseeker),
        experience=experience_factor(vacancy.years, jobseeker.years),
        education=education_factor(vacancy.education, jobseeker.education),
        location=location_factor(vacancy, jobseeker),
    )


def fit(vacancy: DocumentTruth, jobseeker: DocumentTruth) -> float:
    """The fit in [0, 1] of ``vacancy`` for ``jobseeker``."""
    return factors(vacancy, jobseeker).fit


def grade_of(value: float) -> int:
    """The relevance grade (0-3) of a fit value."""
    return sum(1 for threshold in GRADE_THRESHOLDS if value >= threshold)


def relevance(vacancy: DocumentTruth, jobseeker: DocumentTruth) -> int:
    """The relevance grade (0-3) of the pair, the same in both directions."""
    return grade_of(fit(vacancy, jobseeker))
