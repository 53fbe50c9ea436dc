"""Markdown: the features editors use, sanitised, with stable anchors and a summary."""

from generator.markdown.markup import Converter, summarise


def convert(text):
    return Converter().convert(text)


def test_tables_footnotes_and_chinese_anchors():
    body = convert("开头。\n\n## 一、办理依据\n\n| 项 | 值 |\n|:-|-:|\n| a | b |\n\n注[^1]\n\n[^1]: 脚注内容。\n")
    assert '<h2 id="一办理依据">一、办理依据</h2>' in body.html
    assert "<table>" in body.html and 'class="align-right"' in body.html and "style=" not in body.html
    assert 'href="#fn:1"' in body.html and 'id="fn:1"' in body.html


def test_a_level_one_heading_becomes_h2_because_the_title_is_h1():
    assert "<h2" in convert("# 大标题\n").html and "<h1" not in convert("# 大标题\n").html


def test_hostile_html_is_never_live():
    html = convert('<script>alert(1)</script>\n\n<img src=x onerror="alert(2)">\n\n'
                   '[点我](javascript:alert(3)) <a href="JaVaScRiPt:alert(4)">x</a>'
                   '<iframe src="https://evil.example"></iframe><style>body{}</style>\n').html
    lowered = html.lower()
    for bad in ("<script", "onerror", "javascript:", "<iframe", "<style", "alert(1)"):
        assert bad not in lowered


def test_anchors_are_stable_across_conversions():
    converter = Converter()
    first = converter.convert("## 申请条件\n\n## 申请条件\n").html
    assert converter.convert("## 申请条件\n\n## 申请条件\n").html == first
    assert 'id="申请条件"' in first and 'id="申请条件_1"' in first


def test_summary_cuts_at_a_chinese_sentence_end():
    sentence = "这是第一句话，用来说明办事的基本要求和注意事项。"
    summary = summarise("<p>" + sentence * 10 + "</p>")
    assert summary.endswith("。") and len(summary) <= 120
    assert summarise("<p>短摘要。</p><div class=\"footnote\"><p>脚注</p></div>") == "短摘要。"


def test_summary_without_sentence_end_is_cut_with_an_ellipsis():
    assert summarise("<p>" + "字" * 300 + "</p>") == "字" * 120 + "……"


def test_given_summary_wins():
    assert Converter().convert("正文。", summary="给定的摘要").summary == "给定的摘要"


def test_the_summary_is_taken_from_the_first_paragraphs_as_if_all_were_read():
    """The summary stops reading paragraphs once it has enough text; what it says must not depend on that:
    the 主送机关 line is still dropped, a sentence end still cuts, wherever the paragraphs break."""
    addressee, sentence = "各区、县（市）民宗局：", "请各单位按时报送材料。"
    for first in (addressee, "说明如下。"):
        for lengths in ((3,), (10, 1), (1, 30), (11, 11, 11), (12, 0, 12), (1, 1, 1, 1, 40), (-110, 1), (-60, -61)):
            paragraphs = [first] + [sentence * n or "无" if n >= 0 else "字" * -n for n in lengths]
            html = "".join(f"<p>{p}</p>" for p in paragraphs)
            text = "".join(paragraphs[1:] if first == addressee else paragraphs)
            cut = text[:120].rfind("。")
            expected = text if len(text) <= 120 else text[:cut + 1] if cut >= 20 else text[:120] + "……"
            assert summarise(html) == expected, (first, lengths)
    assert summarise("<p>" + "字" * 100 + "</p><p>" + "字" * 100 + "</p>") == "字" * 120 + "……"
    assert summarise('<div class="table-wrap"><table><caption>收费标准</caption></table></div>') == "收费标准"
