"""Bundled demo labour market: invented Persian job ads and CVs for demos and tests.

The JSONL files under ``demo/data`` are produced by ``python -m demo.generate`` from the
hand-written occupation material in :mod:`demo.content`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from demo.history import History

_DATA_DIR = Path(__file__).resolve().parent / "data"


def _read_jsonl(name: str) -> list[dict[str, Any]]:
    path = _DATA_DIR / name
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_demo_vacancies() -> list[dict[str, Any]]:
    """The bundled demo vacancies (``demo/data/vacancies.jsonl``), in file order."""
    return _read_jsonl("vacancies.jsonl")


def load_demo_jobseekers() -> list[dict[str, Any]]:
    """The bundled demo jobseeker CVs (``demo/data/jobseekers.jsonl``), in file order."""
    return _read_jsonl("jobseekers.jsonl")


def load_demo_history() -> History:
    """A 24-month history of demo ads with planted skill trends (generated, not read from disk).

    See :mod:`demo.history`; generating the default sizes takes a few seconds.
    """
    from demo.history import generate_history

    return generate_history()


__all__ = ["load_demo_history", "load_demo_jobseekers", "load_demo_vacancies"]
