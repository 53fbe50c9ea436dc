"""Validate stage, body part: what a clerk wrote that the page will not show as written.

The sanitiser (markup.py) removes tags and attributes it does not allow, and
rightly so, but a clerk who pasted `<font>` or `style="…"` from Word would
otherwise never learn why the page looks different: each removal is named
here with its line. A notice of tables alone has no sentence to take a
summary from, so it is asked for one.
"""

from __future__ import annotations

import re

from generator.markdown.markup import ALLOWED_ATTRIBUTES, ALLOWED_TAGS

_FENCE = re.compile(r"^\s*(```|~~~)")
_CODE_SPAN = re.compile(r"(`+).*?\1")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s+[^\s=/>]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*)\s*/?>")
_ATTRIBUTE = re.compile(r"([^\s=/>]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+))?")
_KEPT_STYLE = re.compile(r"""^["']?\s*text-align\s*:\s*(left|right|center)\s*;?\s*["']?$""", re.I)  # markup._ALIGN
_KEPT_ALIGN = re.compile(r"""^["']?(left|right|center)["']?$""", re.I)
_ATTR_LIST = re.compile(r"\{:?[ ]*([^}\n ][^}\n]*)[ ]*\}[ ]*$")  # python-markdown's attr_list, at a line's end
_DROPPED_WHOLE = {"script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math", "textarea",
                  "select"}
_CONVERTED_TAGS = {"h1"}  # becomes h2: the notice title is the page's only h1
_TABLE_ONLY_LINE = re.compile(r"^\s*(?:\||#|</?(?:table|thead|tbody|tfoot|tr|td|th|caption)\b|:?-{3,})", re.I)


def removed_html(body: str) -> list[tuple[int, str]]:
    """Return (0-based line, message) for every tag or attribute of raw HTML the sanitiser will remove."""
    if "<" not in body and "{" not in body:
        return []  # no tag and no attribute list: most bodies, which the look line by line cost 0.02 ms each
    found: list[tuple[int, str]] = []
    fenced = False
    for number, line in enumerate(body.split("\n")):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            continue
        attributes = _ATTR_LIST.search(line)
        if attributes:
            found += [(number, message) for message in _attr_list_problems(attributes.group(1), line.startswith("#"))]
        if "<" not in line:
            continue
        for match in _TAG.finditer(_CODE_SPAN.sub("", line)):
            tag = match.group(2).lower()
            if match.group(1):
                continue  # the opening tag was named
            if tag not in ALLOWED_TAGS and tag not in _CONVERTED_TAGS:
                kept = "连同其中的内容" if tag in _DROPPED_WHOLE else "其中的文字保留"
                found.append((number, f"HTML 标签 <{tag}> 不能使用，发布时会被去掉（{kept}）；请改用 Markdown 或去掉这个标签"))
                continue
            allowed = ALLOWED_ATTRIBUTES.get("*", set()) | ALLOWED_ATTRIBUTES.get(tag, set())
            for name, value in _ATTRIBUTE.findall(match.group(3)):
                name = name.lower()
                if name in allowed or (name == "style" and _KEPT_STYLE.match(value or "")) \
                        or (name == "align" and _KEPT_ALIGN.match(value or "")):
                    continue
                found.append((number, f"<{tag}> 的属性 {name} 不能使用，发布时会被去掉；"
                                      "需要右对齐或居中时写 style=\"text-align:right\"，或在段落下一行写 {: .right }"))
    return found


def _attr_list_problems(inside: str, heading: bool) -> list[str]:
    """Name what an attribute list ({: .right }) sets that the sanitiser removes: anything but classes (and a
    heading's id)."""
    problems = []
    for token in inside.split():
        if token.startswith(".") or (token.startswith("#") and heading):
            continue
        name = token.split("=", 1)[0]
        if name == "class":
            continue
        problems.append(f"{{: {token} }} 不能使用，发布时会被去掉；可用的写法：{{: .right }}、{{: .center }}、{{: .noindent }}")
    return problems


def needs_summary(body: str) -> bool:
    """Tell whether a body holds tables and headings alone, with no sentence a summary could start from."""
    seen = False
    for line in body.split("\n"):
        if line.strip():
            if not _TABLE_ONLY_LINE.match(line) or line.lstrip().startswith("#"):
                return False  # the first sentence or heading answers it
            seen = True
    return seen
