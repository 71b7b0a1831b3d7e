"""Two engines on one store (two API workers, or a worker and a bulk import): each one's
index follows what the other writes, for searches, shortlists and snapshot patches."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from karyab.records import Jobseeker, Vacancy
from karyab.service import Karyab
from matching.matcher import SearchFilters
from tests.matching.engines import hashing_engine


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[Karyab, Karyab]]:
    first = hashing_engine(tmp_path)
    first.add_vacancies(
        [Vacancy(id="acc", title="حسابدار", text="حسابداری با سپیدار", province="فارس")]
    )
    first.add_jobseekers(
        [Jobseeker(id="js", title="راننده", text="راننده کامیون پایه یک", province="فارس")]
    )
    second = hashing_engine(tmp_path)
    yield first, second
    second.close()
    first.close()


DRIVER = Vacancy(id="drv", title="راننده پایه یک", text="راننده کامیون پایه یک", province="فارس")


def test_own_writes_keep_the_engine_in_sync(pair: tuple[Karyab, Karyab]) -> None:
    first, _ = pair
    first.add_vacancies([DRIVER])
    assert first.sync_indexes() is False  # nothing to fetch: it applied its own write


def test_a_search_sees_what_another_engine_wrote(pair: tuple[Karyab, Karyab]) -> None:
    first, second = pair
    assert [m.id for m in second.recommendations("js", 5)] == ["acc"]  # snapshot taken
    first.add_vacancies([DRIVER])
    assert second.recommendations("js", 5)[0].id == "drv"  # patched
    filtered = second.recommendations("js", 5, SearchFilters(province="فارس"))  # live
    assert filtered[0].id == "drv"
    assert "drv" in second.indexes["vacancy"]


def test_a_removal_elsewhere_leaves_the_index(pair: tuple[Karyab, Karyab]) -> None:
    first, second = pair
    first.add_vacancies([DRIVER])
    assert second.sync_indexes() is True
    first.delete("vacancy", ["drv"])
    results = second.match_text("راننده کامیون پایه یک", "cv", 5)
    assert "drv" not in [m.id for m in results]
    assert "drv" not in second.indexes["vacancy"]
    assert len(second.indexes["vacancy"]) == 1


def test_a_profile_written_elsewhere_is_shortlisted(pair: tuple[Karyab, Karyab]) -> None:
    first, second = pair
    first.add_jobseekers(
        [Jobseeker(id="js2", title="حسابدار", text="حسابداری با سپیدار", province="فارس")]
    )
    assert second.shortlist("acc", 5)[0].id == "js2"


def test_a_large_side_is_searched_approximately_and_reloaded_memory_mapped(
    tmp_path: Path,
) -> None:
    provinces = ["فارس", "تهران", "اصفهان"]
    trades = ["راننده کامیون پایه یک", "حسابدار مسلط به سپیدار", "برنامه نویس پایتون"]
    vacancies = [
        Vacancy(
            id=f"v{i}",
            title=trades[i % 3].split()[0],
            text=f"{trades[i % 3]} آگهی شماره {i}",
            province=provinces[i % 3],
        )
        for i in range(60)
    ]
    seeker = Jobseeker(id="js", title="حسابدار", text="حسابدار مسلط به سپیدار", province="تهران")
    engine = hashing_engine(tmp_path, index_exact_limit=40, index_nprobe=2)
    engine.add_vacancies(vacancies)
    engine.add_jobseekers([seeker])
    assert engine.indexes["vacancy"].kind == "ivf_sq8"
    assert engine.indexes["jobseeker"].kind == "exact"
    live = engine.recommendations("js", 5, SearchFilters(province="تهران"))
    assert [m.id for m in live] and all(int(m.id[1:]) % 3 == 1 for m in live)
    engine.close()  # saves the indexes

    reopened = hashing_engine(tmp_path, index_exact_limit=40, index_nprobe=2)
    index = reopened.indexes["vacancy"]
    assert index.kind == "ivf_sq8" and index.memory_mapped and len(index) == 60
    again = reopened.recommendations("js", 5, SearchFilters(province="تهران"))
    assert [m.id for m in again] == [m.id for m in live]
    reopened.add_vacancies(
        [Vacancy(id="new", title="حسابدار", text="حسابدار سپیدار", province="تهران")]
    )
    assert not index.memory_mapped and "new" in index
    reopened.close()
