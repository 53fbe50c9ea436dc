"""Feeds, parsed and checked element by element (RFC 4287 for Atom, RSS 2.0)."""

import re
import xml.etree.ElementTree as ET
from datetime import datetime
from email.utils import parsedate_to_datetime

A = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$")


def test_site_atom_feed(built_basic):
    feed = ET.parse(built_basic / "feed.xml").getroot()
    assert feed.tag == A + "feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(A + required) is not None, required
    assert feed.find(f"{A}link[@rel='self']").get("href") == "https://example.org/gk/feed.xml"
    entries = feed.findall(A + "entry")
    assert len(entries) == 3  # feed_limit
    ids = [e.findtext(A + "id") for e in entries]
    assert ids == ["https://example.org/gk/guides/alpha/", "https://example.org/gk/guides/beta/",
                   "https://example.org/gk/results/batch-1/"]
    for entry in entries:
        for required in ("id", "title", "updated", "published"):
            assert entry.findtext(A + required), required
        assert RFC3339.match(entry.findtext(A + "updated"))
        assert entry.find(A + "link").get("href").startswith("https://example.org/gk/")
        datetime.fromisoformat(entry.findtext(A + "published"))
    assert feed.findtext(A + "updated") == "2024-06-01T10:00:00+08:00"  # newest change, not build time


def test_atom_entry_content_round_trips_the_html(built_basic):
    feed = ET.parse(built_basic / "feed.xml").getroot()
    alpha = feed.find(A + "entry")
    assert alpha.find(A + "content").get("type") == "html"
    assert '<h2 id="一办理依据">' in alpha.findtext(A + "content")
    assert alpha.findtext(A + "summary") == "本指南说明甲事项的办理流程。申请人应当提前准备材料！依据见脚注。"


def test_category_feed_holds_only_its_category(built_basic):
    feed = ET.parse(built_basic / "results/feed.xml").getroot()
    entries = feed.findall(A + "entry")
    assert [e.findtext(A + "title") for e in entries] == ["第一批审核结果公示"]
    assert feed.find(f"{A}link[@rel='alternate']").get("href") == "https://example.org/gk/results/"
    empty = ET.parse(built_basic / "empty/feed.xml").getroot()
    assert empty.findall(A + "entry") == [] and empty.findtext(A + "updated")


def test_rss_feed(built_basic):
    rss = ET.parse(built_basic / "rss.xml").getroot()
    assert rss.tag == "rss" and rss.get("version") == "2.0"
    channel = rss.find("channel")
    for required in ("title", "link", "description"):
        assert channel.findtext(required), required
    items = channel.findall("item")
    assert len(items) == 3
    for item in items:
        assert item.findtext("title") and item.findtext("link").startswith("https://example.org/gk/")
        assert item.find("guid").get("isPermaLink") == "true"
        date = parsedate_to_datetime(item.findtext("pubDate"))
        assert date.utcoffset().total_seconds() == 8 * 3600
    assert items[0].findtext("pubDate") == "Wed, 15 May 2024 09:30:00 +0800"


def test_hostile_title_round_trips_through_xml(built_basic):
    titles = [e.findtext(A + "title") for e in ET.parse(built_basic / "guides/feed.xml").getroot().iter(A + "entry")]
    assert '丙事项 <script>alert("x")</script> & 其他' in titles


def test_every_page_links_its_feeds(built_basic):
    for page in built_basic.rglob("*.html"):
        html = page.read_text()
        assert 'type="application/atom+xml"' in html and 'href="https://example.org/gk/feed.xml"' in html
        assert 'type="application/rss+xml"' in html
