"""Fixtures for the browser tests: the sample site on a real local server, one headless Chromium.

Debian's chromium and chromedriver are used by path, so Selenium never
downloads a browser or a driver. One browser serves the whole session; each
test that fails leaves a screenshot in tests/artifacts/.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from conftest import NOW, ROOT, build
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from generator.cli.serve import make_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = ROOT / "tests" / "artifacts"
BASE_PATH = "/mzzj/"  # the sample site's sub-path, as on the real server


@pytest.fixture(scope="session")
def sample_output(tmp_path_factory) -> Path:
    """Build the sample content, with its search index, once for the session."""
    output = tmp_path_factory.mktemp("sample") / "output"
    assert build(ROOT / "content", output, now=NOW) == 0
    return output


@pytest.fixture(scope="session")
def site_url(sample_output) -> str:
    """Serve the built sample site on 127.0.0.1 (a free port) under its real sub-path."""
    server = make_server(sample_output, BASE_PATH, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}{BASE_PATH}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """Start one headless Chromium with a fresh profile for the whole session."""
    for tool in (CHROMIUM, CHROMEDRIVER):
        assert tool.exists(), f"{tool} is missing: apt-get install chromium chromium-driver fonts-noto-cjk"
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                 "--window-size=1280,900", "--lang=zh-CN",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture
def page(browser, site_url, request):
    """Give a test the browser at a clean state; save a screenshot if the test fails."""
    browser.delete_all_cookies()
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    browser.get(site_url)
    browser.execute_script("window.localStorage.clear()")  # e.g. a 大字版 choice left by another test
    browser.refresh()
    yield browser
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(ARTIFACTS / f"{request.node.name}.png"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Remember each phase's outcome on the test, so `page` knows whether to take a screenshot."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def save_screenshot(driver, name: str) -> Path:
    """Save a screenshot into tests/artifacts/ and return its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    driver.save_screenshot(str(path))
    return path


def copy_into_docs(shot: Path) -> None:
    """Refresh the README's copy of a screenshot when asked, like the golden tree."""
    if os.environ.get("GONGKAI_UPDATE_SCREENSHOTS") != "1":
        return
    target = ROOT / "docs" / "screenshots" / shot.name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shot, target)
