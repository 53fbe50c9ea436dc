"""Property-based tests: whatever an editor or a pull request sends, the build answers with
diagnostics or a correct site, never a traceback.

Example counts are kept small so that the whole file runs in a few seconds.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest
from conftest import NOW, build, write_site
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.core.config import load_config
from generator.core.errors import Diagnostic
from generator.core.schema import FIELDS
from generator.load.sources import parse_source
from generator.load.validate import validate_source
from generator.markdown.markup import Converter

BASE = "https://example.org/xz/"
ATOM = "{http://www.w3.org/2005/Atom}"
# No example database: nothing may be written outside tmp_path, and every run stays independent.
FAST = settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    """The test site's configuration, read once."""
    return load_config(write_site(tmp_path_factory.mktemp("config"), {}))


def lines_in(data: bytes) -> int:
    """Count the lines an editor sees in the file (CRLF and lone CR end lines too)."""
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").count(b"\n") + 1


def check_one(data: bytes, config) -> list[Diagnostic]:
    """Read, validate and (when valid) render one notice; only diagnostics may come out."""
    source, problems = parse_source(data, "notices/x.md")
    if source is not None:
        notice, invalid = validate_source(source, config)
        problems += invalid
        if notice is not None:
            Converter().convert(notice.body, notice.summary)
    for problem in problems:
        assert isinstance(problem, Diagnostic)
        assert problem.path == "notices/x.md"
        assert 1 <= problem.line <= lines_in(data), (problem, data)
        assert problem.message and "\n" not in problem.message
    return problems


# Pieces editors (and attackers) really type: field names, YAML syntax, Markdown and HTML.
KEYS = [f.name for f in FIELDS] + [a for f in FIELDS for a in f.aliases] + ["x", "title ", "<<"]
VALUES = st.one_of(
    st.sampled_from(["guides", "办事指南", "2024-05-15", "2024-02-30", "2024-05-15 25:00", "true", "是", "no",
                     "on-request", "不予公开", "[a, b]", "{a: b}", "&x", "*x", "!!python/object:os.system",
                     "'", '"', "|", ">", "- a", "~", "", "2024-05-15T09:30+08:00", "9999-12-31", "[[[[", ":"]),
    st.text(max_size=30),
)
LINE = st.one_of(
    st.builds(lambda k, v: f"{k}: {v}", st.sampled_from(KEYS), VALUES),
    st.sampled_from(["---", "...", "  - item", "\t", "# comment", "key", ": value", "- - -", "%YAML 1.2"]),
    st.text(max_size=20),
)
BODY_LINE = st.one_of(
    st.sampled_from(["> 引用", "    1. 项", "- 项", "```", "| a | b |", "|---|---|", "[^1]: 注", "<script>x</script>",
                     "<div>", "*" * 9, "[x](javascript:y)", "![i](https://t.example/p.gif)", "#" * 7 + " h"]),
    st.text(max_size=40),
)
NOTICE_LIKE = st.builds(
    lambda fm, body, bom, newline: ((("\ufeff" if bom else "") + "\n".join(["---", *fm, "---", *body]))
                                    .replace("\n", newline)).encode("utf-8", "surrogatepass"),
    st.lists(LINE, max_size=12), st.lists(BODY_LINE, max_size=12), st.booleans(), st.sampled_from(["\n", "\r\n", "\r"]),
)


@FAST
@given(data=st.binary(max_size=400))
def test_arbitrary_bytes_give_only_diagnostics(config, data):
    check_one(data, config)


@settings(FAST, max_examples=100)
@given(text=st.text(max_size=400))
def test_arbitrary_text_gives_only_diagnostics(config, text):
    check_one(text.encode("utf-8", "surrogatepass"), config)


@settings(FAST, max_examples=300)
@given(data=NOTICE_LIKE)
@example(data=b"---\ntitle: \x1f\n---")  # found by this test: YAML's own message spanned two lines
def test_notice_shaped_input_gives_only_diagnostics(config, data):
    check_one(data, config)


# --- valid notices build and round-trip ------------------------------------------------

TITLE_CHARS = st.characters(categories=["L", "N", "P", "S", "Zs"], exclude_characters="\u2028\u2029\x85")
TITLES = st.lists(
    st.one_of(st.text(TITLE_CHARS, min_size=1, max_size=8),
              st.sampled_from(list("&<>\"'") + ["&amp;", "<b>", "😀", "👩\u200d💻", "مرحبا", "Ωμέγα", "кириллица", "한국어", "〔2024〕"])),
    min_size=1, max_size=10,
).map(lambda parts: " ".join("".join(parts).split())).filter(lambda t: 0 < len(t) <= 200)
OFFSETS = st.integers(min_value=-12 * 4, max_value=14 * 4).map(lambda q: timedelta(minutes=15 * q))
MOMENTS = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2026, 11, 25))


def stamp(moment: datetime, offset: timedelta, style: int) -> str:
    """Write a publish time the ways editors do: a date, a local time, or ISO 8601 with an offset."""
    if style == 0:
        return moment.strftime("%Y-%m-%d")
    if style == 1:
        return moment.strftime("%Y-%m-%d %H:%M")
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


NOTICES = st.lists(
    st.tuples(TITLES, st.sampled_from(["guides", "results"]), MOMENTS, OFFSETS, st.integers(0, 2)),
    min_size=1, max_size=4,
)


class Links(HTMLParser):
    """Collect every link of a page with its text, and the text of its h1."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self.h1: list[str] = []
        self._href: str | None = None
        self._in_h1 = False
        self._text = ""

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._href, self._text = dict(attrs).get("href"), ""
        self._in_h1 = self._in_h1 or tag == "h1"

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links.append((self._href, self._text))
            self._href = None
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data):
        self._text += data
        if self._in_h1:
            self.h1.append(data)


def parse_html(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@settings(FAST, max_examples=25, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(notices=NOTICES)
def test_valid_notices_appear_once_everywhere_with_their_title_intact(tmp_path_factory, notices):
    root = tmp_path_factory.mktemp("site")
    files = {
        f"n{i}.md": f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\ncategory: {category}\n"
                    f"date: {stamp(moment, offset, style)}\nresponsible: 张三\n---\n正文{i}。\n"
        for i, (title, category, moment, offset, style) in enumerate(notices)
    }
    output = root / "output"
    assert build(write_site(root / "content", files), output, now=NOW) == 0
    atom = ET.parse(output / "feed.xml").getroot()
    rss = ET.parse(output / "rss.xml").getroot()
    for i, (title, category, *_rest) in enumerate(notices):
        url = f"{BASE}{category}/n{i}/"
        page = parse_html(output / category / f"n{i}" / "index.html")
        assert "".join(page.h1) == title
        index = parse_html(output / category / "index.html")
        listed = [text for href, text in index.links if urljoin(f"{BASE}{category}/", href) == url]
        assert listed == [title]
        category_feed = ET.parse(output / category / "feed.xml").getroot()
        for feed in (atom, category_feed):
            entries = [e for e in feed.iter(f"{ATOM}entry")
                       if any(link.get("href") == url for link in e.iter(f"{ATOM}link"))]
            assert [e.findtext(f"{ATOM}title") for e in entries] == [title]
        items = [item for item in rss.iter("item") if item.findtext("link") == url]
        assert [item.findtext("title") for item in items] == [title]
