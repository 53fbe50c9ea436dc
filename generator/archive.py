"""Render stage, archive: notices by publish year, for readers who know when but not where."""

from __future__ import annotations

from .config import SiteConfig
from .render import Page
from .views import NoticeView


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
            pager = {"number": number, "total": len(chunks),
                     "previous": year_page_url(year, number - 1) if number > 1 else None,
                     "next": year_page_url(year, number + 1) if number < len(chunks) else None,
                     "pages": [(n, year_page_url(year, n)) for n in range(1, len(chunks) + 1)]}
            pages.append(Page(year_page_url(year, number) + "index.html", "archive_year.html",
                              {"year": year, "notices": chunk, "pager": pager, "count": len(items)}))
    return pages
