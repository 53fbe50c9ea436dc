"""Render stage, views: plain, display-ready values for templates.

Templates never see internals: dates come formatted, names resolved, URLs as
paths below the site root. Changing a model class cannot break a user theme.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .collect import Collection
from .config import SiteConfig
from .markup import Body
from .model import Notice


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
    html: str
    tags: tuple[str, ...]
    preview: str | None  # banner text when shown only by --drafts/--future


@dataclass(frozen=True)
class CategoryView:
    """What a template may show of a category."""

    key: str
    name: str
    description: str
    url: str
    count: int


def notice_view(notice: Notice, body: Body, config: SiteConfig, now: datetime) -> NoticeView:
    """Format one notice for templates and feeds."""
    tz = config.tz
    preview = None
    if notice.draft:
        preview = "草稿预览：本公告尚未发布，不会出现在正式网站上"
    elif notice.date.moment > now:
        preview = f"定时预览：本公告将于 {notice.date.display(tz)} 发布，目前不会出现在正式网站上"
    return NoticeView(
        title=notice.title,
        url=notice.url,
        category=notice.category,
        category_name=config.category(notice.category).name,
        date=notice.date.display(tz),
        date_iso=notice.date.rfc3339(tz),
        date_rfc822=notice.date.rfc822(tz),
        updated=notice.updated.display(tz) if notice.updated else None,
        updated_iso=notice.last_modified.rfc3339(tz),
        department=notice.department,
        doc_number=notice.doc_number,
        responsible=notice.responsible,
        summary=body.summary,
        html=body.html,
        tags=notice.tags,
        preview=preview,
    )


def category_views(config: SiteConfig, collection: Collection) -> tuple[CategoryView, ...]:
    """List the categories in navigation order with their published counts."""
    return tuple(
        CategoryView(c.key, c.name, c.description, f"{c.key}/", len(collection.by_category[c.key]))
        for c in config.categories
    )
