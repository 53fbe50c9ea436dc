"""Render stage, body part: the plain Markdown most notices are written in, straight to safe HTML.

Most notices are headings, paragraphs, numbered or bulleted lists and pipe
tables of plain Chinese text. Even the fast engine spends about 2 ms on such a
body, building an element tree, serialising it and sanitising the result;
writing the HTML straight from the lines costs a small fraction of that, and
at ten thousand notices it was the larger part of a clean build. `render`
takes only bodies inside a narrow subset, where no inline syntax, raw HTML or
nesting can occur and every block is one of those four, and returns None for
anything else, which then goes the full way. Within the subset its HTML is
byte for byte what the full way makes (tests/test_plainmarkdown.py compares
the two on random bodies in and around the subset).
"""

from __future__ import annotations

import re

from markdown.extensions.toc import slugify_unicode, unique

from generator.markdown.cjk import FULL_WIDTH_INDENT, INDENTED, join_lines, split_indented

# Characters that start inline syntax, raw HTML, entities or escapes, or that the
# serialiser or the sanitiser would rewrite (controls, no-break space): one of them
# anywhere sends the body the full way.
_SPECIAL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\xa0\\`*_\[\]<>&{@]")  # @ may be in an e-mail address (links.py)
_ADDRESS = ("://", "www.")  # what starts a web address that links.py turns into a link
# A paragraph or list item line starting so could open another block (heading,
# quote, list, rule, setext underline, table, fence, code) or be stripped.
_OPENS_BLOCK = re.compile(r"[#>+\-*=_|:~]|\d+\.|\s")
_HEADING = re.compile(r"(#{1,6})([^#]*)")
_ORDERED_ITEM = re.compile(r"(\d+)\. (.*)")
_RULE_CELL = re.compile(r":?-+:?")
# A wide table scrolls inside its own region, which the keyboard can reach (WCAG 2.1.1); the full way
# wraps its tables so too (markup.wrap_tables).
TABLE_WRAP = '<div class="table-wrap" tabindex="0" role="region" aria-label="表格">'
_ALIGN = {(True, True): ' class="align-center"', (True, False): ' class="align-left"',
          (False, True): ' class="align-right"', (False, False): ""}


def render(text: str) -> str | None:
    """Return the safe HTML of a plain body, or None when it is not plain."""
    if _SPECIAL.search(text) or any(mark in text for mark in _ADDRESS):
        return None
    html: list[str] = []
    used_ids: set[str] = set()
    counters: dict[str, int] = {}
    after_list = False
    for block in _blocks(text):
        first = block[0]
        if first[0] == "#":
            part = _heading(block, used_ids, counters)
        elif first[0] == "|":
            part = _table(block)
        elif first.startswith("- ") or _ORDERED_ITEM.match(first):
            # python-markdown joins a list to the list before it, even across blank lines.
            part = None if after_list else _list(block)
        else:
            part = _paragraph(block)
        if part is None:
            return None
        html.append(part)
        after_list = part.startswith(("<ul>", "<ol>"))
    return "\n".join(html) if html else None


def _blocks(text: str) -> list[list[str]]:
    """Split into runs of non-empty lines, as blank lines separate blocks."""
    blocks, current = [], []
    for line in text.split("\n"):
        if line:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _plain_line(line: str) -> bool:
    return not _OPENS_BLOCK.match(line) and not line[-1].isspace()


def _heading(block: list[str], used_ids: set[str], counters: dict[str, int]) -> str | None:
    match = _HEADING.fullmatch(block[0])
    if len(block) > 1 or match is None:
        return None
    text = match.group(2).strip()
    if not text:
        return None
    slug = slugify_unicode(" ".join(text.split()), "-")
    # A level-one heading becomes h2: the notice's title is the page's only h1 (markup.Converter).
    level = max(2, len(match.group(1)))
    return f'<h{level} id="{unique(slug, used_ids, counters)}">{text}</h{level}>'


def _paragraph(block: list[str]) -> str | None:
    # A line may start with the full-width indent of a Word paragraph (cjk.py); what follows it must be plain.
    if not all(_plain_line(line.lstrip(FULL_WIDTH_INDENT) or " ") for line in block):
        return None
    if len(block) == 1 and block[0][0] != FULL_WIDTH_INDENT:
        return "<p>" + block[0] + "</p>"  # most paragraphs: one line, no line rule to apply
    return "\n".join(("<p>" if not indented else f'<p class="{INDENTED}">') + join_lines(part, "<br>\n") + "</p>"
                     for part, indented in split_indented("\n".join(block)))


def _list(block: list[str]) -> str | None:
    ordered = block[0][0] != "-"
    items = []
    for line in block:
        if ordered:
            match = _ORDERED_ITEM.fullmatch(line)
            if match is None or (not items and match.group(1) != "1"):  # else numbered from elsewhere
                return None
            item = match.group(2)
        elif line.startswith("- "):
            item = line[2:]
        else:
            return None
        if not item or not _plain_line(item):
            return None
        items.append(f"<li>{item}</li>")
    tag = "ol" if ordered else "ul"
    return f"<{tag}>\n" + "\n".join(items) + f"\n</{tag}>"


def _table(block: list[str]) -> str | None:
    if len(block) < 3:
        return None
    rows = []
    for line in block:
        if len(line) < 2 or line[0] != "|" or line[-1] != "|":
            return None
        rows.append([cell.strip(" ") for cell in line[1:-1].split("|")])
    head, rule, body = rows[0], rows[1], rows[2:]
    if any(len(row) != len(head) for row in rows):
        return None
    if not all(_RULE_CELL.fullmatch(cell) for cell in rule):
        return None
    align = [_ALIGN[cell[0] == ":", cell[-1] == ":"] for cell in rule]

    def row(tag: str, cells: list[str]) -> str:
        return "<tr>\n" + "\n".join(f"<{tag}{a}>{c}</{tag}>" for a, c in zip(align, cells)) + "\n</tr>"

    return (TABLE_WRAP + "<table>\n<thead>\n" + row("th", head) + "\n</thead>\n<tbody>\n"
            + "\n".join(row("td", cells) for cells in body) + "\n</tbody>\n</table></div>")
