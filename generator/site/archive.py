"""Render stage, archive: notices by publish year, for readers who know when but not where."""

from __future__ import annotations

from generator.core.config import SiteConfig
from generator.site.render import Page, pager
from generator.site.views import NoticeView


def year_page_url(year: str, number: int) -> str:
    """Return the URL of page `number` of one year (page 1 is the year itself)."""
    return f"archive/{year}/" if number == 1 else f"archive/{year}/page/{number}/"


def plan_archive(config: SiteConfig, notices: list[NoticeView]) -> list[Page]:
    """List /archive/ and each year's pages, newest first, paginated like categories."""
    years: dict[str, list[NoticeView]] = {}
    for notice in notices:  # already newest first
        years.setdefault(notice.date[:4], []).append(notice)
    pages = [Page("archive/index.html", "archive.html",
                  {"years": [(y, len(items), year_page_url(y, 1)) for y, items in years.items()]})]
    for year, items in years.items():
        chunks = [items[i: i + config.per_page] for i in range(0, len(items), config.per_page)]
        for number, chunk in enumerate(chunks, start=1):
            # A window of page links, as categories have: listing all of them made a year of
            # 10,000 notices write 500 pages of 500 links each.
            links = pager(number, len(chunks), lambda n, year=year: year_page_url(year, n))
            pages.append(Page(year_page_url(year, number) + "index.html", "archive_year.html",
                              {"year": year, "notices": chunk, "pager": links, "count": len(items)}))
    return pages
