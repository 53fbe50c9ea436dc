"""Load stage: find notice files, decode them and split front matter from body.

Nothing here judges the values; it only turns bytes into a `Source` that knows
the line of every front-matter key, so later stages can point at it.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from frontmatter.default_handlers import YAMLHandler

from generator.core.errors import Diagnostic
from generator.core.limits import DEFAULT_MAX_NOTICE_KB, MAX_FRONT_MATTER_BYTES, MAX_YAML_NESTING, yaml_nesting
from generator.core.yamltree import YamlProblem, decode, parse_yaml
from generator.load.fmlint import dash_like, lint_lines

BOUNDARY = YAMLHandler.FM_BOUNDARY  # `---` on a line of its own, as python-frontmatter reads it
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
    comments: dict[str, str] = field(default_factory=dict)  # top-level key -> the `# …` YAML dropped from its value

    def line_of(self, key: str) -> int:
        """Return the file line of `key`, or 1 when the key is absent."""
        return self.key_lines.get(key, 1)


def find_notice_files(content_dir: Path) -> list[Path]:
    """List every `*.md` below the content folder in a stable, sorted order."""
    return [content_dir / rel for rel in walk_content(content_dir)[0]]


def walk_content(content_dir: Path) -> tuple[list[str], list[Diagnostic]]:
    """List the notice files (paths relative to the folder), refusing links that lead out of it.

    A pull request may add a link such as `leak.md -> /etc/passwd` or a linked
    folder; following it would publish a file nobody reviewed.
    """
    found, problems = [], []
    root_real = content_dir.resolve()
    todo = [("", os.fspath(content_dir))]
    while todo:  # scandir, not os.walk: directory entries say what is a link without a stat per file
        prefix, folder = todo.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:  # never skipped in silence: its notices would vanish from the site
            problems.append(Diagnostic(prefix.rstrip("/") or ".", 1,
                                       f"无法读取这个目录（{exc.strerror}），其中的公告无法发布：请检查目录权限"))
            continue
        for entry in entries:
            name, rel = entry.name, prefix + entry.name
            is_dir = entry.is_dir()
            if name.startswith(".") or (is_dir and not prefix and name in SKIPPED_DIRS):
                continue
            if not is_dir and not name.endswith(".md"):
                unread = _unread_notice(entry, rel)
                if unread:
                    problems.append(unread)
                continue
            if entry.is_symlink():
                if not _inside(Path(entry.path).resolve(), root_real):
                    problems.append(Diagnostic(
                        rel, 1, "这是指向内容目录之外的符号链接，不会被读取：请把文件本身放进内容目录"))
                elif not is_dir:
                    found.append(rel)
            elif is_dir:
                todo.append((rel + "/", entry.path))
            else:
                found.append(rel)
    return sorted(found), sorted(problems)


NOTICE_LOOKALIKES = (".md.txt", ".markdown", ".mdown", ".mkd")


def _unread_notice(entry: os.DirEntry, rel: str) -> Diagnostic | None:
    """Warn about a file that was meant as a notice but is not read: `x.MD`, Notepad's `x.md.txt`.

    An editor who sees 50 notices published instead of 51 should not have to guess why.
    """
    name = entry.name
    lower = name.lower()
    suffix = next((s for s in NOTICE_LOOKALIKES if lower.endswith(s)), None)
    if suffix is None and lower.endswith(".md"):
        suffix = name[-3:]
    if suffix is None and lower.endswith(".txt") and _starts_like_a_notice(entry.path):
        suffix = name[-4:]
    if suffix is None:
        return None
    fixed = name[: len(name) - len(suffix)] + ".md"
    why = ("记事本保存时会加上 .txt，另存为时把保存类型选为“所有文件”" if lower.endswith(".txt")
           else "扩展名只认小写的 .md")
    return Diagnostic(rel, 1, f"文件名以 {suffix} 结尾，不会被当作公告读取，也不会发布："
                              f"如果它是公告，请改名为 {fixed}（{why}）", "warning")


def _starts_like_a_notice(path: str) -> bool:
    """Say whether a file begins with a `---` line, as a notice does."""
    try:
        with open(path, "rb") as file:
            head = file.read(8)
    except OSError:
        return False
    return head.removeprefix(b"\xef\xbb\xbf").startswith(b"---")


def _inside(path: Path, folder: Path) -> bool:
    """Say whether a resolved path is the folder or below it."""
    return path == folder or folder in path.parents


def split_front_matter(text: str, rel: str) -> tuple[str, int, str, int] | Diagnostic:
    """Split `---`-fenced front matter from the body; return both with their first lines."""
    opening = BOUNDARY.match(text)
    if not opening or not text.startswith("---"):
        first = text.split("\n", 1)[0]
        if dash_like(first):
            return Diagnostic(rel, 1, f"第一行「{first.strip()}」不是三个半角减号：请改成 ---（切换到英文输入法输入减号）")
        return Diagnostic(rel, 1, "缺少 front matter：文件第一行应为 ---，随后是 title、category 等字段，再以 --- 结束")
    closing = BOUNDARY.search(text, opening.end())
    fm_first_line = text.count("\n", 0, opening.end()) + 1
    end = closing.start() if closing else len(text)
    for number, line in enumerate(text[opening.end():end].split("\n")):
        if dash_like(line):  # a fence typed with look-alike dashes: YAML would read it as a value
            return Diagnostic(rel, fm_first_line + number,
                              f"「{line.strip()}」不是三个半角减号：字段区的结束行请改成 ---（切换到英文输入法输入减号）")
    if not closing:
        return Diagnostic(rel, 1, "front matter 没有结束：请在字段之后单独加一行 ---")
    fm_text = text[opening.end():closing.start()]
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
    size = len(fm_text.encode("utf-8"))
    if size > MAX_FRONT_MATTER_BYTES:
        return None, [Diagnostic(
            rel, fm_line,
            f"front matter 有 {size // 1024} KB，超过了 {MAX_FRONT_MATTER_BYTES // 1024} KB 的上限：长内容请写在正文里",
        )]
    depth, depth_line = yaml_nesting(fm_text)
    if depth > MAX_YAML_NESTING:
        return None, [Diagnostic(
            rel, fm_line + depth_line,
            f"front matter 嵌套过深（{depth} 层，上限 {MAX_YAML_NESTING} 层）：字段值应是文字或简单的列表",
        )]
    typed = lint_lines(fm_text)  # all typing mistakes at their own lines, before YAML trips on one
    if typed:
        return None, [Diagnostic(rel, fm_line + line, message) for line, message in typed]
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
    comments = {path[0]: text for path, text in doc.comments.items() if len(path) == 1}
    return Source(rel, doc.data, key_lines, body, body_line, nested, comments), diagnostics


def read_sources(content_dir: Path, max_kb: int = DEFAULT_MAX_NOTICE_KB) -> tuple[list[Source], list[Diagnostic]]:
    """Read and split every notice file; collect every problem rather than stop at one."""
    sources = []
    rels, diagnostics = walk_content(content_dir)
    for rel in rels:
        path = content_dir / rel
        data, problem = read_notice(path, rel, max_kb)
        if problem:
            diagnostics.append(problem)
            continue
        source, problems = parse_source(data, rel)
        diagnostics.extend(problems)
        if source:
            sources.append(source)
    return sources, diagnostics


def read_notice(path: Path, rel: str, max_kb: int) -> tuple[bytes, Diagnostic | None]:
    """Read one notice file, refusing what is not a regular file or is too large to be a notice.

    Plain descriptor calls: a buffered file object cost twice the read itself, once per notice.
    """
    limit = max_kb * 1024
    try:
        # O_NONBLOCK: a FIFO named *.md must not hang the build before fstat can refuse it.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        return b"", Diagnostic(rel, 1, f"无法读取文件（{exc.strerror}），请检查文件权限")
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return b"", Diagnostic(rel, 1, "这不是普通文件（可能是管道或设备），无法作为公告读取，请删除它")
        data = _read_up_to(fd, info.st_size, limit + 1) if info.st_size <= limit else b""
    except OSError as exc:
        return b"", Diagnostic(rel, 1, f"无法读取文件（{exc.strerror}），请检查文件权限")
    finally:
        os.close(fd)
    size = max(info.st_size, len(data))  # a file may grow between fstat and read
    if size > limit:
        return b"", Diagnostic(
            rel, 1,
            f"文件有 {size / 1024 / 1024:.1f} MB，超过了 {max_kb / 1024:g} MB 的上限："
            "大文件请作为附件发布，或在 site.yaml 中调高 max_notice_kb",
        )
    return data, None


def _read_up_to(fd: int, expected: int, most: int) -> bytes:
    """Read a file to its end, or to `most` bytes if it has grown past them since fstat."""
    parts, total, size = [], 0, expected + 1  # one more byte than fstat said: a file that grew shows
    while total < most:
        data = os.read(fd, size)
        if not data:
            break
        parts.append(data)
        total, size = total + len(data), 65536
    return b"".join(parts)
