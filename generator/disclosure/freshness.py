"""Collect stage, column freshness: columns that are empty or have gone too long without a new notice.

The government-website inspections (国办秘函〔2019〕19号) fail a site for blank columns and for
columns not updated within their period (2 weeks for 动态要闻, 6 months for 通知公告 and 政策文件,
1 year for 人事 and 规划计划). Each category says its period in site.yaml (`update_within`);
standing content such as 部门职责 says `none`. Measured at build time, in the site's calendar.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from generator.core.config import CONFIG_NAME, Interval, SiteConfig
from generator.core.errors import Diagnostic
from generator.core.model import Notice


@dataclass(frozen=True)
class Stale:
    """One column an inspector would mark: empty, or its newest notice older than its period."""

    key: str
    name: str
    line: int  # the category's line in site.yaml
    within: str  # 6个月
    newest: date | None  # None: the column is empty
    days_over: int = 0

    def text(self) -> str:
        """Say it in one line, for the summary and the diagnostic."""
        if self.newest is None:
            return f"栏目「{self.name}」（{self.key}）是空白栏目，没有任何已发布的信息"
        return (f"栏目「{self.name}」（{self.key}）最新一篇发布于 {self.newest.isoformat()}，"
                f"超过 {self.within} 的更新期限 {self.days_over} 天")


def deadline(newest: date, within: Interval) -> date:
    """Return the last day on which a column whose newest notice is from `newest` is still fresh.

    Months and years are calendar months: 6 months after 08-31 is 02-28 (or 02-29).
    """
    if within.unit in ("d", "w"):
        return newest + timedelta(days=within.count * (7 if within.unit == "w" else 1))
    months = within.count * (12 if within.unit == "y" else 1)
    year, month = divmod(newest.month - 1 + months, 12)
    year, month = newest.year + year, month + 1
    return date(year, month, min(newest.day, calendar.monthrange(year, month)[1]))


def stale_columns(config: SiteConfig, by_category: dict[str, tuple[Notice, ...]], now: datetime,
                  previewed: frozenset[str] = frozenset()) -> list[Stale]:
    """List the columns that are empty or overdue at `now`; drafts and future notices shown in a preview do not count."""
    tz: ZoneInfo = config.tz
    today = now.astimezone(tz).date()
    found = []
    for category in config.categories:
        if category.update_within is None:
            continue
        dates = [n.date.moment.astimezone(tz).date() for n in by_category.get(category.key, ()) if n.path not in previewed]
        if not dates:
            found.append(Stale(category.key, category.name, category.line, category.update_within.text, None))
            continue
        newest = max(dates)
        over = (today - deadline(newest, category.update_within)).days
        if over > 0:
            found.append(Stale(category.key, category.name, category.line, category.update_within.text, newest, over))
    return found


def stale_diagnostics(stale: list[Stale], strict: bool) -> list[Diagnostic]:
    """Turn the stale columns into warnings, or errors under --strict, each with how to fix it."""
    fix = "；请发布新内容，或在 site.yaml 中为该分类改写 update_within（常设内容写 none）"
    return [Diagnostic(CONFIG_NAME, s.line, s.text() + fix, "error" if strict else "warning") for s in stale]
