"""End to end with the real encoder on the bundled demo market (slow: encodes ~550 texts)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from karyab.service import Karyab
from karyab.settings import Settings

pytestmark = pytest.mark.slow

SOFTWARE = {"2511", "2512", "2513", "2514", "2519", "3512", "3514"}
ACCOUNTING = {"2411", "3313", "4311", "1211"}
DRIVING = {"8322", "8331", "8332"}

PYTHON_CV = """
رزومه کاری
برنامه‌نویس بک‌اند Python با ۴ سال سابقه
- توسعه API با Django و FastAPI
- کار با PostgreSQL و Redis، نوشتن تست با pytest
- آشنا با Docker و Git و لینوکس
تحصیلات: کارشناسی مهندسی کامپیوتر، دانشگاه صنعتی اصفهان
"""
ACCOUNTANT_CV = """
حسابدار با هفت سال سابقه در شرکت‌های بازرگانی. ثبت اسناد حسابداری، تهیه صورت‌های مالی،
تحریر دفاتر قانونی، محاسبه حقوق و دستمزد و تنظیم لیست بیمه تأمین اجتماعی.
مسلط به نرم‌افزارهای سپیدار و هلو و Excel. مدرک کارشناسی حسابداری.
"""
TRUCK_DRIVER_CV = """
راننده کامیون با گواهینامه پایه یک و ده سال سابقه حمل بار بین‌شهری.
آشنا به مسیرهای جاده‌ای جنوب و شمال کشور، دارای کارت هوشمند رانندگی و کارت سلامت.
آماده کار در شرکت‌های حمل و نقل و پخش.
"""


@pytest.fixture(scope="module")
def client(e5_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data_dir = tmp_path_factory.mktemp("karyab-e2e")
    (data_dir / "models").symlink_to(e5_model_dir.parent, target_is_directory=True)
    settings = Settings(
        data_dir=data_dir, encoder="e5", load_demo=True, occupation_coder=False, ranker=True
    )
    engine = Karyab.open(settings)
    engine.load_demo_if_empty(show_progress=False, history=False)
    with TestClient(create_app(settings, engine=engine)) as test_client:
        yield test_client
    engine.close()


@pytest.mark.parametrize(
    ("cv", "family"),
    [(PYTHON_CV, SOFTWARE), (ACCOUNTANT_CV, ACCOUNTING), (TRUCK_DRIVER_CV, DRIVING)],
    ids=["python-backend", "accountant", "truck-driver"],
)
def test_cv_gets_its_occupation_in_top_5(client: TestClient, cv: str, family: set[str]) -> None:
    response = client.post("/v1/match", json={"text": cv, "kind": "cv", "k": 5})
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == 5
    codes = [r["occupation"] for r in results]
    assert sum(code in family for code in codes) >= 3, codes
    assert codes[0] in family, codes


def test_demo_jobseekers_find_their_own_occupation(client: TestClient) -> None:
    """Placement sanity on the demo fixture: most stored jobseekers' top-5 vacancies hold
    one of their own ISCO unit group."""
    health = client.get("/health").json()
    assert health["vacancies"] >= 300 and health["jobseekers"] >= 150
    from demo import load_demo_jobseekers

    seekers = load_demo_jobseekers()
    hits = 0
    for seeker in seekers:
        results = client.get(f"/v1/jobseekers/{seeker['id']}/recommendations?k=5").json()
        if any(r["occupation"] == seeker["isco_code"] for r in results["results"]):
            hits += 1
    assert hits / len(seekers) >= 0.6, hits / len(seekers)
