"""The fast Markdown engine renders every body exactly as plain python-markdown does, byte for byte.

Its shortcuts skip work only where the result cannot change; the property test
feeds both engines the Markdown editors type (Chinese prose with the characters
that start inline syntax, tables, footnotes, headings, raw HTML) and compares
the HTML. One engine of each kind converts every example in turn, as a build
does, so state left over from one document would show in the next.
"""

from __future__ import annotations

import re
import subprocess
import sys

import markdown
from conftest import ROOT
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markdown.blockprocessors import BlockQuoteProcessor, HashHeaderProcessor, ReferenceProcessor, SetextHeaderProcessor
from markdown.extensions.footnotes import FootnoteBlockProcessor

from generator.markdown.fastmarkdown import BLOCK_NEEDS, Markdown, required_chars
from generator.markdown.markup import MARKDOWN_OPTIONS

FAST = Markdown(**MARKDOWN_OPTIONS)
PLAIN = markdown.Markdown(**MARKDOWN_OPTIONS)

WORD = st.sampled_from([
    "办理", "申请材料", "公开", "第一条", "abc", "x_y", "2024", "13800138000", " ", "  ", "\t", "，", "。", "！",
    "*", "**", "***", "_", "__", "`", "``", "[", "]", "(", ")", "![", "[^1]", "[^2]", "[^x]", "[TOC]", "<", ">",
    "&", "&amp;", "&#91;", "&copy;", "\\", "\\*", "\\[", "\\`", "!", "#", "|", ":", "-", "  \n", "\n",
    "<span>", "</span>", "<b class=\"x\">", "<!-- 注 -->", "<http://a.example/b>", "<a@b.example>",
    "[链接](https://a.example/)", "[引用][r]", "[r]", "![图](p.png)", "*强调*", "**加粗**", "`代码`",
    "https://a.example/x", "www.gov.cn", "a@b.example", "\n（一）", "\n附件：", "\n1、", "\\\n", "\n{: .center }", " {: .right }", "\u3000\u3000", "\n\u3000\u3000",
    "\x02", "\x03", "=", "===", "---", "> ", "\n> ", "\n#", "\n===", "\n- - -", "\n_ _ _", "\n* * *",
])
INLINE = st.lists(WORD, max_size=12).map("".join)
HEADING = st.builds(lambda level, text: "#" * level + " " + text, st.integers(1, 7), INLINE)
TABLE = st.builds(lambda head, rule, rows: "\n".join([f"| {head} | 值 |", rule, *(f"| {r} | {r} |" for r in rows)]),
                  INLINE, st.sampled_from(["| :-- | --: |", "|---|---|", "--- | ---", "| - |"]), st.lists(INLINE, max_size=3))
BLOCK = st.one_of(
    INLINE, INLINE, HEADING, HEADING, TABLE,
    st.builds(lambda text: "[^1]: " + text, INLINE),
    st.builds(lambda text: "[r]: https://r.example/ \"" + text + "\"", INLINE),
    st.builds(lambda items: "\n".join("- " + i for i in items), st.lists(INLINE, min_size=1, max_size=3)),
    st.builds(lambda items: "\n".join(f"{n}. {i}" for n, i in enumerate(items, 1)), st.lists(INLINE, min_size=1, max_size=3)),
    st.builds(lambda text: "> " + text, INLINE),
    st.builds(lambda text: "```\n" + text + "\n```", INLINE),
    st.builds(lambda text: "    " + text, INLINE),
    st.builds(lambda text: "<div>" + text + "</div>", INLINE),
    st.builds(lambda a, b: f"- {a}\n    - {b}\n\n    {b}", INLINE, INLINE),  # nested list, loose item
    st.builds(lambda text: "> ## " + text + "\n> > " + text, INLINE),
    st.sampled_from(["[TOC]", "---", "***", "<p>[TOC]</p>", "标题\n===", "标题\n---", "- [TOC]"]),
)
DOCUMENT = st.lists(st.tuples(BLOCK, st.sampled_from(["\n\n", "\n", "\n\n\n"])), max_size=8).map(
    lambda parts: "".join(block + gap for block, gap in parts))


def both(text: str) -> tuple[str, str]:
    FAST.reset()
    PLAIN.reset()
    return FAST.convert(text), PLAIN.convert(text)


@settings(max_examples=400, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCUMENT)
@example("## 一、办理依据\n\n根据有关规定，现将办理事项公告如下。\n\n1. 申请人提交材料。\n2. 五个工作日内办结。\n")
@example("## 一、依据\n\n## 一、依据\n\n正文*强调*与`代码`。  \n下一行[^1]\n\n[^1]: 注。\n\n[TOC]\n")
@example("# 标题 [^1] &amp; <b>粗</b>\n\n## \\*转义\\*\n\n[^1]: 脚注\n")
def test_fast_engine_renders_what_plain_python_markdown_renders(text):
    fast, plain = both(text)
    assert fast == plain


def test_required_characters_are_read_from_the_patterns():
    assert required_chars(re.compile(r"\*|_")) == frozenset("*_")
    assert required_chars(re.compile(r"(?<!\\)\[")) == frozenset("[")
    assert required_chars(re.compile(r"  \n")) == frozenset(" ")  # a space is rarer in Chinese prose than a line end
    assert required_chars(re.compile(r"&(?:#[0-9]+|[a-z]+);")) == frozenset("&")
    # Nothing is known about patterns that may match anything, or any case of a letter.
    for unknown in (r"a?", r"[^x]", r"\w+", r".", r"(?=a)"):
        assert required_chars(re.compile(unknown)) is None
    assert required_chars(re.compile("a", re.IGNORECASE)) is None


def test_the_block_shortcuts_agree_with_the_patterns_they_stand_for():
    """Where a block processor acts on one pattern, the characters it needs are those the pattern must consume."""
    for kind in (HashHeaderProcessor, SetextHeaderProcessor, BlockQuoteProcessor, ReferenceProcessor, FootnoteBlockProcessor):
        assert required_chars(kind.RE) <= set(BLOCK_NEEDS[kind])


# What python-markdown's inline patterns must consume, read from CPython's private `re._parser`.
INLINE_NEEDS = {
    "backtick": "\\`", "escape": "\\", "footnote": "[", "reference": "[", "link": "[", "image_link": "!",
    "image_reference": "!", "short_reference": "[", "short_image_ref": "!", "autolink": "<", "automail": "<",
    "linebreak": " ", "html": "<", "entity": "&", "em_strong": "*_", "bare_url": "hw", "bare_email": "@",
}


def test_the_private_parser_of_re_still_reads_python_markdowns_patterns():
    """On a Python whose `re._parser` is gone or changed, the engine still gives the same HTML (the fallback
    below) but tries every pattern on every Chinese paragraph again: this says so instead of a slower build."""
    patterns = markdown.Markdown(**MARKDOWN_OPTIONS).inlinePatterns
    found = {name: required_chars(patterns[name].getCompiledRegExp()) for name in INLINE_NEEDS}
    wanted = {name: frozenset(chars) for name, chars in INLINE_NEEDS.items()}
    assert found == wanted, (
        f"Python {sys.version.split()[0]}: re._parser no longer reads as generator/markdown/fastmarkdown.py "
        "expects, so its inline shortcuts are off or wrong; adapt _item() to the new parse tree")
    prose = "根据有关规定，现将办理事项公告如下：申请人应当于五个工作日内提交材料。"
    assert not any(set(prose) & chars for chars in found.values())  # Chinese prose skips every pattern


def test_without_the_private_parser_of_re_the_engine_runs_every_pattern_and_renders_the_same(tmp_path):
    # Simulates a Python without `re._parser`: importing it fails while the engine is imported, as it would there.
    script = (
        "import sys, re\n"
        "hidden = re._parser, re._constants\n"
        "del re._parser, re._constants\n"
        "sys.modules['re._parser'] = sys.modules['re._constants'] = None\n"
        "from generator.markdown.fastmarkdown import Markdown, required_chars\n"
        "re._parser, re._constants = hidden\n"
        "sys.modules['re._parser'], sys.modules['re._constants'] = hidden\n"
        "import markdown\n"
        "from generator.markdown.markup import MARKDOWN_OPTIONS\n"
        "assert required_chars(re.compile(r'\\*')) is None\n"
        f"text = {SAMPLE!r}\n"
        "print(Markdown(**MARKDOWN_OPTIONS).convert(text) == markdown.Markdown(**MARKDOWN_OPTIONS).convert(text))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


SAMPLE = ("## 一、依据\n\n正文*强调*与`代码`、[链接](https://a.example/)和 &amp; 实体。  \n下一行[^1]\n\n"
          "| 项目 | 值 |\n| --- | --- |\n| **甲** | <b>乙</b> |\n\n[^1]: 注。\n")
