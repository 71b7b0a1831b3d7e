"""Generate the bundled demo labour market (vacancies and jobseeker CVs).

``python -m demo.generate`` rewrites ``demo/data/vacancies.jsonl`` and
``demo/data/jobseekers.jsonl``. The output depends only on the seed.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from random import Random

from demo.content import OCCUPATIONS, Occupation
from demo.jobseekers import make_jobseeker
from demo.records import JobseekerRecord, VacancyRecord
from demo.vacancies import make_vacancy

DEFAULT_SEED = 1403
DATA_DIR = Path(__file__).resolve().parent / "data"
VACANCIES_FILE = "vacancies.jsonl"
JOBSEEKERS_FILE = "jobseekers.jsonl"


@dataclass(frozen=True)
class DemoData:
    """The generated demo market: plain JSON-ready records."""

    vacancies: list[VacancyRecord]
    jobseekers: list[JobseekerRecord]


def _slots(occupations: Sequence[Occupation], count_of: str, rng: Random) -> list[Occupation]:
    slots = [occ for occ in occupations for _ in range(getattr(occ, count_of))]
    rng.shuffle(slots)
    return slots


def generate_demo(seed: int = DEFAULT_SEED) -> DemoData:
    """Compose every vacancy and CV of the demo from the hand-written material."""
    rng = Random(f"vacancies:{seed}")
    vacancies = [
        make_vacancy(occ, number, rng)
        for number, occ in enumerate(_slots(OCCUPATIONS, "vacancies", rng), 1)
    ]
    rng = Random(f"jobseekers:{seed}")
    jobseekers = [
        make_jobseeker(occ, number, rng)
        for number, occ in enumerate(_slots(OCCUPATIONS, "cvs", rng), 1)
    ]
    return DemoData(vacancies=vacancies, jobseekers=jobseekers)


def to_jsonl(records: Sequence[VacancyRecord] | Sequence[JobseekerRecord]) -> str:
    """One JSON object per line, UTF-8 text kept readable (``ensure_ascii=False``)."""
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)


def write_demo(out_dir: Path, seed: int = DEFAULT_SEED) -> None:
    """Write ``vacancies.jsonl`` and ``jobseekers.jsonl`` into ``out_dir``."""
    data = generate_demo(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / VACANCIES_FILE).write_text(to_jsonl(data.vacancies), encoding="utf-8", newline="\n")
    (out_dir / JOBSEEKERS_FILE).write_text(
        to_jsonl(data.jobseekers), encoding="utf-8", newline="\n"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)
    write_demo(args.out, args.seed)
    data = generate_demo(args.seed)
    print(f"wrote {len(data.vacancies)} vacancies and {len(data.jobseekers)} CVs to {args.out}")


if __name__ == "__main__":
    main()
