"""Render stage, machine-readable part: Atom and RSS feeds, the sitemap and robots.txt.

Feeds are Jinja2 templates with autoescaping on, like pages; every URL in them
is absolute, and every date carries the site's offset.
"""

from __future__ import annotations

from generator.core.config import SiteConfig
from generator.site.catalogue import FACET_ROOTS
from generator.site.render import Page, category_page_url
from generator.site.views import CategoryView, NoticeView


def plan_feeds(config: SiteConfig, notices: list[NoticeView], by_category: dict[str, list[NoticeView]],
               categories: tuple[CategoryView, ...], html_pages: list[Page]) -> list[Page]:
    """List the feeds, the sitemap and robots.txt."""
    limit = config.feed_limit
    pages = [
        Page("feed.xml", "atom.xml", _feed(config.title, "", notices[:limit], config.title)),
        Page("rss.xml", "rss.xml", _feed(config.title, "", notices[:limit], config.title)),
    ]
    for category in categories:
        items = by_category[category.key][:limit]
        title = f"{category.name} - {config.title}"
        context = _feed(title, category_page_url(category.key, 1), items, category.description or title)
        pages.append(Page(f"{category.key}/feed.xml", "atom.xml", context))
    # No content of their own; the catalogue's pages per 主题分类 and 体裁分类 are found from the catalogue.
    sitemap = [p for p in html_pages if p.path not in ("404.html", "search/index.html")
               and not p.path.startswith(FACET_ROOTS)]
    pages.append(Page("sitemap.xml", "sitemap.xml", {"entries": [_sitemap_entry(p) for p in sitemap]}))
    pages.append(Page("robots.txt", "robots.txt"))
    return pages


def _feed(title: str, home: str, entries: list[NoticeView], subtitle: str) -> dict:
    """Describe one feed; its `updated` is its newest entry's, never the build time."""
    updated = max((e.updated_iso for e in entries), default="1970-01-01T00:00:00+00:00")
    return {"feed_title": title, "feed_home": home, "entries": entries, "feed_updated": updated,
            "feed_subtitle": subtitle}


def _sitemap_entry(page: Page) -> dict:
    """Give a sitemap line its URL and, for notices, the last change."""
    notice = page.context.get("notice")
    return {"url": page.url, "lastmod": notice.updated_iso if notice else None}
