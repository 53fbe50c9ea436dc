"""`build.py report`: the annual report drafted from the front matter, its counts exact, hidden notices never in it."""

import re
from html.parser import HTMLParser

import pytest
from conftest import NOW, build, write_site

from generator.cli.main import main

SITE = """\
title: 年报测试
agency: 测试市测试局
base_url: https://example.org/xz/
search: false
report_category: reports
categories:
  - key: files
    name: 政策文件
    update_within: none
  - key: reports
    name: 政府信息公开年报
    update_within: none
"""


def _doc(title, day, genre="行政规范性文件", extra=""):
    return f"---\ntitle: {title}\ncategory: files\ndate: {day}\nresponsible: 张三\ntags: [{genre}]\n{extra}---\n正文。\n"


# Three years of 行政规范性文件 (规范 1–6) and 规章 (规章 A–B), with what happened to each:
FILES = {
    "files/n1.md": _doc("规范一", "2023-03-01"),                                     # made 2023, in force throughout
    "files/n2.md": _doc("规范二", "2023-05-01", extra="status: 已废止\nrepealed: 2024-06-30\n"),  # repealed 2024
    "files/n3.md": _doc("规范三", "2024-02-01", extra="status: 已废止\nsuperseded_by: n4\n"),   # repealed 2025 by n4
    "files/n4.md": _doc("规范四", "2025-04-10"),                                     # made 2025
    "files/n5.md": _doc("规范五", "2024-08-01", extra="valid_until: 2024-12-30\n"),  # lapsed before 2024 ends
    "files/n6.md": _doc("规范六", "2025-01-05", extra="status: 已修改\n"),           # amended, still in force
    "files/r1.md": _doc("规章甲", "2024-09-09", genre="规章"),
    "files/r2.md": _doc("规章乙", "2022-01-01", genre="规章", extra="status: 已废止\n"),  # day unknown: listed apart
    "files/plain.md": _doc("普通通知", "2024-01-01", genre="通知"),
    # hidden: never counted, never named
    "files/h1.md": _doc("草稿规范SECRET1", "2024-03-01", extra="draft: true\n"),
    "files/h2.md": _doc("未来规范SECRET2", "2027-03-01"),
    "files/h3.md": _doc("不予公开规范SECRET3", "2024-03-01", extra="disclosure: withheld\n"),
    "files/h4.md": _doc("依申请规范SECRET4", "2025-03-01", extra="disclosure: on-request\n"),
    "files/h5.md": _doc("撤回规范SECRET5", "2025-03-01", extra="status: 已撤回\nwithdrawal_reason: 有误\n"),
}
EXPECTED = {  # year -> (规章 made, repealed, in force), (规范性文件 made, repealed, in force)
    2023: ((0, 0, 0), (2, 0, 2)),
    2024: ((1, 0, 1), (2, 1, 2)),  # made n3 n5; n2 repealed; n1 n3 in force (n5 lapsed 12-30)
    2025: ((0, 0, 1), (2, 1, 3)),  # made n4 n6; n3 repealed on n4's day; n1 n4 n6 in force
}


@pytest.fixture
def content(tmp_path):
    return write_site(tmp_path / "content", FILES, SITE)


def _draft(content, year, *extra):
    assert main(["report", "--year", str(year), "--content", str(content), *extra], now=NOW) == 0
    return (content / f"reports/{year}-annual-information-disclosure-report.md").read_text(encoding="utf-8")


def _table(text):
    part = text.split("**第二十条第（一）项**")[1]
    return tuple(tuple(int(x) for x in re.search(rf"^\| {label} \| (\d+) \| (\d+) \| (\d+) \|$", part, re.M).groups())
                 for label in ("规章", "行政规范性文件"))


@pytest.mark.parametrize("year", sorted(EXPECTED))
def test_counts_of_made_repealed_and_in_force(content, year):
    assert _table(_draft(content, year)) == EXPECTED[year]


def test_hidden_notices_are_never_counted_or_named(content):
    for year in (2024, 2025):
        text = _draft(content, year)
        assert "SECRET" not in text and "h1.md" not in text and "h5.md" not in text


def test_the_comment_names_every_counted_notice_and_the_unknown_repeal(content, capsys):
    text = _draft(content, 2025)
    comment = text[text.index("<!-- 统计说明"):text.index("-->", text.index("<!-- 统计说明"))]
    assert "行政规范性文件，本年制发 2 件：files/n6.md《规范六》；files/n4.md《规范四》" in comment
    assert "行政规范性文件，本年废止 1 件：files/n3.md《规范三》（2025-04-10 废止，依据：被 files/n4.md 替代）" in comment
    assert "已废止但不知废止日期、未计入的 1 件（请在文件中写 repealed 日期）：files/r2.md《规章乙》" in comment
    assert "规章本年制发 0 件、废止 0 件、现行有效 1 件" in capsys.readouterr().out


def test_the_draft_follows_the_2021_format_and_marks_what_the_clerk_fills(content):
    text = _draft(content, 2024, "--responsible", "李四")
    headings = re.findall(r"^## (.+)$", text, re.M)
    assert headings == ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    captions = re.findall(r"^\*\*(.+)\*\*$", text, re.M)
    assert captions == ["第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项"]
    assert text.count("<!-- 待填写：本表的数字由承办处室统计后填入空格 -->") == 3
    assert text.count("<!-- 待填写：本表的数字由承办处室统计后填入每个空单元格") == 2
    assert "| 行政许可 |  |" in text and "| 行政事业性收费 |  |" in text
    assert "国办公开办函〔2021〕30号" in text and "draft: true" in text


class _Grid(HTMLParser):
    """Lay out a table's cells on a grid as a reader sees it, each merged cell in every place it covers."""

    def __init__(self, html):
        super().__init__()
        self.taken, self.rows, self.cell = {}, -1, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows += 1
        elif tag in ("td", "th"):
            spans = dict(attrs)
            self.cell = [tag, int(spans.get("rowspan", 1)), int(spans.get("colspan", 1)), ""]

    def handle_data(self, data):
        if self.cell:
            self.cell[3] += data

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell:
            kind, rows, cols, text = self.cell
            col = next(c for c in range(99) if (self.rows, c) not in self.taken)
            for r in range(self.rows, self.rows + rows):
                for c in range(col, col + cols):
                    assert (r, c) not in self.taken, "cells overlap"
                    self.taken[r, c] = (kind, text)
            self.cell = None

    def grid(self):
        width = 1 + max(c for _, c in self.taken)
        return [[self.taken.get((r, c)) for c in range(width)] for r in range(1 + max(r for r, _ in self.taken))]


def _labels(cells):
    """Join the distinct texts of a run of header cells, as the form reads them (merged cells once)."""
    return "›".join(dict.fromkeys(text for _, text in cells))


# The prescribed form of 国办公开办函〔2021〕30号, written out here so that a change to the draft is caught.
APPLICATION_ROWS = [
    "一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量",
    *(f"三、本年度办理结果›{x}" for x in (
        "（一）予以公开", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        *(f"（三）不予公开›{x}" for x in (
            "1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
            "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项")),
        *(f"（四）无法提供›{x}" for x in ("1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作",
                                          "3.补正后申请内容仍不明确")),
        *(f"（五）不予处理›{x}" for x in ("1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物",
                                          "4.无正当理由大量反复申请", "5.要求行政机关确认或重新出具已获取信息")),
        *(f"（六）其他处理›{x}" for x in ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                                          "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                                          "3.其他")),
        "（七）总计")),
    "四、结转下年度继续办理",
]
APPLICANT_COLUMNS = ["申请人情况›自然人", *(f"申请人情况›法人或其他组织›{x}" for x in
                                         ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")),
                     "申请人情况›总计"]
RESULTS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
REVIEW_COLUMNS = [*(f"行政复议›{x}" for x in RESULTS), *(f"行政诉讼›未经复议直接起诉›{x}" for x in RESULTS),
                  *(f"行政诉讼›复议后起诉›{x}" for x in RESULTS)]


def _section(text, heading):
    part = text.split(f"## {heading}")[1].split("\n## ")[0]
    return _Grid(part[part.index("<table>"):part.index("</table>") + 8]).grid()


def test_section_three_has_the_prescribed_applicant_columns_and_row_groups(content):
    grid = _section(_draft(content, 2024), "三、收到和处理政府信息公开申请情况")
    assert len(grid[0]) == 3 + 7  # three levels of row labels, seven applicant columns
    assert grid[0][0] == ("td", "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）")
    assert [_labels(row[c] for row in grid[:3]) for c in range(3, 10)] == APPLICANT_COLUMNS
    body = grid[3:]
    assert [_labels(row[:3]) for row in body] == APPLICATION_ROWS
    assert all(kind == "th" for row in body for kind, _ in row[:3])
    assert all(cell == ("td", "") for row in body for cell in row[3:])  # every number left to the clerk


def test_section_four_has_fifteen_columns_under_review_and_two_kinds_of_suit(content):
    grid = _section(_draft(content, 2024), "四、政府信息公开行政复议、行政诉讼情况")
    assert len(grid) == 4 and len(grid[0]) == 15
    assert [_labels(row[c] for row in grid[:3]) for c in range(15)] == REVIEW_COLUMNS
    assert grid[3] == [("td", "")] * 15


def test_the_published_report_keeps_the_merged_headings(content, tmp_path):
    path = content / "reports/2024-annual-information-disclosure-report.md"
    _draft(content, 2024, "--responsible", "李四")
    path.write_text(path.read_text(encoding="utf-8").replace("draft: true", "# 已定稿"), encoding="utf-8")
    assert build(content, tmp_path / "out") == 0
    page = (tmp_path / "out/reports/2024-annual-information-disclosure-report/index.html").read_text()
    tables = re.findall(r"<table>.*?</table>", page, re.S)
    assert len(tables) == 6
    assert [_labels(row[:3]) for row in _Grid(tables[4]).grid()[3:]] == APPLICATION_ROWS
    assert [_labels(row[c] for row in _Grid(tables[5]).grid()[:3]) for c in range(15)] == REVIEW_COLUMNS


def test_the_draft_is_a_valid_draft_notice_that_stays_unpublished(content, tmp_path):
    _draft(content, 2024, "--responsible", "李四")
    output = tmp_path / "out"
    assert build(content, output) == 0
    assert not (output / "reports/2024-annual-information-disclosure-report").exists()
    assert build(content, tmp_path / "preview", "--drafts") == 0
    page = (tmp_path / "preview/reports/2024-annual-information-disclosure-report/index.html").read_text()
    assert "测试市测试局2024年政府信息公开工作年度报告" in page and "统计说明" not in page and "待填写" not in page


def test_never_overwrites_and_needs_a_report_category(content, tmp_path, capsys):
    first = _draft(content, 2024)
    assert main(["report", "--year", "2024", "--content", str(content)], now=NOW) == 2
    assert "已存在，不会覆盖" in capsys.readouterr().err
    assert (content / "reports/2024-annual-information-disclosure-report.md").read_text(encoding="utf-8") == first
    other = write_site(tmp_path / "other", {}, SITE.replace("report_category: reports\n", ""))
    assert main(["report", "--year", "2024", "--content", str(other)], now=NOW) == 2
    assert main(["report", "--year", "2030", "--content", str(content)], now=NOW) == 2
    err = capsys.readouterr().err
    assert "site.yaml 中没有 report_category" in err and "--year 2030 不在 2000 到 2026 年之间" in err


def test_a_published_report_still_marked_to_fill_is_warned(content, tmp_path, capsys):
    path = content / "reports/2024-annual-information-disclosure-report.md"
    _draft(content, 2024)
    path.write_text(path.read_text(encoding="utf-8").replace("draft: true", "# 已定稿"), encoding="utf-8")
    assert build(content, tmp_path / "out") == 0
    err = capsys.readouterr().err
    assert "reports/2024-annual-information-disclosure-report.md:5: 警告：年度报告已不是草稿，但责任人仍是“待填写”" in err
    assert re.search(r"reports/2024-annual-information-disclosure-report\.md:\d+: 警告：年度报告已不是草稿，但仍有标着“待填写”的部分", err)


def test_filling_in_the_last_part_ends_the_warning_even_on_a_quick_rebuild(content, tmp_path, capsys):
    path = content / "reports/2024-annual-information-disclosure-report.md"
    _draft(content, 2024, "--responsible", "李四")
    path.write_text(path.read_text(encoding="utf-8").replace("draft: true", "# 已定稿"), encoding="utf-8")
    output = tmp_path / "out"
    assert build(content, output) == 0
    assert "仍有标着“待填写”的部分" in capsys.readouterr().err
    text = re.sub(r"<!-- 待填写[^>]*-->", "无。", path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")  # the body alone changes
    assert build(content, output, "-v") == 0
    assert "待填写" not in capsys.readouterr().err


def test_a_second_report_published_in_one_year_is_warned(content, tmp_path, capsys):
    report = "---\ntitle: {}\ncategory: reports\ndate: {}\nresponsible: 张三\n---\n正文。\n"
    (content / "reports").mkdir()
    (content / "reports/a.md").write_text(report.format("2024年年度报告", "2025-01-20"), encoding="utf-8")
    (content / "reports/b.md").write_text(report.format("2024年年度报告（重发）", "2025-02-03"), encoding="utf-8")
    (content / "reports/c.md").write_text(report.format("2025年年度报告", "2026-01-20"), encoding="utf-8")
    assert build(content, tmp_path / "out") == 0
    lines = [x for x in capsys.readouterr().err.splitlines() if "年报栏目每年只发一篇" in x]
    assert lines == ["reports/b.md:4: 警告：2025年已发布过年度报告（reports/a.md），年报栏目每年只发一篇："
                     "更正请改原报告并写 changes（修订记录）"]


# Three years in which every document is made, repealed or kept in force by its dates alone.
CHAIN = {
    "files/a.md": _doc("文件甲", "2023-02-01"),
    "files/b.md": _doc("文件乙", "2023-06-01", extra="status: 已废止\nrepealed: 2024-05-01\n"),
    "files/c.md": _doc("文件丙", "2024-03-01", extra="status: 已废止\nsuperseded_by: d\n"),
    "files/d.md": _doc("文件丁", "2025-03-01"),
    "files/e.md": _doc("文件戊", "2025-09-01"),
}


@pytest.mark.parametrize("year,counts", [(2023, (2, 0, 2)), (2024, (1, 1, 2)), (2025, (2, 1, 3))])
def test_in_force_follows_from_last_year_made_and_repealed(tmp_path, capsys, year, counts):
    content = write_site(tmp_path / "content", CHAIN, SITE)
    made, repealed, in_force = _table(_draft(content, year))[1]
    assert (made, repealed, in_force) == counts
    if year > 2023:
        last = _table(_draft(content, year - 1))[1][2]
        assert in_force == last + made - repealed
    assert "对不上" not in capsys.readouterr().err


ODD = {
    "files/o1.md": _doc("废止早于发布", "2024-03-01", extra="status: 已废止\nrepealed: 2023-12-01\n"),
    "files/o2.md": _doc("到期失效", "2024-02-01", extra="valid_until: 2024-06-30\n"),
    "files/o3.md": _doc("不知何时废止", "2024-04-01", extra="status: 已废止\n"),
    "files/o4.md": _doc("失效后废止", "2022-01-01", extra="valid_until: 2023-06-30\nstatus: 已废止\nrepealed: 2024-05-01\n"),
    "files/ok.md": _doc("正常文件", "2024-01-10"),
}


def test_counts_that_cannot_be_reconciled_name_their_notices(tmp_path, capsys):
    content = write_site(tmp_path / "content", ODD, SITE)
    text = _draft(content, 2024)
    assert _table(text)[1] == (4, 1, 1)  # 0 in force at the end of 2023 + 4 made − 1 repealed ≠ 1 in force
    sums = "2024年行政规范性文件：上年现行有效 0 件 + 本年制发 4 件 − 本年废止 1 件 = 3 件，本年现行有效却是 1 件：这份文件"
    lines = [x for x in capsys.readouterr().err.splitlines() if "对不上" in x or "却是" in x]
    assert lines == [
        f"files/o1.md:8: 警告：{sums}的废止日期 2023-12-01（repealed 字段）早于它的发布日期 2024-03-01：请改正日期",
        f"files/o2.md:7: 警告：{sums}有效期至 2024-06-30，到期失效不算废止，所以不再计入现行有效件数：如属实无需修改，可在报告中说明",
        f"files/o3.md:7: 警告：{sums}已废止但不知废止日期，没有计入任何一年的废止件数：请写 repealed（废止日期）或 superseded_by",
        f"files/o4.md:7: 警告：{sums}在有效期届满（2023-06-30）后才废止（2024-05-01），废止时已不在现行有效件数中：请核对两个日期",
    ]
    comment = text[text.index("<!-- 统计说明"):text.index("-->", text.index("<!-- 统计说明"))]
    assert all(f"数字对不上：files/{name}.md：" in comment for name in ("o1", "o2", "o3", "o4"))
    assert "ok.md：" not in comment
