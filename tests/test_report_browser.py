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
from conftest_report import COLLECTIONS, HOSTILE_TITLE, PWNED, hostile_overlay, keys_of

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
    plain, briefing = folder / "plain.html", folder / "briefing.html"
    for args in (["report", "-o", str(plain)], ["report", "--briefing", "-o", str(briefing)]):
        done = runner.invoke(app, args, env=env)  # the shipped catalogue as it is
        assert done.exit_code == 0, done.stderr
    ids: list[str] = []
    for name in COLLECTIONS:
        listed = runner.invoke(app, ["--with", str(overlay), name, "--json"], env=env)
        ids += [r["id"] for r in json.loads(listed.stdout)]
    return {"url": path.as_uri(), "ids": ids, "plain": plain.as_uri(), "briefing": briefing.as_uri()}


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


@pytest.mark.parametrize("which", ["url", "briefing"])
@pytest.mark.parametrize("width", [390, 1280])
def test_screenshots(
    driver: Any, report: dict[str, Any], width: int, which: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    import base64

    _open(driver, report[which], width)
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
    path = folder / f"{'report' if which == 'url' else which}-{width}.png"
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


# ---------------------------------------------------------------- the briefing as people use it


def _pages(pdf: bytes) -> int:
    """The pages of a PDF from Chromium: its page objects, checked against the page tree's count."""
    import re

    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
    counts = [int(n) for n in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", pdf, re.DOTALL)]
    counts += [int(n) for n in re.findall(rb"/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", pdf, re.DOTALL)]
    assert pages > 0 and max(counts, default=pages) == pages, (pages, counts)
    return pages


@pytest.mark.parametrize(("which", "most"), [("plain", 30), ("briefing", 10)])
def test_printed_on_a4_within_its_pages(driver: Any, report: dict[str, Any], which: str, most: int) -> None:
    """The whole catalogue on at most 30 A4 pages, the briefing alone on at most 10 (Chromium's
    print to PDF through WebDriver)."""
    import base64

    from selenium.webdriver.common.print_page_options import PrintOptions

    _open(driver, report[which])
    options = PrintOptions()
    options.page_width, options.page_height = 21.0, 29.7  # A4, in centimetres
    pdf = base64.b64decode(driver.print_page(options))
    assert pdf.startswith(b"%PDF")
    pages = _pages(pdf)
    print(f"{which}: {pages} A4 pages")
    assert pages <= most, f"{which} prints on {pages} A4 pages (at most {most})"


def _field_names(report: dict[str, Any]) -> set[str]:
    runner = CliRunner()
    return set().union(
        *(
            keys_of(json.loads(runner.invoke(app, [name, "--json"], env={"BCC_CACHE_DIR": ""}).stdout))
            for name in COLLECTIONS
        )
    )


@pytest.mark.parametrize("width", [390, 1280])
def test_rendered_text_shows_no_none_dictionary_or_field_path(
    driver: Any, report: dict[str, Any], width: int
) -> None:
    import re

    _open(driver, report["plain"], width)
    text = " ".join(driver.execute_script("return document.body.innerText").split())
    assert not re.search(r"\bNone\b", text)
    keys = "|".join(re.escape(k) for k in sorted(_field_names(report), key=len, reverse=True))
    assert re.findall(rf"\b(?:{keys}): [^;]{{0,300}}; (?:{keys}): ", text) == []
    assert re.findall(rf"\b(?:{'|'.join(COLLECTIONS)}|basis|roles)\.(?:{keys})\b", text) == []
    assert [k for k in _field_names(report) if "_" in k and re.search(rf"\b{re.escape(k)}\b", text)] == []
    assert "{'" not in text and "': " not in text


def _hash(driver: Any) -> str:
    return str(driver.execute_script("return window.location.hash"))


def test_filters_are_in_the_address_and_survive_a_reload(driver: Any, report: dict[str, Any]) -> None:
    from selenium.webdriver.support.ui import Select

    _open(driver, report["plain"])
    everything = _visible_ids(driver)
    Select(driver.find_element("id", "f-sector")).select_by_value("private")
    driver.find_element("id", "q").send_keys("due diligence")
    shown = _visible_ids(driver)
    assert 0 < len(shown) < len(everything)
    address = _hash(driver)
    assert "sector=private" in address and "q=due" in address
    driver.refresh()  # the same address: the same filters, the same records
    assert _visible_ids(driver) == shown
    assert driver.find_element("id", "q").get_attribute("value") == "due diligence"
    assert (
        Select(driver.find_element("id", "f-sector")).first_selected_option.get_attribute("value")
        == "private"
    )
    # shared: the address opened afresh gives the same view
    url = driver.current_url
    _open(driver, url)
    assert _visible_ids(driver) == shown
    driver.find_element("id", "clear").click()
    assert _visible_ids(driver) == everything
    assert "=" not in _hash(driver)
    _open(driver, report["plain"] + "#kind=nothing-of-the-kind&sector=private")  # an unknown value: ignored
    assert set(_visible_ids(driver)) < set(everything)


def test_search_forgives_typos_and_accents_like_the_cli_and_marks_the_matches(
    driver: Any, report: dict[str, Any]
) -> None:
    runner = CliRunner()
    _open(driver, report["plain"])
    for typed, meant in [
        ("whistelblower", "whistleblower"),
        ("Viêt Nâm", "viet nam"),
        ("CORRUPTON", "corruption"),
    ]:
        box = driver.find_element("id", "q")
        box.clear()
        box.send_keys(typed)
        shown = set(_visible_ids(driver))
        cli = runner.invoke(app, ["search", typed, "--json"], env={"BCC_CACHE_DIR": ""})
        assert cli.exit_code == 0, cli.stderr
        found = {hit["id"] for hit in json.loads(cli.stdout)}
        assert found and found <= shown, (typed, found - shown)
        marks = driver.execute_script(
            "return Array.from(document.querySelectorAll('article.record:not([hidden]) mark.hit'))"
            ".map(m => m.textContent)"
        )
        assert marks, typed
        folded = {" ".join(m.lower().replace("-", " ").split()) for m in marks}
        first = meant.split()[0]
        assert any(first[:4] in m or m in meant for m in folded), (typed, folded)
    driver.find_element("id", "clear").click()
    assert driver.execute_script("return document.querySelectorAll('mark.hit').length") == 0


def test_every_element_id_is_unique(driver: Any, report: dict[str, Any]) -> None:
    _open(driver, report["url"])
    ids = driver.execute_script("return Array.from(document.querySelectorAll('[id]')).map(e => e.id)")
    assert len(ids) == len(set(ids))
    data_ids = driver.execute_script(
        "return Array.from(document.querySelectorAll('article.record')).map(e => e.dataset.id)"
    )
    assert sorted(data_ids) == sorted(report["ids"])


def test_controls_stay_in_view_on_wide_screens(driver: Any, report: dict[str, Any]) -> None:
    _open(driver, report["plain"], 1280)
    driver.execute_script("document.querySelector('#c-countries').scrollIntoView()")
    top = driver.execute_script("return document.getElementById('filters').getBoundingClientRect().top")
    assert 0 <= top < 5
    _open(driver, report["plain"], 390)
    driver.execute_script("document.querySelector('#c-countries').scrollIntoView()")
    top = driver.execute_script("return document.getElementById('filters').getBoundingClientRect().top")
    assert top < 0  # on a phone the controls scroll away and leave the screen to the records


def test_without_javascript_everything_is_there(driver: Any, report: dict[str, Any]) -> None:
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        _open(driver, report["url"])
        assert sorted(_visible_ids(driver)) == sorted(report["ids"])
        for section in (
            "summary",
            "findings",
            "recommendations",
            "by-sector",
            "by-theme",
            "chain",
            "references",
        ):
            assert driver.find_element("id", section).is_displayed()
        assert not driver.find_element("id", "filters").is_displayed()  # controls that could not work
    finally:
        driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
