"""政务公开目录, archive, pinned notices, standalone pages and the 政府网站发展指引 meta tags."""

import csv
import io
import json
import re

import pytest
from conftest import GOOD_NOTICE, SITE_YAML, build, write_site


def notice(title: str, date: str, extra: str = "", category: str = "guides") -> str:
    return GOOD_NOTICE.replace("合格的公告", title).replace("2024-05-15", date).replace(
        "category: guides", f"category: {category}").replace("---\n正文。\n", f"{extra}---\n正文。\n")


@pytest.fixture
def site(tmp_path):
    content = write_site(tmp_path / "c", {
        "guides/a.md": notice("甲指南", "2024-05-15", "index_number: 2024-00007\ndoc_number: 测试〔2024〕1号\n"),
        "guides/b.md": notice("乙指南", "2025-01-08", "status: expired\n"),
        "guides/c.md": notice("丙指南（置顶）", "2023-03-01", "pinned: true\n"),
        "results/r.md": notice("结果一", "2025-06-30", category="results"),
        "results/hidden.md": notice("不予公开的结果", "2025-07-01", "disclosure: withheld\n", category="results"),
        "pages/contact.md": "---\ntitle: 联系我们\norder: 2\n---\n电话：000-00000001\n",
        "pages/guide.md": "---\ntitle: 信息公开指南\norder: 1\n---\n本指南说明如何获取信息。\n",
    })
    output = tmp_path / "out"
    assert build(content, output) == 0
    return output


def test_catalogue_page_lists_categories_and_every_notice(site):
    html = (site / "catalogue/index.html").read_text()
    assert re.search(r'<a href="../guides/">办事指南</a></th><td></td><td>3</td><td>2025-01-08</td>', html)
    assert "<td>2024-00007</td><td><a href=\"../guides/a/\">甲指南</a></td><td>测试〔2024〕1号</td>" in html
    assert "<td>已失效</td>" in html and "<script" not in html.split("<main")[1]
    assert "不予公开的结果" not in html


def test_catalogue_csv_opens_in_spreadsheets(site):
    data = (site / "catalogue.csv").read_bytes()
    assert data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [r["标题"] for r in rows] == ["乙指南", "甲指南", "丙指南（置顶）", "结果一"]
    assert rows[1]["索引号"] == "2024-00007" and rows[0]["有效性"] == "已失效"
    assert rows[3]["网址"] == "https://example.org/xz/results/r/"


def test_catalogue_json_matches(site):
    data = json.loads((site / "catalogue.json").read_text(encoding="utf-8"))
    assert [c["count"] for c in data["categories"]] == [3, 1]
    assert data["notices"][1]["index_number"] == "2024-00007" and data["notices"][0]["status"] == "已失效"
    assert len(data["notices"]) == 4 and "不予公开的结果" not in (site / "catalogue.json").read_text()


def test_archive_years_and_year_pages(site):
    html = (site / "archive/index.html").read_text()
    assert re.findall(r'<a href="../archive/(\d{4})/">\d{4} 年</a>（(\d+) 条）', html) == [
        ("2025", "2"), ("2024", "1"), ("2023", "1")]
    year = (site / "archive/2025/index.html").read_text()
    assert year.index("结果一") < year.index("乙指南")


def test_archive_paginates_like_categories(tmp_path):
    files = {f"guides/n{i}.md": notice(f"公告{i}", f"2024-03-{i + 1:02d}") for i in range(25)}
    content = write_site(tmp_path / "c", files)
    assert build(content, tmp_path / "out") == 0
    assert "第 2 页，共 2 页" in (tmp_path / "out/archive/2024/page/2/index.html").read_text()


def test_a_long_year_links_a_window_of_pages_not_every_page(tmp_path):
    files = {f"guides/n{i:03d}.md": notice(f"公告{i}", f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}") for i in range(200)}
    content = write_site(tmp_path / "c", files)
    assert build(content, tmp_path / "out") == 0
    page = (tmp_path / "out/archive/2024/page/5/index.html").read_text()
    assert "第 5 页，共 10 页" in page
    links = re.findall(r'aria-label="第 (\d+) 页"', page)
    assert links == ["1", "3", "4", "6", "7", "10"]  # first, last and two either side; gaps marked
    assert page.count('class="pager-gap"') == 2


def test_pinned_notice_comes_first_and_is_marked(site):
    board = (site / "index.html").read_text()
    latest = board.split('id="latest-heading"')[1]
    assert latest.index("丙指南") < latest.index("结果一")
    assert '<span class="pinned">置顶</span> <a href="guides/c/">' in board
    category = (site / "guides/index.html").read_text()
    assert category.index("丙指南") < category.index("乙指南") < category.index("甲指南")


def test_standalone_pages_in_footer_order(site):
    assert "电话：000-00000001" in (site / "contact/index.html").read_text()
    footer = (site / "guides/a/index.html").read_text().split("<footer")[1]
    assert '<a href="../../guide/">信息公开指南</a> · <a href="../../contact/">联系我们</a>' in footer


def test_standalone_page_may_not_take_a_category_url(tmp_path, capsys):
    content = write_site(tmp_path / "c", {"guides/a.md": GOOD_NOTICE, "pages/x.md": "---\ntitle: 冲突\nslug: guides\n---\n正文\n"})
    assert build(content, tmp_path / "out") == 1
    assert "pages/x.md:3: 网址 /guides/ 已被分类 guides使用" in capsys.readouterr().err


def test_government_site_meta_tags(tmp_path):
    site_yaml = "site_id_code: '1100000001'\n" + SITE_YAML
    content = write_site(tmp_path / "c", {"guides/a.md": notice("甲指南", "2024-05-15 09:30", "tags: [甲, 乙]\n")}, site_yaml)
    assert build(content, tmp_path / "out") == 0
    html = (tmp_path / "out/guides/a/index.html").read_text()
    head = html.split("</head>")[0]
    for name, value in [("SiteName", "小站政务公开栏"), ("SiteDomain", "example.org"), ("SiteIDCode", "1100000001"),
                        ("ColumnName", "办事指南"), ("ColumnType", "信息公开"), ("ArticleTitle", "甲指南"),
                        ("PubDate", "2024-05-15 09:30"), ("ContentSource", "小站测试局"), ("Keywords", "甲,乙"),
                        ("Author", "张三"), ("Description", "正文。"), ("Url", "https://example.org/xz/guides/a/")]:
        assert f'<meta name="{name}" content="{value}">' in head
    board = (tmp_path / "out/index.html").read_text()
    assert '<meta name="SiteIDCode" content="1100000001">' in board and "ArticleTitle" not in board



def test_each_topic_and_genre_value_has_a_page_of_its_notices_alone(tmp_path):
    content = write_site(tmp_path / "c", {
        "guides/a.md": notice("甲通知", "2024-05-15", "主题分类: 财政、金融、审计\n体裁分类: 通知\n"),
        "guides/b.md": notice("乙公示", "2024-06-15", "主题分类: 财政、金融、审计\n体裁分类: 公示\n"),
        "results/r.md": notice("丙通知", "2025-06-30", "主题分类: 民族事务\n体裁分类: 通知\n", category="results"),
        "results/n.md": notice("无分类", "2025-07-30", category="results"),
        "results/hidden.md": notice("不予公开的通知", "2025-07-01", "主题分类: 宗教事务\n体裁分类: 通知\n"
                                    "disclosure: withheld\n", category="results"),
    })
    output = tmp_path / "out"
    assert build(content, output) == 0
    pages = sorted(p.parent.relative_to(output / "catalogue").as_posix() for p in (output / "catalogue").rglob("index.html"))
    # A page per value that published notices carry, of one facet at a time: none for 宗教事务 (withheld only).
    assert pages == [".", "genre/公示", "genre/通知", "topic/民族事务", "topic/财政-金融-审计"]

    def titles(folder: str) -> list[str]:
        html = (output / "catalogue" / folder / "index.html").read_text(encoding="utf-8")
        return re.findall(r'<tr data-topic[^>]*><td>[^<]*</td><td><a href="[^"]*">([^<]*)</a>', html)

    assert titles("topic/财政-金融-审计") == ["乙公示", "甲通知"]
    assert titles("genre/通知") == ["甲通知", "丙通知"]  # by category, as the catalogue is
    assert sorted(titles(".")) == ["丙通知", "乙公示", "无分类", "甲通知"]
    catalogue = (output / "catalogue/index.html").read_text(encoding="utf-8")
    assert '<a href="../catalogue/topic/财政-金融-审计/" data-facet="topic" data-value="财政、金融、审计">财政、金融、审计</a>' \
           '<span class="facet-count">（2）</span>' in catalogue
    narrowed = (output / "catalogue/genre/通知/index.html").read_text(encoding="utf-8")
    assert "<h1>政务公开目录：通知</h1>" in narrowed and "共 2 条" in narrowed
    assert 'data-value="通知" aria-current="page"' in narrowed
    assert "不予公开" not in narrowed and "catalogue/topic" not in (output / "sitemap.xml").read_text(encoding="utf-8")


def test_facet_folders_are_named_after_their_values_and_never_alike():
    from generator.site.catalogue import facet_slugs

    assert facet_slugs(["民族事务", "财政、金融、审计", "财政 金融 审计", "A/B", "..", "Ｗｅｂ"]) == {
        "民族事务": "民族事务", "财政、金融、审计": "财政-金融-审计", "财政 金融 审计": "财政-金融-审计-2",
        "A/B": "a-b", "..": "-", "Ｗｅｂ": "web"}
    long = "关于进一步加强和改进民族团结进步创建工作推动铸牢中华民族共同体意识的若干措施及其实施细则"
    assert facet_slugs([long, long + "二"]) == {long: long[:40], long + "二": long[:40] + "-2"}
