"""`build.py import`: a clerk's Word 公文 becomes a notice that builds like one typed by hand."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import docx
import pytest
from conftest import GOOD_NOTICE, NOW, build, run_cli, write_site
from docx_kit import CENTER, RIGHT, add_footnote, add_link, chinese_numbering, embed_file, line, numbered, tongzhi

from generator.cli.main import main


def run_import(*args: str) -> tuple[int, str, str]:
    """Run `build.py import` with the tests' clock and no terminal to ask on; return code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["import", *args], now=NOW)
    return code, out.getvalue(), err.getvalue()


def notice_body(page: Path) -> str:
    """Return the body HTML of a built notice page."""
    text = page.read_text(encoding="utf-8")
    found = re.search(r'<div class="notice-body[^"]*" data-pagefind-body>(.*?)</div>\s*(?:<section|<p class="notice-tags"|<!--/search-->|'
                      r'<p class="print-url")', text, re.S)
    return found.group(1).strip()


def front_matter(path: Path) -> str:
    """Return the front matter of a notice file."""
    return path.read_text(encoding="utf-8").split("---\n")[1]


def test_tongzhi_maps_gongwen_parts_and_keeps_the_rest_in_the_body(tmp_path):
    content = write_site(tmp_path / "c", {"guides/old.md": GOOD_NOTICE})
    source = tongzhi(tmp_path / "通知.docx", tmp_path)
    code, out, err = run_import(str(source), "--content", str(content), "--category", "办事指南",
                                "--responsible", "王丽", "--slug", "inspection-2024")
    assert code == 0, err
    notice = content / "guides/inspection-2024.md"
    fields = front_matter(notice)
    assert fields.endswith(
        'title: "关于开展2024年宗教活动场所年度检查工作的通知"\ncategory: guides\ndate: 2026-11-27\n'
        'responsible: "王丽"\nindex_number: 2026-00001\nissuer: "星海市民族和宗教事务局"\n'
        'doc_number: "星民宗发〔2024〕12号"\ngenre: "通知"\naddressee: "各区、县（市）民族宗教事务局"\n'
        'signatories: ["星海市民族和宗教事务局"]\nwritten: 2024-05-06\nclosing: "（此件公开发布）"\n'
        'disclosure: public\n')  # no attachments: the picture is shown in the body, which publishes it
    assert (content / "guides/inspection-2024/图1.png").read_bytes().startswith(b"\x89PNG")
    assert "从文档中识别出：标题、发文机关、发文字号、体裁分类、主送机关、落款、成文日期、附注、公开方式" in out
    # what has no field is named, and kept in the body where the document had it
    assert "附件说明「附件：1．检查登记表 2．场所名单」" in out
    body = notice.read_text(encoding="utf-8").split("---\n", 2)[2]
    assert body.startswith("为规范宗教活动场所管理，**经研究决定**开展年度检查。<br>请各单位认真组织。\n")
    assert body.endswith("![图1](图1.png)\n\n附件：1．检查登记表<br>2．场所名单\n")

    assert build(content, tmp_path / "out") == 0
    page = tmp_path / "out/guides/inspection-2024/index.html"
    html = notice_body(page)
    assert "<h1" in page.read_text(encoding="utf-8") and "关于开展2024年宗教活动场所年度检查工作的通知</h1>" in page.read_text(encoding="utf-8")
    assert "星民宗发〔2024〕12号" in page.read_text(encoding="utf-8")
    assert "<strong>经研究决定</strong>开展年度检查。<br>请各单位认真组织。" in html
    assert '<h2 id="一检查内容">一、检查内容</h2>' in html
    assert '<h2 id="二工作要求">二、工作要求</h2>' in html and '<h3 id="一加强组织领导">（一）加强组织领导</h3>' in html
    assert "<p>三、各单位于6月30日前报送检查结果。</p>" in html  # a sentence stays a paragraph
    assert html.count("<ol>") == 3 and "<li>证书原件核对</li>" in html  # three numbered levels
    assert '<td rowspan="2">含新登记 2 处</td>' in html and '<td colspan="2">合计</td>' in html
    assert '<img alt="图1" src="图1.png">' in html
    assert (tmp_path / "out/guides/inspection-2024/图1.png").is_file()
    assert html.index('<p class="addressee">各区、县（市）民族宗教事务局：</p>') < html.index("检查内容") \
        < html.index("附件：1．检查登记表<br>2．场所名单") < html.index('<div class="signatories"><p>星海市民族和宗教事务局</p>') \
        < html.index('<p class="signed-date">2024年5月6日</p>') < html.index('<p class="closing">（此件公开发布）</p>')


def test_imported_notice_renders_like_a_hand_written_one(tmp_path):
    d = docx.Document()
    line(d, "关于调整办公时间的通知", CENTER)
    line(d, "各科室：")
    p = d.add_paragraph("自下周起，")
    p.add_run("窗口").bold = True
    p.add_run("办公时间调整如下。")
    d.add_paragraph("二、时间安排", style="Heading 1")
    d.add_paragraph("上午 8:30 至 12:00", style="List Number")
    d.add_paragraph("周一延长", style="List Number 2")
    d.add_paragraph("下午 14:00 至 17:30", style="List Number")
    table = d.add_table(rows=2, cols=2)
    for r, row in enumerate([["时段", "窗口"], ["上午", "1 号"]]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    line(d, "青禾县民政局", RIGHT)
    line(d, "二〇二五年三月三日", RIGHT)
    d.save(tmp_path / "a.docx")
    hand = """\
---
title: 关于调整办公时间的通知
category: guides
date: 2025-03-10
responsible: 陈晓明
written: 2025-03-03
genre: 通知
主送机关: 各科室
落款: [青禾县民政局]
---
自下周起，**窗口**办公时间调整如下。

## 二、时间安排

1. 上午 8:30 至 12:00
    1. 周一延长
2. 下午 14:00 至 17:30

| 时段 | 窗口 |
| --- | --- |
| 上午 | 1 号 |
"""
    content = write_site(tmp_path / "c", {"guides/hand.md": hand})
    code, _out, err = run_import(str(tmp_path / "a.docx"), "--content", str(content), "--category", "guides",
                                 "--responsible", "陈晓明", "--slug", "imported")
    assert code == 0, err
    assert "written: 2025-03-03" in front_matter(content / "guides/imported.md")
    assert build(content, tmp_path / "out") == 0
    imported = notice_body(tmp_path / "out/guides/imported/index.html")
    assert imported == notice_body(tmp_path / "out/guides/hand/index.html")
    assert "<table>" in imported and "<strong>窗口</strong>" in imported


def test_disclosure_line_decides_publication(tmp_path):
    d = docx.Document()
    line(d, "关于某事项的答复", CENTER)
    line(d, "（2026年3月1日）", CENTER)
    line(d, "答复内容。")
    line(d, "（此件依申请公开）")
    d.save(tmp_path / "r.docx")
    content = write_site(tmp_path / "c", {})
    code, _out, err = run_import(str(tmp_path / "r.docx"), "--content", str(content), "--category", "results",
                                 "--responsible", "张三", "--slug", "reply")
    assert code == 0, err
    assert "disclosure: on-request" in front_matter(content / "results/reply.md")
    assert 'title: "关于某事项的答复"' in front_matter(content / "results/reply.md")
    assert "（2026年3月1日）\n\n答复内容。" in (content / "results/reply.md").read_text(encoding="utf-8")
    assert build(content, tmp_path / "out") == 0
    assert not (tmp_path / "out/results/reply").exists()


def test_missing_responsible_is_a_clear_error_in_the_written_notice(tmp_path):
    content = write_site(tmp_path / "c", {})
    source = tongzhi(tmp_path / "t.docx", tmp_path)
    code, out, err = run_import(str(source), "--content", str(content), "--category", "guides", "--slug", "t")
    assert code == 1
    assert "已导入 guides/t.md" in out
    assert err.splitlines()[0].startswith("guides/t.md:6: 缺少必填字段 responsible（责任人）")
    assert "# 必填：在下一行冒号后写对公开内容负责的人\nresponsible: \n" in (content / "guides/t.md").read_text(encoding="utf-8")
    assert "Traceback" not in err


def test_missing_category_names_the_choices_and_writes_nothing(tmp_path):
    content = write_site(tmp_path / "c", {})
    source = tongzhi(tmp_path / "t.docx", tmp_path)
    code, _out, err = run_import(str(source), "--content", str(content), "--responsible", "王丽")
    assert code == 2
    assert "请用 --category 指定分类，可用的分类：guides（办事指南）、results（办事结果）" in err
    assert sorted(p.name for p in content.iterdir()) == ["site.yaml"]


def test_import_refuses_to_overwrite(tmp_path):
    content = write_site(tmp_path / "c", {"guides/t.md": GOOD_NOTICE})
    source = tongzhi(tmp_path / "t.docx", tmp_path)
    code, _out, err = run_import(str(source), "--content", str(content), "--category", "guides",
                                 "--responsible", "王丽", "--slug", "t")
    assert code == 2 and "不会覆盖" in err
    assert (content / "guides/t.md").read_text(encoding="utf-8") == GOOD_NOTICE


@pytest.mark.parametrize("name, data, message", [
    ("旧文档.doc", b"\xd0\xcf\x11\xe0 old word", "不能直接导入Word 97-2003 文档（.doc）：请在 Word 或 WPS 中打开它，“另存为” Word 文档（.docx）后再导入"),
    ("文稿.wps", b"\xd0\xcf\x11\xe0 wps", "不能直接导入WPS 文字文档（.wps）"),
    ("扫描件.pdf", b"%PDF-1.4", "不能直接导入PDF 文件"),
    ("改名.docx", b"just text, not a zip", "不是有效的 Word 文档（.docx）"),
    ("表格.docx", None, "无法按 Word 文档读取"),
    ("空白.docx", "empty", "文档中没有文字，无法导入"),
])
def test_bad_files_exit_1_with_one_chinese_line(tmp_path, name, data, message):
    content = write_site(tmp_path / "c", {})
    source = tmp_path / name
    if data is None:  # a zip that is not a Word document
        import zipfile

        with zipfile.ZipFile(source, "w") as archive:
            archive.writestr("xl/workbook.xml", "<workbook/>")
    elif data == "empty":
        d = docx.Document()
        d.add_paragraph("")
        d.save(source)
    else:
        source.write_bytes(data)
    code, out, err = run_import(str(source), "--content", str(content), "--category", "guides", "--responsible", "王丽")
    assert code == 1
    assert len(err.strip().splitlines()) == 1 and message in err and err.startswith(str(source) + ": ")
    assert "Traceback" not in err and out == ""
    assert sorted(p.name for p in content.iterdir()) == ["site.yaml"]


def test_date_and_index_number_are_today_s_like_new(tmp_path):
    content = write_site(tmp_path / "c", {"guides/old.md": GOOD_NOTICE.replace("responsible", "index_number: 2026-00007\nresponsible").replace("2024-05-15", "2026-01-05")})
    source = tongzhi(tmp_path / "t.docx", tmp_path)
    code, out, err = run_import(str(source), "--content", str(content), "--category", "guides", "--responsible", "王丽")
    assert code == 0, err
    assert "已导入 guides/notice-20261127.md" in out
    fields = front_matter(content / "guides/notice-20261127.md")
    assert "date: 2026-11-27" in fields and "index_number: 2026-00008" in fields


def test_the_command_runs_as_a_process(tmp_path):
    content = write_site(tmp_path / "c", {})
    source = tongzhi(tmp_path / "t.docx", tmp_path)
    result = run_cli("import", str(source), "--content", str(content), "--category", "guides", "--responsible", "王丽")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("已导入 guides/notice-")


def test_embedded_files_footnotes_and_links_are_kept(tmp_path):
    d = docx.Document()
    line(d, "关于收费标准的公告", CENTER)
    add_footnote(d, d.add_paragraph("收费依据见省物价局文件。"), "省价费〔2020〕5号")
    add_link(d, d.add_paragraph("详见"), "省发展改革委网站", "https://fgw.example.gov.cn/sf (2020).html")
    sheet = b"PK\x03\x04 a small workbook"
    embed_file(d, sheet)
    d.save(tmp_path / "f.docx")
    content = write_site(tmp_path / "c", {})
    code, _out, err = run_import(str(tmp_path / "f.docx"), "--content", str(content), "--category", "guides",
                                 "--responsible", "张三", "--slug", "fees")
    assert code == 0, err
    text = (content / "guides/fees.md").read_text(encoding="utf-8")
    assert '- {file: "附件1.xlsx", title: "附件1"}' in text
    assert "收费依据见省物价局文件。[^1]" in text and "[^1]: 省价费〔2020〕5号" in text
    assert (content / "guides/fees/附件1.xlsx").read_bytes() == sheet
    assert "详见[省发展改革委网站](https://fgw.example.gov.cn/sf%20%282020%29.html)" in text
    assert build(content, tmp_path / "out") == 0
    html = notice_body(tmp_path / "out/guides/fees/index.html")
    assert '<p>见下表：<a href="附件1.xlsx" rel="noopener noreferrer">附件1.xlsx</a></p>' in html
    assert '<sup id="fnref:1">' in html and "省价费〔2020〕5号" in html
    assert '<a href="https://fgw.example.gov.cn/sf%20%282020%29.html"' in html
    assert (tmp_path / "out/guides/fees/附件1.xlsx").read_bytes() == sheet


def test_category_and_responsible_are_asked_for_on_a_terminal(tmp_path, monkeypatch):
    content = write_site(tmp_path / "c", {})
    source = tongzhi(tmp_path / "t.docx", tmp_path)
    answers = iter(["办事结果", "李四"])
    asked = []
    monkeypatch.setattr("sys.stdin", type("Terminal", (), {"isatty": staticmethod(lambda: True)})())
    monkeypatch.setattr("builtins.input", lambda prompt: asked.append(prompt) or next(answers))
    code, _out, err = run_import(str(source), "--content", str(content), "--slug", "asked")
    assert code == 0, err
    assert asked == ["分类（key 或中文名称）：", "责任人："]
    fields = front_matter(content / "results/asked.md")
    assert "category: results" in fields and 'responsible: "李四"' in fields


def test_chinese_automatic_numbering_is_written_out_as_word_shows_it(tmp_path):
    d = docx.Document()
    line(d, "关于做好安全检查的通知", CENTER)
    num = chinese_numbering(d)
    numbered(d, "检查范围", num, 0)
    numbered(d, "宗教活动场所", num, 1)
    numbered(d, "消防设施", num, 2)
    numbered(d, "疏散通道", num, 2)
    numbered(d, "宗教院校", num, 1)
    numbered(d, "工作要求", num, 0)
    numbered(d, "加强领导", num, 1)
    d.save(tmp_path / "n.docx")
    content = write_site(tmp_path / "c", {})
    code, _out, err = run_import(str(tmp_path / "n.docx"), "--content", str(content), "--category", "guides",
                                 "--responsible", "王丽", "--slug", "numbered")
    assert code == 0, err
    body = (content / "guides/numbered.md").read_text(encoding="utf-8").split("---\n", 2)[2]
    assert body == ("## 一、检查范围\n\n### （一）宗教活动场所\n\n1. 消防设施\n1. 疏散通道\n\n### （二）宗教院校\n\n"
                    "## 二、工作要求\n\n### （一）加强领导\n")


def test_a_head_without_wenjian_and_a_signer_beside_the_number(tmp_path):
    d = docx.Document()
    line(d, "星海市民族和宗教事务局", CENTER)
    line(d, "星民宗〔2024〕3号　　签发人：张明", CENTER)
    line(d, "关于申请专项经费的请示", CENTER)
    line(d, "市财政局：")
    line(d, "根据《星政发〔2023〕5号》文件精神，申请专项经费。")
    d.save(tmp_path / "q.docx")
    content = write_site(tmp_path / "c", {})
    code, out, err = run_import(str(tmp_path / "q.docx"), "--content", str(content), "--category", "guides",
                                "--responsible", "王丽", "--slug", "request")
    assert code == 0, err
    text = (content / "guides/request.md").read_text(encoding="utf-8")
    assert 'title: "关于申请专项经费的请示"' in text and 'doc_number: "星民宗〔2024〕3号"' in text
    assert 'issuer: "星海市民族和宗教事务局"' in text and 'addressee: "市财政局"' in text and 'genre: "请示"' in text
    assert "版头「签发人：张明」" in out
    assert text.split("---\n", 2)[2] == "签发人：张明\n\n根据《星政发〔2023〕5号》文件精神，申请专项经费。\n"


def test_a_document_without_a_head_keeps_a_number_quoted_in_its_text(tmp_path):
    d = docx.Document()
    line(d, "关于转发文件的通知", CENTER)
    line(d, "现将《星政发〔2023〕5号》转发给你们，请遵照执行。")
    d.save(tmp_path / "z.docx")
    content = write_site(tmp_path / "c", {})
    code, _out, err = run_import(str(tmp_path / "z.docx"), "--content", str(content), "--category", "guides",
                                 "--responsible", "王丽", "--slug", "forward")
    assert code == 0, err
    text = (content / "guides/forward.md").read_text(encoding="utf-8")
    assert "doc_number" not in text and 'title: "关于转发文件的通知"' in text


def test_without_a_title_line_it_asks_for_title(tmp_path):
    d = docx.Document()
    line(d, "经研究，决定自即日起调整窗口办公时间，具体安排如下，请相互转告。")
    d.save(tmp_path / "t.docx")
    content = write_site(tmp_path / "c", {})
    args = [str(tmp_path / "t.docx"), "--content", str(content), "--category", "guides", "--responsible", "王丽"]
    code, _out, err = run_import(*args)
    assert code == 1 and "没有找到标题（居中的标题段落）：请在 Word 中把标题设为居中，或用 --title 指定标题" in err
    assert sorted(p.name for p in content.iterdir()) == ["site.yaml"]
    code, _out, err = run_import(*args, "--title", "关于调整窗口办公时间的通知", "--slug", "hours")
    assert code == 0, err
    assert "经研究，决定自即日起" in (content / "guides/hours.md").read_text(encoding="utf-8")


def test_an_id_number_in_the_document_is_reported_like_in_a_build(tmp_path):
    d = docx.Document()
    line(d, "关于补发证件的公告", CENTER)
    line(d, "申请人：张三，身份证号 11010519491231002X。")
    d.save(tmp_path / "p.docx")
    content = write_site(tmp_path / "c", {})
    code, _out, err = run_import(str(tmp_path / "p.docx"), "--content", str(content), "--category", "guides",
                                 "--responsible", "王丽", "--slug", "reissue")
    assert code == 1
    assert err.startswith("guides/reissue.md:") and "身份证号" in err
    assert build(content, tmp_path / "out") == 1  # the build refuses it for the same reason
