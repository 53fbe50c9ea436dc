"""Real-shaped 公文 look like the documents they are, at 1280 px, at 375 px and in print.

The fixture site (tests/sites/gongwen/) holds a 公示 with its 落款, a joint 通知
of two offices with 主送机关 and 附件说明, an 11-column 收费目录清单, a
行政执法 table with merged cells, a 年度报告 of several tables and an
办事指南 of numbered lists. Every measure is in CSS pixels.
"""

import json
import subprocess
import threading

import pytest
from browser_kit import copy_into_docs, save_screenshot
from conftest import NOW, SITES, build
from test_browser_accessibility import VNU, axe_violations

from generator.cli.serve import make_server

PAGES = {
    "gongshi": "notices/harmonious-venues-gongshi-2024/",
    "joint": "documents/joint-fund-self-evaluation-2024/",
    "fees": "fees/fee-catalogue-2024/",
    "enforcement": "enforcement/enforcement-items-2024/",
    "report": "reports/annual-report-2023/",
    "guide": "guides/venue-registration-guide/",
}
WIDTHS = [1280, 375]


@pytest.fixture(scope="module")
def gongwen_output(tmp_path_factory):
    output = tmp_path_factory.mktemp("gongwen") / "output"
    assert build(SITES / "gongwen", output, now=NOW) == 0
    return output


@pytest.fixture(scope="module")
def gongwen_url(gongwen_output):
    server = make_server(gongwen_output, "/gw/", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/gw/"
    server.shutdown()
    server.server_close()


@pytest.fixture
def at(browser, gongwen_url):
    """Open a page of the fixture site at a width (and optionally as printed); return the driver."""

    def open_page(name: str, width: int, media: str = ""):
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600})
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": media})
        browser.get(gongwen_url + PAGES[name])
        return browser

    yield open_page
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def measure(driver, script: str):
    return driver.execute_script(script)


TEXT_COLUMN = "const p = document.querySelector('.notice-body > p:not([class])').getBoundingClientRect();"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_no_page_scrolls_sideways_and_axe_finds_nothing(at, name, width):
    page = at(name, width)
    assert measure(page, "return document.documentElement.scrollWidth") <= width
    assert axe_violations(page) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_body_paragraphs_start_with_a_two_character_indent(at, width):
    page = at("joint", width)
    indent, size = measure(page, "const s = getComputedStyle(document.querySelector('.notice-body > p:not([class])'));"
                                 "return [parseFloat(s.textIndent), parseFloat(s.fontSize)]")
    assert indent == 2 * size == 32
    # The first character stands two characters in from the paragraph's edge.
    offset = measure(page, "const p = document.querySelector('.notice-body > p:not([class])');"
                           "const r = document.createRange(); r.setStart(p.firstChild, 0); r.setEnd(p.firstChild, 1);"
                           "return r.getBoundingClientRect().left - p.getBoundingClientRect().left")
    assert abs(offset - 32) < 0.5
    # The 主送机关 line stands flush left; an 办事指南 (indent: false in site.yaml) is not indented.
    assert measure(page, "return getComputedStyle(document.querySelector('.addressee')).textIndent") == "0px"
    guide = at("guide", width)
    assert measure(guide, "return getComputedStyle(document.querySelector('.notice-body > p')).textIndent") == "0px"
    # There a paragraph the clerk pasted from Word with its full-width indent (　　) keeps two characters.
    indent, offset = measure(guide, "const p = document.querySelector('.notice-body > p.indented');"
                                    "const r = document.createRange(); r.setStart(p.firstChild, 0); r.setEnd(p.firstChild, 1);"
                                    "return [getComputedStyle(p).textIndent,"
                                    " r.getBoundingClientRect().left - p.getBoundingClientRect().left]")
    assert indent == "32px" and abs(offset - 32) < 0.5


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["gongshi", "joint"])
def test_the_signature_ends_where_the_text_column_ends(at, name, width):
    page = at(name, width)
    column, edges = measure(page, TEXT_COLUMN + "return [p.right, [...document.querySelectorAll("
                                                "'.signatories p:last-child, .signed-date')].map(e => e.getBoundingClientRect().right)]")
    assert edges and all(abs(edge - column) < 1 for edge in edges)
    assert measure(page, "return document.querySelector('.signed-date').textContent") in ("2024年11月15日", "2025年1月6日")


def test_a_joint_signature_stands_side_by_side(at):
    page = at("joint", 1280)
    first, second = measure(page, "return [...document.querySelectorAll('.signatories p')].map(e => {"
                                  "const r = e.getBoundingClientRect(); return [r.left, r.right, r.top]; })")
    assert first[2] == second[2] and first[1] < second[0]  # one line, the first agency left of the second
    date = measure(page, "return document.querySelector('.signed-date').getBoundingClientRect().top")
    assert date > first[2]  # the date below them


def test_the_attachment_note_aligns_later_lines_under_the_first_number(at):
    page = at("joint", 1280)
    lefts = measure(page, "return [...document.querySelectorAll('.attachment-note li')].map(li => {"
                          "const r = document.createRange(); r.selectNodeContents(li);"
                          " return r.getBoundingClientRect().left; })")
    label = measure(page, "return document.querySelector('.attachment-note-label').getBoundingClientRect().right")
    assert len(lefts) == 2 and lefts[0] == lefts[1] and lefts[0] > label


CELLS = ("return [...document.querySelectorAll('.notice-body td, .notice-body th')].map(c => {"
         "const s = getComputedStyle(c); return [c.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight),"
         " parseFloat(s.fontSize), c.textContent]; })")


def narrow_cells(page) -> list:
    return [(text, round(w)) for w, size, text in measure(page, CELLS) if w < 4 * size - 0.5]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["fees", "enforcement", "report", "gongshi"])
def test_no_table_column_is_narrower_than_four_characters(at, name, width):
    page = at(name, width)
    assert measure(page, CELLS) and narrow_cells(page) == []


@pytest.mark.parametrize("name", ["fees", "enforcement", "report"])
def test_printed_tables_fit_the_page_with_readable_columns(at, name):
    page = at(name, 720, "print")  # 720 px: an A4 page inside its margins; on paper nothing scrolls
    assert narrow_cells(page) == []
    assert measure(page, "return Math.max(...[...document.querySelectorAll('.notice-body table')]"
                         ".map(t => t.getBoundingClientRect().right))") <= 720


def test_a_wide_table_uses_the_page_width_and_scrolls_in_its_own_region_on_a_phone(at):
    page = at("fees", 1280)
    column, table = measure(page, TEXT_COLUMN.replace("> p:not([class])", "> p") +
                            "const t = document.querySelector('.table-wrap').getBoundingClientRect();"
                            "return [p.width, t.width]")
    assert table > column  # wider than the 48rem text column
    assert measure(page, "const w = document.querySelector('.table-wrap'); return w.scrollWidth <= w.clientWidth")
    phone = at("fees", 375)
    scroll, client, right = measure(phone, "const w = document.querySelector('.table-wrap');"
                                           "return [w.scrollWidth, w.clientWidth, w.getBoundingClientRect().right]")
    assert scroll > client and right <= 375
    assert measure(phone, "return document.querySelector('.table-wrap').tabIndex") == 0  # reachable by keyboard
    # Long cells take up to ten characters a line on a phone: no row is a screen high.
    lines = measure(phone, "const t = document.querySelector('.notice-body table');"
                           "const line = parseFloat(getComputedStyle(t.rows[1].cells[0]).lineHeight);"
                           "return Math.max(...[...t.rows].map(r => r.offsetHeight)) / line")
    assert lines <= 5


def test_merged_cells_and_line_breaks_in_cells_are_drawn(at):
    page = at("enforcement", 1280)
    spans = measure(page, "return [...document.querySelectorAll('.notice-body [rowspan], .notice-body [colspan]')]"
                          ".map(c => [c.rowSpan, c.colSpan])")
    assert [2, 1] in spans and [1, 2] in spans and [1, 3] in spans
    assert measure(page, "return document.querySelectorAll('.notice-body td br').length") == 2


def test_every_fixture_page_is_valid_html(gongwen_output):
    pages = sorted(str(p) for p in gongwen_output.rglob("*.html"))
    result = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", *pages],
                            capture_output=True, text=True, timeout=300)
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    assert [f"{m.get('url', '').rsplit('output/', 1)[-1]}:{m.get('lastLine')}: {m['message']}" for m in messages] == []
    assert result.returncode == 0


@pytest.mark.parametrize("width", WIDTHS)
def test_screenshots_for_the_docs(at, width):
    for name in ("gongshi", "joint", "fees", "enforcement", "report", "guide") if width > 600 else ("joint", "fees"):
        page = at(name, width)
        height = measure(page, "return document.documentElement.scrollHeight")
        page.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                             {"width": width, "height": min(height, 2400), "deviceScaleFactor": 1, "mobile": width < 600})
        shot = save_screenshot(page, f"gongwen-{name}-{width}.png")
        assert shot.stat().st_size > 20_000  # a drawn page, not a blank one
        copy_into_docs(shot)


def test_the_catalogue_narrows_by_genre_and_topic(browser, gongwen_url):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(gongwen_url + "catalogue/")
    rows = browser.find_elements(By.CSS_SELECTOR, "tr[data-topic]")
    assert len(rows) == 6
    Select(browser.find_element(By.ID, "catalogue-genre")).select_by_visible_text("公示")
    shown = [r.text for r in rows if r.is_displayed()]
    assert len(shown) == 1 and "和谐寺观教堂" in shown[0]
    assert browser.find_element(By.CSS_SELECTOR, "[data-catalogue-status]").text == "显示 1 条，共 6 条。"
    Select(browser.find_element(By.ID, "catalogue-genre")).select_by_visible_text("全部")
    Select(browser.find_element(By.ID, "catalogue-topic")).select_by_visible_text("宗教事务")
    assert sum(r.is_displayed() for r in rows) == 3


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["joint", "fees"])
def test_large_print_keeps_the_layout_inside_the_screen(at, name, width):
    page = at(name, width)
    page.execute_script("window.localStorage.setItem('gongkai-large-print', '1')")
    page.refresh()
    try:
        assert page.execute_script("return document.documentElement.classList.contains('large-print')")
        assert measure(page, "return document.documentElement.scrollWidth") <= width
        assert narrow_cells(page) == []
        indent, size = measure(page, "const s = getComputedStyle(document.querySelector('.notice-body > p:not([class])'));"
                                     "return [parseFloat(s.textIndent), parseFloat(s.fontSize)]")
        assert indent == 2 * size == 48  # 150 %: still two characters
        assert axe_violations(page) == []
    finally:
        page.execute_script("window.localStorage.clear()")


def catalogue_rows(driver) -> list[tuple[str, str, str]]:
    """The catalogue's rows that show: (title, 主题分类, 体裁分类)."""
    return driver.execute_script(
        "return [...document.querySelectorAll('tr[data-topic]')].filter(r => r.offsetParent !== null)"
        ".map(r => [r.cells[1].textContent, r.dataset.topic, r.dataset.genre])")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_catalogue_narrows_by_facet_links_without_javascript(browser, gongwen_url, width):
    from selenium.webdriver.common.by import By

    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600})
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        browser.get(gongwen_url + "catalogue/")
        assert len(catalogue_rows(browser)) == 6
        assert not browser.find_element(By.CSS_SELECTOR, "[data-catalogue-filter]").is_displayed()  # needs a script
        facets = browser.find_element(By.CSS_SELECTOR, ".catalogue-facets")
        facets.find_element(By.CSS_SELECTOR, "a[href$='genre/公示/']").click()
        assert browser.current_url == gongwen_url + "catalogue/genre/%E5%85%AC%E7%A4%BA/"
        rows = catalogue_rows(browser)
        assert len(rows) == 1 and "和谐寺观教堂" in rows[0][0] and rows[0][2] == "公示"
        assert browser.find_element(By.CSS_SELECTOR, "h1").text == "政务公开目录：公示"
        current = browser.find_elements(By.CSS_SELECTOR, ".catalogue-facets a[aria-current]")
        assert [a.text for a in current] == ["公示"]
        # From there to another facet's value: its page lists that value's notices alone, every one of them.
        browser.find_element(By.LINK_TEXT, "宗教事务").click()
        rows = catalogue_rows(browser)
        assert len(rows) == 3 and {topic for _, topic, _ in rows} == {"宗教事务"}
        assert "共 3 条" in browser.find_element(By.CSS_SELECTOR, "main").text
        assert measure(browser, "return document.documentElement.scrollWidth") <= width
        # axe checks the page as a reader without JavaScript has it (scripts back on for axe alone, no reload).
        browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
        assert axe_violations(browser) == []
        browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
        browser.find_elements(By.LINK_TEXT, "全部")[0].click()
        assert browser.current_url == gongwen_url + "catalogue/" and len(catalogue_rows(browser)) == 6
    finally:
        browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_with_javascript_a_facet_link_narrows_the_catalogue_in_place_with_the_other_facet(browser, gongwen_url):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(gongwen_url + "catalogue/")
    browser.find_element(By.LINK_TEXT, "宗教事务").click()
    assert browser.current_url == gongwen_url + "catalogue/"  # no page load: the rows narrowed where they are
    assert len(catalogue_rows(browser)) == 3
    assert Select(browser.find_element(By.ID, "catalogue-topic")).first_selected_option.text == "宗教事务"
    Select(browser.find_element(By.ID, "catalogue-genre")).select_by_visible_text("公示")
    rows = catalogue_rows(browser)
    assert len(rows) == 1 and rows[0][1:] == ["宗教事务", "公示"]
    assert [a.text for a in browser.find_elements(By.CSS_SELECTOR, ".catalogue-facets a[aria-current]")] == ["宗教事务", "公示"]
    assert axe_violations(browser) == []
