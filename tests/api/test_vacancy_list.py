"""``GET /v1/vacancies``: filters, paging and who sees which province's vacancies."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from karyab.records import Vacancy
from karyab.service import Karyab
from storage.sql_store import SqlStore, sqlite_url
from tests.matching.engines import hashing_engine

TEHRAN, FARS = "تهران", "فارس"
VACANCIES = [
    Vacancy(id="v-teh-1", title="حسابدار", text="حسابداری با سپیدار", province=TEHRAN),
    Vacancy(id="v-teh-2", title="برنامه‌نویس Python", text="Django", province=TEHRAN),
    Vacancy(id="v-teh-3", title="انباردار", text="انبارداری", province=TEHRAN, city=TEHRAN),
    Vacancy(id="v-far-1", title="حسابدار ارشد", text="حسابداری با هلو", province=FARS),
    Vacancy(id="v-far-2", title="راننده", text="رانندگی", province=FARS, city="شیراز"),
    Vacancy(id="v-none", title="کارشناس 50%_فروش", text="فروش"),
]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Karyab, dict[str, str]]]:
    engine = hashing_engine(tmp_path_factory.mktemp("vacancy-list"), auth=True)
    engine.add_vacancies(VACANCIES[:3])
    engine.add_vacancies(VACANCIES[3:])  # written later: listed first
    store = engine.store
    keys = {
        "admin": store.create_api_key("ops", "admin")[1],
        "office": store.create_api_key("کاریابی تهران", "office", province=TEHRAN)[1],
        "office_fars": store.create_api_key("کاریابی فارس", "office", province=FARS)[1],
        "jobseeker": store.create_api_key("js", "jobseeker", jobseeker_id="js-1")[1],
        "analyst": store.create_api_key("مرکز آمار", "analyst")[1],
    }
    yield engine, keys
    engine.close()


@pytest.fixture(scope="module")
def client(world: tuple[Karyab, dict[str, str]]) -> Iterator[TestClient]:
    engine, _ = world
    with TestClient(create_app(engine.settings, engine=engine)) as test_client:
        yield test_client


def _list(
    client: TestClient, keys: dict[str, str], role: str | None, **params: Any
) -> tuple[int, Any]:
    headers = {"X-API-Key": keys[role]} if role else {}
    response = client.get("/v1/vacancies", params=params, headers=headers)
    return response.status_code, response.json()


def _ids(body: Any) -> list[str]:
    return [v["id"] for v in body["vacancies"]]


@pytest.mark.parametrize(
    ("role", "params", "status", "ids"),
    [
        # every role may list vacancies (they are not personal data)...
        ("admin", {}, 200, {v.id for v in VACANCIES}),
        ("jobseeker", {}, 200, {v.id for v in VACANCIES}),
        ("analyst", {"province": FARS}, 200, {"v-far-1", "v-far-2"}),
        # ...but an office only its own province's, whatever it asks for
        ("office", {}, 200, {"v-teh-1", "v-teh-2", "v-teh-3"}),
        ("office_fars", {}, 200, {"v-far-1", "v-far-2"}),
        ("office_fars", {"province": "استان فارس"}, 200, {"v-far-1", "v-far-2"}),
        ("office", {"province": FARS}, 403, None),
        ("office_fars", {"province": TEHRAN}, 403, None),
        (None, {}, 401, None),
    ],
)
def test_roles(
    client: TestClient,
    world: tuple[Karyab, dict[str, str]],
    role: str | None,
    params: dict[str, Any],
    status: int,
    ids: set[str] | None,
) -> None:
    code, body = _list(client, world[1], role, **params)
    assert code == status, body
    if ids is None:
        assert body["error"] in {"forbidden", "unauthenticated"} and body["message"]
    else:
        assert set(_ids(body)) == ids and body["total"] == len(ids)


def test_newest_first_with_paging(client: TestClient, world: tuple[Karyab, dict[str, str]]) -> None:
    keys = world[1]
    _, first = _list(client, keys, "admin", limit=2)
    _, second = _list(client, keys, "admin", limit=2, offset=2)
    _, rest = _list(client, keys, "admin", limit=100, offset=4)
    assert first["total"] == second["total"] == rest["total"] == len(VACANCIES)
    listed = _ids(first) + _ids(second) + _ids(rest)
    assert sorted(listed) == sorted(v.id for v in VACANCIES)
    assert set(listed[:3]) == {"v-far-1", "v-far-2", "v-none"}  # the later write
    summary = next(v for v in rest["vacancies"] + second["vacancies"] if v["id"] == "v-teh-3")
    assert summary["city"] == TEHRAN and "text" not in summary


@pytest.mark.parametrize(
    ("q", "ids"),
    [
        ("حسابدار", {"v-teh-1", "v-far-1"}),
        ("python", {"v-teh-2"}),  # Latin letters in any case
        ("50%_", {"v-none"}),  # % and _ are literal
        ("%", {"v-none"}),
        ("لوله‌کش", set()),
    ],
)
def test_title_search(
    client: TestClient, world: tuple[Karyab, dict[str, str]], q: str, ids: set[str]
) -> None:
    code, body = _list(client, world[1], "admin", q=q)
    assert code == 200 and set(_ids(body)) == ids and body["total"] == len(ids)


def test_office_search_stays_in_its_province(
    client: TestClient, world: tuple[Karyab, dict[str, str]]
) -> None:
    code, body = _list(client, world[1], "office", q="حسابدار")
    assert code == 200 and _ids(body) == ["v-teh-1"]


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 101}, {"offset": -1}, {"q": "x" * 201}])
def test_bad_parameters_get_422(
    client: TestClient, world: tuple[Karyab, dict[str, str]], params: dict[str, Any]
) -> None:
    code, body = _list(client, world[1], "admin", **params)
    assert code == 422 and body["error"] == "invalid_request" and body["message"]


def test_store_lists_live_records_only(tmp_path: Path) -> None:
    """Archived postings (analytics history) are never offered for picking."""
    store = SqlStore(sqlite_url(tmp_path / "store.sqlite3"))
    store.archive("vacancy", [Vacancy(id="v-old", title="حسابدار", text="-", province=TEHRAN)])
    assert store.list_vacancies() == ([], 0)
    with pytest.raises(ValueError):
        store.list_vacancies(limit=-1)
    store.close()


SPELLINGS = [
    Vacancy(id="s-arabic", title="كارشناس فروش ويژه", text="فروش"),  # Arabic kaf and yeh
    Vacancy(id="s-space", title="برنامه نویس Java", text="Java"),  # ZWNJ written as a space
    Vacancy(id="s-zwnj", title="برنامه‌نویس Go", text="Go"),
    Vacancy(id="s-kashida", title="حسابـــدار", text="حسابداری"),
    Vacancy(id="s-grade-word", title="راننده پایه یک", text="رانندگی"),
    Vacancy(id="s-grade-digit", title="راننده پایه ۲ (تریلی)", text="رانندگی"),
]


@pytest.mark.parametrize(
    ("q", "ids"),
    [
        ("کارشناس فروش", {"s-arabic"}),  # Persian letters find the Arabic spelling
        ("ويژه", {"s-arabic"}),  # and the other way round
        ("برنامه‌نویس", {"s-space", "s-zwnj"}),  # ZWNJ, space: one word either way
        ("برنامه نویس", {"s-space", "s-zwnj"}),
        ("حسابدار", {"s-kashida"}),  # kashida ignored
        ("JAVA", {"s-space"}),
        ("پایه 1", {"s-grade-word"}),  # a grade in words, searched with digits
        ("پایه١", {"s-grade-word"}),  # Arabic-Indic digit, glued
        ("پایه دو", {"s-grade-digit"}),  # and in words, stored with a Persian digit
        ("پایه ۲ (", {"s-grade-digit"}),
        ("راننده پایه", {"s-grade-word", "s-grade-digit"}),
    ],
)
def test_title_search_folds_persian_spelling_variants(
    tmp_path: Path, q: str, ids: set[str]
) -> None:
    engine = hashing_engine(tmp_path)
    engine.add_vacancies(SPELLINGS)
    found, total = engine.store.list_vacancies(title_contains=q)
    assert {v.id for v in found} == ids and total == len(ids)
    engine.close()
