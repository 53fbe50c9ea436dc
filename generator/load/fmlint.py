"""Load stage: the typing mistakes of front matter, found line by line before YAML reads it.

A Chinese keyboard makes a few mistakes easy: a full-width colon or space
after a key, a TAB from a word processor, a dash that only looks like `---`.
YAML either accepts them silently with another meaning (`　responsible` is a
new key) or stumbles a line later with English words. These checks look at
each line as the editor typed it, so the message names that line and the
character to change.
"""

from __future__ import annotations

import re

from generator.core.schema import ALIASES, BY_NAME

FULL_COLON = "："
FULL_SPACE = "\u3000"
# A line that begins like a key, up to a full-width colon: `标题：…`, `  start：…` (a list item such
# as `- 通知：关于` is text, and may hold one).
FULL_COLON_KEY = re.compile(r"^[ ]*([^\s:：#'\"\[\]{},-][^\s:：#'\"\[\]{},]{0,29})[ \u3000]*：")
# A known key glued to its value: `title:关于…` (YAML reads the whole line as one word).
GLUED_VALUE = re.compile(r"^[ ]*([^\s:#'\"\[\]{},]+):(?=[^\s])")
AFTER_COLON = re.compile(r"^[ ]*(?:-[ ]+)?[^\s:#'\"\[\]{},]+:([\t\u3000])")
BLOCK_SCALAR = re.compile(r":[ ]+[|>][-+0-9]*[ ]*(?:#.*)?$")
# What a `---` line turns into on a Chinese keyboard or in a word processor.
# A key (or list item) with a plain value on its line: more-indented lines after it continue that value.
PLAIN_VALUE = re.compile(r"^([ ]*)(?:([^\s:#'\"\[\]{},-][^:#]*:[ ]+)|-[ ]+)(?![|>\[{\"'&*#])\S")
DASH_LIKE = re.compile(r"^[ \u3000]*[-—－_＿﹣‐‑–―─━ー~～=]{2,}[ \u3000]*$")


def lint_lines(text: str) -> list[tuple[int, str]]:
    """Return (0-based line, message) for every line of front matter typed in a way YAML misreads."""
    found = []
    block_indent = None  # inside a `|` or `>` block, or a plain value that goes on, lines are text, not keys
    for number, line in enumerate(text.split("\n")):
        indent = len(line) - len(line.lstrip(" "))
        if block_indent is not None:
            if not line.strip() or indent > block_indent:
                continue
            block_indent = None
        stripped = line.strip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        message = _line_problem(line)
        if message:
            found.append((number, message))
            continue
        plain = PLAIN_VALUE.match(line)
        if BLOCK_SCALAR.search(line):
            block_indent = indent
        elif plain:  # `summary: 本局决定` may go on over more-indented lines, which YAML joins to it
            keyed = plain.group(2) or ": " in line  # `- date: x`: its value goes on below the key, not the dash
            block_indent = len(line) - len(line.lstrip(" -")) if keyed else indent
    return found


def _line_problem(line: str) -> str | None:
    """Say what is wrong with one line of front matter, or None when YAML will read it as meant."""
    leading = line[: len(line) - len(line.lstrip(" \t\u3000"))]
    if "\t" in leading:
        return "这一行用制表符（TAB）缩进，YAML 只认半角空格：请删掉行首的 TAB，字段名顶格写，下一级用两个空格缩进"
    if FULL_SPACE in leading:
        return "这一行开头有全角空格「　」：请删掉它，字段名顶格写（下一级缩进用两个半角空格）"
    colon = FULL_COLON_KEY.match(line)
    if colon and (":" not in line or line.index(":") > line.index(FULL_COLON)):
        key, value = colon.group(1), line[colon.end():].strip(" \u3000")
        return (f"「{key}」后面是全角冒号「：」：请改成半角冒号加一个空格，"
                f"写成 {key}: {value or _example(key)}（切换到英文输入法输入冒号）")
    after = AFTER_COLON.match(line)
    if after:
        what = "制表符（TAB）" if after.group(1) == "\t" else "全角空格「　」"
        return f"冒号后面是{what}：请改成一个半角空格"
    glued = GLUED_VALUE.match(line)
    if glued and glued.group(1) in ALIASES:
        key, value = glued.group(1), line[glued.end():].strip()
        return f"「{key}:」后面少了空格：半角冒号后面要加一个空格，写成 {key}: {value}"
    return None


def _example(key: str) -> str:
    """Return a short sample value for a key, so the fix can be copied."""
    field = BY_NAME.get(ALIASES.get(key, ""))
    return field.example.split(" 或 ")[0] if field else "……"


def dash_like(line: str) -> bool:
    """Say whether a line looks like a `---` fence but is not one (`—-`, `___`, `－－－`)."""
    return bool(DASH_LIKE.match(line)) and not re.fullmatch(r"-{3,}\s*", line)
