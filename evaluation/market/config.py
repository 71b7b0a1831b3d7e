"""Configuration of a generated labour market: its size, its setting and its seed.

The market mix (how often each occupation and each province occurs) is fixed here too, so a
config names one market exactly. Occupation weights are the demo's per-occupation counts,
flattened (:func:`occupation_weights`) so that no occupation floods the market; provinces
keep the demo's cities with a flatter weight for Tehran (still first). Both are tuned so
that, on ``medium``, every query has a realistic, bounded number of relevant documents (see
:mod:`evaluation.market.fit`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal, get_args

from demo.content import OCCUPATIONS, common
from demo.content.model import Province

Size = Literal["small", "medium", "large"]
Setting = Literal["standard", "untuned"]

#: (jobseekers, vacancies) per size.
SIZES: Final[dict[Size, tuple[int, int]]] = {
    "small": (400, 200),
    "medium": (10_000, 5_000),
    "large": (10_000, 1_000_000),
}

#: Vacancies per occupation: the demo's ``Occupation.vacancies`` raised to this power.
VACANCY_MIX_EXPONENT: Final = 0.5
#: Jobseekers per occupation: the demo's ``Occupation.cvs`` raised to this power ...
JOBSEEKER_MIX_EXPONENT: Final = 0.25
#: ... times this for occupations whose ads may be remote (tech, marketing, design, call
#: centres, data entry): a remote job takes applicants nationwide, and these occupations are
#: short of candidates in the market (as tech is in Iran).
REMOTE_OCCUPATION_SUPPLY: Final = 0.5

#: Province weights of the market (the demo's cities; the demo weights Tehran 30).
PROVINCE_WEIGHTS: Final[dict[str, int]] = {
    "تهران": 18,
    "اصفهان": 8,
    "خراسان رضوی": 7,
    "البرز": 6,
    "فارس": 6,
    "آذربایجان شرقی": 5,
    "خوزستان": 5,
    "مازندران": 4,
    "گیلان": 4,
    "قم": 3,
    "یزد": 3,
    "کرمان": 3,
    "آذربایجان غربی": 3,
    "کرمانشاه": 2,
    "هرمزگان": 3,
    "مرکزی": 3,
    "قزوین": 2,
    "همدان": 2,
    "بوشهر": 2,
    "گلستان": 1,
    "زنجان": 1,
    "سمنان": 1,
}


def occupation_weights(kind: Literal["vacancy", "jobseeker"]) -> tuple[float, ...]:
    """The weight of each occupation of :data:`demo.content.OCCUPATIONS` (in that order)
    when a vacancy or a jobseeker of the market draws its occupation."""
    if kind == "vacancy":
        return tuple(occ.vacancies**VACANCY_MIX_EXPONENT for occ in OCCUPATIONS)
    return tuple(
        occ.cvs**JOBSEEKER_MIX_EXPONENT
        * (REMOTE_OCCUPATION_SUPPLY if "remote" in occ.employment else 1.0)
        for occ in OCCUPATIONS
    )


def market_provinces() -> tuple[Province, ...]:
    """The demo's provinces and cities with the market's weights."""
    return tuple(
        Province(p.name, PROVINCE_WEIGHTS.get(p.name, p.weight), p.cities) for p in common.PROVINCES
    )


@dataclass(frozen=True)
class MarketConfig:
    """Which market to generate. The same config always gives byte-identical output."""

    size: Size = "small"
    setting: Setting = "standard"
    seed: int = 7

    def __post_init__(self) -> None:
        if self.size not in SIZES:
            raise ValueError(f"unknown size {self.size!r}; expected one of {sorted(SIZES)}")
        if self.setting not in get_args(Setting):
            raise ValueError(
                f"unknown setting {self.setting!r}; expected one of {list(get_args(Setting))}"
            )
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise TypeError(f"seed must be an int, not {type(self.seed).__name__}")

    @property
    def counts(self) -> tuple[int, int]:
        """(jobseekers, vacancies) of this size."""
        return SIZES[self.size]

    def to_dict(self) -> dict[str, str | int]:
        return {"size": self.size, "setting": self.setting, "seed": self.seed}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> MarketConfig:
        size, setting, seed = data.get("size"), data.get("setting"), data.get("seed")
        if size not in SIZES or setting not in get_args(Setting) or not isinstance(seed, int):
            raise ValueError(f"not a market config: {data!r}")
        return cls(size=size, setting=setting, seed=seed)  # type: ignore[arg-type]
