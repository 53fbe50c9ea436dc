"""Editing commands: `build.py new` writes a notice skeleton, `build.py assign-index` fixes 索引号.

These are the only parts of gongkai that write into the content folder, so
they change as little as they can: `new` refuses to overwrite, and
`assign-index` adds or fills exactly one line per file, keeping comments,
BOM and line ends as the editor left them.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

from generator.core.config import SiteConfig, load_config
from generator.core.errors import BuildFailed, UsageError, errors_in
from generator.core.model import Notice
from generator.core.schema import FIELDS
from generator.disclosure.collect import hidden_reason
from generator.disclosure.indexnumber import next_free, number_notices
from generator.load.sources import read_sources
from generator.load.validate import SLUG_PATTERN, validate_all

EMPTY_INDEX_LINE = re.compile(r"^(index_number|索引号)\s*:\s*(#.*)?$")
WRITTEN_FIELDS = {"title", "category", "date", "responsible", "index_number"}


def load_notices(content: Path) -> tuple[SiteConfig, list[Notice]]:
    """Load the site and every notice; raise BuildFailed when the content has errors."""
    config = load_config(content)
    sources, problems = read_sources(content)
    notices, invalid = validate_all(sources, config)
    if errors_in(problems + invalid):
        raise BuildFailed(errors_in(problems + invalid))
    return config, notices


def new_notice(content: Path, category: str, title: str, now: datetime, slug: str | None = None,
               responsible: str = "") -> Path:
    """Write a notice skeleton with today's date and the next free 索引号; never overwrite a file."""
    config, notices = load_notices(content)
    key = category_key(config, category)
    if not title.strip():
        raise UsageError("--title 不能为空")
    today = now.astimezone(config.tz)
    path = notice_path(content, notices, key, today, slug)
    lines = [
        "---",
        f"title: {json.dumps(' '.join(title.split()), ensure_ascii=False)}",
        f"category: {key}",
        f"date: {today:%Y-%m-%d}",
        # The hint goes on a line of its own: a comment after the value would be cut from the
        # name the editor types before it, which the check of text values refuses (validate.py).
        *([] if responsible else ["# 必填：在下一行冒号后写对公开内容负责的人"]),
        f"responsible: {json.dumps(responsible, ensure_ascii=False) if responsible else ''}",
        f"index_number: {next_index_number(notices, config, today)}",
    ]
    lines += [f"# {f.name}: {f.example}  # {f.help}" for f in FIELDS if f.name not in WRITTEN_FIELDS]
    lines += ["---", "正文从这里开始。", ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write("\n".join(lines))
    except FileExistsError:
        raise UsageError(f"文件 {path} 已存在，不会覆盖；请用 --slug 换一个名称") from None
    return path


def category_key(config: SiteConfig, category: str) -> str:
    """Return the key of a category given by key or name; refuse an unknown one, naming the choices."""
    match = [c for c in config.categories if category in (c.key, c.name)]
    if not match:
        choices = "、".join(f"{c.key}（{c.name}）" for c in config.categories)
        raise UsageError(f"没有分类「{category}」，可用的分类：{choices}")
    return match[0].key


def notice_path(content: Path, notices: list[Notice], key: str, today: datetime, slug: str | None) -> Path:
    """Choose the file of a new notice: the slug given, or the first free `notice-YYYYMMDD[-N]`."""
    if slug is None:
        taken = {n.url for n in notices}
        base, number = f"notice-{today:%Y%m%d}", 1
        slug = base
        while f"{key}/{slug}/" in taken or (content / key / f"{slug}.md").exists() or (content / key / slug).exists():
            number += 1
            slug = f"{base}-{number}"
    elif not SLUG_PATTERN.match(slug):
        raise UsageError(f"--slug「{slug}」无效：只能包含小写字母、数字和连字符")
    return content / key / f"{slug}.md"


def next_index_number(notices: list[Notice], config: SiteConfig, today: datetime) -> str:
    """Return this year's next free 索引号, counting published notices as the build does."""
    return next_free(notices, config, today.year, lambda n: not hidden_reason(n, today))


def assign_index(content: Path, now: datetime) -> list[tuple[str, str]]:
    """Write the provisional 索引号 of each published notice into its file; return (path, number) per change.

    Drafts and future notices get theirs once they are published, as in the build.
    """
    config, notices = load_notices(content)
    local_now = now.astimezone(config.tz)
    numbering, _ = number_notices(notices, config, lambda n: not hidden_reason(n, local_now))
    changed = []
    for notice in sorted(notices, key=lambda n: n.path):
        if notice.path not in numbering.provisional:
            continue
        number = numbering.numbers[notice.path]
        file = content / notice.path
        file.write_bytes(with_index_line(file.read_bytes(), number))
        changed.append((notice.path, number))
    return changed


def with_index_line(data: bytes, number: str) -> bytes:
    """Fill an empty `index_number:` line, or add one just before the closing `---`."""
    lines = data.splitlines(keepends=True)
    eol = b"\r\n" if lines and lines[0].endswith(b"\r\n") else b"\n"
    new_line = f"index_number: {number}".encode() + eol
    closing = None
    for index, line in enumerate(lines[1:], start=1):
        text = line.decode("utf-8").strip()
        if EMPTY_INDEX_LINE.match(text):
            lines[index] = new_line
            return b"".join(lines)
        if re.fullmatch(r"-{3,}", text):
            closing = index
            break
    if closing is None:  # load_notices has checked the front matter, so this cannot happen
        raise AssertionError("front matter without a closing line")
    lines.insert(closing, new_line)
    return b"".join(lines)
