"""The web UI in a real browser: the app served by uvicorn on a free local port (API keys on),
over a small market encoded with the fast hashing encoder plus two archived years for the
analyst page, driven by headless Chromium through Selenium.

Chromium and chromedriver are Debian's packages (``scripts/test_services.sh`` installs them);
``KARYAB_CHROMIUM`` and ``KARYAB_CHROMEDRIVER`` point elsewhere. Without them the tests are
skipped, except in CI (``CI`` set), where that is a failure. Screenshots of every page go to
``KARYAB_ARTIFACTS_DIR`` (default ``test-artifacts/screenshots``).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from api.main import create_app
from karyab.records import Jobseeker, Vacancy
from karyab.service import Karyab
from karyab.settings import Settings
from models.encoder import HashingEncoder
from models.occupation_coder import OccupationCoder
from skills.inference import SkillInferencer
from tests.analytics.conftest import make_market

REPO = Path(__file__).resolve().parents[2]
TEHRAN, FARS, ISFAHAN = "تهران", "فارس", "اصفهان"
WINDOW = (1280, 1600)

VACANCIES = [
    Vacancy(
        id="v-py-teh",
        title="برنامه‌نویس ارشد Python",
        text="توسعه سرویس‌های بک‌اند با Python و Django، پایگاه داده PostgreSQL، استقرار با "
        "Docker و Kubernetes و کار با Git",
        province=TEHRAN,
        city=TEHRAN,
        employer="فناوران نوین",
        isco_code="2512",
        min_experience_years=3,
        skills=("Python", "Django", "Docker", "Kubernetes"),
    ),
    Vacancy(
        id="v-front-teh",
        title="توسعه‌دهنده فرانت‌اند React",
        text="ساخت رابط کاربری وب با React و TypeScript و JavaScript، آشنا با Git",
        province=TEHRAN,
        city=TEHRAN,
        employer="دیجی‌نما",
        isco_code="2513",
        skills=("React", "JavaScript"),
    ),
    Vacancy(
        id="v-acc-teh",
        title="حسابدار",
        text="ثبت اسناد حسابداری در نرم‌افزار سپیدار، تهیه صورت‌های مالی، تسلط به اکسل",
        province=TEHRAN,
        city=TEHRAN,
        employer="بازرگانی آریا",
        isco_code="2411",
        skills=("سپیدار", "اکسل"),
    ),
    Vacancy(
        id="v-py-far",
        title="برنامه‌نویس Python",
        text="برنامه‌نویسی Python و Django برای سامانه‌های داخلی، آشنا با لینوکس",
        province=FARS,
        city="شیراز",
        employer="داده‌پردازان پارس",
        isco_code="2512",
        skills=("Python", "Django", "Linux"),
    ),
    Vacancy(
        id="v-acc-far",
        title="حسابدار",
        text="حسابداری با نرم‌افزار هلو، تحریر دفاتر قانونی و تنظیم لیست بیمه",
        province=FARS,
        city="شیراز",
        isco_code="2411",
        skills=("هلو", "اکسل"),
    ),
    Vacancy(
        id="v-drv-isf",
        title="راننده پایه یک",
        text="رانندگی کامیون در مسیرهای بین‌شهری، دارای گواهینامه پایه یک و کارت هوشمند",
        province=ISFAHAN,
        city=ISFAHAN,
        isco_code="8332",
    ),
]
JOBSEEKERS = [
    Jobseeker(
        id="js-dev-teh",
        title="توسعه‌دهنده Python",
        text="چهار سال برنامه‌نویسی بک‌اند با Python و Django و PostgreSQL",
        province=TEHRAN,
        city=TEHRAN,
        experience_years=4,
        skills=("Python", "Django"),
    ),
    Jobseeker(
        id="js-dev-teh-2",
        title="برنامه‌نویس وب",
        text="برنامه‌نویسی Python، آشنا با Docker و Git",
        province=TEHRAN,
        city=TEHRAN,
        experience_years=1,
        skills=("Python", "Docker"),
    ),
    Jobseeker(
        id="js-dev-far",
        title="برنامه‌نویس Python",
        text="سه سال برنامه‌نویسی Python و Django و Docker در شیراز",
        province=FARS,
        city="شیراز",
        experience_years=3,
        skills=("Python", "Django", "Docker"),
    ),
    Jobseeker(
        id="js-acc-teh",
        title="حسابدار",
        text="پنج سال حسابداری با سپیدار و اکسل",
        province=TEHRAN,
        city=TEHRAN,
        experience_years=5,
        skills=("سپیدار", "اکسل"),
    ),
    Jobseeker(
        id="js-front-teh",
        title="توسعه‌دهنده React",
        text="دو سال ساخت رابط کاربری با React و JavaScript",
        province=TEHRAN,
        city=TEHRAN,
        experience_years=2,
        skills=("React", "JavaScript"),
    ),
]


@dataclass(frozen=True)
class World:
    engine: Karyab
    keys: dict[str, str]  # role → secret


@dataclass(frozen=True)
class BrowserPaths:
    chromium: str
    chromedriver: str


def _skip_or_fail(message: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{message} (CI must install them: scripts/test_services.sh)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser_paths() -> BrowserPaths:
    chromium = os.environ.get("KARYAB_CHROMIUM") or shutil.which("chromium")
    driver = os.environ.get("KARYAB_CHROMEDRIVER") or shutil.which("chromedriver")
    if not chromium or not driver:
        _skip_or_fail(
            "headless browser tests need Debian's chromium and chromium-driver "
            "(or KARYAB_CHROMIUM and KARYAB_CHROMEDRIVER)"
        )
    assert chromium and driver
    return BrowserPaths(chromium, driver)


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory,
    small_coder: OccupationCoder,
    skill_inferencer: SkillInferencer,
) -> Iterator[World]:
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("web"),
        encoder="hashing",
        load_demo=False,
        ranker=False,
        auth=True,
    )
    engine = Karyab.open(
        settings, HashingEncoder(), occupation_coder=small_coder, skills=skill_inferencer
    )
    engine.add_vacancies(VACANCIES)
    engine.add_jobseekers(JOBSEEKERS)
    archived_vacancies, archived_jobseekers = make_market()  # two years for the analyst page
    engine.store.archive("vacancy", archived_vacancies)
    engine.store.archive("jobseeker", archived_jobseekers)
    store = engine.store
    keys = {
        "admin": store.create_api_key("مدیر", "admin")[1],
        "office": store.create_api_key("کاریابی تهران", "office", province=TEHRAN)[1],
        "jobseeker": store.create_api_key("کارجو", "jobseeker", jobseeker_id="js-dev-teh")[1],
        "analyst": store.create_api_key("مرکز آمار", "analyst")[1],
    }
    yield World(engine, keys)
    engine.close()


@pytest.fixture(scope="module")
def base_url(world: World) -> Iterator[str]:
    """The app on 127.0.0.1 and a port the OS picked, served by uvicorn in a thread."""
    app = create_app(world.engine.settings, engine=world.engine)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))  # bound before the thread starts: no race for the port
    port = sock.getsockname()[1]
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=15)
    sock.close()


@pytest.fixture(scope="module")
def browser(browser_paths: BrowserPaths) -> Iterator[Any]:
    """Headless Chromium; Selenium Manager is never asked for a driver (no network)."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _skip_or_fail("selenium is not installed (pip install -e '.[dev]')")
        raise

    options = webdriver.ChromeOptions()
    options.binary_location = browser_paths.chromium
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
        "--lang=fa-IR",
        "--disable-extensions",
        "--no-first-run",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(
        service=Service(executable_path=browser_paths.chromedriver), options=options
    )
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    folder = Path(os.environ.get("KARYAB_ARTIFACTS_DIR", REPO / "test-artifacts" / "screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder
