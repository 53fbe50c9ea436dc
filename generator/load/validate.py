"""Validate stage: front-matter values into `Notice`s, or diagnostics that say how to fix them.

All files are checked and all problems reported together, including those
that only show across files (two notices at one URL).
"""

from __future__ import annotations

import difflib
import re
from pathlib import PurePosixPath
from typing import Any

from generator.core.config import SiteConfig
from generator.core.dates import DateProblem, parse_stamp
from generator.core.errors import Diagnostic
from generator.core.limits import MAX_BODY_NESTING, body_nesting
from generator.core.model import Notice
from generator.core.schema import (
    ALIASES,
    BY_NAME,
    DISCLOSURE,
    FALSE_WORDS,
    FIELDS,
    INTERPRETATION_KINDS,
    STATUS,
    STATUS_LABELS,
    TRUE_WORDS,
    WITHDRAWN,
)
from generator.load.bodyrefs import body_file_refs
from generator.load.sources import Source
from generator.load.structured import STRUCTURED

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
URL_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")  # one folder of an old URL, as category keys allow
REF_PATTERN = re.compile(r"^(?:[a-z0-9][a-z0-9-]*/)?[a-z0-9]+(?:-[a-z0-9]+)*$")
RESERVED_SLUGS = {"page", "feed.xml"}
MAX_TITLE = 200
# Characters a slug may have: a file name holds 255 bytes at most, and a page's address must fit in its QR code.
MAX_SLUG = 100


def validate_all(sources: list[Source], config: SiteConfig) -> tuple[list[Notice], list[Diagnostic]]:
    """Validate every source, then the rules that span files."""
    notices, diagnostics = [], []
    for source in sources:
        notice, problems = validate_source(source, config)
        diagnostics.extend(problems)
        if notice:
            notices.append(notice)
    diagnostics.extend(duplicate_urls(notices))
    return notices, diagnostics


def duplicate_urls(notices: list[Notice]) -> list[Diagnostic]:
    """Report every notice whose URL another notice already takes, naming both files."""
    first: dict[str, Notice] = {}
    problems = []
    for notice in sorted(notices, key=lambda n: n.path):
        other = first.setdefault(notice.url, notice)
        if other is not notice:
            problems.append(Diagnostic(
                notice.path, notice.line_of("slug"),
                f"网址 /{notice.url} 与 {other.path} 重复，请修改其中一个的 slug 或文件名",
            ))
    return problems


def validate_source(source: Source, config: SiteConfig) -> tuple[Notice | None, list[Diagnostic]]:
    """Check one notice's fields and build its `Notice`; None when anything is wrong."""
    problems: list[Diagnostic] = []
    rel = source.path

    def report(key: str, message: str) -> None:
        problems.append(Diagnostic(rel, source.line_of(key), message))

    values: dict[str, Any] = {}
    spelled: dict[str, str] = {}  # canonical name -> key as written
    for key in source.meta:
        name = ALIASES.get(key)
        if name is None:
            report(key, unknown_field(key))
        elif name in spelled:
            report(key, f"字段 {key} 与 {spelled[name]} 是同一个字段，请只保留一个")
        else:
            spelled[name] = key
            values[name] = source.meta[key]

    def where(name: str) -> str:
        return spelled.get(name, name)

    problems.extend(_cut_by_comments(source, spelled))

    for field in FIELDS:
        raw = values.get(field.name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            values[field.name] = None
            if field.required and not _hash_value(source, spelled.get(field.name)):
                problems.append(Diagnostic(
                    rel, 1 if field.name not in spelled else source.line_of(where(field.name)),
                    f"缺少必填字段 {field.name}（{field.label}），例如 {field.name}: {field.example}",
                ))
            continue
        try:
            values[field.name] = _convert(field.kind, raw, config, _nested_line(source, where(field.name)))
        except ValueError as exc:
            report(where(field.name), f"{field.name}（{field.label}）{exc}")
            values[field.name] = None

    slug = values["slug"] or PurePosixPath(rel).stem
    if values["slug"] is None and not SLUG_PATTERN.match(slug):
        problems.append(Diagnostic(
            rel, 1,
            f"文件名「{PurePosixPath(rel).name}」不能用作网址：请改用小写字母、数字和连字符命名，或添加 slug: 字段",
        ))
    elif slug in RESERVED_SLUGS:
        report(where("slug"), f"slug「{slug}」已被网站本身使用（分页），请换一个")
    elif len(slug) > MAX_SLUG:
        report(where("slug"), f"slug 有 {len(slug)} 个字符，超过了 {MAX_SLUG} 个的上限：网址请用几个英文单词或拼音缩写，例如 "
                              "slug: annual-check")

    title = values["title"]
    if title and len(title) > MAX_TITLE:
        report(where("title"), f"title（标题）有 {len(title)} 个字，超过了 {MAX_TITLE} 字的上限，请缩短")
    depth, depth_line = body_nesting(source.body)
    if depth > MAX_BODY_NESTING:
        problems.append(Diagnostic(
            rel, source.body_line + depth_line,
            f"正文嵌套过深（{depth} 层引用或缩进，上限 {MAX_BODY_NESTING} 层），无法排版：请减少 > 引用或列表缩进的层数",
        ))
    date, updated = values["date"], values["updated"]
    if date and updated and updated.moment < date.moment:
        report(where("updated"), "updated（更新日期）早于发布日期，请检查")
    if values["status"] == WITHDRAWN and not values["withdrawal_reason"]:
        report(where("status"), "status 为已撤回时必须写明撤回原因，例如 withdrawal_reason: 内容有误，已重新发布")
    period = values["notice_period"]
    if period and period[1].moment < period[0].moment:
        report(where("notice_period"), "notice_period（公示期）的 end 早于 start，请检查")
    if values["interpretation_kind"] and not values["interprets"]:
        report(where("interpretation_kind"), "写了 interpretation_kind（解读形式），但没有写 interprets（所解读文件）："
               "请写明解读的是哪篇文件，例如 interprets: 文件的slug")
    if values["repealed"] and (values["status"] or "valid") != "repealed":
        report(where("repealed"), "写了 repealed（废止日期），但 status 不是已废止：请同时写 status: 已废止")
    if problems:
        return None, problems
    return Notice(
        path=rel,
        title=title,
        category=values["category"],
        date=date,
        responsible=values["responsible"],
        department=values["department"] or config.agency,
        doc_number=values["doc_number"],
        slug=slug,
        summary=values["summary"],
        draft=bool(values["draft"]),
        disclosure=values["disclosure"] or "public",
        updated=updated,
        tags=values["tags"] or (),
        body=source.body,
        body_line=source.body_line,
        index_number=values["index_number"],
        status=values["status"] or "valid",
        valid_until=values["valid_until"],
        superseded_by=values["superseded_by"],
        amends=values["amends"],
        notice_period=period,
        changes=tuple(sorted(values["changes"] or (), key=lambda c: c.date.moment, reverse=True)),
        attachments=values["attachments"] or (),
        written=values["written"],
        pinned=bool(values["pinned"]),
        privacy_reviewed=values["privacy_reviewed"],
        lines={name: source.line_of(key) for name, key in spelled.items()},
        withdrawal_reason=values["withdrawal_reason"],
        redirect_from=values["redirect_from"] or (),
        body_files=body_file_refs(source.body, source.body_line),
        issuer=values["issuer"],
        source=values["source"],
        topic=values["topic"],
        genre=values["genre"],
        effective=values["effective"],
        addressee=values["addressee"],
        signatories=values["signatories"] or (),
        closing=values["closing"],
        interprets=values["interprets"],
        interpretation_kind=(values["interpretation_kind"] or "文字解读") if values["interprets"] else None,
        repealed=values["repealed"],
    ), []


# Fields of free text, where a `#` is more likely part of the value than a comment (索引号 may carry one).
COMMENT_SENSITIVE = {f.name for f in FIELDS if f.kind == "text"} - {"index_number"}


def _hash_value(source: Source, key: str | None) -> bool:
    """Say whether a key's value is empty because it began with `#`, which YAML read as a comment.

    `# 必填：…` (a hash and a space) is a comment on purpose, as `build.py new` writes them.
    """
    comment = source.comments.get(key or "")
    return bool(comment) and source.meta.get(key) is None and not comment[1:2].isspace() and comment != "#"


def _cut_by_comments(source: Source, spelled: dict[str, str]) -> list[Diagnostic]:
    """Report values that YAML cut at a `#`: the rest of the line never reaches the page."""
    problems = []
    for name, key in sorted(spelled.items()):
        comment = source.comments.get(key)
        if comment is None:
            continue
        label = f"{key}（{BY_NAME[name].label}）" if key == name else key
        if _hash_value(source, key):
            problems.append(Diagnostic(
                source.path, source.line_of(key),
                f"{label}的值以 # 开头，YAML 把 # 之后的整行当作注释，值就成了空的：请给整个值加引号，"
                f"例如 {key}: \"{comment}\"",
            ))
        elif name in COMMENT_SENSITIVE and source.meta.get(key) is not None:
            value = " ".join(str(source.meta[key]).split())
            problems.append(Diagnostic(
                source.path, source.line_of(key),
                f"{label}中「{comment}」会被当作注释丢掉，只剩下「{value}」：请给整个值加引号，"
                f"例如 {key}: \"{value} {comment}\"",
            ))
    return problems


def unknown_field(key: str) -> str:
    """Say that a key is no field, suggest the nearest name, and list every field with its Chinese name."""
    near = difflib.get_close_matches(key, list(ALIASES), n=1, cutoff=0.5)
    hint = f"，是不是 {near[0]}？" if near else "。"
    names = "、".join(f"{f.name}（{f.label}）" for f in FIELDS)
    return f"未知字段 {key}{hint}可用的字段：{names}"


def _nested_line(source: Source, key: str):
    """Return a function giving the file line of an item below `key` (falls back to the key's line)."""
    return lambda *path: source.nested_lines.get((key, *path), source.line_of(key))


def _convert(kind: str, raw: Any, config: SiteConfig, line_of=lambda *path: 1) -> Any:
    """Convert one raw YAML value to its field's type; raise ValueError with the fix."""
    if kind in STRUCTURED:
        return STRUCTURED[kind](raw, config, line_of)
    if kind == "tags":
        items = raw if isinstance(raw, list) else re.split(r"[,，、]", raw) if isinstance(raw, str) else None
        if items is None or not all(isinstance(i, str) or i is None for i in items):
            raise ValueError("应该是关键词列表，例如 [宗教活动场所, 年检]")
        return tuple(i.strip() for i in items if i and i.strip())
    if kind == "names":
        items = raw if isinstance(raw, list) else [raw]
        if not items or not all(isinstance(i, str) and i.strip() for i in items):
            raise ValueError("应该是机关名称的列表，例如 [星海市民族和宗教事务局, 星海市财政局]")
        return tuple(" ".join(i.split()) for i in items)
    if kind == "urls":
        items = raw if isinstance(raw, list) else [raw]
        if not all(isinstance(i, str) for i in items):
            raise ValueError("应该是旧网址的列表，例如 [guides/old-slug/]")
        return tuple(_site_path(i, config) for i in items)
    if not isinstance(raw, str):
        raise ValueError("应该是一段文字，不能是列表或嵌套的字段")
    text = " ".join(raw.split()) if kind == "text" else raw.strip()
    if kind == "text":
        return text
    if kind == "genre":
        if config.genre(text) is None:
            raise ValueError(f"「{text}」不是 site.yaml 中的体裁分类，可用的：{'、'.join(g.name for g in config.genres)}")
        return text
    if kind == "topic":
        if config.topics and text not in config.topics:
            raise ValueError(f"「{text}」不是 site.yaml 中的主题分类，可用的：{'、'.join(config.topics)}")
        return text
    if kind == "category":
        for category in config.categories:
            if text in (category.key, category.name):
                return category.key
        choices = "、".join(f"{c.key}（{c.name}）" for c in config.categories)
        raise ValueError(f"「{text}」不是已有的分类，可用的分类：{choices}")
    if kind == "datetime":
        try:
            return parse_stamp(text, config.tz)
        except DateProblem as exc:
            raise ValueError(f"：{exc}") from None
    if kind == "bool":
        if text.lower() in TRUE_WORDS:
            return True
        if text.lower() in FALSE_WORDS:
            return False
        raise ValueError(f"应该是 true 或 false，现在是「{text}」")
    if kind == "disclosure":
        if text in DISCLOSURE:
            return DISCLOSURE[text]
        raise ValueError(f"「{text}」无效，可用的值：public（主动公开）、on-request（依申请公开）、withheld（不予公开）")
    if kind == "status":
        if text in STATUS:
            return STATUS[text]
        choices = "、".join(f"{k}（{v}）" for k, v in STATUS_LABELS.items())
        raise ValueError(f"「{text}」无效，可用的值：{choices}")
    if kind == "ref":
        if not REF_PATTERN.match(text):
            raise ValueError(f"「{text}」应该是另一篇公告的 slug 或 分类/slug，例如 guides/venue-registration")
        return text
    if kind == "interpretation":
        if text in INTERPRETATION_KINDS:
            return text
        raise ValueError(f"「{text}」无效，可用的值：{'、'.join(INTERPRETATION_KINDS)}")
    if kind == "slug":
        if not SLUG_PATTERN.match(text):
            raise ValueError(f"「{text}」无效：只能包含小写字母、数字和连字符，例如 venue-registration-2024")
        return text
    raise AssertionError(f"unknown field kind {kind}")


def _site_path(raw: str, config: SiteConfig) -> str:
    """Turn an old URL as an editor may write it (full, rooted or relative) into `category/slug/`."""
    text = raw.strip()
    for prefix in (config.base_url, config.base_path):
        if text.startswith(prefix):
            text = text[len(prefix):]
            break
    text = text.strip("/")
    if text.endswith("index.html"):
        text = text[: -len("index.html")].rstrip("/")
    parts = text.split("/")
    if not text or not all(URL_PART.match(p) for p in parts):
        raise ValueError(f"「{raw}」不是本站的网址，请写成 分类/网址名/ 的形式，例如 guides/old-slug/")
    return text + "/"
