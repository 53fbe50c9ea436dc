"""Every page type: zero axe-core violations of WCAG 2.1 A/AA in Chromium, and valid HTML."""

import json
import subprocess
from urllib.parse import quote

import pytest
from conftest import ROOT
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
WCAG21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# One entry per page type: a new page type is one more line here (address below the site root).
PAGE_TYPES = {
    "board": "",
    "category": "results/",
    "category-page-2": "results/page/2/",
    "notice": "guides/religious-activity-venue-registration/",
    "notice-with-table": "annual-reports/2023-annual-information-disclosure-report/",
    "document-with-interpretations": "documents/venue-financial-disclosure-measures-2026/",
    "interpretation": "documents/venue-financial-disclosure-measures-2026-chart/",
    "group": "fdzdgknr/",
    "search": "search/?q=" + quote("复印"),
    "catalogue": "catalogue/",
    "archive": "archive/",
    "archive-year": "archive/2024/",
    "standalone": "guide/",
    "standalone-in-navigation": "system/",
    "404": "no/such/page/",
}


def axe_violations(driver) -> list[str]:
    """Run axe-core inside the page and describe each violation with the elements it found."""
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    found = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
        ".then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' @ '"
        " + v.nodes.map(n => n.target.join(' ')).join(', '))), e => done(['axe failed: ' + e]));",
        WCAG21_AA)
    return found


def wait_for_search(driver):
    """Let the search page finish drawing its results, so axe checks them too."""
    if "search/" in driver.current_url:
        WebDriverWait(driver, 20).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, ".search-results > li"))


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_no_axe_violations(page, site_url, name):
    page.get(site_url + PAGE_TYPES[name])
    wait_for_search(page)
    assert axe_violations(page) == []


@pytest.mark.parametrize("name", ["board", "notice-with-table", "search"])
def test_no_axe_violations_in_large_print(page, site_url, name):
    page.execute_script("window.localStorage.setItem('gongkai-large-print', '1')")
    page.get(site_url + PAGE_TYPES[name])
    wait_for_search(page)
    assert page.execute_script("return document.documentElement.classList.contains('large-print')")
    assert axe_violations(page) == []


def test_every_page_is_valid_html(sample_output):
    pages = sorted(str(p) for p in sample_output.rglob("*.html"))
    for name, address in PAGE_TYPES.items():
        file = address.split("?")[0] + "index.html" if name != "404" else "404.html"
        assert str(sample_output / file) in pages, f"page type {name} missing from the build"
    result = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", *pages],
                            capture_output=True, text=True, timeout=300)
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    problems = [f"{m.get('url', '').rsplit('output/', 1)[-1]}:{m.get('lastLine')}: {m['message']}" for m in messages]
    assert problems == []
    assert result.returncode == 0
