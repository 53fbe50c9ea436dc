"""Collect stage: decide who is published, group by category and order everything.

The clock is a parameter, never read here, so a build is a pure function of
(config, files, now) and tests can set the time.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from generator.core.config import SiteConfig
from generator.core.errors import Diagnostic
from generator.core.model import Notice

HELD_BACK_LABELS = {
    "draft": "草稿",
    "future": "未到发布时间",
    "on-request": "依申请公开",
    "withheld": "不予公开",
}


@dataclass(frozen=True)
class Collection:
    """The notices that will appear, in the order readers see them, and what was held back."""

    notices: tuple[Notice, ...]  # newest first across the site
    by_category: dict[str, tuple[Notice, ...]]  # newest first within each category
    held_back: Counter  # reason -> count
    previewed: frozenset[str]  # paths of drafts or future notices shown by --drafts/--future


def hidden_reason(notice: Notice, now: datetime, drafts: bool = False, future: bool = False) -> str | None:
    """Say why a notice must not appear, or None when it may."""
    if notice.disclosure != "public":
        return notice.disclosure  # on-request and withheld never appear, not even in previews
    if notice.draft and not drafts:
        return "draft"
    if notice.date.moment > now and not future:
        return "future"
    return None


FAR_FUTURE = timedelta(days=366)  # a notice planned further ahead than a year is most likely a typo


def far_future(notices: list[Notice], now: datetime) -> list[Diagnostic]:
    """Warn about each notice dated more than a year ahead: `2062` for `2026` hides it for decades."""
    return [Diagnostic(n.path, n.line_of("date"),
                       f"发布日期 {n.date.moment.date().isoformat()} 在一年以后，这篇公告要到那时才会发布："
                       "如果年份写错了，请改正；确实要定时发布的，可以不管这条提醒", "warning")
            for n in notices if n.date.moment - now > FAR_FUTURE and n.disclosure == "public" and not n.draft]


def order_key(config: SiteConfig):
    """Return the sort key: newest first, then category order, then slug as the tie-break."""
    rank = {c.key: i for i, c in enumerate(config.categories)}
    return lambda n: (-n.date.moment.timestamp(), rank[n.category], n.slug)


def collect(notices: list[Notice], config: SiteConfig, now: datetime,
            drafts: bool = False, future: bool = False) -> Collection:
    """Filter out every hidden notice and order the rest."""
    held_back: Counter = Counter()
    shown, previewed = [], set()
    for notice in notices:
        reason = hidden_reason(notice, now, drafts, future)
        if reason:
            held_back[reason] += 1
            continue
        if notice.draft or notice.date.moment > now:
            previewed.add(notice.path)
        shown.append(notice)
    shown.sort(key=order_key(config))
    groups: dict[str, list[Notice]] = {c.key: [] for c in config.categories}
    for notice in shown:  # one pass, not one per category
        if notice.category in groups:
            groups[notice.category].append(notice)
    by_category = {key: tuple(group) for key, group in groups.items()}
    return Collection(tuple(shown), by_category, held_back, frozenset(previewed))
