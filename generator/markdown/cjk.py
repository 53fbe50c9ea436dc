"""Render stage, body part: Markdown rules for Chinese text, shared by the full and the plain path.

Markdown was made for languages that put spaces between words. In Chinese:
- a line break inside a paragraph is only where the editor's window ended, so
  it joins the characters around it without the space a browser would show;
- a line that starts with an enumeration (一、 （一） 1. （1） 附件：) starts a
  new paragraph, as it does in a 公文 (in a list item, a new line);
- a line ending in a backslash is a hard break (no invisible trailing spaces);
- indented text pasted from Word is a paragraph, never a code block (code is
  written in ``` fences only);
- a line starting with a full-width indent (　　) starts a new paragraph, as in
  Word, and the indent itself becomes the paragraph's first-line indent: the
  paragraph gets the class `indented`, so that the clerk's indent shows even in
  a category whose paragraphs are not indented (`indent: false`).

`split_paragraph` and `join_lines` hold the rules for one paragraph's text; the python-markdown
extension applies it before inline processing, and plainmarkdown.py writes the
same result straight, so both paths stay byte for byte the same.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Extension
from markdown.blockprocessors import ParagraphProcessor
from markdown.treeprocessors import Treeprocessor

# Wide characters: CJK ideographs and punctuation, full-width forms, and the
# quotation marks, dashes and ellipsis Chinese text uses (ambiguous width, wide in Chinese).
WIDE = ("\u00b7\u2014\u2018\u2019\u201c\u201d\u2026\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u312f"
        "\u3190-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff")
_WIDE = re.compile(f"[{WIDE}]")
_NUMERAL = "一二三四五六七八九十百零〇"
# What starts a line of its own inside a paragraph: 一、 （一） (一) 1. 1、 （1） ① 附件： 附件1： 第一章 第十条
ENUMERATION = re.compile(
    rf"(?:[{_NUMERAL}]+、|[（(][{_NUMERAL}\d]+[）)]|\d+[.．、](?!\d)|[\u2460-\u2473]"
    rf"|附件\s*\d*\s*[：:]|第[{_NUMERAL}\d]+[章节条款])"
)
# The numbers of 公文 headings of the first two levels; 1. and （1） number items, which wrap.
_HEADING_NUMBER = re.compile(rf"(?:[{_NUMERAL}]+、|[（(][{_NUMERAL}]+[）)])")
# A line break with what surrounds it: trailing spaces (two or more make a hard break), a backslash
# (a hard break), the next line's indent.
_BREAK = re.compile(r"(\\?)( *)\n[ \t]*")
FULL_WIDTH_INDENT = "\u3000"
INDENTED = "indented"  # the class of a paragraph whose first line the clerk indented with 　
HEADING_LIMIT = 30  # characters: a longer enumerated line is prose that the editor's window wrapped
_CONTINUES = "，、；：,;:（(—"  # a line ending so goes on in the next


def join_lines(text: str, hard_break: str) -> str:
    """Apply the Chinese line rules to one paragraph's text; `hard_break` is what a kept break becomes."""
    if "\n" not in text:
        return text

    def rule(match: re.Match[str]) -> str:
        backslash, spaces = match.group(1), match.group(2)
        if backslash and not _escaped(text, match.start()):
            return hard_break
        if len(spaces) >= 2:
            return match.group(0)  # Markdown's own hard break, left for the inline processor
        if ENUMERATION.match(text, match.end()):
            return backslash + hard_break
        before = text[match.start() - 1: match.start()]
        after = text[match.end(): match.end() + 1]
        if after == "{":
            return match.group(0)  # an attribute list on its own line ({: .right }) keeps its line
        if _WIDE.fullmatch(before) or _WIDE.fullmatch(after):
            return backslash  # what is left of an escaped backslash
        return match.group(0)

    return _BREAK.sub(rule, text)


def _escaped(text: str, index: int) -> bool:
    """Tell whether the backslash at `index` is itself escaped by an odd run of backslashes before it."""
    run = 0
    while index - run - 1 >= 0 and text[index - run - 1] == "\\":
        run += 1
    return run % 2 == 1


def split_paragraph(text: str) -> list[str]:
    """Split a paragraph's text where a 公文 starts a new paragraph.

    A line that starts with a full-width indent (a Word paragraph) or with an
    enumeration (一、 （一） 1. （1） 附件：) starts one, and so does the line
    after a short heading numbered 一、 or （一） (`一、自评范围`), so that each gets the
    first-line indent of its own.
    """
    return [part for part, _indented in split_indented(text)]


def split_indented(text: str) -> list[tuple[str, bool]]:
    """Split as `split_paragraph` does, telling of each part whether it started with a full-width indent."""
    lines = text.split("\n")
    parts = [[lines[0]]]
    for before, line in zip(lines, lines[1:]):
        start = line.lstrip(" \t")
        if start.startswith(FULL_WIDTH_INDENT) or ENUMERATION.match(start) or _heading_like(before):
            parts.append([line])
        else:
            parts[-1].append(line)
    texts = ["\n".join(part) for part in parts]
    indents = [starts_indented(text) for text in texts]
    texts = [text.lstrip(" \t" + FULL_WIDTH_INDENT) for text in texts]
    return list(zip([_drop_break(text) for text in texts[:-1]] + texts[-1:], indents))


def starts_indented(text: str) -> bool:
    """Tell whether a paragraph's text starts with a full-width indent (after any half-width spaces)."""
    return text.lstrip(" \t\n").startswith(FULL_WIDTH_INDENT)


def _heading_like(line: str) -> bool:
    """Tell whether a line is a short enumerated heading (一、自评范围), which ends its own paragraph."""
    text = line.strip(" \t" + FULL_WIDTH_INDENT)
    return bool(_HEADING_NUMBER.match(text)) and len(text) <= HEADING_LIMIT and text[-1] not in _CONTINUES


def _drop_break(part: str) -> str:
    """Strip the line-break mark (trailing spaces, a backslash) left at the end of a paragraph split from the next."""
    part = part.rstrip(" ")
    if part.endswith("\\") and not _escaped(part, len(part) - 1):
        part = part[:-1].rstrip(" ")
    return part


class ChineseLines(Treeprocessor):
    """Split Word-style paragraphs and apply `join_lines` to every paragraph and list item, before inline syntax."""

    def run(self, root: etree.Element) -> None:
        for parent in list(root.iter()):
            for index in range(len(parent) - 1, -1, -1):
                child = parent[index]
                if child.tag == "p" and child.text and not len(child):
                    parts = split_indented(child.text) if "\n" in child.text else [(child.text, False)]
                    child.text = join_lines(parts[0][0], "  \n")
                    for offset, (part, indented) in enumerate(parts[1:], 1):
                        extra = etree.Element("p")
                        if indented:
                            extra.set("class", INDENTED)
                        extra.text = join_lines(part, "  \n")
                        extra.tail = "\n"
                        parent.insert(index + offset, extra)
                elif child.tag == "li" and child.text:
                    child.text = join_lines(child.text, "  \n")


class IndentedParagraph(ParagraphProcessor):
    """python-markdown's paragraph, remembering a full-width indent before its own strip of leading space
    removes it: the paragraph gets the class `indented`."""

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        indented = starts_indented(blocks[0]) and not self.parser.state.isstate("list")
        count = len(parent)
        super().run(parent, blocks)
        if indented and len(parent) > count and parent[-1].tag == "p":
            parent[-1].set("class", INDENTED)


class ChineseExtension(Extension):
    """The Chinese text rules as a python-markdown extension."""

    def extendMarkdown(self, md) -> None:  # noqa: N802
        md.parser.blockprocessors.deregister("code")  # indented text is a paragraph; code comes in fences
        md.parser.blockprocessors.register(IndentedParagraph(md.parser), "paragraph", 10)
        md.treeprocessors.register(ChineseLines(md), "chinese_lines", 25)  # before inline (20): raw text


def makeExtension(**kwargs) -> ChineseExtension:  # noqa: N802
    """Let python-markdown load the extension by its module name."""
    return ChineseExtension(**kwargs)
