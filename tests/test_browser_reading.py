"""How pages read: 大字版, without JavaScript, printed to PDF, and on a 375 px phone."""

import base64
import io
import threading
import unicodedata
from urllib.parse import quote

import pytest
from browser_kit import copy_into_docs, save_screenshot
from conftest import GOOD_NOTICE, build, write_site
from pypdf import PdfReader
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from test_browser_accessibility import PAGE_TYPES

from generator.cli.serve import make_server

NOTICE = "guides/religious-activity-venue-registration/"


def font_px(driver, selector):
    return float(driver.execute_script(
        "return parseFloat(getComputedStyle(document.querySelector(arguments[0])).fontSize)", selector))


def shown(driver, selector):
    """Return whether any element matching `selector` takes up space on the page."""
    return driver.execute_script(
        "return [...document.querySelectorAll(arguments[0])].some(e => e.getClientRects().length > 0"
        " && getComputedStyle(e).visibility !== 'hidden')", selector)


def test_large_print_switch_enlarges_raises_contrast_and_is_remembered(page, site_url):
    toggle = page.find_element(By.CSS_SELECTOR, "[data-large-print]")
    assert toggle.is_displayed() and toggle.text == "大字版"
    assert toggle.get_attribute("aria-pressed") == "false"
    normal_text, normal_title = font_px(page, ".notice-list a"), font_px(page, ".site-title")
    normal_ink = page.execute_script("return getComputedStyle(document.body).color")
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    assert font_px(page, ".notice-list a") >= 1.5 * normal_text - 0.01
    assert font_px(page, ".site-title") >= 1.5 * normal_title - 0.01
    ink = page.execute_script("return getComputedStyle(document.body).color")
    assert ink == "rgb(0, 0, 0)" and ink != normal_ink
    # Another page remembers the choice, from its first paint on.
    page.get(site_url + NOTICE)
    assert page.find_element(By.CSS_SELECTOR, "[data-large-print]").get_attribute("aria-pressed") == "true"
    assert font_px(page, ".notice-body p") >= 1.5 * normal_text - 0.01
    assert page.execute_script("return window.scrollX === 0 && document.documentElement.scrollWidth"
                               " <= document.documentElement.clientWidth")
    page.find_element(By.CSS_SELECTOR, "[data-large-print]").click()
    page.get(site_url)
    assert font_px(page, ".notice-list a") == normal_text


def test_pages_are_complete_without_javascript(page, site_url):
    page.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        page.get(site_url + NOTICE)
        assert page.find_element(By.CSS_SELECTOR, "article h1").text == "星海市宗教活动场所登记办事指南"
        assert "申请登记" in page.find_element(By.CSS_SELECTOR, ".notice-body").text
        # Controls that need JavaScript stay out of the way instead of doing nothing.
        assert not shown(page, "[data-large-print]") and not shown(page, "[data-print]")
        # The header search box leads to the catalogue, which lists every notice without a script.
        box = page.find_element(By.CSS_SELECTOR, ".site-search input[name=q]")
        box.send_keys("登记", Keys.ENTER)
        WebDriverWait(page, 10).until(lambda d: "/catalogue/" in d.current_url)
        assert page.current_url == site_url + "catalogue/?q=" + quote("登记")
        assert "星海市宗教活动场所登记办事指南" in page.find_element(By.CSS_SELECTOR, "main").text
        # The search page itself, reached without a script, points to the catalogue and categories.
        page.get(site_url + "search/?q=" + quote("登记"))
        assert "启用 JavaScript" in page.find_element(By.CSS_SELECTOR, "main").text
        page.find_element(By.LINK_TEXT, "政务公开目录").click()
        assert page.current_url == site_url + "catalogue/"
    finally:
        page.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})


def test_printed_notice_holds_the_notice_and_its_url_and_no_navigation(page, site_url):
    page.get(site_url + NOTICE)
    page.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    for part in ("article h1", ".notice-meta", ".notice-body", ".print-url"):
        assert shown(page, part), part
    for part in (".site-nav", ".site-search", "[data-large-print]", ".site-footer", ".breadcrumb",
                 ".prev-next", "[data-print]", ".skip-link"):
        assert not shown(page, part), part
    page.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    pdf = PdfReader(io.BytesIO(base64.b64decode(page.print_page())))
    text = "".join(p.extract_text() for p in pdf.pages).replace("\n", "").replace(" ", "")
    text = unicodedata.normalize("NFKC", text)  # the PDF's fonts map some characters to Kangxi radicals
    assert "星海市宗教活动场所登记办事指南" in text
    assert "发布机构" in text and "责任人" in text  # the metadata table
    assert "宗教活动场所登记申请表" in text  # the body
    assert "附件" in text and "申请材料清单" in text  # the attachments list
    assert "https://gk.example.gov.cn/mzzj/" + NOTICE in text
    for chrome in ("搜索", "大字版", "跳到正文", "订阅", "网站地图", "上一篇"):
        assert chrome not in text, chrome


def test_print_button_prints(page, site_url):
    page.get(site_url + NOTICE)
    page.execute_script("window.gongkaiPrinted = 0;"
                        "window.addEventListener('beforeprint', () => { window.gongkaiPrinted += 1; });")
    button = page.find_element(By.CSS_SELECTOR, "[data-print]")
    assert button.is_displayed() and button.text == "打印本页"
    button.click()
    assert page.execute_script("return window.gongkaiPrinted") == 1


# A phone, a 1280 px screen at 200% zoom, and a phone in 大字版.
@pytest.mark.parametrize("width, large", [(375, False), (640, False), (375, True)])
@pytest.mark.parametrize("name", PAGE_TYPES)
def test_narrow_screens_never_scroll_sideways(page, site_url, name, width, large):
    page.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                         {"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": width == 375})
    if large:
        page.execute_script("window.localStorage.setItem('gongkai-large-print', '1')")
    page.get(site_url + PAGE_TYPES[name])
    assert page.execute_script("return document.documentElement.classList.contains('large-print')") == large
    assert page.execute_script("return document.documentElement.scrollWidth") <= width
    # Reading text is at least 16 px: every element with text of its own.
    smallest = page.execute_script(
        "let min = 1e9; for (const e of document.querySelectorAll('main *, header *, nav *, footer *')) {"
        "  const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());"
        "  if (own && e.getClientRects().length && !e.closest('.visually-hidden'))"
        "    min = Math.min(min, parseFloat(getComputedStyle(e).fontSize)); }"
        "return min;")
    assert smallest >= 16
    # Navigation links are whole, on screen, and big enough to tap.
    for link in page.find_elements(By.CSS_SELECTOR, ".site-nav a, .pager a"):
        box = link.rect
        assert box["x"] >= 0 and box["x"] + box["width"] <= width and box["height"] >= 44, link.text


def test_wide_tables_scroll_inside_their_own_box(page, tmp_path):
    header = "| " + " | ".join(f"第{n}季度申请件数" for n in range(1, 9)) + " |\n"
    table = header + "|" + "---|" * 8 + "\n" + "| " + " | ".join(["1234567890"] * 8) + " |\n"
    content = write_site(tmp_path / "content", {"guides/wide.md": GOOD_NOTICE.replace("正文。", table)})
    assert build(content, tmp_path / "out") == 0
    server = make_server(tmp_path / "out", "/xz/", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    page.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                         {"width": 375, "height": 800, "deviceScaleFactor": 1, "mobile": True})
    try:
        page.get(f"http://127.0.0.1:{server.server_address[1]}/xz/guides/wide/")
    finally:
        server.shutdown()
        server.server_close()
    tables = page.execute_script(
        "return [...document.querySelectorAll('.notice-body .table-wrap')].map(t => [t.scrollWidth, t.clientWidth,"
        " getComputedStyle(t).overflowX])")
    assert any(scroll > client for scroll, client, _ in tables)  # this table is wider than a phone: its region scrolls
    assert all(overflow == "auto" for _, _, overflow in tables)
    assert page.execute_script("return document.documentElement.scrollWidth") <= 375


def test_screenshots_for_the_readme(page, site_url):
    shots = [save_screenshot(page, "board.png")]
    page.get(site_url + NOTICE)
    shots.append(save_screenshot(page, "notice.png"))
    for shot in shots:
        assert shot.stat().st_size > 20_000  # a drawn page, not a blank one
        copy_into_docs(shot)
