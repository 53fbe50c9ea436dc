"""Model stage: the plain data every later stage works from."""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.core.dates import Stamp


@dataclass(frozen=True, slots=True)
class Change:
    """One entry of a notice's 修订记录."""

    date: Stamp
    note: str


@dataclass(frozen=True, slots=True)
class AttachmentRef:
    """An attachment as the editor wrote it, before the file is checked."""

    file: str  # relative to the notice file
    title: str | None
    line: int  # file line of the entry, for messages


@dataclass(frozen=True, slots=True)
class Notice:
    """One validated notice, whether or not it will be published."""

    path: str  # relative to the content folder
    title: str
    category: str  # a category key
    date: Stamp  # publish time
    responsible: str
    department: str
    doc_number: str | None
    slug: str
    summary: str | None  # None: derive from the body
    draft: bool
    disclosure: str  # public | on-request | withheld
    updated: Stamp | None
    tags: tuple[str, ...]
    body: str
    body_line: int
    index_number: str | None = None  # None: a provisional number is composed
    status: str = "valid"  # a key of schema.STATUS_LABELS
    valid_until: Stamp | None = None
    superseded_by: str | None = None  # slug or category/slug
    amends: str | None = None
    notice_period: tuple[Stamp, Stamp] | None = None
    changes: tuple[Change, ...] = ()  # newest first
    attachments: tuple[AttachmentRef, ...] = ()
    written: Stamp | None = None
    pinned: bool = False
    privacy_reviewed: str | None = None
    lines: dict[str, int] = field(default_factory=dict, hash=False, compare=False)  # field -> file line

    def line_of(self, name: str) -> int:
        """Return the file line of a front-matter field, or 1 when it is absent."""
        return self.lines.get(name, 1)
    withdrawal_reason: str | None = None
    redirect_from: tuple[str, ...] = ()  # old URLs below the site root that lead here
    body_files: tuple[AttachmentRef, ...] = ()  # files the body names by a relative path (load/bodyrefs.py)
    issuer: str | None = None  # 发文机关 when written; readers see the department otherwise
    source: str | None = None  # 信息来源 of a republished document
    topic: str | None = None  # 主题分类
    genre: str | None = None  # 体裁分类 (公文种类): a name of SiteConfig.genres
    effective: Stamp | None = None  # 生效日期
    addressee: str | None = None  # 主送机关
    signatories: tuple[str, ...] = ()  # 落款: the issuing agencies, several when joint
    closing: str | None = None  # 附注 after the 落款, e.g. （此件公开发布）
    interprets: str | None = None  # slug or category/slug of the document this 政策解读 explains
    interpretation_kind: str | None = None  # 文字解读 | 图文解读 | 视频解读 | 答记者问, set when interprets is
    repealed: Stamp | None = None  # the day a repealed document stopped being in force

    @property
    def url(self) -> str:
        """Return the notice's path below the site root, e.g. `guides/venue-registration/`."""
        return f"{self.category}/{self.slug}/"

    @property
    def last_modified(self) -> Stamp:
        """Return the time of the last substantive change, for feeds and sitemaps."""
        return max((s for s in (self.updated, *(c.date for c in self.changes)) if s), default=self.date,
                   key=lambda s: s.moment)
