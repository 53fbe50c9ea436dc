"""Load and validate stages, limits: how much input one notice may be before it is refused.

Each limit protects the build, not taste: a huge file, a huge front matter or a
body nested deeper than the Markdown and YAML parsers can recurse would make a
build slow, eat memory or crash with a traceback instead of a diagnostic. Each
refusal names the file and the line, like every other mistake.
"""

from __future__ import annotations

import re

DEFAULT_MAX_NOTICE_KB = 5 * 1024  # site.yaml `max_notice_kb`: a 5 MB notice is already a book
MAX_FRONT_MATTER_BYTES = 64 * 1024  # a dozen short fields never come near it
# python-markdown recurses once per level of list or quote: about 400 levels of
# nested lists raise RecursionError and 1,000 take most of a minute (see
# bench/README.md). 50 levels render in milliseconds; no real notice needs 10.
MAX_BODY_NESTING = 50
# LibYAML's composer recurses in C: tens of thousands of `[` crash the whole
# process. Front matter is flat (tags is a list of words), so 20 is plenty.
MAX_YAML_NESTING = 20
MAX_ATTACHMENTS = 50  # for the attachments field: more files belong in a catalogue, not one notice



def attachments_problem(count: int) -> str | None:
    """Say what is wrong with a notice carrying `count` attachments, or None when it is within the limit."""
    if count <= MAX_ATTACHMENTS:
        return None
    return f"有 {count} 个附件，超过了 {MAX_ATTACHMENTS} 个的上限：请合并为压缩包，或拆分为几篇公告"


# Only a line starting with a space, tab or `>` is nested at all; finding those
# with one scan for a newline (fast in `re`) spares a Python step for each other line.
_NESTED_LINE = re.compile(r"\n[ \t>]+")
_YAML_SEQUENCE = re.compile(r"(?:[-?][ \t]+)+")
_BRACKET = re.compile(r"[\[\]{}]")


def body_nesting(body: str) -> tuple[int, int]:
    """Return the deepest (level, 0-based line) of quotes and indented blocks in a Markdown body."""
    deepest, where = 0, 0
    text = "\n" + body  # so that the first line starts after a newline too
    line, counted = 0, 0
    for match in _NESTED_LINE.finditer(text):
        prefix = match.group()[1:]
        quotes = prefix.count(">")
        indent = prefix.rsplit(">", 1)[-1].expandtabs(4)
        level = quotes + -(-len(indent) // 4)  # a started indent step counts as a level
        if level > deepest:
            line += text.count("\n", counted, match.start())
            counted = match.start()
            deepest, where = level, line
    return deepest, where


def yaml_nesting(text: str) -> tuple[int, int]:
    """Return the deepest (level, 0-based line) of brackets and block indentation in YAML text.

    Quotes are ignored on purpose: over-counting a title full of `[` only asks
    the editor to quote it differently, while under-counting could crash.
    """
    deepest, where, flow = 0, 0, 0
    for index, line in enumerate(text.split("\n")):
        stripped = line.lstrip(" ")
        markers = _YAML_SEQUENCE.match(stripped)
        block = (len(line) - len(stripped)) // 2 + (markers.group().count("-") + markers.group().count("?") if markers else 0)
        peak = flow
        for char in _BRACKET.findall(line):  # only brackets move the flow level
            if char in "[{":
                flow += 1
                peak = max(peak, flow)
            elif char in "]}":
                flow = max(0, flow - 1)
        if block + peak > deepest:
            deepest, where = block + peak, index
    return deepest, where
