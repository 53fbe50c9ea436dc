"""The preview in a real browser: warnings and errors of a rebuild reach the open page, as the clerk sees them."""

from __future__ import annotations

import subprocess
import sys
import time

from conftest import GOOD_NOTICE, ROOT, write_site
from nginxsite import free_port
from selenium.webdriver.common.by import By


def _until(check, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError("timed out")


def test_the_open_page_shows_warnings_then_a_build_error_then_recovers(tmp_path, browser):
    future = GOOD_NOTICE.replace("合格的公告", "年份写错的公告").replace("2024-05-15", "2062-05-15")
    content = write_site(tmp_path / "content", {"guides/ok.md": GOOD_NOTICE, "guides/typo.md": future})
    port = free_port()
    serve = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port),
                              "--content", str(content), "--output", str(tmp_path / "output")],
                             cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/xz/guides/ok/"
        _until(lambda: _answers(url))
        browser.get(url)
        panel = _until(lambda: browser.find_elements(By.ID, "gongkai-build-warnings"))[0]
        assert "构建成功，但有以下提醒" in panel.text
        assert "guides/typo.md:4: 警告：发布日期 2062-05-15 在一年以后" in panel.text
        panel.find_element(By.TAG_NAME, "button").click()
        _until(lambda: not browser.find_elements(By.ID, "gongkai-build-warnings"))
        (content / "guides/ok.md").write_text(GOOD_NOTICE.replace("title: 合格的公告", "标题：合格的公告"),
                                              encoding="utf-8")
        error = _until(lambda: browser.find_elements(By.ID, "gongkai-build-error"))[0]
        assert "构建失败，当前显示的是上一次成功构建的页面" in error.text
        assert "guides/ok.md:2: 「标题」后面是全角冒号" in error.text
        assert browser.find_element(By.TAG_NAME, "h1").text == "合格的公告"  # the last good page stays
        (content / "guides/ok.md").write_text(GOOD_NOTICE.replace("合格的公告", "改好的公告"), encoding="utf-8")
        _until(lambda: _title(browser) == "改好的公告")  # reloaded by itself
        assert not browser.find_elements(By.ID, "gongkai-build-error")
    finally:
        serve.terminate()
        serve.wait(timeout=10)


def _answers(url: str) -> bool:
    from urllib.request import urlopen

    try:
        with urlopen(url, timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False


def _title(browser) -> str:
    try:
        return browser.find_element(By.TAG_NAME, "h1").text
    except Exception:  # noqa: BLE001 - the page is reloading
        return ""
