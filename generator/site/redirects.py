"""Render stage, removal: stub pages for withdrawn notices and redirect pages for moved ones.

A published URL keeps answering: a withdrawn notice leaves a page that says
so and why, and an old URL named in `redirect_from` leads to the notice's new
one. Both are plain HTML (meta refresh, no script), so any static host serves them.
"""

from __future__ import annotations

from generator.core.errors import Diagnostic
from generator.core.model import Notice
from generator.core.schema import WITHDRAWN
from generator.site.render import Page, page_path


def split_withdrawn(notices: list[Notice]) -> tuple[list[Notice], list[Notice]]:
    """Separate withdrawn notices, which get only a stub, from those shown in full."""
    kept = [n for n in notices if n.status != WITHDRAWN]
    return kept, [n for n in notices if n.status == WITHDRAWN]


def plan_removals(withdrawn: list[Notice], shown: tuple[Notice, ...], category_names: dict[str, str],
                  taken: set[str], date_of, lines: dict[str, int]) -> tuple[list[Page], list[Diagnostic]]:
    """List the stub and redirect pages; report an old URL that a live page already answers."""
    pages, problems, claimed = [], [], {}
    for notice in sorted(withdrawn, key=lambda n: n.url):
        pages.append(Page(page_path(notice.url), "withdrawn.html", {
            "withdrawn": {"title": notice.title, "date": date_of(notice), "reason": notice.withdrawal_reason,
                       "category_name": category_names[notice.category], "category_url": f"{notice.category}/"},
            "current_key": notice.category,
        }))
        claimed[notice.url] = notice.path
    for notice in sorted(shown, key=lambda n: n.path):
        for old in notice.redirect_from:
            if page_path(old) in taken or old in claimed:
                owner = claimed.get(old, "一个现有页面")
                problems.append(Diagnostic(
                    notice.path, lines.get(notice.path, 1),
                    f"redirect_from 中的旧网址 /{old} 仍被{owner}使用，不能再跳转：请删去这一项",
                ))
                continue
            claimed[old] = notice.path
            pages.append(Page(page_path(old), "redirect.html", {"target": notice.url, "title": notice.title}))
    return pages, problems
