"""Leaks: nothing of a hidden notice reaches any byte of the output.

Hidden notices (draft, not yet due, 依申请公开, 不予公开) carry marker strings
in every field, their file names, slugs and bodies, and distinctive dates.
The scan reads every file under the output, whatever later features add
(search index, compressed copies, manifests), gzip-decoded where it is gzip.
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

from conftest import SITE_YAML, build, snapshot, write_site

MARKER = "zq7leak"  # never occurs in any real text; compared case-insensitively
VISIBLE = {
    "guides/open.md": "---\ntitle: 公开的指南\ncategory: guides\ndate: 2024-05-15 09:30\nresponsible: 张三\n"
                      "tags: [公开]\n---\n公开的正文。\n",
    "results/open.md": "---\ntitle: 公开的结果\ncategory: 办事结果\ndate: 2024-06-01\nresponsible: 李四\n---\n结果正文。\n",
}
HIDDEN_WAYS = {  # reason -> (extra front matter, publish date)
    "draft": ("draft: true", "2024-03-17 13:47"),
    "drafts": ("draft: 是", "2024-09-09 09:09"),
    "future": ("", "2031-07-19 08:08"),
    "onrequest": ("disclosure: on-request", "2024-04-18 11:23"),
    "onrequestzh": ("disclosure: 依申请公开", "2024-04-19 11:23"),
    "withheld": ("disclosure: withheld", "2024-02-21 16:06"),
    "withheldzh": ("disclosure: 不予公开", "2024-02-22 16:06"),
}
# Every way those dates could be printed: ISO, Chinese, RFC 822 (RSS).
HIDDEN_DATES = [
    "2024-03-17", "2031-07-19", "2024-04-18", "2024-04-19", "2024-02-21", "2024-02-22", "2024-09-09", "2031-12-31",
    "2024年3月17日", "2031年7月19日", "2024年4月18日", "2024年2月21日", "2024年09月09日",
    "17 Mar 2024", "19 Jul 2031", "18 Apr 2024", "21 Feb 2024", "09 Sep 2024", "31 Dec 2031",
]


def hidden_notice(reason: str, extra: str, date: str) -> str:
    """A notice that must never be published, with the marker in every place a value can go."""
    m = f"{MARKER}{reason}"
    return f"""---
title: {m}标题 <b>{m}</b>
category: guides
date: {date}
responsible: {m}责任人
department: {m}机构
doc_number: {m}文号
slug: {m}-slug
summary: {m}摘要
updated: 2031-12-31
tags: [{m}标签, 公开]
{extra}
---
{m}正文第一句。

## {m}小标题

[{m}链接](https://example.org/{m}) ![{m}图](/{m}.png) 脚注[^1]

[^1]: {m}脚注
"""


def site(root: Path, with_hidden: bool) -> Path:
    """The visible notices, plus (or not) one hidden notice for every way of being hidden."""
    files = dict(VISIBLE)
    if with_hidden:
        for reason, (extra, date) in HIDDEN_WAYS.items():
            files[f"notices/{MARKER}-{reason}-file.md"] = hidden_notice(reason, extra, date)
    return write_site(root, files, SITE_YAML)


def every_byte(output: Path) -> dict[str, bytes]:
    """Every output file's name and content, decompressed when it is gzip or zlib data."""
    found = {}
    for path in sorted(output.rglob("*")):
        rel = path.relative_to(output).as_posix()
        found[f"name:{rel}"] = rel.encode()
        if path.is_file():
            data = path.read_bytes()
            found[rel] = data
            if data[:2] == b"\x1f\x8b":
                found[f"{rel} (gzip)"] = gzip.decompress(data)
            elif data[:1] == b"\x78":
                try:
                    found[f"{rel} (zlib)"] = zlib.decompress(data)
                except zlib.error:
                    pass
    return found


def test_no_byte_of_any_output_file_mentions_a_hidden_notice(tmp_path):
    output = tmp_path / "output"
    assert build(site(tmp_path / "content", True), output) == 0
    files = every_byte(output)
    assert any(name.endswith("index.html") for name in files)  # the scan saw a real site
    for name, data in files.items():
        lowered = data.lower()
        assert MARKER.encode() not in lowered, f"{name} leaks a hidden notice"
        for stamp in HIDDEN_DATES:
            assert stamp.encode() not in data, f"{name} leaks the date {stamp}"
    assert b"\xe5\x85\xac\xe5\xbc\x80\xe7\x9a\x84\xe6\x8c\x87\xe5\x8d\x97" in files["guides/open/index.html"]  # 公开的指南


def test_hidden_notices_change_no_byte_of_the_output(tmp_path):
    """Not even a count, a page number or a feed's updated time may betray that they exist."""
    assert build(site(tmp_path / "with", True), tmp_path / "out-with") == 0
    assert build(site(tmp_path / "without", False), tmp_path / "out-without") == 0
    assert snapshot(tmp_path / "out-with") == snapshot(tmp_path / "out-without")


def test_the_scan_finds_a_marker_inside_compressed_files(tmp_path):
    """The scan itself must see through gzip, or the first test proves nothing about .gz copies."""
    (tmp_path / "a.html.gz").write_bytes(gzip.compress(f"<p>{MARKER}</p>".encode()))
    (tmp_path / "b.pf_fragment").write_bytes(zlib.compress(MARKER.upper().encode()))
    leaks = [name for name, data in every_byte(tmp_path).items() if MARKER.encode() in data.lower()]
    assert leaks == ["a.html.gz (gzip)", "b.pf_fragment (zlib)"]
