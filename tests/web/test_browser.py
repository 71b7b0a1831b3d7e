"""The Persian web UI end to end: each page in headless Chromium against the real app, with
a screenshot of each kept as a test artefact."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select, WebDriverWait

from karyab.records import Vacancy
from tests.web.conftest import FARS, TEHRAN, WINDOW, World

WAIT_S = 30

PYTHON_CV = """رزومه
توسعه‌دهنده بک‌اند با چهار سال سابقه برنامه‌نویسی Python و Django.
طراحی API و کار با پایگاه داده PostgreSQL.
کارشناسی مهندسی کامپیوتر از دانشگاه تهران."""


def _wait(driver: WebDriver, condition: Any, message: str) -> Any:
    try:
        # Pages re-render after each answer: an element read mid-render is just tried again.
        return WebDriverWait(
            driver, WAIT_S, poll_frequency=0.1, ignored_exceptions=[StaleElementReferenceException]
        ).until(condition)
    except TimeoutException:
        logs = [entry["message"] for entry in driver.get_log("browser")]
        pytest.fail(f"{message}; browser console: {logs}")


def _open(driver: WebDriver, url: str) -> None:
    driver.get(url)
    _wait(
        driver,
        lambda d: d.execute_script("return document.readyState") == "complete",
        f"{url} did not load",
    )


def _use_key(driver: WebDriver, key: str) -> None:
    """Type a key into the top bar's key box and save it, as a person would."""
    field = driver.find_element(By.ID, "api-key")
    field.clear()
    if key:
        field.send_keys(key)
    driver.find_element(By.CSS_SELECTOR, "#key-form button[type=submit]").click()


def _idle(button_id: str) -> Any:
    """The button is enabled again: every load it started has answered."""
    return lambda d: d.find_element(By.ID, button_id).get_attribute("aria-busy") is None


def _options_loaded(select_id: str) -> Any:
    return lambda d: len(Select(d.find_element(By.ID, select_id)).options) > 1


def _screenshot(driver: WebDriver, folder: Path, name: str) -> Path:
    """The whole page, however long: the viewport is stretched to the page's height (Chrome
    DevTools' device metrics), two frames are let paint, and the viewport is captured."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    metrics = {"width": WINDOW[0], "height": max(int(height), 600), "deviceScaleFactor": 1}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {**metrics, "mobile": False})
    try:
        driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "document.fonts.ready.then(() =>"
            " requestAnimationFrame(() => requestAnimationFrame(() => done())));"
        )
        path = folder / f"{name}.png"
        path.write_bytes(driver.get_screenshot_as_png())
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    return path


def _error_notice(driver: WebDriver) -> WebElement:
    return _wait(
        driver,
        lambda d: d.find_element(By.CSS_SELECTOR, "#notice .notice-error"),
        "no error notice",
    )


def _assert_persian_rtl(driver: WebDriver) -> None:
    root = driver.find_element(By.TAG_NAME, "html")
    assert root.get_attribute("dir") == "rtl"
    assert root.get_attribute("lang") == "fa"
    assert driver.execute_script("return getComputedStyle(document.body).direction") == "rtl"
    loaded = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "document.fonts.ready.then(() => done(document.fonts.check('16px \"Karyab Sans\"')));"
    )
    assert loaded, "the served Noto Sans Arabic font did not load"


def test_home_links_the_four_pages(browser: WebDriver, base_url: str, artifacts_dir: Path) -> None:
    _open(browser, base_url + "/")
    _assert_persian_rtl(browser)
    links = {
        a.get_attribute("href").removeprefix(base_url)
        for a in browser.find_elements(By.CSS_SELECTOR, "a.link-card")
    }
    assert links == {"/ui/jobseeker", "/ui/office", "/ui/coding", "/ui/analyst"}
    assert "کلید دسترسی" in browser.find_element(By.TAG_NAME, "body").text
    _screenshot(browser, artifacts_dir, "home")


def test_jobseeker_sees_recommendations_with_skill_gaps(
    browser: WebDriver, base_url: str, world: World, artifacts_dir: Path
) -> None:
    _open(browser, base_url + "/ui/jobseeker")
    _assert_persian_rtl(browser)
    _use_key(browser, world.keys["jobseeker"])
    _wait(browser, _options_loaded("province"), "the province picker stayed empty")
    browser.find_element(By.ID, "cv").send_keys(PYTHON_CV)
    browser.find_element(By.ID, "cv-submit").click()
    cards = _wait(
        browser,
        lambda d: d.find_elements(By.CSS_SELECTOR, "#results article.result"),
        "no recommendation appeared",
    )
    assert cards
    first = cards[0]
    assert first.get_attribute("data-id") == "v-py-teh"
    assert first.find_element(By.CSS_SELECTOR, ".explanation").text.strip()
    matched = [c.text for c in first.find_elements(By.CSS_SELECTOR, ".chip-matched")]
    missing = [c.text for c in first.find_elements(By.CSS_SELECTOR, ".chip-missing")]
    assert matched and missing, (matched, missing)
    # Persian digits: the rank and score are formatted for fa-IR.
    assert first.find_element(By.CSS_SELECTOR, ".rank").text == "۱"
    assert any("۰" <= ch <= "۹" for ch in first.find_element(By.CSS_SELECTOR, ".score").text)
    _screenshot(browser, artifacts_dir, "jobseeker")


def test_office_shortlists_and_records_an_outcome(
    browser: WebDriver, base_url: str, world: World, artifacts_dir: Path
) -> None:
    _open(browser, base_url + "/ui/office")
    _assert_persian_rtl(browser)
    _use_key(browser, world.keys["office"])  # the Tehran office
    own = {"v-py-teh", "v-front-teh", "v-acc-teh"}  # an office lists its own province's
    _wait(
        browser,
        lambda d: (
            {
                pick.get_attribute("data-id")
                for pick in d.find_elements(By.CSS_SELECTOR, "#vacancy-list button.pick")
            }
            == own
        ),
        "the list of the office's vacancies did not appear",
    )
    assert "۳" in browser.find_element(By.ID, "vacancy-count").text

    browser.find_element(By.CSS_SELECTOR, "#vacancy-list button[data-id='v-py-teh']").click()
    _wait(browser, lambda d: d.find_element(By.ID, "shortlist-form").is_displayed(), "no form")
    _wait(browser, _options_loaded("sl-province"), "the province filter stayed empty")
    Select(browser.find_element(By.ID, "sl-province")).select_by_value(TEHRAN)
    browser.find_element(By.ID, "shortlist-submit").click()
    cards = _wait(
        browser,
        lambda d: (
            _idle("shortlist-submit")(d)
            and d.find_elements(By.CSS_SELECTOR, "#candidates article.candidate")
        ),
        "no candidate appeared",
    )
    shown = {card.get_attribute("data-id") for card in cards}
    assert shown and shown <= {"js-dev-teh", "js-dev-teh-2", "js-acc-teh", "js-front-teh"}
    assert all(FARS not in card.text for card in cards)
    first = cards[0]
    chosen = first.get_attribute("data-id")
    assert first.find_element(By.CSS_SELECTOR, ".explanation").text.strip()

    first.find_element(By.CSS_SELECTOR, "button.outcome-hired").click()
    notice = _wait(
        browser,
        lambda d: d.find_element(By.CSS_SELECTOR, "#notice .notice-success"),
        "no confirmation of the outcome",
    )
    assert "استخدام" in notice.text
    assert "استخدام" in first.find_element(By.CSS_SELECTOR, ".status").text
    application = world.engine.store.get_application(chosen, "v-py-teh")
    assert application is not None and application.status == "hired"
    events = world.engine.store.application_events(jobseeker_id=chosen, vacancy_id="v-py-teh")
    assert [e.status for e in events] == ["hired"] and events[0].actor == "کاریابی تهران"
    _screenshot(browser, artifacts_dir, "office")


def test_analyst_sees_summary_tables_and_charts(
    browser: WebDriver, base_url: str, world: World, artifacts_dir: Path
) -> None:
    _open(browser, base_url + "/ui/analyst")
    _assert_persian_rtl(browser)
    _use_key(browser, world.keys["analyst"])  # saving a key reloads the analysis
    tables = _wait(
        browser,
        lambda d: (
            _idle("period-submit")(d)
            and len(d.find_elements(By.CSS_SELECTOR, "#summary table")) == 5
            and d.find_elements(By.CSS_SELECTOR, "#summary table")
        ),
        "the summary tables did not appear",
    )
    assert "۹۶۰" in browser.find_element(By.ID, "scope").text  # vacancies in the period
    assert "اس‌کیوال" in tables[1].text  # the rising skill of the market
    _wait(
        browser,
        lambda d: d.execute_script(
            "const images = [...document.querySelectorAll('#charts img')];"
            "return images.length === 6 && images.every(i => i.complete && i.naturalWidth > 0);"
        ),
        "the charts did not load",
    )
    widths = browser.execute_script(
        "return [...document.querySelectorAll('#charts img')].map(i => i.naturalWidth)"
    )
    assert all(width >= 1000 for width in widths), widths
    _screenshot(browser, artifacts_dir, "analyst")


def test_bad_requests_show_persian_notices(
    browser: WebDriver, base_url: str, world: World, artifacts_dir: Path
) -> None:
    # A period that ends before it starts: the API's 422, in Persian.
    _open(browser, base_url + "/ui/analyst")
    _use_key(browser, world.keys["analyst"])
    _wait(
        browser,
        lambda d: _idle("period-submit")(d) and d.find_elements(By.CSS_SELECTOR, "#summary table"),
        "the first analysis did not finish",
    )
    Select(browser.find_element(By.ID, "from-year")).select_by_value("1403")
    Select(browser.find_element(By.ID, "to-year")).select_by_value("1402")
    browser.find_element(By.ID, "period-submit").click()
    _wait(
        browser,
        lambda d: "بازهٔ زمانی" in d.find_element(By.ID, "notice").text,
        "no notice of the bad period",
    )
    assert not browser.find_elements(By.CSS_SELECTOR, "#summary table")
    _screenshot(browser, artifacts_dir, "analyst-error")

    # No key at all: the API's 401, in Persian, and the page stays usable.
    _open(browser, base_url + "/ui/jobseeker")
    _use_key(browser, "")
    browser.find_element(By.ID, "cv").send_keys(PYTHON_CV)
    browser.find_element(By.ID, "cv-submit").click()
    notice = _error_notice(browser)
    assert "کلید دسترسی" in notice.text
    assert browser.find_element(By.ID, "cv-submit").is_enabled()

    # A key whose role may not do it: an analyst asking for jobs.
    _use_key(browser, world.keys["analyst"])
    browser.find_element(By.ID, "cv-submit").click()
    _wait(
        browser,
        lambda d: "اجازه" in d.find_element(By.ID, "notice").text,
        "no notice of the forbidden call",
    )
    _screenshot(browser, artifacts_dir, "jobseeker-error")


def test_office_codes_the_titles_the_coder_was_unsure_of(
    browser: WebDriver, base_url: str, world: World, artifacts_dir: Path
) -> None:
    """Last in this file: it adds records the small coder abstains on (ten unit groups, no
    tailors), which then wait in the review queue."""
    tailors = [
        Vacancy(id="v-tailor-teh", title="خیاط - خانم", text="دوخت لباس زنانه", province=TEHRAN),
        Vacancy(id="v-tailor-far", title="خیاط", text="دوخت و تعمیر لباس", province=FARS),
    ]
    world.engine.add_vacancies(tailors)
    assert all(world.engine.store.get("vacancy", v.id).isco_code is None for v in tailors)  # type: ignore[union-attr]

    _open(browser, base_url + "/ui/coding")
    _assert_persian_rtl(browser)
    _use_key(browser, world.keys["office"])
    item = _wait(
        browser,  # the list reloads for the new key: the item of the last load
        lambda d: (
            d.find_element(By.ID, "coding-items").get_attribute("aria-busy") is None
            and d.find_element(By.CSS_SELECTOR, "#coding-items article[data-key='خیاط']")
        ),
        "the tailors' title did not appear in the review queue",
    )
    assert "۲" in item.text  # two vacancies wait on it
    assert item.find_elements(By.CSS_SELECTOR, "button.code-choice")  # the coder's candidates
    facts = _wait(
        browser,
        lambda d: d.find_element(By.ID, "quality-facts").text,
        "the coder's quality did not appear",
    )
    assert "آستانهٔ کدگذاری خودکار" in facts

    code = item.find_element(By.CSS_SELECTOR, ".coding-own input")
    status = item.find_element(By.CSS_SELECTOR, ".coding-status")
    code.send_keys("۷۵")  # too short: caught on the page
    item.find_element(By.CSS_SELECTOR, ".coding-own button").click()
    assert "چهار رقم" in status.text
    code.clear()
    code.send_keys("۰۰۰۰")  # four digits, but no ISCO-08 unit group: the API's 422
    item.find_element(By.CSS_SELECTOR, ".coding-own button").click()
    _wait(browser, lambda d: "در ISCO-08 نیست" in status.text, "no notice of the unknown code")
    code.clear()
    code.send_keys("۷۵۳۱")  # tailors, in Persian digits
    item.find_element(By.CSS_SELECTOR, ".coding-own button").click()
    _wait(browser, lambda d: "ثبت شد" in status.text, "the decision was not confirmed")
    assert "۲ پرونده" in status.text
    assert not code.is_enabled()
    for vacancy in tailors:
        stored = world.engine.store.get("vacancy", vacancy.id)
        assert stored is not None and (stored.isco_code, stored.isco_source) == ("7531", "decision")
    _screenshot(browser, artifacts_dir, "coding")

    # Recoding the stored records is an administrator's: refused to the office, in Persian.
    browser.find_element(By.ID, "recode-start").click()
    _wait(browser, lambda d: "اجازه" in d.find_element(By.ID, "notice").text, "no 403 notice")
    _use_key(browser, world.keys["admin"])
    _wait(browser, _idle("recode-start"), "the page did not settle")
    browser.find_element(By.ID, "recode-start").click()
    _wait(
        browser,
        lambda d: "پایان یافت" in d.find_element(By.ID, "recode-state").text,
        "the recoding pass did not finish",
    )
    assert "آگهی:" in browser.find_element(By.ID, "recode-state").text
