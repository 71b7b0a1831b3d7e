"""Write and read generated markets as JSON Lines.

A market directory holds ``vacancies.jsonl`` and ``jobseekers.jsonl`` (visible records),
``truth.jsonl`` (one :class:`DocumentTruth` per line, vacancies first),
``qrels_jobseekers.jsonl`` and ``qrels_vacancies.jsonl`` (``{"query_id", "doc_id",
"grade"}`` per line, grades 1-3) and ``config.json``. Files are written to temporary names
in the directory and moved into place with :func:`os.replace`, ``config.json`` last, so a
reader never sees a half-written file. UTF-8, Persian kept readable, ``\\n`` line ends; the
same market always gives the same bytes.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO, Any, Final

from tqdm import tqdm

from evaluation.market.config import MarketConfig
from evaluation.market.generate import (
    Market,
    iter_jobseeker_documents,
    iter_vacancy_documents,
)
from evaluation.market.qrels import Qrels
from evaluation.market.truth import DocumentTruth

logger = logging.getLogger(__name__)

VACANCIES_FILE: Final = "vacancies.jsonl"
JOBSEEKERS_FILE: Final = "jobseekers.jsonl"
TRUTH_FILE: Final = "truth.jsonl"
QRELS_JOBSEEKERS_FILE: Final = "qrels_jobseekers.jsonl"
QRELS_VACANCIES_FILE: Final = "qrels_vacancies.jsonl"
CONFIG_FILE: Final = "config.json"


def _line(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False) + "\n"


@contextmanager
def _atomic(path: Path) -> Iterator[IO[str]]:
    """A text file written under a temporary name and moved to ``path`` on success."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with tmp.open("x", encoding="utf-8", newline="\n") as handle:
            yield handle
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _write_lines(path: Path, records: Iterable[dict[str, Any]]) -> None:
    with _atomic(path) as handle:
        handle.writelines(_line(record) for record in records)


def _qrels_lines(qrels: Qrels) -> Iterator[dict[str, Any]]:
    for query_id, docs in qrels.items():
        for doc_id, grade in docs.items():
            yield {"query_id": query_id, "doc_id": doc_id, "grade": grade}


def _write_config(out_dir: Path, config: MarketConfig, counts: dict[str, int]) -> None:
    with _atomic(out_dir / CONFIG_FILE) as handle:
        json.dump({**config.to_dict(), **counts}, handle, ensure_ascii=False, indent=2)
        handle.write("\n")


def write_market(market: Market, out_dir: Path) -> None:
    """Write ``market`` into ``out_dir`` (created if missing; its files are replaced)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    _write_lines(out_dir / VACANCIES_FILE, market.vacancies)
    _write_lines(out_dir / JOBSEEKERS_FILE, market.jobseekers)
    _write_lines(out_dir / TRUTH_FILE, (truth.to_dict() for truth in market.truth.values()))
    _write_lines(out_dir / QRELS_JOBSEEKERS_FILE, _qrels_lines(market.qrels_for_jobseekers))
    _write_lines(out_dir / QRELS_VACANCIES_FILE, _qrels_lines(market.qrels_for_vacancies))
    counts = {"vacancies": len(market.vacancies), "jobseekers": len(market.jobseekers)}
    _write_config(out_dir, market.config, counts)
    logger.info("wrote %s market to %s", market.config.size, out_dir)


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def _read_qrels(path: Path) -> Qrels:
    qrels: Qrels = {}
    for row in _read_jsonl(path):
        qrels.setdefault(str(row["query_id"]), {})[str(row["doc_id"])] = int(row["grade"])
    return qrels


def read_market(dir: Path) -> Market:
    """Read a market written by :func:`write_market`."""
    config_path = dir / CONFIG_FILE
    if not config_path.is_file():
        raise FileNotFoundError(f"no {CONFIG_FILE} in {dir}: not a written market")
    config = MarketConfig.from_dict(json.loads(config_path.read_text(encoding="utf-8")))
    return Market(
        config=config,
        vacancies=list(_read_jsonl(dir / VACANCIES_FILE)),
        jobseekers=list(_read_jsonl(dir / JOBSEEKERS_FILE)),
        truth={
            truth.id: truth
            for truth in (DocumentTruth.from_dict(row) for row in _read_jsonl(dir / TRUTH_FILE))
        },
        qrels_for_jobseekers=_read_qrels(dir / QRELS_JOBSEEKERS_FILE),
        qrels_for_vacancies=_read_qrels(dir / QRELS_VACANCIES_FILE),
    )


def write_large(
    config: MarketConfig,
    out_dir: Path,
    show_progress: bool = False,
    *,
    vacancies_override: int | None = None,
    jobseekers_override: int | None = None,
    workers: int = 1,
) -> None:
    """Stream the market's vacancies and jobseekers (a million vacancies for ``large``) to
    ``vacancies.jsonl``, ``jobseekers.jsonl`` and ``truth.jsonl`` without holding them; no
    qrels. The overrides replace the size's counts (for tests and dry runs); ``workers``
    processes compose the documents (the output does not depend on it; one process writes
    about 2,000 vacancies a second).
    """
    n_jobseekers, n_vacancies = config.counts
    n_vacancies = n_vacancies if vacancies_override is None else vacancies_override
    n_jobseekers = n_jobseekers if jobseekers_override is None else jobseekers_override
    if n_vacancies < 0 or n_jobseekers < 0:
        raise ValueError("document counts must not be negative")
    out_dir.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        vacancies = stack.enter_context(_atomic(out_dir / VACANCIES_FILE))
        jobseekers = stack.enter_context(_atomic(out_dir / JOBSEEKERS_FILE))
        truths = stack.enter_context(_atomic(out_dir / TRUTH_FILE))
        docs = tqdm(
            iter_vacancy_documents(config, count=n_vacancies, workers=workers),
            total=n_vacancies,
            desc="vacancies",
            unit="doc",
            disable=not show_progress,
        )
        for record, truth in docs:
            vacancies.write(_line(record))
            truths.write(_line(truth.to_dict()))
        docs = tqdm(
            iter_jobseeker_documents(config, count=n_jobseekers, workers=workers),
            total=n_jobseekers,
            desc="jobseekers",
            unit="doc",
            disable=not show_progress,
        )
        for record, truth in docs:
            jobseekers.write(_line(record))
            truths.write(_line(truth.to_dict()))
    for stale in (QRELS_JOBSEEKERS_FILE, QRELS_VACANCIES_FILE):
        (out_dir / stale).unlink(missing_ok=True)  # from an earlier market in out_dir
    counts = {"vacancies": n_vacancies, "jobseekers": n_jobseekers}
    _write_config(out_dir, config, counts)
    logger.info("streamed %d vacancies and %d jobseekers to %s", n_vacancies, n_jobseekers, out_dir)
