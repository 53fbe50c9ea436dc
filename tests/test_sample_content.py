"""The sample agency in content/: what a newcomer sees first must be complete."""

import re
import xml.etree.ElementTree as ET

import pytest

from conftest import ROOT, build

A = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    output = tmp_path_factory.mktemp("sample") / "output"
    assert build(ROOT / "content", output) == 0
    return output


def test_sample_has_eight_categories_and_forty_notices(sample):
    nav = re.findall(r'<li><a href="([a-z]+)/"', (sample / "index.html").read_text())
    assert nav == ["regulations", "documents", "guides", "fees", "results", "duties", "commitments", "supervision"]
    notices = [p for p in sample.glob("*/*/index.html") if p.parent.name != "page"]
    assert len(notices) >= 40


def test_one_category_has_a_second_page(sample):
    assert (sample / "results/page/2/index.html").is_file()
    assert "第 2 页，共 2 页" in (sample / "results/page/2/index.html").read_text()


def test_hidden_sample_notices_are_not_published(sample):
    for slug in ("draft-annual-plan-2027", "future-spring-festival-arrangements", "withheld-internal-review",
                 "on-request-venue-fire-rectification-reply"):
        assert not list(sample.glob(f"*/{slug}"))
        assert slug.encode() not in (sample / "sitemap.xml").read_bytes()


def test_site_feed_has_all_notices_up_to_the_limit(sample):
    entries = ET.parse(sample / "feed.xml").getroot().findall(A + "entry")
    assert len(entries) == 50  # every published notice (50), exactly feed_limit
