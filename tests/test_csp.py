"""Pages: a Content-Security-Policy on every page, no inline script or style, every asset local."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser

from conftest import SITES, build

HOSTILE = """---
title: <script>alert("标题")</script>
category: guides
date: 2024-05-20
responsible: 张三
summary: <img src=x onerror=alert(1)>
---
<script>alert(1)</script><style>body{display:none}</style>
<p style="color:red" onclick="alert(2)">样式</p>
<iframe src="https://evil.example/"></iframe><object data="https://evil.example/x.swf"></object>
<img src="https://tracker.example/pixel.gif" alt="外部图片"> ![外部](//tracker.example/a.png)
<a href="javascript:alert(3)">链接</a> <svg onload="alert(4)"></svg>
<link rel="stylesheet" href="https://evil.example/x.css"><base href="https://evil.example/">
"""
ASSET_TAGS = {"script": "src", "link": "href", "img": "src", "iframe": "src", "source": "src", "video": "src",
              "audio": "src", "embed": "src", "object": "data", "track": "src", "input": "src"}
EXTERNAL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:|[/\\]{2})", re.I)


class PageAudit(HTMLParser):
    """Collect everything in a page that could run or load code from elsewhere."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.policies: list[str] = []
        self.in_head, self.loads_before_policy, self.open_script = False, False, False

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        self.in_head = self.in_head or tag == "head"
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "content-security-policy":
            if not self.in_head or self.loads_before_policy:
                self.problems.append("policy not first in <head>")
            self.policies.append(values.get("content") or "")
        if tag in ("link", "script", "style", "img"):
            self.loads_before_policy = self.loads_before_policy or not self.policies
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=>")
            if name == "style":
                self.problems.append(f"<{tag} style=>")
        if tag == "style":
            self.problems.append("<style> element")
        if tag == "script":
            self.open_script = True
            if not values.get("src"):
                self.problems.append("<script> without src")
        if tag == "link" and (values.get("rel") or "") in ("alternate", "canonical"):
            return  # links for feed readers and search engines, not loaded by the page
        if tag in ASSET_TAGS and EXTERNAL.match(values.get(ASSET_TAGS[tag]) or ""):
            self.problems.append(f"external asset <{tag} {ASSET_TAGS[tag]}={values[ASSET_TAGS[tag]]}>")
        if tag == "base":
            self.problems.append("<base>")

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False
        if tag == "script":
            self.open_script = False

    def handle_data(self, data):
        if self.open_script and data.strip():
            self.problems.append("inline script content")


def directives(policy: str) -> dict[str, list[str]]:
    """Split a policy into directive -> sources."""
    parts = (d.split() for d in policy.split(";") if d.strip())
    return {p[0]: p[1:] for p in parts}


def test_every_page_has_a_strict_policy_and_nothing_inline_or_external(tmp_path):
    content = shutil.copytree(SITES / "basic", tmp_path / "content")
    (content / "guides" / "hostile.md").write_text(HOSTILE, encoding="utf-8")
    output = tmp_path / "output"
    assert build(content, output) == 0
    pages = sorted(output.rglob("*.html"))
    assert len(pages) > 8 and (output / "guides" / "hostile" / "index.html") in pages
    for page in pages:
        audit = PageAudit()
        audit.feed(page.read_text(encoding="utf-8"))
        assert audit.problems == [], page.relative_to(output)
        assert len(audit.policies) == 1, page.relative_to(output)
        policy = directives(audit.policies[0])
        assert policy["default-src"] == ["'self'"]
        for kind in ("script-src", "style-src", "img-src", "object-src", "base-uri"):
            assert kind in policy
            assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"} & set(policy[kind])
    hostile = (output / "guides" / "hostile" / "index.html").read_text(encoding="utf-8")
    assert re.search(r"<h1[^>]*>&lt;script&gt;alert\(", hostile)  # the title is shown as text, not run
    assert 'alt="外部图片"' in hostile  # the external image is kept as its alt text, without its source


def test_the_audit_catches_what_it_looks_for():
    """The page audit must be able to fail, or the test above proves nothing."""
    bad = ('<html><head><link rel="stylesheet" href="a.css"><meta http-equiv="Content-Security-Policy" content="x">'
           '</head><body><p style="x" onclick="y"><script>go()</script><img src="https://t.example/p.gif">'
           '<script src="//cdn.example/x.js"></script><style>p{}</style></body></html>')
    audit = PageAudit()
    audit.feed(bad)
    assert audit.problems == [
        "policy not first in <head>", "<p style=>", "<p onclick=>", "<script> without src", "inline script content",
        "external asset <img src=https://t.example/p.gif>", "external asset <script src=//cdn.example/x.js>",
        "<style> element",
    ]
