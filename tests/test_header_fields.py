"""The header fields real government pages carry: Chinese labels, genres, 有效性 where it means something, 公文 parts."""

import csv
import json
import re

import pytest
from conftest import SITE_YAML, build, write_site

from generator.core.config import Category, Genre, SiteConfig, load_config
from generator.core.errors import BuildFailed
from generator.load.sources import parse_source
from generator.load.validate import validate_all

CONFIG = SiteConfig(
    title="t", agency="本局", base_url="https://e.org/",
    categories=(Category("documents", "政府文件", ""), Category("results", "办事结果", "", validity=False)),
)
BASE = "title: 标题\ncategory: documents\ndate: 2024-05-15\nresponsible: 张三\n"


def check(front: str, config: SiteConfig = CONFIG):
    source, problems = parse_source(f"---\n{front}---\n正文。\n".encode(), "documents/a-notice.md")
    assert problems == []
    notices, problems = validate_all([source], config)
    return (notices[0] if notices else None), [f"{p.line}: {p.message}" for p in problems]


def test_the_labels_a_clerk_copies_from_a_gov_cn_page_are_fields():
    notice, problems = check(BASE + "发文字号: 星民宗发〔2024〕12号\n发文机关: 星海市人民政府办公室\n发布机构: 星海市民族和宗教事务局\n"
                             "主题分类: 民族事务\n体裁分类: 通知\n信息来源: 浙江省民族宗教事务委员会网站\n生效日期: 2024-07-01\n")
    assert problems == []
    assert (notice.doc_number, notice.issuer, notice.department) == ("星民宗发〔2024〕12号", "星海市人民政府办公室", "星海市民族和宗教事务局")
    assert (notice.topic, notice.genre, notice.source) == ("民族事务", "通知", "浙江省民族宗教事务委员会网站")
    assert notice.effective.moment.date().isoformat() == "2024-07-01"


def test_an_unknown_key_suggests_the_nearest_name_and_lists_the_chinese_ones():
    _, problems = check(BASE + "发文字號: 1号\n")
    assert len(problems) == 1
    assert problems[0].startswith("6: 未知字段 发文字號，是不是 发文字号？")
    assert "issuer（发文机关）" in problems[0] and "genre（体裁分类）" in problems[0]


def test_a_genre_must_be_one_of_the_sites():
    _, problems = check(BASE + "genre: 通知书\n")
    assert len(problems) == 1 and "「通知书」不是 site.yaml 中的体裁分类" in problems[0] and "通知、" in problems[0]


def test_topics_are_free_unless_the_site_lists_them():
    assert check(BASE + "topic: 任意主题\n")[1] == []
    listed = SiteConfig(**{**CONFIG.__dict__, "topics": ("民族事务", "宗教事务")})
    assert "「任意主题」不是 site.yaml 中的主题分类，可用的：民族事务、宗教事务" in check(BASE + "topic: 任意主题\n", listed)[1][0]


def test_signatories_are_one_name_or_several():
    assert check(BASE + "落款: 星海市民族和宗教事务局\n")[0].signatories == ("星海市民族和宗教事务局",)
    joint = check(BASE + "signatories: [星海市民族和宗教事务局, 星海市财政局]\n")[0]
    assert joint.signatories == ("星海市民族和宗教事务局", "星海市财政局")


def test_genre_validity_wins_over_the_category():
    assert CONFIG.shows_validity("documents", None) and not CONFIG.shows_validity("results", None)
    assert not CONFIG.shows_validity("documents", "公示") and not CONFIG.shows_validity("documents", "年度报告")
    assert CONFIG.shows_validity("results", "通知") is False  # 通知 says nothing: the category decides
    assert SiteConfig(**{**CONFIG.__dict__, "genres": (Genre("决定", True),)}).shows_validity("results", "决定")


def test_site_yaml_genres_topics_and_category_flags_are_checked(tmp_path):
    text = SITE_YAML.replace("    name: 办事结果\n", "    name: 办事结果\n    validity: false\n    indent: no\n") + (
        "genres: [通知, {name: 公示, validity: false}, {name: 决定, validity: maybe}]\ntopics: [民族事务, 民族事务]\n")
    with pytest.raises(BuildFailed) as caught:
        (tmp_path / "site.yaml").write_text(text, encoding="utf-8")
        load_config(tmp_path)
    messages = sorted(f"{d.line}: {d.message}" for d in caught.value.diagnostics)
    assert any("分类的 indent 应该是 true 或 false" in m for m in messages)
    assert any("体裁分类的 validity 应该是 true 或 false，现在是「maybe」" in m for m in messages)
    assert any("主题分类「民族事务」重复" in m for m in messages)
    (tmp_path / "site.yaml").write_text(text.replace("maybe", "true").replace("indent: no", "indent: false")
                                        .replace("民族事务, 民族事务", "民族事务"), encoding="utf-8")
    config = load_config(tmp_path)
    assert config.category("results") == Category("results", "办事结果", "", validity=False, indent=False)
    assert not config.indents("results") and config.indents("guides")  # the site's default: indented
    assert config.genres == (Genre("通知"), Genre("公示", False), Genre("决定", True))


NOTICE = """\
---
title: {title}
category: {category}
date: 2024-05-15
responsible: 张三
{extra}---
正文。
"""


def rows_of(page: str) -> dict[str, str]:
    table = page[page.index('<table class="notice-meta">'): page.index("</table>")]
    return {k: re.sub("<.*?>", "", v) for k, v in re.findall(r'<th scope="row">(.+?)</th><td[^>]*>(.*?)</td>', table)}


def test_the_header_shows_the_fields_in_gov_cn_order_and_leaves_empty_rows_out(tmp_path):
    site = SITE_YAML.replace("    name: 办事结果\n", "    name: 办事结果\n    validity: false\n")
    content = write_site(tmp_path / "content", {
        "guides/doc.md": NOTICE.format(title="关于开展自查的通知", category="guides", extra=(
            "发文字号: 测发〔2024〕1号\n主题分类: 民族事务\n体裁分类: 通知\nwritten: 2024-05-10\n生效日期: 2024-06-01\n"
            "信息来源: 省厅网站\n")),
        "guides/gongshi.md": NOTICE.format(title="拟认定名单公示", category="guides", extra="体裁分类: 公示\n"),
        "results/done.md": NOTICE.format(title="办理结果", category="results", extra=""),
    }, site)
    assert build(content, tmp_path / "out") == 0
    doc_page = (tmp_path / "out/guides/doc/index.html").read_text()
    assert '<meta name="ContentSource" content="省厅网站">' in doc_page  # 信息来源 of a republished document
    doc = rows_of(doc_page)
    assert list(doc) == ["索引号", "主题分类", "体裁分类", "分类", "发文机关", "发布机构", "信息来源", "成文日期", "发文字号",
                         "发布日期", "生效日期", "有效性", "责任人"]
    assert doc["发文机关"] == doc["发布机构"] == "小站测试局" and doc["有效性"] == "有效"
    gongshi = rows_of((tmp_path / "out/guides/gongshi/index.html").read_text())
    assert list(gongshi) == ["索引号", "体裁分类", "分类", "发布机构", "发布日期", "责任人"]  # no 文号 "无", no 有效性
    assert "有效性" not in rows_of((tmp_path / "out/results/done/index.html").read_text())
    # The catalogue and its data gain 主题分类 and 体裁分类; 有效性 is empty where it means nothing.
    rows = list(csv.reader((tmp_path / "out/catalogue.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == ["索引号", "标题", "文号", "发布机构", "发布日期", "有效性", "分类", "主题分类", "体裁分类", "网址"]
    by_title = {r[1]: r for r in rows[1:]}
    assert by_title["关于开展自查的通知"][5:9] == ["有效", "办事指南", "民族事务", "通知"]
    assert by_title["拟认定名单公示"][5:9] == ["", "办事指南", "", "公示"]
    data = json.loads((tmp_path / "out/catalogue.json").read_text())
    assert {(n["title"], n["topic"], n["genre"]) for n in data["notices"]} >= {("关于开展自查的通知", "民族事务", "通知")}
    catalogue = (tmp_path / "out/catalogue/index.html").read_text()
    assert '<select id="catalogue-genre" name="genre">' in catalogue and '<option value="公示">公示</option>' in catalogue
    search = (tmp_path / "out/search/index.html").read_text()
    assert '<select id="search-topic" name="topic">' in search and '<option value="民族事务">民族事务</option>' in search
    # The filters offer the genres in site.yaml's order (here the default list): 通知 before 公示.
    assert catalogue.index('<option value="通知">') < catalogue.index('<option value="公示">')
    assert search.index('<option value="通知">') < search.index('<option value="公示">')


def test_a_gongwen_has_its_addressee_attachment_note_signatures_and_closing(tmp_path):
    content = write_site(tmp_path / "content", {
        "guides/joint.md": NOTICE.format(title="联合通知", category="guides", extra=(
            "主送机关: 各区民族宗教工作部门、财政局\nwritten: 2024-05-06\n落款: [小站测试局, 小站财政局]\n附注: （此件公开发布）\n"
            "attachments: [{file: a.pdf, title: 自评表}, {file: b.pdf, title: 报告提纲}]\n")),
        "guides/a.pdf": b"%PDF-1.4\n", "guides/b.pdf": b"%PDF-1.4\n",
    })
    assert build(content, tmp_path / "out") == 0
    page = (tmp_path / "out/guides/joint/index.html").read_text()
    body = page[page.index('<div class="notice-body indent"'):page.index('<section class="notice-attachments"')]
    assert '<p class="addressee">各区民族宗教工作部门、财政局：</p>\n<p>正文。</p>' in body
    assert ('<div class="attachment-note"><span class="attachment-note-label">附件：</span><ol>'
            '<li><a href="../../guides/joint/a.pdf">自评表</a></li><li><a href="../../guides/joint/b.pdf">报告提纲</a></li></ol></div>') in body
    assert '<div class="signatories joint"><p>小站测试局</p><p>小站财政局</p></div>' in body
    assert '<p class="signed-date">2024年5月6日</p>' in body and '<p class="closing">（此件公开发布）</p>' in body


def test_the_first_line_indent_is_set_per_site_and_per_category(tmp_path):
    site = SITE_YAML.replace("search: false\n", "search: false\nindent: false\n").replace(
        "    name: 办事结果\n", "    name: 办事结果\n    indent: true\n")
    content = write_site(tmp_path / "content", {
        "guides/a.md": NOTICE.format(title="甲", category="guides", extra=""),
        "results/b.md": NOTICE.format(title="乙", category="results", extra=""),
    }, site)
    assert build(content, tmp_path / "out") == 0
    assert '<div class="notice-body" data-pagefind-body>' in (tmp_path / "out/guides/a/index.html").read_text()
    assert '<div class="notice-body indent" data-pagefind-body>' in (tmp_path / "out/results/b/index.html").read_text()


def test_a_signature_without_its_date_is_warned_about(tmp_path, capsys):
    content = write_site(tmp_path / "content", {
        "guides/a.md": NOTICE.format(title="甲", category="guides", extra="落款: 小站测试局\n")})
    assert build(content, tmp_path / "out") == 0
    assert "guides/a.md:6: 警告：落款没有日期：请写 written（成文日期）" in capsys.readouterr().err
    assert '<div class="signatories"><p>小站测试局</p></div>' in (tmp_path / "out/guides/a/index.html").read_text()


def test_feeds_carry_the_gongwen_parts_with_absolute_links(tmp_path):
    import xml.etree.ElementTree as ET

    content = write_site(tmp_path / "content", {
        "guides/joint.md": NOTICE.format(title="联合通知", category="guides", extra=(
            "主送机关: 各区财政局 & 税务局\nwritten: 2024-05-06\n落款: [小站测试局, 小站财政局]\nattachments: [{file: a.pdf, title: 自评表}]\n")),
        "guides/a.pdf": b"%PDF-1.4\n",
    })
    assert build(content, tmp_path / "out") == 0
    entry = ET.parse(tmp_path / "out/feed.xml").getroot().find("{http://www.w3.org/2005/Atom}entry")
    html = entry.find("{http://www.w3.org/2005/Atom}content").text
    assert html.startswith('<p class="addressee">各区财政局 &amp; 税务局：</p>\n<p>正文。</p><div class="attachment-note">')
    assert '<a href="https://example.org/xz/guides/joint/a.pdf">自评表</a>' in html
    assert '<p>小站测试局</p><p>小站财政局</p>' in html and "2024年5月6日" in html
    item = ET.parse(tmp_path / "out/rss.xml").getroot().find("channel/item")
    assert item.find("description").text == html
