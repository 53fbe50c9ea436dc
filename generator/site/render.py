"""Render stage: the table of HTML pages, and any page (HTML or XML) into bytes.

Every link in a page is relative to that page, so the site works under any
sub-path and even opened from disk; only 404.html, which a server shows at any
depth, links from the base path.
"""

from __future__ import annotations

import posixpath
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from jinja2 import TemplateError

from generator.core.config import SiteConfig
from generator.core.errors import BuildFailed, Diagnostic
from generator.site.theme import Theme
from generator.site.views import CategoryView, GroupView, NoticeView

BOARD_LATEST = 10  # newest notices overall on the board


@dataclass(frozen=True)
class Page:
    """One output file to render: where it goes, with which template and what it shows."""

    path: str  # output file below the site root, e.g. guides/page/2/index.html
    template: str
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """Return the page's URL below the site root (folders end with /)."""
        return self.path[: -len("index.html")] if self.path.endswith("index.html") else self.path


def page_path(url: str) -> str:
    """Return the file that serves a folder URL such as `guides/page/2/`."""
    return url + "index.html"


def category_page_url(key: str, number: int) -> str:
    """Return the URL of page `number` of a category index (page 1 is the category itself)."""
    return f"{key}/" if number == 1 else f"{key}/page/{number}/"


def plan_html(config: SiteConfig, notices: list[NoticeView], by_category: dict[str, list[NoticeView]],
              categories: tuple[CategoryView, ...], groups: tuple[GroupView, ...] = ()) -> list[Page]:
    """List every HTML page of the site, in a fixed order."""
    pages = [Page("index.html", "board.html", {
        "latest": pinned_first(notices)[:BOARD_LATEST],
        "panels": [(c, pinned_first(by_category[c.key])[: config.board_limit]) for c in categories],
        "open_periods": [n for n in notices if n.period_state == "公示中"],
    })]
    for group in groups:  # a parent column: its categories, each with its newest notices
        pages.append(Page(page_path(group.url), "group.html", {
            "group": group,
            "panels": [(c, pinned_first(by_category[c.key])[: config.board_limit]) for c in group.categories],
        }))
    for category in categories:
        items = by_category[category.key]
        listed = pinned_first(items)  # pinned notices open page 1; prev/next keep the date order
        chunks = [listed[i: i + config.per_page] for i in range(0, len(listed), config.per_page)] or [[]]
        for number, chunk in enumerate(chunks, start=1):
            pages.append(Page(page_path(category_page_url(category.key, number)), "category.html", {
                "category": category,
                "notices": chunk,
                "pager": pager(number, len(chunks), lambda n, key=category.key: category_page_url(key, n)),
            }))
        for index, notice in enumerate(items):
            pages.append(Page(page_path(notice.url), "notice.html", {
                "category": category,
                "notice": notice,
                "newer": items[index - 1] if index > 0 else None,
                "older": items[index + 1] if index + 1 < len(items) else None,
            }))
    # The search page's year filter offers only years that have notices.
    years = sorted({n.date[:4] for n in notices}, reverse=True)
    # Likewise the 主题分类 and 体裁分类 filters offer only the ones notices carry.
    topics, genres = config.filter_values({n.topic for n in notices if n.topic}, {n.genre for n in notices if n.genre})
    pages.append(Page(page_path("search/"), "search.html", {"years": years, "topics": topics, "genres": genres}))
    pages.append(Page("404.html", "404.html"))
    return pages


def pinned_first(notices: list[NoticeView]) -> list[NoticeView]:
    """Move pinned notices to the front, each group keeping its order."""
    return [n for n in notices if n.pinned] + [n for n in notices if not n.pinned]


def pager(number: int, total: int, url_of: Callable[[int], str]) -> dict[str, Any]:
    """Describe the pager of one page of a list (a category, a year of the archive)."""
    return {
        "number": number,
        "total": total,
        "previous": url_of(number - 1) if number > 1 else None,
        "next": url_of(number + 1) if number < total else None,
        "pages": [(n, url_of(n) if n else None) for n in _pager_window(number, total)],
    }


def _pager_window(number: int, total: int, reach: int = 2) -> list[int | None]:
    """Pick the page numbers a pager shows: first, last and `reach` either side; None marks a gap.

    Listing every page made each index page grow with the category, so a
    category of 50,000 notices wrote 2,500 pages of 2,500 links each.
    """
    shown = sorted({1, total, *range(max(1, number - reach), min(total, number + reach) + 1)})
    window: list[int | None] = []
    for n in shown:
        if window and n - window[-1] > 1:
            window.append(None)
        window.append(n)
    return window


def render_page(page: Page, theme: Theme, common: dict[str, Any], config: SiteConfig) -> bytes:
    """Render one page to UTF-8 bytes; a broken template becomes a diagnostic, not a traceback."""
    root = config.base_path if page.path == "404.html" else _root_of(page.path)

    def url(target: str = "") -> str:
        """Link to a path below the site root from this page."""
        return root + target if target or root else "./"

    def asset(logical: str) -> str:
        """Link to a theme file by its logical name (css/site.css), content hash included."""
        return url(theme.assets[logical])

    context = {
        **common,
        **page.context,
        "url": url,
        "asset": asset,
        "absolute": lambda target="": config.base_url + target,
        "page_url": page.url,
        "canonical": config.base_url + page.url,
    }
    try:
        return theme.env.get_template(page.template).render(context).encode("utf-8")
    except TemplateError as exc:
        name = getattr(exc, "filename", None) or getattr(exc, "name", None) or page.template
        line = getattr(exc, "lineno", None) or 1
        raise BuildFailed([Diagnostic(str(name), line, f"模板错误：{exc.message}（渲染 {page.path} 时）")]) from None
    except _TEMPLATE_MISTAKES as exc:  # a theme's template calling what is no function, adding text to a number...
        name, line = _template_line(exc, page.template)
        raise BuildFailed([Diagnostic(name, line, f"模板错误：{type(exc).__name__}: {exc}（渲染 {page.path} 时）；"
                                                  "请检查模板这一行用到的值和函数")]) from None


# What a template's own expressions raise, besides Jinja2's errors. Not CacheDamaged, which starts the build
# again without the cache (pipeline.build), nor MemoryError or OSError, which are the machine's.
_TEMPLATE_MISTAKES = (TypeError, ValueError, ArithmeticError, LookupError, AttributeError, RecursionError)


def _template_line(exc: BaseException, fallback: str) -> tuple[str, int]:
    """Name the template line where rendering failed: the innermost frame of template code in the traceback
    (Jinja2 gives its compiled templates' frames the template's file and line)."""
    found = (fallback, 1)
    for frame in traceback.extract_tb(exc.__traceback__):
        if not frame.filename.endswith(".py") and not frame.filename.startswith("<"):
            found = (frame.filename, frame.lineno or 1)
    return found


def _root_of(path: str) -> str:
    """Return the relative prefix from a page's folder back to the site root."""
    depth = posixpath.dirname(path).count("/") + 1 if "/" in path else 0
    return "../" * depth
