"""`build.py print`: the paper board as one PDF, read back with pypdf."""

import re
import unicodedata
from datetime import datetime, timezone

import pytest
from conftest import NOW, write_site
from pypdf import PdfReader
from qrdecode import decode_pdf_page, decode_svg, svgs_in

from generator.build.paper import Selection, board_html, select
from generator.build.published import read_published
from generator.cli.main import main
from generator.site.theme import load_theme

SITE = """\
title: 测试局政务公开栏
agency: 测试市测试局
base_url: https://example.org/gk/
search: false
categories:
  - key: guides
    name: 办事指南
  - key: results
    name: 办事结果
"""


def _notice(title, category, day, body, extra=""):
    return f"---\ntitle: {title}\ncategory: {category}\ndate: {day}\nresponsible: 张三\n{extra}---\n{body}\n"


FILES = {
    "guides/old-guide.md": _notice("旧的办事指南", "guides", "2024-03-01", "旧指南正文。"),
    "guides/new-guide.md": _notice("新的办事指南", "guides", "2026-10-09", "新指南正文。", "doc_number: 测发〔2026〕3号\n"),
    "results/open-list.md": _notice("拟表彰名单公示", "results", "2026-11-20", "公示正文。",
                                    "notice_period: {start: 2026-11-20, end: 2026-12-04}\n"),
    "results/closed-list.md": _notice("已结束的公示", "results", "2026-11-02", "结束正文。",
                                      "notice_period: {start: 2026-11-02, end: 2026-11-09}\n"),
    "results/draft.md": _notice("草稿标题", "results", "2026-11-01", "DRAFTSECRET 草稿正文。", "draft: true\n"),
    "results/future.md": _notice("未来标题", "results", "2027-01-01", "FUTURESECRET 未来正文。"),
    "results/withheld.md": _notice("不予公开标题", "results", "2026-11-01", "WITHHELDSECRET 正文。", "disclosure: withheld\n"),
    "results/on-request.md": _notice("依申请标题", "results", "2026-11-01", "REQUESTSECRET 正文。", "disclosure: on-request\n"),
    "results/gone.md": _notice("撤回标题", "results", "2026-11-01", "WITHDRAWNSECRET 正文。",
                               "status: withdrawn\nwithdrawal_reason: 内容有误\n"),
}
# Chromium's PDF maps some CJK glyphs of the Noto fonts to radical code points: read them as the characters.
RADICALS = str.maketrans({"⺠": "民", "⻚": "页", "⻓": "长", "⻔": "门", "⻋": "车", "⻢": "马", "⻅": "见", "⻛": "风"})


def _text(page) -> str:
    """Return a page's text with line breaks and spaces gone and radicals read as characters."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", page.extract_text()).translate(RADICALS))


@pytest.fixture(scope="module")
def content(tmp_path_factory):
    return write_site(tmp_path_factory.mktemp("print") / "content", FILES, SITE)


@pytest.fixture(scope="module")
def printed(content, tmp_path_factory):
    pdf = tmp_path_factory.mktemp("pdf") / "board.pdf"
    assert main(["print", "--content", str(content), "--output", str(pdf)], now=NOW) == 0
    return PdfReader(pdf).pages


@pytest.fixture(scope="module")
def board(printed):
    return [_text(page) for page in printed]


def test_board_has_a_sheet_per_published_notice_open_notices_first(board):
    assert len(board) == 4
    titles = [next(t for t in ("拟表彰名单公示", "已结束的公示", "新的办事指南", "旧的办事指南") if t in page) for page in board]
    assert titles == ["拟表彰名单公示", "已结束的公示", "新的办事指南", "旧的办事指南"]
    assert "公示期:2026-11-20至2026-12-04(公示中)" in board[0]


def test_every_sheet_has_its_index_number_address_and_print_date(board):
    for page in board:
        assert re.search(r"索引号\d{4}-\d{5}", page)
        assert re.search(r"网上原文:https://example\.org/gk/(guides|results)/[a-z-]+/", page)
        assert "打印日期:2026-11-27" in page and "扫码查看网上原文" in page
    assert "测发〔2026〕3号" in board[2]


def test_no_hidden_notice_reaches_the_paper(board):
    text = "".join(board)
    for secret in ("DRAFTSECRET", "FUTURESECRET", "WITHHELDSECRET", "REQUESTSECRET", "WITHDRAWNSECRET",
                   "草稿标题", "未来标题", "不予公开标题", "依申请标题", "撤回标题"):
        assert secret not in text


def test_the_printed_qr_code_of_each_sheet_opens_its_page(printed, board):
    codes = [decode_pdf_page(page) for page in printed]
    addresses = [re.search(r"网上原文:(https://\S+?/)打印日期", text).group(1) for text in board]
    assert codes == [[address] for address in addresses]
    assert addresses[0] == "https://example.org/gk/results/open-list/"


def test_the_qr_code_of_each_sheet_opens_its_page(content):
    published = read_published(content, NOW)
    views = select(published, Selection())
    html = board_html(published, views, load_theme())
    assert [decode_svg(svg) for svg in svgs_in(html)] == [[f"https://example.org/gk/{v.url}"] for v in views]


@pytest.mark.parametrize("selection, titles", [
    (Selection(categories=("guides",)), ["新的办事指南", "旧的办事指南"]),
    (Selection(since=datetime(2026, 11, 1).date()), ["拟表彰名单公示", "已结束的公示"]),
    (Selection(open_notices=True), ["拟表彰名单公示"]),
])
def test_selection_by_category_date_and_open_period(content, selection, titles):
    assert [v.title for v in select(read_published(content, NOW), selection)] == titles


def test_category_may_be_named_in_chinese_and_bad_options_are_refused(content, tmp_path, capsys):
    pdf = tmp_path / "one.pdf"
    later = datetime(2026, 12, 10, 4, tzinfo=timezone.utc)  # the open 公示 has closed by then
    assert main(["print", "--content", str(content), "--output", str(pdf), "--category", "办事结果",
                 "--open-notices"], now=later) == 0
    assert "0 篇公告" in capsys.readouterr().out and len(PdfReader(pdf).pages) == 1
    assert main(["print", "--content", str(content), "--since", "去年"]) == 2
    assert main(["print", "--content", str(content), "--category", "nowhere"]) == 2
    err = capsys.readouterr().err
    assert "--since「去年」不是日期" in err and "没有分类「nowhere」" in err


def test_invalid_content_prints_nothing(tmp_path, capsys):
    bad = write_site(tmp_path / "content", {"guides/bad.md": _notice("坏", "nowhere", "2024-01-01", "正文")}, SITE)
    pdf = tmp_path / "board.pdf"
    assert main(["print", "--content", str(bad), "--output", str(pdf)], now=NOW) == 1
    assert not pdf.exists() and "guides/bad.md:3: " in capsys.readouterr().err


def test_without_chromium_the_command_says_how_to_get_it(content, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("generator.build.paper.shutil.which", lambda name: None)
    pdf = tmp_path / "board.pdf"
    assert main(["print", "--content", str(content), "--output", str(pdf)], now=NOW) == 2
    assert "找不到 Chromium" in capsys.readouterr().err and not pdf.exists()
    from generator.build.paper import print_pdf
    from generator.core.errors import UsageError

    with pytest.raises(UsageError, match="无法运行 Chromium"):
        print_pdf("<p>x</p>", pdf, browser=str(tmp_path / "no-such-browser"))
