"""Load stage: find notice files, decode them and split front matter from body.

Nothing here judges the values; it only turns bytes into a `Source` that knows
the line of every front-matter key, so later stages can point at it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from frontmatter.default_handlers import YAMLHandler

from .errors import Diagnostic
from .yamltree import YamlProblem, parse_yaml

BOUNDARY = YAMLHandler.FM_BOUNDARY  # `---` on a line of its own, as python-frontmatter reads it
BOM = "\ufeff"
SKIPPED_DIRS = {"pages"}  # standalone pages live here, not notices


@dataclass
class Source:
    """One notice file as read from disk: front matter values with their lines, and the body."""

    path: str  # relative to the content folder, with forward slashes
    meta: dict[str, Any]
    key_lines: dict[str, int]  # 1-based file line of each top-level key
    body: str
    body_line: int  # 1-based file line where the body starts
    nested_lines: dict[tuple, int] = field(default_factory=dict)

    def line_of(self, key: str) -> int:
        """Return the file line of `key`, or 1 when the key is absent."""
        return self.key_lines.get(key, 1)


def find_notice_files(content_dir: Path) -> list[Path]:
    """List every `*.md` below the content folder in a stable, sorted order."""
    found = []
    for root, dirs, files in os.walk(content_dir):
        rel_root = Path(root).relative_to(content_dir)
        dirs[:] = sorted(
            d for d in dirs
            if not d.startswith(".") and not (rel_root == Path(".") and d in SKIPPED_DIRS)
        )
        found.extend(Path(root) / f for f in files if f.endswith(".md") and not f.startswith("."))
    return sorted(found, key=lambda p: p.relative_to(content_dir).as_posix())


def decode(data: bytes, rel: str) -> tuple[str | None, Diagnostic | None]:
    """Decode UTF-8 (with or without BOM, CRLF or LF) or say which line is broken."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return None, Diagnostic(
            rel, line, f"文件不是有效的 UTF-8 编码（第 {exc.start + 1} 个字节起），请用 UTF-8 编码重新保存"
        )
    if text.startswith(BOM):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n"), None


def split_front_matter(text: str, rel: str) -> tuple[str, int, str, int] | Diagnostic:
    """Split `---`-fenced front matter from the body; return both with their first lines."""
    opening = BOUNDARY.match(text)
    if not opening or not text.startswith("---"):
        return Diagnostic(rel, 1, "缺少 front matter：文件第一行应为 ---，随后是 title、category 等字段，再以 --- 结束")
    closing = BOUNDARY.search(text, opening.end())
    if not closing:
        return Diagnostic(rel, 1, "front matter 没有结束：请在字段之后单独加一行 ---")
    fm_text = text[opening.end():closing.start()]
    fm_first_line = text.count("\n", 0, opening.end()) + 1
    body_start = closing.end()
    if text.startswith("\n", body_start):
        body_start += 1
    body_line = text.count("\n", 0, body_start) + 1
    return fm_text, fm_first_line, text[body_start:], body_line


def parse_source(data: bytes, rel: str) -> tuple[Source | None, list[Diagnostic]]:
    """Turn the bytes of one notice file into a `Source`, or diagnostics saying why not."""
    text, problem = decode(data, rel)
    if problem:
        return None, [problem]
    parts = split_front_matter(text, rel)
    if isinstance(parts, Diagnostic):
        return None, [parts]
    fm_text, fm_line, body, body_line = parts
    try:
        doc = parse_yaml(fm_text)
    except YamlProblem as exc:
        return None, [Diagnostic(rel, fm_line + exc.line, exc.message)]
    if doc.data is None:
        doc.data = {}
    if not isinstance(doc.data, dict):
        return None, [Diagnostic(rel, fm_line + 1, "front matter 应该是「字段: 值」的列表，例如 title: 关于……的通知")]
    diagnostics = [
        Diagnostic(rel, fm_line + second, f"字段 {path[0]} 出现了两次（另一处在第 {fm_line + first} 行），请删除其中一个")
        for path, first, second in doc.duplicates
    ]
    key_lines = {path[0]: fm_line + line for path, line in doc.lines.items() if len(path) == 1}
    nested = {path: fm_line + line for path, line in doc.lines.items()}
    return Source(rel, doc.data, key_lines, body, body_line, nested), diagnostics


def read_sources(content_dir: Path) -> tuple[list[Source], list[Diagnostic]]:
    """Read and split every notice file; collect every problem rather than stop at one."""
    sources, diagnostics = [], []
    for path in find_notice_files(content_dir):
        rel = path.relative_to(content_dir).as_posix()
        try:
            data = path.read_bytes()
        except OSError as exc:
            diagnostics.append(Diagnostic(rel, 1, f"无法读取文件（{exc.strerror}），请检查文件权限"))
            continue
        source, problems = parse_source(data, rel)
        diagnostics.extend(problems)
        if source:
            sources.append(source)
    return sources, diagnostics
