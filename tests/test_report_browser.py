"""bcc report in a real browser: headless Chromium (Debian's chromium + chromium-driver) via Selenium.

Skipped, with the reason, when Selenium, Chromium or chromedriver is missing;
nothing here downloads a browser or a driver. Run them alone with
``pytest -m browser``; see README "Running the browser tests".
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest
from typer.testing import CliRunner

from bali_corruption_cli.cli import app
from conftest_report import COLLECTIONS, HOSTILE_TITLE, PWNED, hostile_overlay

pytestmark = pytest.mark.browser


def _find(names: tuple[str, ...], env: str) -> str | None:
    chosen = os.environ.get(env)
    if chosen:
        return chosen if os.access(chosen, os.X_OK) else None
    for name in names:
        found = shutil.which(name) or (f"/usr/bin/{name}" if os.access(f"/usr/bin/{name}", os.X_OK) else None)
        if found:
            return found
    return None


def _unavailable(reason: str) -> NoReturn:
    """Skip, or fail where a browser is required (BCC_REQUIRE_BROWSER=1, as in .ci/run)."""
    if os.environ.get("BCC_REQUIRE_BROWSER") == "1":
        pytest.fail(f"BCC_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _unavailable("selenium is not installed (pip install -e '.[test]')")
    chromium = _find(("chromium", "chromium-browser"), "BCC_CHROMIUM")
    chromedriver = _find(("chromedriver",), "BCC_CHROMEDRIVER")
    if chromium is None or chromedriver is None:
        _unavailable("no Chromium/chromedriver found (apt-get install chromium chromium-driver)")
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must never download anything
    profile = tempfile.mkdtemp(prefix="bcc-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--no-first-run",
        "--no-default-browser-check",
        f"--user-data-dir={profile}",
        "--window-size=1280,900",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    try:
        browser = webdriver.Chrome(service=Service(chromedriver), options=options)
    except Exception as exc:  # a broken install: say so, do not fail every plain test run
        shutil.rmtree(profile, ignore_errors=True)
        _unavailable(f"Chromium did not start: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
    try:
        yield browser
    finally:
        browser.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A report of the shipped catalogue plus a hostile overlay, and every record id in it."""
    folder = tmp_path_factory.mktemp("report")
    overlay = hostile_overlay(folder / "extra")
    env = {"BCC_CACHE_DIR": "", "BCC_DATA_DIR": None, "BCC_WITH": None}
    runner = CliRunner()
    path = folder / "bcc-report.html"
    result = runner.invoke(app, ["--with", str(overlay), "report", str(path)], env=env)
    assert result.exit_code == 0, result.stderr
    ids: list[str] = []
    for name in COLLECTIONS:
        listed = runner.invoke(app, ["--with", str(overlay), name, "--json"], env=env)
        ids += [r["id"] for r in json.loads(listed.stdout)]
    return {"url": path.as_uri(), "ids": ids}


def _open(driver: Any, url: str, width: int = 1280) -> None:
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600},
    )
    driver.get("about:blank")
    driver.get_log("browser")  # start each page with empty logs
    driver.get_log("performance")
    driver.get(url)


def _visible_ids(driver: Any) -> list[str]:
    return list(
        driver.execute_script(
            "return Array.from(document.querySelectorAll('article.record'))"
            ".filter(e => e.offsetParent !== null).map(e => e.id.slice(2));"
        )
    )


def test_loads_with_no_console_error_and_no_request(driver: Any, report: dict[str, Any]) -> None:
    _open(driver, report["url"])
    assert driver.execute_script("return document.readyState") == "complete"
    messages = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    assert messages == []  # a CSP refusal or a script error would be here
    requests = [
        json.loads(e["message"])["message"]["params"]["request"]["url"]
        for e in driver.get_log("performance")
        if '"Network.requestWillBeSent"' in e["message"]
    ]
    assert requests == [report["url"]]  # the page itself, nothing more
    assert driver.execute_script("return performance.getEntriesByType('resource').length") == 0
    # the script ran (under the page's CSP): the filters are shown and say how many records there are
    assert driver.find_element("id", "filters").is_displayed()
    assert f"all {len(report['ids'])} records" in driver.find_element("id", "status").text


def test_every_record_id_appears(driver: Any, report: dict[str, Any]) -> None:
    _open(driver, report["url"])
    assert sorted(_visible_ids(driver)) == sorted(report["ids"])
    page = driver.find_element("tag name", "body").text
    missing = [i for i in report["ids"] if i not in page]
    assert missing == []


def test_typing_in_search_narrows_the_records(driver: Any, report: dict[str, Any]) -> None:
    _open(driver, report["url"])
    everything = _visible_ids(driver)
    box = driver.find_element("id", "q")
    box.send_keys("whistleblower")
    shown = _visible_ids(driver)
    assert 0 < len(shown) < len(everything)
    for rid in shown:
        assert "whistleblower" in driver.find_element("id", f"r-{rid}").text.lower()
    assert f"Showing {len(shown)} of {len(everything)} records." in driver.find_element("id", "status").text
    box.send_keys(" protection")  # every word must match
    fewer = _visible_ids(driver)
    assert set(fewer) <= set(shown)
    driver.find_element("id", "clear").click()
    assert _visible_ids(driver) == everything


def test_choosing_a_facet_narrows_the_records(driver: Any, report: dict[str, Any]) -> None:
    from selenium.webdriver.support.ui import Select

    _open(driver, report["url"])
    everything = _visible_ids(driver)
    Select(driver.find_element("id", "f-sector")).select_by_value("private")
    shown = _visible_ids(driver)
    assert 0 < len(shown) < len(everything)
    for rid in shown:
        sectors = json.loads(driver.find_element("id", f"r-{rid}").get_attribute("data-sector"))
        assert "private" in sectors
    assert "hostile-practice" in shown
    Select(driver.find_element("id", "f-kind")).select_by_value("practices")
    practices = _visible_ids(driver)
    assert practices and set(practices) < set(shown)
    assert all(driver.find_element("id", f"r-{rid}").get_attribute("data-kind") for rid in practices)
    # a link to a record the filters hide shows everything again
    driver.execute_script("window.location.hash = '#r-roundtable-philippines'")
    assert "roundtable-philippines" in _visible_ids(driver)
    assert len(_visible_ids(driver)) == len(everything)


def test_hostile_payload_does_not_run(driver: Any, report: dict[str, Any]) -> None:
    _open(driver, report["url"])
    assert driver.execute_script(f"return typeof window.{PWNED}") == "undefined"
    heading = driver.find_element("id", "r-hostile-practice-h")
    assert heading.text == " ".join(HOSTILE_TITLE.split())
    # one script that runs (the page's own) and one data block (the JSON-LD), nothing from the data
    assert driver.execute_script("return document.scripts.length") == 2
    types = driver.execute_script("return Array.from(document.scripts).map(s => s.type)")
    assert sorted(types) == ["", "application/ld+json"]
    # the page's own styles still apply: the payload's </style><style> ended nothing
    assert driver.find_element("tag name", "body").is_displayed()


@pytest.mark.parametrize("width", [390, 1280])
def test_screenshots(
    driver: Any, report: dict[str, Any], width: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    import base64

    _open(driver, report["url"], width)
    sizes = driver.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth, document.body.scrollHeight]"
    )
    assert sizes[0] <= sizes[1], f"page wider than the window at {width}px: {sizes}"
    folder = Path(os.environ.get("BCC_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": min(sizes[2], 4000), "scale": 1},
        },
    )
    path = folder / f"report-{width}.png"
    path.write_bytes(base64.b64decode(shot["data"]))
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(data[16:20], "big") == width
    print(f"screenshot: {path}")


def test_print_hides_the_controls_and_shows_every_record(driver: Any, report: dict[str, Any]) -> None:
    _open(driver, report["url"])
    driver.find_element("id", "q").send_keys("whistleblower")  # filtered on screen ...
    driver.find_element("id", "clear").click()  # ... and cleared again
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert not driver.find_element("id", "filters").is_displayed()
        assert sorted(_visible_ids(driver)) == sorted(report["ids"])
        pdf = driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": False})
        assert pdf["data"]
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
