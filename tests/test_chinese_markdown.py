"""Markdown rules for Chinese text and 公文 layout: the exact HTML each rule makes, on both paths."""

import pytest

from generator.markdown.markup import MARKDOWN_OPTIONS, Converter

PATHS = [Converter(), Converter(plain=False)]  # the plain path where it applies, and the full way


def html(text: str, converter: Converter) -> str:
    return converter.convert(text).html


@pytest.fixture(params=PATHS, ids=["plain", "full"])
def converter(request):
    return request.param


def test_a_soft_break_between_chinese_characters_joins_them_without_a_space(converter):
    assert html("请各单位认真开展自查，\n并于5月31日前报送。\n", converter) == "<p>请各单位认真开展自查，并于5月31日前报送。</p>"


def test_a_soft_break_between_latin_words_stays_a_space(converter):
    assert html("Hello\nworld\n", converter) == "<p>Hello\nworld</p>"
    assert html("见附件\nPDF 文件\n", converter) == "<p>见附件PDF 文件</p>"  # a wide character on either side joins


def test_lines_starting_with_a_chinese_enumeration_start_a_paragraph_of_their_own(converter):
    assert html("各单位：\n（1）填写申请表；\n（2）提交材料。\n", converter) == (
        "<p>各单位：</p>\n<p>（1）填写申请表；</p>\n<p>（2）提交材料。</p>")
    assert html("附件：1. 申请表\n2. 承诺书\n", converter) == "<p>附件：1. 申请表</p>\n<p>2. 承诺书</p>"
    assert html("正文。\n一、总体要求\n（一）工作目标\n第三条 适用范围\n附件：名单\n", converter) == (
        "<p>正文。</p>\n<p>一、总体要求</p>\n<p>（一）工作目标</p>\n<p>第三条 适用范围</p>\n<p>附件：名单</p>")


def test_a_short_heading_numbered_yi_ends_its_paragraph_and_wrapped_items_join(converter):
    assert html("一、自评范围\n2024年度下达的资金。\n", converter) == "<p>一、自评范围</p>\n<p>2024年度下达的资金。</p>"
    assert html("（一）资金管理情况。资金分配是否科学，\n拨付是否及时。\n", converter) == (
        "<p>（一）资金管理情况。资金分配是否科学，拨付是否及时。</p>")
    assert html("1. 请于2月28日前\n报送。\n", PATHS[1]) == "<ol>\n<li>请于2月28日前报送。</li>\n</ol>"


def test_in_a_list_item_an_enumeration_keeps_its_line():
    assert html("- 所需材料：\n（1）申请表\n", PATHS[0]) == "<ul>\n<li>所需材料：<br>\n（1）申请表</li>\n</ul>"


def test_a_decimal_at_a_line_start_is_not_an_enumeration(converter):
    assert html("收费标准为每件\n1.5元。\n", converter) == "<p>收费标准为每件1.5元。</p>"


def test_a_backslash_at_a_line_end_is_a_hard_break():
    assert html("第一行\\\n第二行\n", PATHS[0]) == "<p>第一行<br>\n第二行</p>"
    assert html("路径 C:\\\\\n下一行\n", PATHS[0]) == "<p>路径 C:\\下一行</p>"  # an escaped backslash is text


def test_two_trailing_spaces_still_break_the_line(converter):
    assert html("甲  \n乙\n", converter) == "<p>甲<br>\n乙</p>"


def test_a_full_width_indent_becomes_the_paragraph_indent(converter):
    assert html("\u3000\u3000根据有关规定，现通知如下。\n", converter) == '<p class="indented">根据有关规定，现通知如下。</p>'
    assert html("  \u3000\u3000根据有关规定。\n", converter) == '<p class="indented">根据有关规定。</p>'


def test_lines_indented_as_word_paragraphs_are_paragraphs(converter):
    body = "\u3000\u3000第一段，\n接着写。\n\u3000\u3000第二段。\n"
    assert html(body, converter) == '<p class="indented">第一段，接着写。</p>\n<p class="indented">第二段。</p>'


def test_only_the_paragraphs_the_clerk_indented_carry_the_indent(converter):
    body = "各区、县（市）民宗局：\n\u3000\u3000为做好年检工作，现通知如下。\n一、年检范围\n\n不缩进的一段。\n"
    assert html(body, converter) == ('<p>各区、县（市）民宗局：</p>\n<p class="indented">为做好年检工作，现通知如下。</p>\n'
                                     "<p>一、年检范围</p>\n<p>不缩进的一段。</p>")


def test_a_full_width_indent_on_every_path_and_with_other_syntax():
    plain = Converter(plain=False)
    reference = __import__("markdown").Markdown(**MARKDOWN_OPTIONS)
    for body in ("\u3000\u3000第一段。\n\n\u3000\u3000第二段，**重点**。\n", "\u3000\u3000落款\n{: .noindent }\n",
                 "> \u3000\u3000引用的一段。\n", "- 项\n\u3000\u3000续写\n"):
        outputs = {html(body, PATHS[0]), html(body, plain), plain._cleaner.clean(reference.reset().convert(body))}
        assert len(outputs) == 1, body
    assert html("\u3000\u3000落款\n{: .noindent }\n", plain) == '<p class="indented noindent">落款</p>'
    assert html("> \u3000\u3000引用的一段。\n", plain) == '<blockquote>\n<p class="indented">引用的一段。</p>\n</blockquote>'
    assert html("- 项\n\u3000\u3000续写\n", plain) == "<ul>\n<li>项\u3000\u3000续写</li>\n</ul>"  # a list item's text


def test_indented_text_is_a_paragraph_not_code():
    for body in ("    四个空格缩进的文字。\n", "\t制表符缩进的文字。\n"):
        assert html(body, PATHS[0]) == f"<p>{body.strip()}</p>"
    assert "<pre>" in html("```\ncode\n```\n", PATHS[0])  # code comes in fences only


def test_attribute_lists_set_the_documented_classes():
    assert html("星海市民族和宗教事务局\n{: .right }\n", PATHS[0]) == '<p class="right">星海市民族和宗教事务局</p>'
    assert html("## 第一章 总则 {: .center }\n", PATHS[0]) == '<h2 class="center" id="第一章-总则">第一章 总则</h2>'
    assert html("各县（市、区）民宗局：\n{: .noindent }\n", PATHS[0]) == '<p class="noindent">各县（市、区）民宗局：</p>'


def test_right_alignment_written_as_html_is_kept_in_every_spelling():
    for tag in ('<p style="text-align:right">落款</p>', "<p style='text-align: right;'>落款</p>",
                '<p style="TEXT-ALIGN: RIGHT">落款</p>', '<p align="right">落款</p>', "<p align=right>落款</p>",
                '<p style=text-align:right>落款</p>'):
        assert html(tag + "\n", PATHS[0]) == '<p class="align-right">落款</p>'


def test_tables_scroll_in_a_region_of_their_own(converter):
    wrap = '<div class="table-wrap" tabindex="0" role="region" aria-label="表格">'
    assert html("| 项目 | 标准 |\n| --- | --- |\n| 证书 | 10元 |\n", converter) == (
        wrap + "<table>\n<thead>\n<tr>\n<th>项目</th>\n<th>标准</th>\n</tr>\n</thead>\n<tbody>\n"
        "<tr>\n<td>证书</td>\n<td>10元</td>\n</tr>\n</tbody>\n</table></div>")


def test_merged_cells_and_breaks_in_raw_html_tables_are_kept():
    body = '<table><tr><th colspan="2">事项</th></tr><tr><td rowspan="2">甲<br>乙</td><td>丙</td></tr></table>\n'
    out = html(body, PATHS[0])
    assert 'colspan="2"' in out and 'rowspan="2"' in out and "甲<br>乙" in out
    assert out.startswith('<div class="table-wrap"') and out.endswith("</table></div>")


def test_a_summary_skips_the_addressee_line_and_tables():
    body = PATHS[0].convert("各区、县（市）民族宗教工作部门：\n\n为做好年检工作，现通知如下。\n\n| 项目 | 时间 |\n|---|---|\n| 年检 | 5月 |\n")
    assert body.summary == "为做好年检工作，现通知如下。"


def test_a_table_only_notice_takes_its_heading_or_caption_or_nothing():
    table = "| 项目 | 标准 |\n|---|---|\n| 证书 | 10元 |\n"
    assert PATHS[0].convert("## 2024年收费目录清单\n\n" + table).summary == "2024年收费目录清单"
    assert PATHS[0].convert("<table><caption>执法事项清单</caption><tr><td>甲</td></tr></table>\n").summary == "执法事项清单"
    assert PATHS[0].convert(table).summary == ""


def test_html_the_sanitiser_removes_is_named_with_its_line():
    from generator.markdown.bodycheck import needs_summary, removed_html

    assert removed_html('<p align="center">标题</p>\n<td align=right>1</td>\n') == []  # kept as alignment
    assert removed_html("落款\n{: .right }\n## 标题 {: #biaoti .center }\n") == []
    assert [line for line, _ in removed_html('甲\n{: style="color:red" .right }\n乙 {: #x }\n')] == [1, 2]
    body = ('正文。\n<p style="text-align:right">落款</p>\n<font color="red">红字</font>\n`<font>` 是代码\n'
            '```\n<script>x</script>\n```\n<td colspan="2" width="30">甲</td>\n<script>alert(1)</script>\n')
    assert [(line, message.split("，")[0].split("；")[0]) for line, message in removed_html(body)] == [
        (2, "HTML 标签 <font> 不能使用"), (7, "<td> 的属性 width 不能使用"), (8, "HTML 标签 <script> 不能使用")]
    assert "连同其中的内容" in removed_html(body)[2][1]
    assert needs_summary("| a |\n|---|\n| b |\n") and not needs_summary("## 标题\n\n| a |\n|---|\n") \
        and not needs_summary("说明。\n\n| a |\n|---|\n")


def test_the_build_warns_with_the_file_line(tmp_path, capsys):
    from conftest import GOOD_NOTICE, build, write_site

    notice = GOOD_NOTICE.replace("正文。", "正文。\n\n<p style=\"color:red\">红字</p>")
    table = GOOD_NOTICE.replace("正文。", "| 项目 | 标准 |\n|---|---|\n| 证书 | 10元 |")
    content = write_site(tmp_path / "content", {"guides/red.md": notice, "guides/table.md": table})
    assert build(content, tmp_path / "out") == 0
    err = capsys.readouterr().err
    assert "guides/red.md:9: 警告：<p> 的属性 style 不能使用，发布时会被去掉" in err
    assert "guides/table.md:7: 警告：正文只有表格，没有可作摘要的文字" in err


def test_bare_addresses_become_links_and_end_where_chinese_starts(converter):
    assert html("详见https://www.example.gov.cn/a/b.html。\n", converter) == (
        '<p>详见<a href="https://www.example.gov.cn/a/b.html" rel="noopener noreferrer">'
        "https://www.example.gov.cn/a/b.html</a>。</p>")
    assert html("网站：www.gov.cn，邮箱：mzzj@example.gov.cn.\n", converter) == (
        '<p>网站：<a href="https://www.gov.cn" rel="noopener noreferrer">www.gov.cn</a>，邮箱：'
        '<a href="mailto:mzzj@example.gov.cn" rel="noopener noreferrer">mzzj@example.gov.cn</a>.</p>')


def test_an_address_already_in_a_link_is_not_linked_again():
    assert html("[网站 https://a.example/](https://a.example/)\n", PATHS[0]) == (
        '<p><a href="https://a.example/" rel="noopener noreferrer">网站 https://a.example/</a></p>')


def test_phone_numbers_stay_text(converter):
    assert html("咨询电话：0571-87654321\n", converter) == "<p>咨询电话：0571-87654321</p>"


def test_the_table_region_is_added_before_the_sanitiser_and_cannot_be_borrowed():
    assert html('<div tabindex="5" role="button" aria-label="x">甲</div>\n', PATHS[0]) == "<div>甲</div>"
    hostile = html('<abbr title="<table onmouseover=alert(1) ">x</abbr>\n', PATHS[0])
    assert "onmouseover" not in hostile
