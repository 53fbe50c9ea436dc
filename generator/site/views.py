"""Render stage, views: plain, display-ready values for templates.

Templates never see internals: dates come formatted, names resolved, URLs as
paths below the site root. Changing a model class cannot break a user theme.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from generator.core.config import SiteConfig
from generator.core.model import Notice
from generator.disclosure.checks import Facts
from generator.disclosure.collect import Collection
from generator.disclosure.status import (
    INTERPRETATION_RELATIONS,
    RELATION_KINDS,
    effective_status,
    period_state,
    status_label,
)
from generator.markdown.markup import Body


@dataclass(frozen=True)
class NoticeView:
    """What a template may show of a notice."""

    title: str
    url: str  # below the site root, e.g. guides/venue-registration/
    category: str
    category_name: str
    date: str  # 2024-05-15 or 2024-05-15 09:30
    date_iso: str  # for <time datetime> and feeds
    date_rfc822: str
    updated: str | None
    updated_iso: str  # last change, or the publish time
    department: str
    doc_number: str | None
    responsible: str
    summary: str
    html: Any  # str or markup.StoredHtml: print it, never compare it
    tags: tuple[str, ...]
    preview: str | None  # banner text when shown only by --drafts/--future
    index_number: str = ""
    status: str = "valid"  # valid | amended | repealed | expired | pending (尚未生效), at build time
    status_label: str = "有效"
    valid_until: str | None = None
    period: str | None = None  # 2024-05-15 至 2024-05-22
    period_state: str | None = None  # 公示中 | 公示期满 | 即将公示, at build time
    changes: tuple[tuple[str, str], ...] = ()  # (date, note), newest first
    attachments: tuple[dict, ...] = ()  # name, title, format, size
    relations: dict = field(default_factory=dict)  # kind -> [(title, url)]; interprets/interpreted_by: (title, url, 解读形式)
    interpretation_kind: str | None = None  # 文字解读 etc. when this notice is a 政策解读
    pinned: bool = False
    pub_datetime: str = ""  # YYYY-MM-DD HH:MM, for the PubDate meta tag
    written: str | None = None
    issuer: str | None = None  # 发文机关, shown when written or when the notice has a 发文字号
    source: str | None = None  # 信息来源
    topic: str | None = None  # 主题分类
    genre: str | None = None  # 体裁分类
    effective: str | None = None  # 生效日期
    shows_validity: bool = True  # whether 有效性 means anything for this category and genre (site.yaml)
    indent: bool = True  # body paragraphs indented two characters (the category's setting)
    addressee: str | None = None  # 主送机关
    signatories: tuple[str, ...] = ()  # 落款
    signed: str | None = None  # the 落款's date: 成文日期 as 2024年5月6日
    closing: str | None = None  # 附注


@dataclass(frozen=True)
class CategoryView:
    """What a template may show of a category."""

    key: str
    name: str
    description: str
    url: str
    count: int
    group: str | None = None  # the parent column's key, name and URL, for breadcrumbs
    group_name: str | None = None
    group_url: str | None = None


@dataclass(frozen=True)
class GroupView:
    """What a template may show of a parent column (法定主动公开内容) and its categories."""

    key: str
    name: str
    description: str
    url: str
    categories: tuple[CategoryView, ...]


@dataclass(frozen=True)
class NavItem:
    """One entry of the navigation bar; a group holds its categories as children."""

    key: str  # category key, group key or page slug, for aria-current
    name: str
    url: str
    children: tuple["NavItem", ...] = ()


def notice_views(notices: tuple[Notice, ...], bodies: list[Body], config: SiteConfig, now: datetime,
                 facts: dict[str, Facts]) -> list[NoticeView]:
    """Format every published notice for templates and feeds, in the order given.

    All at once, because a rebuild after any edit makes all 10,000 of them again:
    what they share (the zone, the category names) is looked up once.
    """
    tz, names, none = config.tz, {c.key: c.name for c in config.categories}, Facts()
    indents = {c.key: config.indents(c.key) for c in config.categories}
    return [notice_view(n, b, tz, names[n.category], now, facts.get(n.path, none),
                        config.shows_validity(n.category, n.genre), indents[n.category])
            for n, b in zip(notices, bodies)]


def notice_view(notice: Notice, body: Body, tz: tzinfo, category_name: str, now: datetime,
                facts: Facts = Facts(), shows_validity: bool = True, indent: bool = True) -> NoticeView:
    """Format one notice for templates and feeds."""
    status = effective_status(notice, now, tz)
    date, date_iso, date_rfc822, pub_datetime = notice.date.texts(tz)
    preview = None
    if notice.draft:
        preview = "草稿预览：本公告尚未发布，不会出现在正式网站上"
    elif notice.date.moment > now:
        preview = f"定时预览：本公告将于 {date} 发布，目前不会出现在正式网站上"
    last_modified = notice.last_modified
    return NoticeView(
        title=notice.title,
        url=notice.url,
        category=notice.category,
        category_name=category_name,
        date=date,
        date_iso=date_iso,
        date_rfc822=date_rfc822,
        updated=last_modified.display(tz) if last_modified is not notice.date else None,
        updated_iso=last_modified.rfc3339(tz) if last_modified is not notice.date else date_iso,
        department=notice.department,
        doc_number=notice.doc_number,
        responsible=notice.responsible,
        summary=body.summary,
        html=body.html,
        tags=notice.tags,
        preview=preview,
        index_number=facts.index_number,
        status=status,
        status_label=status_label(status),
        valid_until=notice.valid_until.display(tz) if notice.valid_until else None,
        period=" 至 ".join(s.display(tz) for s in notice.notice_period) if notice.notice_period else None,
        period_state=period_state(notice, now, tz),
        changes=tuple((c.date.display(tz), c.note) for c in notice.changes),
        attachments=tuple({"name": a.name, "title": a.title, "format": a.format, "size": a.size_text}
                          for a in facts.attachments),
        relations={kind: [(n.title, n.url) for n in facts.relations.get(kind, ())] for kind in RELATION_KINDS}
        | {kind: [(n.title, n.url, (notice if kind == "interprets" else n).interpretation_kind)
                  for n in facts.relations.get(kind, ())] for kind in INTERPRETATION_RELATIONS},
        interpretation_kind=notice.interpretation_kind,
        pinned=notice.pinned,
        pub_datetime=pub_datetime,
        written=notice.written.display(tz) if notice.written else None,
        issuer=notice.issuer or (notice.department if notice.doc_number else None),
        source=notice.source,
        topic=notice.topic,
        genre=notice.genre,
        effective=notice.effective.display(tz) if notice.effective else None,
        # A document no longer in force says so wherever it stands.
        shows_validity=shows_validity or status != "valid",
        indent=indent,
        addressee=notice.addressee and notice.addressee.rstrip("：:") + "：",
        signatories=notice.signatories,
        signed=notice.written.chinese(tz) if notice.written and notice.signatories else None,
        closing=notice.closing,
    )


def category_views(config: SiteConfig, collection: Collection) -> tuple[CategoryView, ...]:
    """List the categories in navigation order with their published counts."""
    views = []
    for c in config.categories:
        group = config.group(c.group)
        views.append(CategoryView(c.key, c.name, c.description, f"{c.key}/", len(collection.by_category[c.key]),
                                  group.key if group else None, group.name if group else None,
                                  f"{group.key}/" if group else None))
    return tuple(views)


def group_views(config: SiteConfig, categories: tuple[CategoryView, ...]) -> tuple[GroupView, ...]:
    """List the groups that have categories, each with its categories in navigation order."""
    return tuple(GroupView(g.key, g.name, g.description, f"{g.key}/",
                           tuple(c for c in categories if c.group == g.key))
                 for g in config.groups if any(c.group == g.key for c in categories))


def navigation(categories: tuple[CategoryView, ...], groups: tuple[GroupView, ...],
               pages: list[tuple[str, str, str]]) -> tuple[NavItem, ...]:
    """Order the navigation bar: pages marked for it, then categories, a group where its first category stands.

    `pages` holds (slug, title, url) of the standalone pages shown in navigation.
    """
    items = [NavItem(slug, title, url) for slug, title, url in pages]
    by_key = {g.key: g for g in groups}
    placed = set()
    for c in categories:
        if c.group is None:
            items.append(NavItem(c.key, c.name, c.url))
        elif c.group not in placed:
            placed.add(c.group)
            group = by_key[c.group]
            items.append(NavItem(group.key, group.name, group.url,
                                 tuple(NavItem(k.key, k.name, k.url) for k in group.categories)))
    return tuple(items)
