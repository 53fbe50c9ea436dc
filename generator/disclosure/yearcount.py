"""Collect stage, the annual report's section 二: 规章 and 行政规范性文件 made, repealed and in force in a year.

Counted from what is published only (hidden notices are neither counted nor named), by the
site's calendar: made = published in the year; repealed = status 已废止 with a repeal day in the
year (the `repealed` date, else the publish day of the notice that superseded it); in force = made
by the year's end and neither repealed nor expired by then. A repealed notice whose day cannot be
known is listed apart, for the clerk to settle, and counted in neither column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from generator.core.config import SiteConfig
from generator.core.errors import Diagnostic
from generator.core.model import Notice
from generator.disclosure.genre import genre_of, known_genres
from generator.disclosure.status import resolve

PLACEHOLDER = "待填写"  # what build.py report writes where the clerk must fill in
MARK = "<!-- " + PLACEHOLDER


@dataclass
class Row:
    """One row of the table: a kind of document and the notices behind each of its three numbers."""

    label: str  # 规章 | 行政规范性文件
    made: list[Notice] = field(default_factory=list)
    repealed: list[tuple[Notice, date, str]] = field(default_factory=list)  # notice, day, how the day is known
    in_force: list[Notice] = field(default_factory=list)
    unknown: list[Notice] = field(default_factory=list)  # repealed, day unknown


def count_year(published: tuple[Notice, ...], config: SiteConfig, year: int) -> list[Row]:
    """Count the 规章 and 行政规范性文件 of `year` among the published notices."""
    tz: ZoneInfo = config.tz
    known = known_genres(config)
    end = date(year, 12, 31)
    rows = [Row("规章"), Row("行政规范性文件")]
    for row, genres in zip(rows, (config.rule_genres, config.normative_genres)):
        for notice in sorted(published, key=lambda n: (n.date.moment, n.path)):
            if genre_of(notice, known) not in genres:
                continue
            made = _day(notice.date, tz)
            if made > end:
                continue
            if made.year == year:
                row.made.append(notice)
            gone, how = _repeal_day(notice, published, tz)
            if notice.status == "repealed" and gone is None:
                row.unknown.append(notice)
                continue
            if gone is not None and gone.year == year:
                row.repealed.append((notice, gone, how))
            # 有效期至 a day before the year's end, or 已失效 on an unknown day: not in force at the end.
            lapsed = (notice.valid_until is not None and _day(notice.valid_until, tz) < end) or \
                (notice.status == "expired" and notice.valid_until is None)
            if (gone is None or gone > end) and not lapsed:
                row.in_force.append(notice)
    return rows


def _day(stamp, tz: ZoneInfo) -> date:
    """Return a stamp's day in the site's calendar."""
    return stamp.moment.astimezone(tz).date()


def _repeal_day(notice: Notice, published: tuple[Notice, ...], tz: ZoneInfo) -> tuple[date | None, str]:
    """Return the day a document stopped being in force and how that is known, or (None, "") if it is not repealed."""
    if notice.status != "repealed":
        return None, ""
    if notice.repealed is not None:
        return _day(notice.repealed, tz), "repealed 字段"
    successor = resolve(notice.superseded_by, list(published)) if notice.superseded_by else []
    if len(successor) == 1:
        return _day(successor[0].date, tz), f"被 {successor[0].path} 替代"
    return None, ""


def unfinished_report(notice: Notice, config: SiteConfig) -> list[Diagnostic]:
    """Warn when an annual report that is not a draft still has parts marked 待填写 (build.py report leaves them).

    Checked with the file, while its body is at hand, so that an edit removing the last mark
    is a change of the file's problems, which a touch-up does not repeat from the last build.
    """
    if notice.category != config.report_category or notice.draft:
        return []
    problems = []
    if notice.responsible == PLACEHOLDER:
        problems.append(Diagnostic(notice.path, notice.line_of("responsible"),
                                   "年度报告已不是草稿，但责任人仍是“待填写”：请写上对报告负责的人", "warning"))
    if MARK in notice.body:
        line = notice.body_line + notice.body[: notice.body.index(MARK)].count("\n")
        problems.append(Diagnostic(notice.path, line, "年度报告已不是草稿，但仍有标着“待填写”的部分：请填好数字或文字并删除该注释",
                                   "warning"))
    return problems


def duplicate_reports(published: tuple[Notice, ...], config: SiteConfig) -> list[Diagnostic]:
    """Warn when the report category publishes two notices in one year: the column holds one report a year.

    A report is published early in the year after the one it reports on, so the publish year tells
    them apart; a correction goes into the same notice (updated, changes), not a second one.
    """
    first: dict[int, Notice] = {}
    problems = []
    for notice in sorted(published, key=lambda n: (n.date.moment, n.path)):
        if notice.category != config.report_category:
            continue
        year = notice.date.moment.astimezone(config.tz).year
        if year in first:
            problems.append(Diagnostic(notice.path, notice.line_of("date"),
                                       f"{year}年已发布过年度报告（{first[year].path}），年报栏目每年只发一篇："
                                       "更正请改原报告并写 changes（修订记录）", "warning"))
        else:
            first[year] = notice
    return problems


def reconcile(before: Row, now: Row, year: int, published: tuple[Notice, ...], config: SiteConfig) -> list[Diagnostic]:
    """Name, as warnings, the notices for which 上年现行有效 + 本年制发 − 本年废止 ≠ 本年现行有效 in one row.

    Everything in force at the year's end was in force a year before or made in the year, so
    the chain breaks only where a document left force without a repeal counted in the year, or
    was counted as repealed without being in force; one warning each, at the field to look at.
    """
    expected = {n.path: n for n in [*before.in_force, *now.made]}
    repealed = {n.path: n for n, _, _ in now.repealed}
    in_force = {n.path for n in now.in_force}
    left = [n for path, n in expected.items() if path not in in_force and path not in repealed]
    phantom = [n for path, n in repealed.items() if path not in expected]
    if not left and not phantom:
        return []
    sums = (f"{year}年{now.label}：上年现行有效 {len(before.in_force)} 件 + 本年制发 {len(now.made)} 件 − "
            f"本年废止 {len(now.repealed)} 件 = {len(before.in_force) + len(now.made) - len(now.repealed)} 件，"
            f"本年现行有效却是 {len(now.in_force)} 件")
    problems = []
    for notice in sorted([*left, *phantom], key=lambda n: n.path):
        field, why = _why_unreconciled(notice, published, config.tz)
        problems.append(Diagnostic(notice.path, notice.line_of(field), f"{sums}：这份文件{why}", "warning"))
    return problems


def _why_unreconciled(notice: Notice, published: tuple[Notice, ...], tz: ZoneInfo) -> tuple[str, str]:
    """Say which field of a notice breaks the chain of counts, and why, with how to mend it."""
    made = _day(notice.date, tz)
    gone, how = _repeal_day(notice, published, tz)
    if notice.status == "repealed" and gone is None:
        return "status", "已废止但不知废止日期，没有计入任何一年的废止件数：请写 repealed（废止日期）或 superseded_by"
    if gone is not None and gone < made:
        field = "repealed" if notice.repealed is not None else "superseded_by"
        return field, (f"的废止日期 {gone.isoformat()}（{how}）早于它的发布日期 {made.isoformat()}："
                       "请改正日期")
    if notice.valid_until is not None:
        until = _day(notice.valid_until, tz)
        if gone is not None and until < gone:
            return "valid_until", (f"在有效期届满（{until.isoformat()}）后才废止（{gone.isoformat()}），"
                                   "废止时已不在现行有效件数中：请核对两个日期")
        return "valid_until", (f"有效期至 {until.isoformat()}，到期失效不算废止，所以不再计入现行有效件数："
                               "如属实无需修改，可在报告中说明")
    if notice.status == "expired":
        return "status", "标为已失效但没有写有效期至（valid_until），不知何时失效：请写 valid_until"
    return "date", "的数字无法对上：请核对它的发布、废止和有效期日期"
