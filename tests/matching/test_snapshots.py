"""Recommendations from snapshots: served without a search while they hold, patched with the
vacancies written since, searched again when the profile changes or too much did; and the
resumable nightly batch that makes them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from karyab.records import Jobseeker, Match, Vacancy
from karyab.service import Karyab
from matching.batch import RUN_MARKER, due
from matching.batch_rank import BlockRanker
from matching.matcher import SearchFilters
from matching.snapshots import match_from_dict, match_to_dict, merge
from tests.matching.engines import hashing_engine

TEXTS = [
    ("حسابدار", "حسابداری با سپیدار و اکسل، تهیه صورت‌های مالی و اظهارنامه مالیاتی"),
    ("برنامه‌نویس پایتون", "توسعه بک‌اند با پایتون و جنگو، PostgreSQL و Docker"),
    ("راننده پایه یک", "رانندگی کامیون بین‌شهری با گواهینامه پایه یک"),
    ("انباردار", "انبارداری، ثبت ورود و خروج کالا در نرم‌افزار، انبارگردانی"),
    ("کارشناس فروش", "فروش تلفنی و حضوری، پیگیری مشتریان و ثبت سفارش"),
]
VACANCIES = [
    # Distinct lengths keep scores apart, so orders have no ties to break.
    Vacancy(id=f"v{i:02d}-{n}", title=title, text=text + " کار تیمی" * n, province="تهران")
    for i, (title, text) in enumerate(TEXTS)
    for n in range(4)
]
SEEKERS = [
    Jobseeker(id="js-acc", title="حسابدار", text="پنج سال حسابداری با سپیدار و اکسل"),
    Jobseeker(id="js-dev", title="برنامه‌نویس", text="برنامه‌نویس پایتون و جنگو با داکر"),
    Jobseeker(id="js-drv", title="راننده", text="راننده کامیون با گواهینامه پایه یک"),
]


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Karyab]:
    engine = hashing_engine(tmp_path, snapshot_depth=8)
    engine.add_vacancies(VACANCIES)
    engine.add_jobseekers(SEEKERS)
    yield engine
    engine.close()


@pytest.fixture
def no_search(engine: Karyab, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every full search the engine makes (the test asserts how many)."""
    searches: list[str] = []
    original = engine.matcher.recommend_vacancies

    def counting(jobseeker_id: str, k: int = 10, filters: SearchFilters | None = None) -> list:
        searches.append(jobseeker_id)
        return original(jobseeker_id, k, filters)

    monkeypatch.setattr(engine.matcher, "recommend_vacancies", counting)
    return searches


def _ids(matches: list[Match]) -> list[str]:
    return [m.id for m in matches]


def _live(engine: Karyab, jobseeker_id: str, k: int) -> list[str]:
    return _ids(engine.matcher.recommend_vacancies(jobseeker_id, k))


def test_first_request_snapshots_and_the_next_is_served_from_it(
    engine: Karyab, no_search: list[str]
) -> None:
    first = engine.recommendations("js-acc", 5)
    assert no_search == ["js-acc"]
    assert engine.store.snapshot("js-acc") is not None
    second = engine.recommendations("js-acc", 5)
    assert no_search == ["js-acc"]  # no second search
    assert second == first
    assert _ids(first)[0].startswith("v00-")  # the accountant's vacancies first
    assert [m.rank for m in second] == [1, 2, 3, 4, 5]


def test_new_vacancy_is_merged_in_where_a_search_would_put_it(
    engine: Karyab, no_search: list[str]
) -> None:
    engine.recommendations("js-dev", 6)
    engine.add_vacancies(
        [Vacancy(id="new-dev", title="برنامه‌نویس پایتون", text="برنامه‌نویس پایتون و جنگو با داکر")]
    )
    patched = engine.recommendations("js-dev", 6)
    assert no_search == ["js-dev"]  # patched, not searched again
    assert _ids(patched) == _live(engine, "js-dev", 6)
    assert _ids(patched)[0] == "new-dev"
    # The patch became the snapshot: the next request needs neither search nor patch.
    snapshot = engine.store.snapshot("js-dev")
    assert snapshot is not None and snapshot.watermark == engine.store.generation()


def test_removed_and_rewritten_vacancies_leave_the_snapshot(
    engine: Karyab, no_search: list[str]
) -> None:
    before = _ids(engine.recommendations("js-drv", 4))
    engine.delete("vacancy", [before[0]])
    rewritten = engine.get("vacancy", before[1])
    assert isinstance(rewritten, Vacancy)
    engine.add_vacancies([replace(rewritten, title="آشپز", text="آشپز رستوران سنتی")])
    after = _ids(engine.recommendations("js-drv", 2))
    assert before[0] not in after and before[1] not in after
    assert no_search == ["js-drv"]
    assert after == _live(engine, "js-drv", 2)


def test_a_changed_profile_is_searched_again(engine: Karyab, no_search: list[str]) -> None:
    engine.recommendations("js-acc", 3)
    engine.add_jobseekers([replace(SEEKERS[0], text="راننده کامیون با گواهینامه پایه یک")])
    after = engine.recommendations("js-acc", 3)
    assert no_search == ["js-acc", "js-acc"]
    assert _ids(after)[0].startswith("v02-")


def test_too_many_changes_mean_a_new_search(tmp_path: Path) -> None:
    engine = hashing_engine(tmp_path, snapshot_depth=8, snapshot_max_changes=1)
    try:
        engine.add_vacancies(VACANCIES)
        engine.add_jobseekers(SEEKERS)
        engine.recommendations("js-acc", 3)
        before = engine.store.snapshot("js-acc")
        engine.add_vacancies(
            [replace(v, id=f"more-{v.id}", text="فوری " + v.text) for v in VACANCIES[:2]]
        )
        assert _ids(engine.recommendations("js-acc", 3)) == _live(engine, "js-acc", 3)
        after = engine.store.snapshot("js-acc")
        assert before is not None and after is not None
        assert after.depth == 8 and after.watermark > before.watermark
    finally:
        engine.close()


def test_filters_and_deep_requests_search_live(engine: Karyab, no_search: list[str]) -> None:
    engine.recommendations("js-acc", 3)
    engine.recommendations("js-acc", 3, SearchFilters(province="تهران"))
    engine.recommendations("js-acc", 9)  # deeper than the snapshot's 8
    assert no_search == ["js-acc", "js-acc", "js-acc"]


def test_unknown_jobseeker_is_still_an_error(engine: Karyab) -> None:
    with pytest.raises(LookupError):
        engine.recommendations("nobody", 3)


def test_turned_off_every_request_searches(tmp_path: Path) -> None:
    engine = hashing_engine(tmp_path, snapshots=False)
    try:
        engine.add_vacancies(VACANCIES)
        engine.add_jobseekers(SEEKERS)
        engine.recommendations("js-acc", 3)
        assert engine.store.snapshot("js-acc") is None
    finally:
        engine.close()


def test_match_round_trips_through_json() -> None:
    match = Match(
        id="v1",
        title="حسابدار",
        score=0.5,
        rank=1,
        matched_skills=("اکسل",),
        missing_skills=("سپیدار",),
        details={"cosine": 0.5, "features": {"a": None}},
    )
    assert match_from_dict(match_to_dict(match)) == match


@pytest.mark.parametrize(
    ("kept", "fresh", "depth", "expected"),
    [
        ([("a", 0.9), ("b", 0.5)], [("c", 0.7)], 3, ["a", "c", "b"]),
        ([("a", 0.9), ("b", 0.5)], [("c", 0.7)], 2, ["a", "c"]),
        ([], [("c", 0.7), ("d", 0.7)], 5, ["c", "d"]),  # ties by id
        ([("a", 0.1)], [], 5, ["a"]),
    ],
)
def test_merge(
    kept: list[tuple[str, float]],
    fresh: list[tuple[str, float]],
    depth: int,
    expected: list[str],
) -> None:
    def matches(pairs: list[tuple[str, float]]) -> list[Match]:
        return [Match(id=i, title=i, score=s, rank=99) for i, s in pairs]

    merged = merge(matches(kept), matches(fresh), depth)
    assert _ids(merged) == expected
    assert [m.rank for m in merged] == list(range(1, len(expected) + 1))


@pytest.mark.parametrize(
    ("state", "seq", "reference", "is_due"),
    [
        (None, 5, 10, True),  # never matched
        ((5, 10), 5, 10, False),  # current
        ((5, 12), 5, 10, False),  # newer than the run
        ((5, 9), 5, 10, True),  # older than the run
        ((4, 12), 5, 10, True),  # the profile was rewritten since
    ],
)
def test_due(state: tuple[int, int] | None, seq: int, reference: int, is_due: bool) -> None:
    states = {} if state is None else {"js": state}
    assert due([("js", seq)], states, reference) == (["js"] if is_due else [])


def test_batch_match_snapshots_everyone_and_resumes_a_cut_run(
    engine: Karyab, no_search: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ranked: list[str] = []  # every jobseeker the batch ranks in full, in blocks
    original = BlockRanker.rank_block

    def counting(self: BlockRanker, seekers: list[Jobseeker], vectors: object, k: int) -> list:
        ranked.extend(s.id for s in seekers)
        return original(self, seekers, vectors, k)  # type: ignore[arg-type]

    monkeypatch.setattr(BlockRanker, "rank_block", counting)
    cut = engine.batch_match(limit=2)
    assert (cut.matched, cut.resumed, cut.jobseekers) == (2, False, 3)
    assert engine.store.meta_value(RUN_MARKER) == str(cut.reference)  # unfinished
    assert engine.store.count_snapshots() == 2

    rest = engine.batch_match()
    assert (rest.matched, rest.skipped, rest.resumed) == (1, 2, True)
    assert rest.reference == cut.reference
    assert engine.store.meta_value(RUN_MARKER) is None  # finished
    assert sorted(ranked) == ["js-acc", "js-dev", "js-drv"]  # nobody twice
    assert set(engine.store.snapshot_states()) == {s.id for s in SEEKERS}
    for seeker in SEEKERS:  # the block ranking is the request path's
        assert _ids(engine.recommendations(seeker.id, 8)) == _live(engine, seeker.id, 8)[:8]

    # Served from the batch's snapshots, no search.
    no_search.clear()
    engine.recommendations("js-dev", 5)
    assert no_search == []

    # The next night: every snapshot is older than the run's reference. The changed profile
    # is ranked in full, the others are patched with the vacancies written since.
    engine.add_jobseekers([replace(SEEKERS[1], text="برنامه‌نویس جاوا")])
    engine.add_vacancies([replace(VACANCIES[0], id="new-acc", text="فوری " + VACANCIES[0].text)])
    ranked.clear()
    again = engine.batch_match()
    assert again.resumed is False
    assert (again.matched, again.patched) == (3, 2)
    assert ranked == ["js-dev"]
    for seeker in SEEKERS:
        assert _ids(engine.recommendations(seeker.id, 8)) == _live(engine, seeker.id, 8)[:8]


def test_batch_match_on_an_empty_store(tmp_path: Path) -> None:
    engine = hashing_engine(tmp_path)
    try:
        report = engine.batch_match()
        assert (report.jobseekers, report.matched) == (0, 0)
    finally:
        engine.close()


def test_deleting_a_jobseeker_deletes_its_snapshot(engine: Karyab) -> None:
    engine.recommendations("js-acc", 3)
    engine.delete("jobseeker", ["js-acc"])
    assert engine.store.snapshot("js-acc") is None


def test_cached_answers_from_a_snapshot_another_process_wrote(
    tmp_path: Path, engine: Karyab, no_search: list[str]
) -> None:
    # Another worker (or the nightly batch) wrote the snapshot: this process answers from it
    # without a search.
    first = engine.recommendations("js-acc", 3)
    assert no_search == ["js-acc"]
    other = hashing_engine(tmp_path, snapshot_depth=8)
    try:
        assert other.cached_recommendations("js-acc", 3) == first
        assert other.cached_recommendations("js-acc", 2) == first[:2]
    finally:
        other.close()
    assert no_search == ["js-acc"]


def test_cached_answers_only_from_a_current_snapshot(engine: Karyab) -> None:
    assert engine.cached_recommendations("js-acc", 3) is None  # no snapshot yet
    first = engine.recommendations("js-acc", 3)
    assert engine.cached_recommendations("js-acc", 3) == first
    assert engine.cached_recommendations("js-acc", 9) is None  # deeper than the snapshot
    assert engine.cached_recommendations("js-acc", 3, SearchFilters(province="تهران")) is None
    engine.add_vacancies([replace(VACANCIES[0], id="new", text="فوری " + VACANCIES[0].text)])
    assert engine.cached_recommendations("js-acc", 3) is None  # the store moved on
    assert engine.cached_recommendations("nobody", 3) is None


def test_each_answer_is_its_own_copy(engine: Karyab) -> None:
    first = engine.recommendations("js-acc", 3)
    served = engine.cached_recommendations("js-acc", 3)
    assert served == first
    assert served is not None and served[0].details
    for value in served[0].details.values():  # a caller decorating its answer in place
        if isinstance(value, list | dict):
            value.clear()
    served[0].details.clear()
    assert engine.cached_recommendations("js-acc", 3) == first
    assert engine.recommendations("js-acc", 3) == first
