"""Import, reading: what a Word paragraph's formatting says: its style, alignment, boldness and numbering.

Word keeps these apart from the text, in styles and numbering definitions;
docxbody.py asks here whether a paragraph is a heading, centred, bold or a
numbered item, and what its number looks like (一、, （一）, ①).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from docx.oxml.ns import qn

# Number formats that Markdown lists cannot show: the number is written into the text instead.
WRITTEN_FORMATS = {"chineseCounting", "chineseCountingThousand", "ideographTraditional", "decimalEnclosedCircle",
                   "decimalEnclosedCircleChinese", "decimalFullWidth"}


class Styles:
    """The document's paragraph styles by id, looked up once rather than for every paragraph."""

    def __init__(self, document):
        self.by_id = {style.style_id: style for style in document.styles if style.type == 1}
        self.default = next((style for style in self.by_id.values()
                             if style.element.get(qn("w:default")) in ("1", "true")), None)

    def of(self, p):
        """Return the paragraph's style object, or None."""
        style_id = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        if style_id is None:
            return self.default
        return self.by_id.get(style_id.get(qn("w:val")))


def style_name(styles: Styles, p) -> str:
    """Return the paragraph style's name (Heading 1, 标题 1, List Number …)."""
    style = styles.of(p)
    return style.name if style is not None and style.name else ""


def style_num_pr(styles: Styles, p):
    """Return the numbering a paragraph's style gives it, if any."""
    style = styles.of(p)
    while style is not None:
        num_pr = style.element.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        if num_pr is not None:
            return num_pr
        style = style.base_style
    return None


def alignment(styles: Styles, p) -> str:
    """Return left, center or right from the paragraph or its style; "" when neither says."""
    jc = p.find(f"{qn('w:pPr')}/{qn('w:jc')}")
    value = jc.get(qn("w:val")) if jc is not None else None
    if value is None:
        style = styles.of(p)
        while style is not None and value is None:
            found = style.element.find(f"{qn('w:pPr')}/{qn('w:jc')}")
            value = found.get(qn("w:val")) if found is not None else None
            style = style.base_style
    return {"center": "center", "right": "right", "end": "right", "left": "left", "start": "left",
            "both": "left", "distribute": "left"}.get(value or "", "")


def bold_run(run) -> bool:
    """Tell whether a run is bold, directly or by its character style."""
    props = run.find(qn("w:rPr"))
    if props is not None:
        b = props.find(qn("w:b"))
        if b is not None:
            return b.get(qn("w:val")) not in ("0", "false", "off")
        style = props.find(qn("w:rStyle"))
        if style is not None and style.get(qn("w:val")) == "Strong":
            return True
    return False


@dataclass(frozen=True)
class Level:
    """How one level of a Word numbering writes its number: format, pattern (`%1、`) and first value."""

    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1


def numbering_levels(document) -> dict[tuple[str, int], Level]:
    """Map (numId, level) to how that level numbers its paragraphs."""
    try:
        numbering = document.part.numbering_part.element
    except (KeyError, NotImplementedError):
        return {}
    abstract = {}
    for item in numbering.iterchildren(qn("w:abstractNum")):
        levels = {}
        for lvl in item.iterchildren(qn("w:lvl")):
            fmt, text, start = (lvl.find(qn(f"w:{name}")) for name in ("numFmt", "lvlText", "start"))
            levels[int(lvl.get(qn("w:ilvl"), "0"))] = Level(
                fmt.get(qn("w:val")) if fmt is not None else "decimal",
                text.get(qn("w:val"), "") if text is not None else "%1.",
                int(start.get(qn("w:val"), "1")) if start is not None else 1)
        abstract[item.get(qn("w:abstractNumId"))] = levels
    found = {}
    for num in numbering.iterchildren(qn("w:num")):
        ref = num.find(qn("w:abstractNumId"))
        for level, definition in abstract.get(ref.get(qn("w:val")) if ref is not None else None, {}).items():
            found[(num.get(qn("w:numId")), level)] = definition
    return found


def number_text(level: Level, counts: list[int]) -> str:
    """Write a paragraph's number as Word shows it: `%1、` with 3 in Chinese counting is 三、."""
    def one(match: re.Match) -> str:
        index = int(match.group(1)) - 1
        return _count(counts[index] if index < len(counts) else 1, level.fmt)

    return re.sub(r"%(\d)", one, level.text)


def _count(n: int, fmt: str) -> str:
    """Write n in one of Word's number formats used in 公文."""
    if fmt in ("chineseCounting", "chineseCountingThousand"):
        return _chinese(n)
    if fmt == "ideographTraditional":
        return "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10]
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalFullWidth":
        return "".join(chr(0xFF10 + int(d)) for d in str(n))
    return str(n)


def _chinese(n: int) -> str:
    """Write 1–99 in Chinese counting (一, 十, 十一, 二十三)."""
    digits = "〇一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")
