"""The 政府信息公开 platform an inspector checks: the prescribed columns, QR codes and column freshness."""

import json
import re

import pytest
from conftest import NOW, ROOT, build, snapshot, write_site
from qrdecode import decode_svg, svgs_in


@pytest.fixture
def sample(sample_output):
    """The sample site, built once for the session (browser_kit.sample_output); read, never changed."""
    return sample_output


def test_navigation_follows_the_prescribed_structure(sample):
    html = (sample / "index.html").read_text()
    nav = html[html.index('<nav class="site-nav"'):html.index("</nav>", html.index('<nav class="site-nav"'))]
    top = re.findall(r'^    <li(?: class="nav-group")?><a href="[^"]+"[^>]*>([^<]+)</a>', nav, flags=re.M)
    assert top == ["首页", "政府信息公开指南", "政府信息公开制度", "法定主动公开内容", "政府信息公开年报"]
    inside = re.findall(r'^        <li><a href="[^"]+">([^<]+)</a>', nav, flags=re.M)
    assert inside[:2] == ["法规规章", "政府文件"] and "政府信息公开年报" not in inside and len(inside) == 8


def test_breadcrumbs_and_column_meta_follow_the_grouping(sample):
    page = (sample / "documents/index.html").read_text()
    assert re.search(r'首页</a> › <a href="../fdzdgknr/">法定主动公开内容</a> › <span aria-current="page">政府文件</span>',
                     page)
    assert '<meta name="ColumnName" content="政府文件">' in page
    notice = (sample / "duties/main-responsibilities/index.html").read_text()
    assert ('› <a href="../../fdzdgknr/">法定主动公开内容</a> › <a href="../../duties/">部门职责</a> › '
            '<span aria-current="page">正文</span>') in notice
    report = (sample / "annual-reports/2023-annual-information-disclosure-report/index.html").read_text()
    assert "法定主动公开内容" not in report.split('class="breadcrumb"')[1].split("</nav>")[0]
    group = (sample / "fdzdgknr/index.html").read_text()
    assert '<meta name="ColumnName" content="法定主动公开内容">' in group
    assert group.count('<section class="panel"') == 8 and "<h1>法定主动公开内容</h1>" in group


def test_guide_and_system_are_standalone_pages_in_the_navigation(sample):
    for slug, title in (("guide", "政府信息公开指南"), ("system", "政府信息公开制度")):
        page = (sample / slug / "index.html").read_text()
        assert f"<h1>{title}</h1>" in page
        assert f'<a href="../{slug}/" aria-current="page">{title}</a>' in page


def test_catalogue_shows_the_groups(sample):
    page = (sample / "catalogue/index.html").read_text()
    assert '<tr class="group-row"><th scope="colgroup" colspan="4"><a href="../fdzdgknr/">法定主动公开内容</a></th></tr>' in page
    assert "法定主动公开内容 › 政府文件</caption>" in page
    data = json.loads((sample / "catalogue.json").read_text())
    groups = {c["key"]: c["group"] for c in data["categories"]}
    assert groups["documents"] == "法定主动公开内容" and groups["annual-reports"] is None


def test_the_annual_reports_moved_and_their_old_addresses_redirect(sample):
    assert (sample / "annual-reports/2025-annual-information-disclosure-report/index.html").is_file()
    old = (sample / "documents/2025-annual-information-disclosure-report/index.html").read_text()
    assert "annual-reports/2025-annual-information-disclosure-report/" in old


def test_every_notice_page_has_a_qr_code_of_its_own_address(sample):
    pages = [p for p in sample.glob("*/*/index.html") if p.parent.parent.name not in ("page", "archive")
             and "notice-meta" in p.read_text()]
    assert len(pages) >= 40
    for page in pages:  # every one decodes, though pages on screen all take one fixed mask pattern
        html = page.read_text()
        canonical = re.search(r'<link rel="canonical" href="([^"]+)">', html).group(1)
        (svg,) = svgs_in(html)
        assert decode_svg(svg) == [canonical]
        assert "扫一扫在手机打开" in html
    assert not svgs_in((sample / "documents/index.html").read_text())


def test_qr_code_hides_on_narrow_screens_and_prints():
    css = (ROOT / "themes/default/static/css/site.css").read_text()
    assert re.search(r"@media \(max-width: 599\.98px\) \{ \.notice-qr \{ display: none; \} \}", css)
    assert ".notice-qr { display: block !important;" in (ROOT / "themes/default/static/css/print.css").read_text()


STALE_SITE = """\
title: 栏目检查
agency: 测试局
base_url: https://example.org/xz/
search: false
categories:
  - key: news
    name: 工作动态
    update_within: 14d
  - key: files
    name: 政策文件
  - key: empty
    name: 空栏目
  - key: duties
    name: 部门职责
    update_within: none
"""


def _notice(category: str, day: str, title: str = "一篇公告", extra: str = "") -> str:
    return f"---\ntitle: {title}\ncategory: {category}\ndate: {day}\nresponsible: 张三\n{extra}---\n正文。\n"


@pytest.fixture
def stale_site(tmp_path):
    return write_site(tmp_path / "content", {
        "news/a.md": _notice("news", "2026-11-01"),  # NOW is 2026-11-27: 14 days end 11-15, 12 days over
        "files/b.md": _notice("files", "2026-06-01"),  # 6 months end 2026-12-01: fresh
        "duties/c.md": _notice("duties", "2019-01-01"),  # standing content: never overdue
    }, STALE_SITE)


def test_empty_and_overdue_columns_are_warned_with_day_counts(stale_site, tmp_path, capsys):
    assert build(stale_site, tmp_path / "out") == 0
    out, err = capsys.readouterr()
    warnings = [line for line in err.splitlines() if "栏目「" in line]
    assert warnings == [
        "site.yaml:6: 警告：栏目「工作动态」（news）最新一篇发布于 2026-11-01，超过 14天 的更新期限 12 天；"
        "请发布新内容，或在 site.yaml 中为该分类改写 update_within（常设内容写 none）",
        "site.yaml:11: 警告：栏目「空栏目」（empty）是空白栏目，没有任何已发布的信息；"
        "请发布新内容，或在 site.yaml 中为该分类改写 update_within（常设内容写 none）",
    ]
    assert "栏目更新：2 个栏目空白或超期未更新" in out


def test_six_months_are_calendar_months(stale_site, tmp_path, capsys):
    later = NOW.replace(month=12, day=3)  # 2026-12-03: the files column, last updated 06-01, is 2 days over
    assert build(stale_site, tmp_path / "out", now=later) == 0
    assert "栏目「政策文件」（files）最新一篇发布于 2026-06-01，超过 6个月 的更新期限 2 天" in capsys.readouterr().err


def test_strict_makes_stale_columns_errors_and_leaves_the_output_alone(stale_site, tmp_path, capsys):
    output = tmp_path / "out"
    assert build(stale_site, output) == 0
    before = snapshot(output)
    capsys.readouterr()
    assert build(stale_site, output, "--strict") == 1
    err = capsys.readouterr().err
    assert "site.yaml:6: 栏目「工作动态」" in err and "site.yaml:11: 栏目「空栏目」" in err and "警告" not in err
    assert snapshot(output) == before
    assert build(stale_site, tmp_path / "checked", "--check", "--strict") == 1


def test_drafts_and_future_notices_do_not_freshen_a_column(stale_site, tmp_path, capsys):
    (stale_site / "news/draft.md").write_text(_notice("news", "2026-11-20", extra="draft: true\n"), encoding="utf-8")
    (stale_site / "empty").mkdir()
    (stale_site / "empty/future.md").write_text(_notice("empty", "2027-01-01"), encoding="utf-8")
    assert build(stale_site, tmp_path / "out", "--drafts", "--future") == 0
    err = capsys.readouterr().err
    assert "超过 14天 的更新期限 12 天" in err and "栏目「空栏目」（empty）是空白栏目" in err


@pytest.mark.parametrize("value, message", [
    ("update_within: 3x", "update_within「3x」无法识别"),
    ("group: nowhere", "group「nowhere」不是 groups 中的分组 key"),
])
def test_bad_column_settings_are_one_line_errors(tmp_path, capsys, value, message):
    site = write_site(tmp_path / "content", {}, STALE_SITE.replace("    name: 空栏目\n", f"    name: 空栏目\n    {value}\n"))
    assert build(site, tmp_path / "out") == 1
    (line,) = [x for x in capsys.readouterr().err.splitlines() if message in x]
    assert line.startswith("site.yaml:13: ")


def test_sample_has_a_report_for_each_year_whose_counts_match_the_notices(sample):
    from generator.build.published import read_published
    from generator.disclosure.yearcount import count_year

    published = read_published(ROOT / "content", NOW)
    for year in range(2021, 2026):
        page = (sample / f"annual-reports/{year}-annual-information-disclosure-report/index.html").read_text()
        assert "第二十条第（一）项" in page and "待填写" not in page and "统计说明" not in page
        shown = re.findall(r"<td>(规章|行政规范性文件)</td>\s*<td>(\d+)</td>\s*<td>(\d+)</td>\s*<td>(\d+)</td>", page)
        counted = [(r.label, str(len(r.made)), str(len(r.repealed)), str(len(r.in_force)))
                   for r in count_year(published.collection.notices, published.config, year)]
        assert shown == counted, year
    assert ("规章", "1", "1", "1") in shown  # 2025: the 2025 revision replaced the 2023 measures


@pytest.mark.parametrize("newest, within, last", [
    ("2026-08-31", "6m", "2027-02-28"),  # calendar months: the month's last day when it is shorter
    ("2027-08-31", "6m", "2028-02-29"),
    ("2026-01-22", "13m", "2027-02-22"),
    ("2026-11-01", "2w", "2026-11-15"),
    ("2024-02-29", "1y", "2025-02-28"),
])
def test_deadline_of_a_column(newest, within, last):
    from datetime import date

    from generator.core.config import parse_interval
    from generator.disclosure.freshness import deadline

    assert deadline(date.fromisoformat(newest), parse_interval(within)) == date.fromisoformat(last)


def test_a_group_may_not_share_a_name_with_a_category_or_a_page(tmp_path, capsys):
    site = write_site(tmp_path / "content", {}, STALE_SITE + "groups:\n  - key: news\n    name: 另一组\n")
    assert build(site, tmp_path / "out") == 1
    assert "site.yaml:17: 分组「另一组」与分类的 key 或名称重复，请换一个" in capsys.readouterr().err
    site = write_site(tmp_path / "c2", {"pages/gk.md": "---\ntitle: 页面\n---\n正文。\n"},
                      STALE_SITE + "groups:\n  - key: gk\n    name: 法定主动公开内容\n")
    assert build(site, tmp_path / "out2") == 1
    assert "pages/gk.md:1: 网址 /gk/ 已被分组 gk使用，请换一个 slug" in capsys.readouterr().err


def test_codes_with_the_fixed_mask_decode_for_addresses_of_every_length():
    from generator.site.qr import qr_svg

    for length in range(1, 160, 3):  # versions 2 to 7: every size a notice address takes
        url = "https://gk.example.gov.cn/mzzj/guides/" + ("a-0" * length)[:length] + "/"
        assert decode_svg(str(qr_svg(url))) == [url], length
        assert decode_svg(str(qr_svg(url, best_mask=True))) == [url], length
