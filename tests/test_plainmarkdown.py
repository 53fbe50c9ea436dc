"""Plain bodies are written straight to HTML, and that HTML is exactly what the full way makes.

The shortcut must never change a page: any body it takes must come out byte for
byte as python-markdown, the toc ids, the alignment classes and the sanitiser
make it. The first property test feeds it bodies built from the blocks notices
use, with the characters that change their meaning (markers at line starts,
unicode spaces, controls, inline syntax) mixed in; whatever it accepts must
equal the full way. The second makes sure the shortcut is taken at all, for the
plain bodies it exists for.
"""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.markdown.markup import Converter
from generator.markdown.plainmarkdown import render

FULL = Converter(plain=False)
SHORT = Converter()

CLEAN_WORDS = ["办理", "申请材料", "公开", "第一条", "工作日", "abc", "2024", "，", "。", "、", "（", "）", "：", "“", "”", "《", "》",
               "（1）", "一、", "（一）", "附件：", "第二章", "①", "mzzj@example.gov.cn", "https://a.example/", "www.x.cn"]
# Characters that keep a body in the subset's reach but change a line's meaning where they stand...
EDGE_WORDS = [
    " ", "  ", "\u3000", "\u2028", "\u200b", "\ufeff", "#", "##", "-", "- ", "--", "---", "|", ":", "=", "===",
    "~~~", "+", "1.", "1. ", "2. ", "10. ", "a b", "😀", "\n", "\n\n",
]
# ...and ones that send it the full way wherever they stand (sampled less, or little would be left to compare).
SPECIAL_WORDS = ["\u00a0", "\x85", "\x0c", "\t", "\r", "\x02", "*", "_", "&", "<", ">", "\\", "`", "[", "]"]
CLEAN = st.sampled_from(CLEAN_WORDS)
ANY = st.sampled_from(CLEAN_WORDS * 2 + EDGE_WORDS * 2 + SPECIAL_WORDS)


def text(words, min_size: int = 1):
    return st.lists(words, min_size=min_size, max_size=6).map("".join)


def clean_line():
    """A line of prose that starts and ends with a word, as editors write it."""
    return st.builds(lambda a, mid, b: a + mid + b, st.sampled_from(["办理", "公开", "申请", "abc"]),
                     st.lists(st.sampled_from(CLEAN_WORDS + [" "]), max_size=6).map("".join), st.sampled_from(["。", "事项", "x"]))


def blocks(line, word):
    heading = st.builds(lambda level, gap, t, close: "#" * level + gap + t + close,
                        st.integers(1, 7), st.sampled_from([" ", "", "  ", "\u3000"]),
                        st.one_of(line, st.sampled_from(["。", "、、", "-", "1."])), st.sampled_from(["", " #", " ##"]))
    paragraph = st.lists(line, min_size=1, max_size=3).map("\n".join)
    bullets = st.lists(st.builds(lambda mark, t: mark + t, st.sampled_from(["- ", "- ", "-  ", "* ", "+ "]), line),
                       min_size=1, max_size=3).map("\n".join)
    numbered = st.builds(lambda start, marks, items: "\n".join(f"{start + i}{m}{t}" for i, (m, t) in enumerate(zip(marks, items))),
                         st.sampled_from([1, 1, 0, 2]), st.lists(st.sampled_from([". ", ". ", ".  ", ")"]), min_size=3, max_size=3),
                         st.lists(line, min_size=1, max_size=3))
    rule = st.lists(st.sampled_from(["---", " --- ", ":--", "--:", ":-:", "-", ":", ""]), min_size=2, max_size=3)
    table = st.builds(
        lambda head, sep, rows, edge: "\n".join(
            edge[0] + "|".join(cells) + edge[1] for cells in [head, sep, *rows]),
        st.lists(word, min_size=1, max_size=3), rule, st.lists(st.lists(word, min_size=2, max_size=3), max_size=3),
        st.sampled_from([("|", "|"), ("| ", " |"), ("", "|"), ("|", "")]))
    return st.one_of(heading, paragraph, paragraph, bullets, numbered, table)


GAP = st.sampled_from(["\n\n", "\n\n", "\n", "\n\n\n", "\n \n"])
MIXED = st.lists(st.tuples(blocks(text(ANY), text(ANY, 0)), GAP), max_size=7).map(lambda parts: "".join(b + g for b, g in parts))


CLEAN_BLOCK = blocks(clean_line(), text(CLEAN)).filter(lambda b: render(b) is not None)
CLEAN_BODY = st.lists(st.tuples(st.sampled_from(["## 一、事项", "正文。"]), CLEAN_BLOCK), min_size=1, max_size=6).map(
    # Each block is preceded by a heading or paragraph, so no two lists meet (python-markdown would merge them).
    lambda parts: "\n\n".join(f"{lead}\n\n{block}" for lead, block in parts) + "\n")
# Plain blocks meeting in any way: lists after lists, blocks without a blank line between.
CLEAN_MIX = st.lists(st.tuples(CLEAN_BLOCK, GAP), min_size=2, max_size=5).map(lambda parts: "".join(b + g for b, g in parts))


def slip_in(body: str, line: int, where: int, word: str) -> str:
    """Put a word at the start, just after the marker, or at the end of one of the body's lines."""
    lines = body.split("\n")
    text = lines[line % len(lines)]
    at = (0, min(2, len(text)), len(text))[where]
    lines[line % len(lines)] = text[:at] + word + text[at:]
    return "\n".join(lines)


START_WORDS = ["#", "# ", "- ", "-", "1. ", "2. ", "|", ":", "=", "~~~", "+ ", "> ", " ", "\u3000", "*", "    ",
               "（1）", "一、", "附件：", "2、", "{: .right }", "\t"]
END_WORDS = [" ", "  ", "\u3000", "\u2028", "#", " #", "|", ":", "=", "-"]
# A plain body with one word slipped in where lines start and end: the cases at the subset's edge.
NEAR_PLAIN = st.one_of(
    st.builds(slip_in, st.one_of(CLEAN_BODY, CLEAN_MIX), st.integers(0, 100), st.integers(0, 1), st.sampled_from(START_WORDS)),
    st.builds(slip_in, st.one_of(CLEAN_BODY, CLEAN_MIX), st.integers(0, 100), st.just(2), st.sampled_from(END_WORDS)),
    st.builds(slip_in, st.one_of(CLEAN_BODY, CLEAN_MIX), st.integers(0, 100), st.integers(0, 2),
              st.sampled_from(EDGE_WORDS + SPECIAL_WORDS)))


@settings(max_examples=500, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(MIXED, CLEAN_MIX, NEAR_PLAIN))
@example("## 一、依据\n\n## 一、依据\n\n# 一、依据\n\n正文。\n")
@example("1. 甲\n2. 乙\n\n- 丙\n\n1. 丁\n")
@example("- 甲\n\n- 乙\n")
@example("| 事项 | 时限 |\n| :-- | --: |\n| 甲 |  |\n")
@example("\u3000\u3000正文缩进。\n\n- \u3000项\n")
@example("\u3000\u3000甲\n\u3000\u3000\n乙\n\u3000\u3000# 丙\n")
@example("甲  \n乙\n")  # a line break
@example("各单位：\n（一）甲\n（二）乙\nabc\ndef\n")  # Chinese enumerations keep their lines
@example("甲\n{: .right }\n")  # an attribute list
@example("- 1. 甲\n- 乙\n")  # a list inside an item
@example("## 甲 # 乙\n")
@example("甲\u00a0乙\n")  # the sanitiser writes &nbsp;
def test_what_the_shortcut_takes_it_renders_as_the_full_way_does(body):
    short = render(body)
    if short is not None:
        assert short == FULL.convert(body).html


@settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(CLEAN_BODY)
def test_plain_bodies_take_the_shortcut(body):
    assert render(body) is not None
    assert SHORT.convert(body) == FULL.convert(body)


def test_a_body_pasted_from_word_with_full_width_indents_takes_the_shortcut():
    body = "各有关单位：\n\u3000\u3000根据有关规定，\n现通知如下。\n\u3000\u3000一、时间\n\n\u3000\u3000特此通知。\n"
    html = render(body)
    assert html == FULL.convert(body).html
    assert html.count('<p class="indented">') == 3 and html.startswith("<p>各有关单位：</p>")


def test_a_typical_notice_takes_the_shortcut_with_its_structure_intact():
    body = ("## 一、办理依据\n\n根据有关规定，现公告如下。\n第二行。\n\n1. 提交申请。\n2. 五个工作日内办结。\n\n"
            "| 事项 | 时限 |\n| --- | :-: |\n| 登记 | 5个工作日 |\n\n# 一、办理依据\n")
    html = render(body)
    assert html == FULL.convert(body).html
    assert html.count("<li>") == 2 and html.count("<tr>") == 2
    assert '<h2 id="一办理依据">' in html and '<h2 id="一办理依据_1">' in html  # h1 demoted, ids unique
    assert '<td class="align-center">5个工作日</td>' in html


def test_bodies_with_inline_syntax_or_raw_html_go_the_full_way():
    for body in ("正文*强调*。", "见[链接](https://a.example/)。", "<b>粗</b>", "甲 &amp; 乙", "> 引用", "    代码",
                 "1. 甲\n\n2. 乙", "标题\n===", "- 甲\n  续行"):
        assert render(body) is None, body
