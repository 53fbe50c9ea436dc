"""The sample agency in content/: what a newcomer sees first must be complete."""

import re
import xml.etree.ElementTree as ET

import pytest
from conftest import NOW, ROOT

from generator.build.pipeline import build as run_pipeline
from generator.core.options import Options

A = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def sample(sample_output):
    """The sample site, built once for the session (browser_kit.sample_output); read, never changed."""
    return sample_output


def test_sample_has_the_prescribed_columns_and_forty_notices(sample):
    nav = re.findall(r'<li(?: class="nav-group")?><a href="([a-z-]+)/"', (sample / "index.html").read_text())
    assert nav == ["guide", "system", "fdzdgknr", "regulations", "documents", "guides", "fees", "results", "duties",
                   "commitments", "supervision", "annual-reports"]
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


def test_sample_shows_every_disclosure_feature(sample):
    repealed = (sample / "regulations/religious-venue-financial-supervision-measures/index.html").read_text()
    assert "本文件已废止" in repealed and "religious-venue-financial-supervision-measures-2025/" in repealed
    board = (sample / "index.html").read_text()
    assert "正在公示" in board and "公示期 2026-11-20 至 2026-12-31" in board
    assert '<span class="pinned">置顶</span>' in board
    assert "公示期满" in (sample / "results/venue-annual-inspection-2024/index.html").read_text()
    assert "修订记录" in (sample / "commitments/service-time-limit-commitment/index.html").read_text()
    assert (sample / "guides/religious-activity-venue-registration/venue-registration-form.pdf").read_bytes().startswith(b"%PDF")
    for slug, title in (("guide", "政府信息公开指南"), ("request", "依申请公开"), ("contact", "联系我们")):
        assert f'<a href="{slug}/">{title}</a>' in board
    assert "已失效" in (sample / "commitments/window-service-standards/index.html").read_text()


def test_sample_has_no_provisional_numbers_and_no_real_looking_numbers():
    report = run_pipeline(Options(content=ROOT / "content", output=ROOT / "unused", check=True), NOW)
    messages = [w.message for w in report.warnings]
    assert not [m for m in messages if "临时编号" in m or "手机号码" in m]
