"""Generate a seeded Persian labour market with graded relevance.

Each document is drawn from its own random stream, named by the seed, the kind and the
document's number, so a document never depends on how many others are generated: the
``medium`` market's vacancies are the first 5,000 of ``large``'s, and a stream of a million
vacancies needs no memory. The occupation is drawn by the market mix
(:mod:`evaluation.market.config`), then the demo composes the document
(:func:`demo.vacancies.draft_vacancy`, :func:`demo.jobseekers.draft_jobseeker`). The
``untuned`` setting rewrites the visible title and text from a second stream
(:mod:`evaluation.market.styles`), so both settings share their facts, truths and grades.

Visible records hold what a system may read; :class:`DocumentTruth` holds the hidden facts
(occupation, canonical skills); :mod:`evaluation.market.fit` turns two truths into a grade.
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache, partial
from random import Random
from typing import Any, Final

from tqdm import tqdm

from demo.content import OCCUPATIONS, Occupation
from demo.content.model import Province
from demo.jobseekers import draft_jobseeker
from demo.vacancies import draft_vacancy
from evaluation.market import config as market_config
from evaluation.market.canon import canonical_skills
from evaluation.market.config import MarketConfig
from evaluation.market.qrels import Qrels, compute_qrels
from evaluation.market.styles import restyle_jobseeker, restyle_vacancy
from evaluation.market.truth import DocumentTruth

logger = logging.getLogger(__name__)

_STREAM: Final = "karyab-market"
_CHUNK: Final = 256

VACANCY_FIELDS: Final = (
    "id",
    "title",
    "text",
    "employer",
    "province",
    "city",
    "min_experience_years",
    "education",
    "employment_type",
    "gender",
    "posted_at",
)
JOBSEEKER_FIELDS: Final = (
    "id",
    "title",
    "text",
    "province",
    "city",
    "experience_years",
    "education",
    "registered_at",
)

Record = dict[str, Any]


@dataclass(frozen=True)
class Market:
    """A generated market: visible records, hidden truths and graded relevance (1-3).

    ``qrels_for_jobseekers[js_id][v_id]`` and ``qrels_for_vacancies[v_id][js_id]`` hold the
    same grades; queries without any relevant document are left out.
    """

    config: MarketConfig
    vacancies: list[Record]
    jobseekers: list[Record]
    truth: dict[str, DocumentTruth]
    qrels_for_jobseekers: Qrels
    qrels_for_vacancies: Qrels


def vacancy_id(number: int) -> str:
    """``v000001`` for the first vacancy (1-based)."""
    return f"v{number:06d}"


def jobseeker_id(number: int) -> str:
    """``js000001`` for the first jobseeker (1-based)."""
    return f"js{number:06d}"


@cache
def _mix(kind: str) -> tuple[tuple[Occupation, ...], tuple[float, ...]]:
    """The occupations and their cumulative weights for ``"vacancy"`` or ``"jobseeker"``."""
    weights = market_config.occupation_weights("vacancy" if kind == "vacancy" else "jobseeker")
    return OCCUPATIONS, tuple(itertools.accumulate(weights))


@cache
def _provinces() -> tuple[Province, ...]:
    return market_config.market_provinces()


def _stream(config: MarketConfig, kind: str, number: int, purpose: str) -> Random:
    return Random(f"{_STREAM}:{config.seed}:{kind}:{number}:{purpose}")


def _draw_occupation(kind: str, rng: Random) -> Occupation:
    occupations, cumulative = _mix(kind)
    return rng.choices(occupations, cum_weights=cumulative)[0]


def make_vacancy_document(config: MarketConfig, number: int) -> tuple[Record, DocumentTruth]:
    """The ``number``-th vacancy (1-based) of the market: its visible record and truth."""
    rng = _stream(config, "vacancy", number, "facts")
    occ = _draw_occupation("vacancy", rng)
    draft = draft_vacancy(occ, number, rng, provinces=_provinces())
    ad = draft.record
    visible: Record = {key: ad[key] for key in VACANCY_FIELDS if key != "id"}
    visible = {"id": vacancy_id(number), **visible}
    style = ad["style"]
    if config.setting == "untuned":
        restyled = restyle_vacancy(draft, occ.key, _stream(config, "vacancy", number, "untuned"))
        visible["title"], visible["text"], style = restyled.title, restyled.text, restyled.style
    essential = canonical_skills(occ.key, draft.required)
    optional = canonical_skills(occ.key, draft.optional)
    certificates = canonical_skills(occ.key, draft.certificates)
    truth = DocumentTruth(
        id=visible["id"],
        kind="vacancy",
        occupation=occ.key,
        isco_code=occ.isco_code,
        skills=tuple(dict.fromkeys(essential + optional + certificates)),
        essential_skills=essential,
        optional_skills=tuple(s for s in optional if s not in essential),
        certificates=tuple(s for s in certificates if s not in essential + optional),
        years=ad["min_experience_years"],
        education=ad["education"],
        province=ad["province"],
        city=ad["city"],
        remote=ad["employment_type"] == "remote",
        employment_type=ad["employment_type"],
        style=style,
    )
    return visible, truth


def make_jobseeker_document(config: MarketConfig, number: int) -> tuple[Record, DocumentTruth]:
    """The ``number``-th jobseeker (1-based) of the market: its visible record and truth."""
    rng = _stream(config, "jobseeker", number, "facts")
    occ = _draw_occupation("jobseeker", rng)
    draft = draft_jobseeker(occ, number, rng, provinces=_provinces())
    cv = draft.record
    visible: Record = {key: cv[key] for key in JOBSEEKER_FIELDS if key != "id"}
    visible = {"id": jobseeker_id(number), **visible}
    style = cv["style"]
    if config.setting == "untuned":
        restyled = restyle_jobseeker(
            draft, occ.key, _stream(config, "jobseeker", number, "untuned")
        )
        visible["title"], visible["text"], style = restyled.title, restyled.text, restyled.style
    truth = DocumentTruth(
        id=visible["id"],
        kind="jobseeker",
        occupation=occ.key,
        isco_code=occ.isco_code,
        skills=canonical_skills(occ.key, cv["skills"]),
        essential_skills=(),
        optional_skills=(),
        certificates=canonical_skills(occ.key, draft.certificates),
        years=cv["experience_years"],
        education=cv["education"],
        province=cv["province"],
        city=cv["city"],
        remote=False,
        employment_type=None,
        style=style,
    )
    return visible, truth


def _documents(
    make: Callable[[MarketConfig, int], tuple[Record, DocumentTruth]],
    config: MarketConfig,
    total: int,
    workers: int,
) -> Iterator[tuple[Record, DocumentTruth]]:
    numbers = range(1, total + 1)
    if workers <= 1 or total < 2 * _CHUNK:
        for number in numbers:
            yield make(config, number)
        return
    # Documents are independent, so worker processes may write them; imap keeps the order.
    with multiprocessing.Pool(workers) as pool:
        yield from pool.imap(partial(make, config), numbers, chunksize=_CHUNK)


def iter_vacancy_documents(
    config: MarketConfig, *, count: int | None = None, workers: int = 1
) -> Iterator[tuple[Record, DocumentTruth]]:
    """(visible record, truth) of the market's vacancies in order; ``count`` overrides the
    size's number of vacancies; ``workers`` > 1 composes them in that many processes (same
    output)."""
    total = config.counts[1] if count is None else count
    return _documents(make_vacancy_document, config, total, workers)


def iter_jobseeker_documents(
    config: MarketConfig, *, count: int | None = None, workers: int = 1
) -> Iterator[tuple[Record, DocumentTruth]]:
    """(visible record, truth) of the market's jobseekers in order; ``count`` overrides the
    size's number of jobseekers; ``workers`` > 1 composes them in that many processes."""
    total = config.counts[0] if count is None else count
    return _documents(make_jobseeker_document, config, total, workers)


def iter_vacancies(config: MarketConfig, *, count: int | None = None) -> Iterator[Record]:
    """The visible vacancy records, streamed (a million for ``large``) without truths."""
    for record, _ in iter_vacancy_documents(config, count=count):
        yield record


def iter_jobseekers(config: MarketConfig, *, count: int | None = None) -> Iterator[Record]:
    """The visible jobseeker records, streamed without truths."""
    for record, _ in iter_jobseeker_documents(config, count=count):
        yield record


def generate_market(config: MarketConfig, *, show_progress: bool = False) -> Market:
    """Generate the whole market with its truths and graded relevance in both directions.

    ``large`` (a million vacancies) is not held in memory: stream it with
    :func:`iter_vacancies` or write it with :func:`evaluation.market.io.write_large`.
    """
    if config.size == "large":
        raise ValueError("the large market is streamed: use iter_vacancies() or write_large()")
    n_jobseekers, n_vacancies = config.counts
    vacancies: list[Record] = []
    jobseekers: list[Record] = []
    v_truths: list[DocumentTruth] = []
    s_truths: list[DocumentTruth] = []
    docs = tqdm(
        iter_vacancy_documents(config),
        total=n_vacancies,
        desc="vacancies",
        disable=not show_progress,
    )
    for record, truth in docs:
        vacancies.append(record)
        v_truths.append(truth)
    docs = tqdm(
        iter_jobseeker_documents(config),
        total=n_jobseekers,
        desc="jobseekers",
        disable=not show_progress,
    )
    for record, truth in docs:
        jobseekers.append(record)
        s_truths.append(truth)
    for_jobseekers, for_vacancies = compute_qrels(v_truths, s_truths)
    logger.info(
        "generated %s market: %d vacancies, %d jobseekers, %d relevant pairs",
        config.size,
        len(vacancies),
        len(jobseekers),
        sum(len(docs) for docs in for_vacancies.values()),
    )
    return Market(
        config=config,
        vacancies=vacancies,
        jobseekers=jobseekers,
        truth={t.id: t for t in [*v_truths, *s_truths]},
        qrels_for_jobseekers=for_jobseekers,
        qrels_for_vacancies=for_vacancies,
    )
