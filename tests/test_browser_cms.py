"""The web editing page in its local mode: a clerk fills the form, saves, and the next build publishes it."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from browser_kit import ARTIFACTS, copy_into_docs, save_screenshot
from conftest import ROOT, SITE_YAML, build, write_site
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import WebDriverWait
from test_browser_accessibility import AXE, WCAG21_AA

from generator.cli.serve import make_server

EXISTING = """\
---
title: 原来的标题
category: guides
date: 2024-05-15 09:30
responsible: 张三
slug: existing-notice
---
原来的正文。
"""
TABLE = "| 事项 | 时限 |\n| --- | --- |\n| 登记 | 5 个工作日 |"


def free_port() -> int:
    """Return a port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _interruptible() -> None:
    """Let the server take Ctrl+C as in a terminal: a suite run as a background job (`make test &`, nohup)
    ignores SIGINT, its children inherit that, and the server would never see the signal sent below."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.fixture
def cms(tmp_path):
    """Run `build.py serve --cms` on a small site; yield (content folder, editing page address)."""
    content = write_site(tmp_path / "content", {"guides/existing-notice.md": EXISTING}, SITE_YAML)
    port, proxy = free_port(), free_port()
    server = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--cms", "--content", str(content),
                               "--output", str(tmp_path / "out"), "--port", str(port), "--cms-port", str(proxy)],
                              cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              preexec_fn=_interruptible)
    lines = []
    for line in server.stdout:
        lines.append(line)
        if line.startswith("网页编辑："):
            break
    else:
        pytest.fail("serve --cms did not start:\n" + "".join(lines))
    assert line.strip() == f"网页编辑：http://127.0.0.1:{port}/xz/admin/（本机模式，保存即写入内容目录）"
    yield content, f"http://127.0.0.1:{port}/xz/admin/"
    server.send_signal(signal.SIGINT)
    server.wait(timeout=20)
    with socket.socket() as probe:  # the proxy stopped with the server
        assert probe.connect_ex(("127.0.0.1", proxy)) != 0


@pytest.fixture
def editor(browser, request):
    """The session's browser, and a screenshot when the test fails."""
    yield browser
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(ARTIFACTS / f"{request.node.name}.png"))


def open_form(driver, url: str) -> WebDriverWait:
    """Open a form of the editing page and sign in to the local mode."""
    driver.get(url)
    wait = WebDriverWait(driver, 30)
    login = wait.until(ready.element_to_be_clickable((By.XPATH, "//button[contains(., '登录')]")))
    login.click()
    wait.until(ready.presence_of_element_located((By.CSS_SELECTOR, "label[for^='title-field']")))
    return wait


def field(driver, name: str):
    """Return the input of a form field by the schema's name."""
    label = driver.find_element(By.CSS_SELECTOR, f"label[for^='{name}-field']")
    found = driver.find_elements(By.ID, label.get_attribute("for"))
    if found:
        return found[0]
    # the Markdown editor is an editable box without an id: take the one in the label's field
    return label.find_element(By.XPATH, "ancestor::div[contains(@class, 'ControlContainer')][1]//*[@role='textbox']")


def set_value(driver, element, value: str) -> None:
    """Set a native input's value the way a person's typing does, so React sees it."""
    driver.execute_script(
        "const [el, value] = arguments;"
        "const setter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(el), 'value').set;"
        "setter.call(el, value); el.dispatchEvent(new Event('input', {bubbles: true}));"
        "el.dispatchEvent(new Event('change', {bubbles: true}));", element, value)


def publish(driver, wait: WebDriverWait) -> None:
    """Press 发布 → 立即发布 and wait until the entry is saved."""
    driver.find_element(By.XPATH, "//span[@role='button' and text()='发布']").click()
    wait.until(ready.element_to_be_clickable((By.XPATH, "//*[text()='立即发布']"))).click()


def wait_for_file(path: Path, pattern: str, seconds: float = 20) -> str:
    """Wait until the proxy has written a file whose text matches the pattern."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.is_file() and re.search(pattern, path.read_text(encoding="utf-8")):
            return path.read_text(encoding="utf-8")
        time.sleep(0.2)
    raise AssertionError(f"{path} with {pattern!r} never appeared")


def test_a_notice_made_in_the_form_is_published_as_typed(cms, editor, tmp_path):
    content, admin = cms
    upload = tmp_path / "申请表.pdf"
    upload.write_bytes(b"%PDF-1.4\n% a small form\n")
    wait = open_form(editor, admin + "#/collections/guides/new")
    field(editor, "title").send_keys("关于网上申请的通知")
    field(editor, "responsible").send_keys("王丽")
    set_value(editor, field(editor, "date"), "2026-11-20T09:30")
    field(editor, "slug").send_keys("online-application")
    field(editor, "doc_number").send_keys("小测发〔2026〕3号")
    body = field(editor, "body")
    body.send_keys("自即日起可在网上申请。" + Keys.ENTER + Keys.ENTER)
    for row in TABLE.splitlines():
        body.send_keys(row + Keys.ENTER)
    editor.find_element(By.XPATH, "//button[text()='新增附件']").click()
    editor.find_element(By.XPATH, "//button[text()='选择文件']").click()
    chooser = wait.until(ready.presence_of_element_located((By.CSS_SELECTOR, "input[type='file']")))
    chooser.send_keys(str(upload))
    wait.until(ready.element_to_be_clickable((By.XPATH, "//button[text()='选用已选中项目']"))).click()
    editor.execute_script("arguments[0].scrollIntoView({block: 'center'})", field(editor, "category"))
    copy_into_docs(save_screenshot(editor, "admin-form.png"))
    publish(editor, wait)
    text = wait_for_file(content / "guides/online-application.md", "申请表")
    editor.get(admin + "#/collections/guides")
    wait.until(ready.presence_of_element_located((By.XPATH, "//*[contains(text(), '关于网上申请的通知')]")))
    copy_into_docs(save_screenshot(editor, "admin-list.png"))
    assert (content / "guides/online-application/申请表.pdf").read_bytes() == upload.read_bytes()
    assert "title: 关于网上申请的通知" in text and "date: 2026-11-20 09:30" in text
    assert "category: guides" in text and "responsible: 王丽" in text and "doc_number: 小测发〔2026〕3号" in text
    assert "---\n自即日起可在网上申请。\n\n" + TABLE in text
    assert build(content, tmp_path / "site") == 0
    page = (tmp_path / "site/guides/online-application/index.html").read_text(encoding="utf-8")
    assert "关于网上申请的通知</h1>" in page and "王丽" in page and "小测发〔2026〕3号" in page
    assert "2026-11-20" in page and "<td>5 个工作日</td>" in page
    assert (tmp_path / "site/guides/online-application/申请表.pdf").is_file()


def test_editing_a_title_in_the_form_changes_the_built_page(cms, editor, tmp_path):
    content, admin = cms
    wait = open_form(editor, admin + "#/collections/guides/entries/existing-notice")
    title = field(editor, "title")
    title.send_keys(Keys.CONTROL, "a")
    title.send_keys("改过的标题")
    publish(editor, wait)
    text = wait_for_file(content / "guides/existing-notice.md", "改过的标题")
    assert "原来的正文。" in text and "responsible: 张三" in text
    assert build(content, tmp_path / "site") == 0
    page = (tmp_path / "site/guides/existing-notice/index.html").read_text(encoding="utf-8")
    assert "改过的标题</h1>" in page and "原来的标题" not in page


def test_the_form_has_no_serious_accessibility_violation(cms, editor):
    _content, admin = cms
    open_form(editor, admin + "#/collections/guides/new")
    editor.execute_script(AXE.read_text(encoding="utf-8"))
    found = editor.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
        ".then(r => done(r.violations.map(v => [v.impact, v.id + ' @ ' + v.nodes.map(n => n.target.join(' '))"
        ".join(', ')])), e => done([['critical', 'axe failed: ' + e]]));", WCAG21_AA)
    print(found)
    assert [text for impact, text in found if impact in ("serious", "critical")] == []


@pytest.mark.parametrize("section, button", [
    ("  backend: github\n  repo: mzj/gongkai\n", "GitHub"),
    ("  backend: gitlab\n  repo: mzj/gongkai\n  api_root: https://git.example.gov.cn/api/v4\n"
     "  base_url: https://git.example.gov.cn\n  auth_endpoint: oauth/authorize\n  app_id: abc123\n", "GitLab"),
    ("  backend: gitea\n  repo: mzj/gongkai\n  branch: cms\n  api_root: https://git.example.gov.cn/api/v1\n"
     "  base_url: https://git.example.gov.cn\n  app_id: abc123\n", "Gitea"),
])
def test_decap_accepts_the_generated_configuration_of_each_forge(editor, tmp_path, section, button):
    content = write_site(tmp_path / "c", {"guides/existing-notice.md": EXISTING}, SITE_YAML + "cms:\n" + section)
    assert build(content, tmp_path / "out") == 0
    server = make_server(tmp_path / "out", "/xz/", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        editor.get(f"http://127.0.0.1:{server.server_address[1]}/xz/admin/")
        WebDriverWait(editor, 30).until(ready.presence_of_element_located(
            (By.XPATH, f"//button[contains(., '{button}') and contains(., '登录')]")))
        text = editor.execute_script("return document.body.innerText")
        assert "Config" not in text and "配置" not in text
    finally:
        server.shutdown()
        server.server_close()
