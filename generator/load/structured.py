"""Validate stage, structured fields: 公示期, 修订记录 and 附件 are small mappings and lists, not text.

Each reader takes the raw YAML value and raises ValueError with the fix, like
the scalar conversions in validate.py.
"""

from __future__ import annotations

from typing import Any

from generator.core.config import SiteConfig
from generator.core.dates import DateProblem, parse_stamp
from generator.core.limits import attachments_problem
from generator.core.model import AttachmentRef, Change


def read_date(raw: Any, config: SiteConfig, what: str):
    """Read one date inside a structured field."""
    if not isinstance(raw, str):
        raise ValueError(f"中的 {what} 应该是日期，例如 2024-05-15")
    try:
        return parse_stamp(raw, config.tz)
    except DateProblem as exc:
        raise ValueError(f"中的 {what}：{exc}") from None


def read_period(raw: Any, config: SiteConfig, line_of) -> tuple:
    """Read `{start, end}` of a 公示期."""
    if not isinstance(raw, dict) or set(raw) != {"start", "end"}:
        raise ValueError("应该写成 {start: 2024-05-15, end: 2024-05-22}")
    return read_date(raw["start"], config, "start"), read_date(raw["end"], config, "end")


def read_changes(raw: Any, config: SiteConfig, line_of) -> tuple[Change, ...]:
    """Read the list of `{date, note}` revisions."""
    if not isinstance(raw, list):
        raise ValueError("应该是列表，例如 [{date: 2024-06-01, note: 更正联系电话}]")
    result = []
    for index, item in enumerate(raw, start=1):
        if not isinstance(item, dict) or set(item) != {"date", "note"} or not isinstance(item["note"], str):
            raise ValueError(f"第 {index} 项应该写成 {{date: 2024-06-01, note: 修改了什么}}")
        result.append(Change(read_date(item["date"], config, f"第 {index} 项的 date"), " ".join(item["note"].split())))
    return tuple(result)


def read_attachments(raw: Any, config: SiteConfig, line_of) -> tuple[AttachmentRef, ...]:
    """Read the list of attachment files, each a path or `{file, title}`."""
    if not isinstance(raw, list):
        raise ValueError("应该是列表，例如 [附件1.pdf, {file: 申请表.docx, title: 申请表}]")
    if too_many := attachments_problem(len(raw)):
        raise ValueError(too_many)
    result = []
    for index, item in enumerate(raw):
        file, title = (item, None) if isinstance(item, str) else (
            (item.get("file"), item.get("title")) if isinstance(item, dict) else (None, None))
        if not isinstance(file, str) or not file.strip() or (title is not None and not isinstance(title, str)) \
                or (isinstance(item, dict) and set(item) - {"file", "title"}):
            raise ValueError(f"第 {index + 1} 项应该是文件路径，或 {{file: 文件路径, title: 标题}}")
        result.append(AttachmentRef(file.strip(), title.strip() if title else None, line_of(index)))
    return tuple(result)


STRUCTURED = {"period": read_period, "changes": read_changes, "attachments": read_attachments}
