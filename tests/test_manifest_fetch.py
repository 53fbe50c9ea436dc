"""CI's download of the live manifest: a first publication goes on, any failed download stops the job."""

from __future__ import annotations

import http.server
import json
import subprocess
import sys
import threading

import pytest
from conftest import GOOD_NOTICE, ROOT, run_inline, write_site

MANIFEST = '{"urls": ["guides/ok/"]}\n'


@pytest.fixture
def server():
    """A real web server on loopback that answers the manifest's path as a test sets it."""
    answer = {"status": 200, "body": MANIFEST.encode()}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the standard library's name
            self.send_response(answer["status"] if self.path == "/xz/.gongkai-manifest.json" else 404)
            self.end_headers()
            self.wfile.write(answer["body"])

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1], answer
    httpd.shutdown()


def _content(tmp_path, port):
    site = f"title: 小站\nagency: 小站测试局\nbase_url: http://127.0.0.1:{port}/xz/\nsearch: false\n" \
           "categories:\n  - key: guides\n    name: 办事指南\n"
    return write_site(tmp_path / "content", {"guides/ok.md": GOOD_NOTICE}, site)


def _fetch(content, target):
    return subprocess.run([sys.executable, "-m", "generator.disclosure.manifest", "fetch", str(content), str(target)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)


def test_a_live_manifest_is_fetched_and_then_guards_the_build(tmp_path, server):
    port, _ = server
    content, target = _content(tmp_path, port), tmp_path / "previous-manifest.json"
    result = _fetch(content, target)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "已取得线上的已发布网址清单：1 个网址"
    assert target.read_text(encoding="utf-8") == MANIFEST
    (content / "guides/ok.md").rename(content / "guides/moved.md")
    built = run_inline("--check", "--manifest", str(target), "--first-publication", "--content", str(content))
    assert built.returncode == 1 and "网址 /guides/ok/ 曾经发布过" in built.stderr


def test_a_site_never_published_is_a_first_publication(tmp_path, server):
    port, answer = server
    answer["status"], answer["body"] = 404, b"<html>Not Found</html>"
    content, target = _content(tmp_path, port), tmp_path / "previous-manifest.json"
    target.write_text("stale", encoding="utf-8")
    result = _fetch(content, target)
    assert result.returncode == 0, result.stderr
    assert "尚未发布过" in result.stdout and not target.exists()
    built = run_inline("--manifest", str(target), "--first-publication", "--content", str(content),
                    "--output", str(tmp_path / "public"))
    assert built.returncode == 0, built.stderr
    assert json.loads(target.read_text(encoding="utf-8")) == {"urls": ["guides/ok/"]}  # kept for the next build


@pytest.mark.parametrize(("status", "body", "says"), [
    (502, b"<html>502 Bad Gateway</html>", "（HTTP 502）：为防止已发布的网址被误删，停止构建"),
    (200, b"<html>502 Bad Gateway</html>", "取回的不是已发布网址清单：内容不是 JSON"),
    (200, b"", "取回的不是已发布网址清单：文件是空的"),
])
def test_a_failed_download_stops_ci_and_writes_nothing(tmp_path, server, status, body, says):
    port, answer = server
    answer["status"], answer["body"] = status, body
    content, target = _content(tmp_path, port), tmp_path / "previous-manifest.json"
    result = _fetch(content, target)
    assert result.returncode == 1
    assert says in result.stderr and "Traceback" not in result.stderr
    assert not target.exists()


def test_an_unreachable_site_stops_ci(tmp_path):
    content, target = _content(tmp_path, 9), tmp_path / "previous-manifest.json"  # nothing listens on port 9
    result = _fetch(content, target)
    assert result.returncode == 1
    assert "无法取得已发布网址清单 http://127.0.0.1:9/xz/.gongkai-manifest.json（" in result.stderr
    assert not target.exists()
