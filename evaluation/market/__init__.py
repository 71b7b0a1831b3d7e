"""A seeded Persian labour market with graded relevance, for the placement evaluation.

Systems rank vacancies for jobseekers and jobseekers for vacancies from the visible records
only; the ground truth comes from the hidden facts of each document
(:class:`DocumentTruth`) and an explicit model of fit (:mod:`evaluation.market.fit`).

>>> from evaluation.market import MarketConfig, generate_market
>>> market = generate_market(MarketConfig(size="small", setting="untuned", seed=7))
"""

from __future__ import annotations

from evaluation.market.config import SIZES, MarketConfig, Setting, Size
from evaluation.market.fit import Factors, factors, relevance
from evaluation.market.generate import (
    Market,
    generate_market,
    iter_jobseekers,
    iter_vacancies,
)
from evaluation.market.io import read_market, write_large, write_market
from evaluation.market.truth import DocumentTruth

__all__ = [
    "SIZES",
    "DocumentTruth",
    "Factors",
    "Market",
    "MarketConfig",
    "Setting",
    "Size",
    "factors",
    "generate_market",
    "iter_jobseekers",
    "iter_vacancies",
    "read_market",
    "relevance",
    "write_large",
    "write_market",
]
