"""政策解读 paired with its document: links both ways, the catalogue column, and the warnings."""

import re

import pytest
from conftest import build, write_site

SITE = """\
title: 解读测试
agency: 测试局
base_url: https://example.org/xz/
search: false
categories:
  - key: files
    name: 政策文件
    update_within: none
"""


def _notice(slug_title, day, extra=""):
    return f"---\ntitle: {slug_title}\ncategory: files\ndate: {day}\nresponsible: 张三\n{extra}---\n正文。\n"


@pytest.fixture
def sample(sample_output):
    """The sample site, built once for the session (browser_kit.sample_output); read, never changed."""
    return sample_output


def test_document_lists_its_interpretations_and_each_links_back(sample):
    document = (sample / "documents/venue-financial-disclosure-measures-2026/index.html").read_text()
    header = document[document.index('<table class="notice-meta">'):document.index("</table>")]
    assert re.findall(r'<span class="interpretation-kind">(\S+)</span> <a href="../../documents/([a-z0-9-]+)/">', header) == [
        ("图文解读", "venue-financial-disclosure-measures-2026-chart"),
        ("文字解读", "venue-financial-disclosure-measures-2026-text"),
    ]
    for slug, kind in (("chart", "图文解读"), ("text", "文字解读")):
        page = (sample / f"documents/venue-financial-disclosure-measures-2026-{slug}/index.html").read_text()
        assert (f'<th scope="row">解读文件</th><td><a href="../../documents/venue-financial-disclosure-measures-2026/" '
                f'rel="up">星海市民族和宗教事务局关于印发《星海市宗教活动场所财务公开办法》的通知</a>（{kind}）') in page


def test_catalogue_shows_the_pairing(sample):
    page = (sample / "catalogue/index.html").read_text()
    table = page[page.index('<caption id="catalogue-documents">'):]
    table = table[:table.index("</table>")]
    assert '<th scope="col">政策解读</th>' in table
    row = next(r for r in table.split("<tr>") if "<td><a href=\"../documents/venue-financial-disclosure-measures-2026/\">" in r)
    assert "图文解读：<a href=\"../documents/venue-financial-disclosure-measures-2026-chart/\">" in row
    assert "文字解读：<a href=\"../documents/venue-financial-disclosure-measures-2026-text/\">" in row
    chart = next(r for r in table.split("<tr>") if "2026-chart/\">一图读懂" in r)
    assert "解读：<a href=\"../documents/venue-financial-disclosure-measures-2026/\">" in chart
    other = (sample / "catalogue/index.html").read_text().split('<caption id="catalogue-results">')[1].split("</table>")[0]
    assert "政策解读" not in other  # a table without pairs keeps its six columns


def test_missing_and_late_interpretations_are_warned(tmp_path, capsys):
    site = write_site(tmp_path / "content", {
        "files/rules.md": _notice("某办法", "2026-10-20", "tags: [行政规范性文件]\n"),
        "files/rules-talk.md": _notice("某办法解读", "2026-10-26", "interprets: rules\ninterpretation_kind: 答记者问\n"),
        "files/lonely.md": _notice("另一办法", "2026-10-21", "tags: [行政规范性文件, 其他]\n"),
        "files/plain.md": _notice("普通通知", "2026-10-21"),
    }, SITE)
    assert build(site, tmp_path / "out") == 0
    err = capsys.readouterr().err
    lines = sorted(line for line in err.splitlines() if "解读" in line)
    assert lines == [
        "files/lonely.md:6: 警告：行政规范性文件应当同步发布政策解读，但没有找到解读它的公告：请发布解读并在其中写 interprets: lonely",
        # 10-20 (Tue) to 10-26 (Mon): 21, 22, 23, 26 are four working days, one more than three
        "files/rules-talk.md:4: 警告：政策解读比所解读文件（files/rules.md）晚 4 个工作日发布，超过了 3 个工作日：解读应与文件同步发布",
    ]
    assert build(site, tmp_path / "strict", "--strict") == 1
    assert "files/lonely.md:6: 行政规范性文件应当同步发布政策解读" in capsys.readouterr().err


def test_the_rules_follow_site_yaml(tmp_path, capsys):
    site = write_site(tmp_path / "content", {
        "files/rules.md": _notice("某办法", "2026-10-20", "tags: [规章]\n"),
        "files/rules-talk.md": _notice("某办法解读", "2026-10-26", "interprets: rules\n"),
        "files/other.md": _notice("某规范性文件", "2026-10-20", "tags: [行政规范性文件]\n"),
    }, SITE + "interpretation_genres: [规章]\ninterpretation_within: 5\n")
    assert build(site, tmp_path / "out") == 0
    assert "解读" not in capsys.readouterr().err


def test_hidden_interpretation_does_not_count_and_is_not_linked(tmp_path, capsys):
    site = write_site(tmp_path / "content", {
        "files/rules.md": _notice("某办法", "2026-10-20", "tags: [行政规范性文件]\n"),
        "files/rules-talk.md": _notice("某办法解读草稿", "2026-10-20", "interprets: rules\ndraft: true\n"),
    }, SITE)
    assert build(site, tmp_path / "out") == 0
    assert "行政规范性文件应当同步发布政策解读" in capsys.readouterr().err
    page = (tmp_path / "out/files/rules/index.html").read_text()
    assert "某办法解读草稿" not in page and "rules-talk" not in page


@pytest.mark.parametrize("extra, message", [
    ("interpretation_kind: 图文解读\n", "写了 interpretation_kind（解读形式），但没有写 interprets"),
    ("interprets: nowhere\n", "interprets（所解读文件）「nowhere」找不到对应的公告"),
    ("interprets: rules\ninterpretation_kind: 漫画\n", "interpretation_kind（解读形式）「漫画」无效，可用的值：文字解读、图文解读、视频解读、答记者问"),
])
def test_bad_interpretation_fields_are_one_line_errors(tmp_path, capsys, extra, message):
    site = write_site(tmp_path / "content", {
        "files/rules.md": _notice("某办法", "2026-10-20"),
        "files/talk.md": _notice("解读", "2026-10-20", extra),
    }, SITE)
    assert build(site, tmp_path / "out") == 1
    (line,) = [x for x in capsys.readouterr().err.splitlines() if message in x]
    assert re.match(r"files/talk\.md:[67]: ", line)


def test_lists_mark_each_interpretation_with_its_form(sample):
    listing = (sample / "documents/index.html").read_text()
    marks = re.findall(r'<a href="../documents/([a-z0-9-]+)/">[^<]+</a> <span class="interpretation-kind">(\S+)</span>',
                       listing)
    assert marks == [("venue-financial-disclosure-measures-2026-chart", "图文解读"),
                     ("venue-financial-disclosure-measures-2026-text", "文字解读")]
