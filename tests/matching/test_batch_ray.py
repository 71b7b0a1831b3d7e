"""The nightly batch on Ray (a one-machine cluster started for the run): the same
snapshots as the local engine, and a cut run resumed on either engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from karyab.records import Jobseeker, Vacancy
from karyab.service import Karyab
from matching.batch import RUN_MARKER
from tests.matching.engines import hashing_engine

pytest.importorskip("ray")

TITLES = ["حسابدار", "برنامه‌نویس پایتون", "راننده پایه یک", "انباردار", "کارشناس فروش"]


def _engine(data_dir: Path) -> Karyab:
    engine = hashing_engine(data_dir, snapshot_depth=5)
    engine.add_vacancies(
        [
            Vacancy(id=f"v{i}-{n}", title=t, text=f"{t} {'با سابقه ' * n}", province="تهران")
            for i, t in enumerate(TITLES)
            for n in range(3)
        ]
    )
    engine.add_jobseekers(
        [Jobseeker(id=f"j{i}", title=t, text=f"{t} با پنج سال سابقه") for i, t in enumerate(TITLES)]
    )
    return engine


@pytest.mark.slow
def test_ray_engine_matches_the_local_one_and_resumes(tmp_path: Path) -> None:
    engine = _engine(tmp_path / "ray")
    try:
        cut = engine.batch_match(limit=2)  # a local run cut short
        assert engine.store.meta_value(RUN_MARKER) is not None
        report = engine.batch_match(engine="ray", workers=2)
        assert (report.resumed, report.skipped, report.matched) == (True, 2, 3)
        assert report.reference == cut.reference
        assert engine.store.meta_value(RUN_MARKER) is None
        assert engine.store.count_snapshots() == 5
        for i in range(5):
            snapshot = engine.store.snapshot(f"j{i}")
            assert snapshot is not None
            live = engine.matcher.recommend_vacancies(f"j{i}", 5)
            assert [m.id for m in snapshot.matches] == [m.id for m in live]
            assert snapshot.matches[0].id.startswith(f"v{i}-")
        assert engine.batch_match(engine="ray").matched == 0  # nothing due
    finally:
        engine.close()
