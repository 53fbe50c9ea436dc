"""Preview: `build.py serve` rebuilds on change, reloads the browser, and survives a broken notice."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from conftest import GOOD_NOTICE, ROOT, SITE_YAML, write_site
from nginxsite import free_port


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def _until(check, timeout: float = 20.0):
    """Poll `check` until it returns something true, or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = check()
        except (urllib.error.URLError, ConnectionError):
            result = None
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail("the preview server did not get there in time")
        time.sleep(0.1)


@pytest.fixture
def server(tmp_path):
    content = write_site(tmp_path / "content", {"guides/ok.md": GOOD_NOTICE})
    port = free_port()
    process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port),
                                "--content", str(content), "--output", str(tmp_path / "output")],
                               cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}/xz/"
    try:
        _until(lambda: _get(base)[0] == 200)
        yield content, base, tmp_path / "output"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_changed_notice_is_served_after_the_rebuild(server):
    content, base, output = server
    status, page = _get(base + "guides/ok/")
    assert status == 200 and "正文。" in page
    # Edits follow, so even the first build with a new cache readies the copy a rebuild starts from.
    spare = output.parent / ".gongkai-cache/spare"
    _until(lambda: (spare / "index.html").exists()
           and os.stat(spare / "index.html").st_ino == os.stat(output / "index.html").st_ino)
    version = json.loads(_get(base.replace("/xz/", "/__gongkai/status"))[1])["version"]
    (content / "guides/ok.md").write_text(GOOD_NOTICE.replace("正文。", "修改后的正文。"), encoding="utf-8")
    _until(lambda: "修改后的正文。" in _get(base + "guides/ok/")[1])
    # The new site is swapped in a moment before the version moves on; the browser polls, so do we.
    status_url = base.replace("/xz/", "/__gongkai/status")
    status = _until(lambda: (s := json.loads(_get(status_url)[1]))["version"] > version and s)
    assert status["version"] == version + 1 and status["error"] is None  # the browser reloads on this
    # The warnings of the good build reach the page's panel too, not only the terminal.
    assert status["warnings"].startswith("guides/ok.md:1: 警告：索引号 2024-00001 是临时编号")
    # The live-reload script is added on the way out, never written into the published files.
    assert "__gongkai/live.js" in _get(base + "guides/ok/")[1]
    assert "__gongkai" not in (output / "guides/ok/index.html").read_text(encoding="utf-8")


def test_a_broken_notice_keeps_the_last_good_site_served_and_reports_the_error(server):
    content, base, _ = server
    (content / "guides/ok.md").write_text(GOOD_NOTICE.replace("category: guides", "category: nowhere"),
                                          encoding="utf-8")
    status_url = base.replace("/xz/", "/__gongkai/status")
    error = _until(lambda: json.loads(_get(status_url)[1])["error"])
    assert "guides/ok.md:3:" in error  # path and line, as in the terminal
    status, page = _get(base + "guides/ok/")
    assert status == 200 and "正文。" in page  # the last good build stays served
    # Fixing the notice brings the site back and clears the error.
    (content / "guides/ok.md").write_text(GOOD_NOTICE.replace("正文。", "改好了。"), encoding="utf-8")
    _until(lambda: "改好了。" in _get(base + "guides/ok/")[1])
    _until(lambda: json.loads(_get(status_url)[1])["error"] is None)


def test_a_rebuild_killed_in_watch_mode_leaves_the_last_good_site(tmp_path):
    # Killed at the swap of the rebuild after an edit: every page is staged, none is public yet.
    point = "swap"
    import signal

    from conftest import run_inline, snapshot

    content = write_site(tmp_path / "content", {"guides/ok.md": GOOD_NOTICE})
    output, log = tmp_path / "output", tmp_path / "serve.log"
    port = free_port()
    env = {**__import__("os").environ, "GONGKAI_TEST_PAUSE": f"{point}@2"}  # the first build runs through
    with log.open("w") as errors:
        process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port),
                                    "--content", str(content), "--output", str(output)],
                                   cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=errors, env=env)
        try:
            _until(lambda: _get(f"http://127.0.0.1:{port}/xz/")[0] == 200)
            before = snapshot(output)
            (content / "guides/ok.md").write_text(GOOD_NOTICE.replace("正文。", "新正文。"), encoding="utf-8")
            _until(lambda: f"paused at {point}" in log.read_text(encoding="utf-8"))
            process.send_signal(signal.SIGKILL)
        finally:
            process.kill()
            process.wait(timeout=10)
    assert snapshot(output) == before  # the rebuild never reached the public folder
    assert (tmp_path / "output.gongkai-staging").is_dir()  # it really died half-way
    result = run_inline("--content", str(content), "--output", str(output))
    assert result.returncode == 0, result.stderr
    assert "新正文。" in (output / "guides/ok/index.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("output.")) == []


def _indexed(output) -> str:
    """The text of every page in the served search index; empty while there is none (or it is being swapped)."""
    from test_search_index import fragments

    try:
        return "\n".join(page["content"].replace("\u200b", "") for page in fragments(output))
    except OSError:
        return ""


def test_with_search_on_the_browser_reloads_before_the_index_is_made_and_the_index_follows(tmp_path):
    content = write_site(tmp_path / "content", {"guides/ok.md": GOOD_NOTICE},
                         SITE_YAML.replace("search: false\n", ""))  # search on, as site.yaml ships
    output, log = tmp_path / "output", tmp_path / "serve.log"
    port = free_port()
    env = {**os.environ, "GONGKAI_TEST_DELAY": "index=2"}  # every run of the indexer starts 2 s late
    with log.open("w") as said:
        process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port),
                                    "--content", str(content), "--output", str(output)],
                                   cwd=tmp_path, stdout=said, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}/xz/"
    status_url = base.replace("/xz/", "/__gongkai/status")
    try:
        _until(lambda: _get(base)[0] == 200)  # served before the first index is made
        _until(lambda: "正文" in _indexed(output), timeout=30)
        version = json.loads(_get(status_url)[1])["version"]
        (content / "guides/ok.md").write_text(GOOD_NOTICE.replace("正文。", "修改后的正文。"), encoding="utf-8")
        _until(lambda: json.loads(_get(status_url)[1])["version"] > version)
        # Browsers are told now, while the indexer still waits: the new page is served with the last index, whole.
        assert "修改后的正文。" in _get(base + "guides/ok/")[1]
        index = _indexed(output)
        assert "正文" in index and "修改后" not in index
        # Then the index catches up, without a second reload.
        _until(lambda: "修改后的正文" in _indexed(output), timeout=30)
        assert json.loads(_get(status_url)[1])["version"] == version + 1
        _until(lambda: log.read_text(encoding="utf-8").count("站内搜索索引已更新") == 2)  # the first build's, the edit's
        # A save while the index is being made does not wait for it: that index is dropped, the page reloads.
        (content / "guides/ok.md").write_text(GOOD_NOTICE.replace("正文。", "第三版正文。"), encoding="utf-8")
        _until(lambda: json.loads(_get(status_url)[1])["version"] > version + 1)
        time.sleep(0.5)  # the index of the third version is under way, held 2 s by the hook
        (content / "guides/ok.md").write_text(GOOD_NOTICE.replace("正文。", "第四版正文。"), encoding="utf-8")
        _until(lambda: json.loads(_get(status_url)[1])["version"] > version + 2)
        assert "第四版正文。" in _get(base + "guides/ok/")[1]
        assert "第三版" not in _indexed(output)  # its index was never finished
        _until(lambda: "第四版正文" in _indexed(output), timeout=30)
        _until(lambda: log.read_text(encoding="utf-8").count("站内搜索索引已更新") == 3)
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_rebuild_that_leaves_the_index_behind_and_the_build_after_it_give_the_clean_site(tmp_path):
    """The preview's two steps: pages with the last index (and no record that a next build could trust),
    then the index; their output is a clean build's, byte for byte. A state the cache knows is not split."""
    import dataclasses

    from conftest import NOW, build, snapshot

    from generator.build.pipeline import build as build_site
    from generator.core.options import Options

    content = write_site(tmp_path / "content", {"guides/ok.md": GOOD_NOTICE}, SITE_YAML.replace("search: false\n", ""))
    output = tmp_path / "output"
    later = Options(content, output, serving=True)
    first = dataclasses.replace(later, defer_search=True)
    assert build_site(first, NOW).search_deferred  # no index yet: pages first
    assert not (output / "pagefind").exists()
    assert not build_site(later, NOW).search_deferred
    before = _indexed(output)
    assert "正文" in before
    ok = content / "guides/ok.md"
    ok.write_text(GOOD_NOTICE.replace("正文。", "修改后的正文。"), encoding="utf-8")
    report = build_site(first, NOW)
    assert report.search_deferred and report.way == "touch-up"  # a body edit: only its pages, and no index
    assert "修改后的正文。" in (output / "guides/ok/index.html").read_text(encoding="utf-8")
    assert _indexed(output) == before  # the last index, carried over whole
    report = build_site(later, NOW)
    assert not report.search_deferred and report.way == "full"  # no record of the first step to trust
    assert "修改后的正文" in _indexed(output)
    assert build(content, tmp_path / "clean", "--no-cache") == 0
    assert snapshot(output) == snapshot(tmp_path / "clean")
    # A state whose index the cache holds is not split: a save that changed nothing leaves nothing for later.
    ok.write_text(ok.read_text(encoding="utf-8"), encoding="utf-8")
    assert not build_site(first, NOW).search_deferred
    assert snapshot(output) == snapshot(tmp_path / "clean")
