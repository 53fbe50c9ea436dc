"""Validate stage, timeliness (条例第二十六条): notices published more than 20 working days after written.

Working days skip weekends and the holidays of a small calendar file named by
`holidays:` in site.yaml; the file may also list the weekend days that are
worked (调休), since China moves working days around its holidays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from generator.core.dates import DateProblem, parse_stamp
from generator.core.errors import BuildFailed, Diagnostic
from generator.core.model import Notice
from generator.core.yamltree import read_yaml_file

LIMIT = 20


@dataclass(frozen=True)
class Calendar:
    """Days off on weekdays and days worked on weekends."""

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()

    def is_workday(self, day: date) -> bool:
        """Say whether people work on this day."""
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays


def load_calendar(content_dir: Path, name: str | None, tz: ZoneInfo) -> Calendar:
    """Read `holidays: [..]` and `workdays: [..]` from the calendar file, or fail naming the line."""
    if name is None:
        return Calendar()
    doc = read_yaml_file(content_dir / name, name, f"找不到节假日文件 {name}（site.yaml 的 holidays），请检查路径")
    data = doc.data if isinstance(doc.data, dict) else {}
    days: dict[str, set[date]] = {"holidays": set(), "workdays": set()}
    problems = []
    for key in sorted(set(data) - set(days)):
        problems.append(Diagnostic(name, doc.line((key,)) + 1, f"未知的项 {key}，只能有 holidays 和 workdays"))
    for key in days:
        items = data.get(key) or []
        for index, item in enumerate(items if isinstance(items, list) else [items]):
            try:
                days[key].add(parse_stamp(str(item), tz).moment.date())
            except DateProblem as exc:
                problems.append(Diagnostic(name, doc.line((key, index)) + 1, str(exc)))
    if problems:
        raise BuildFailed(problems)
    return Calendar(frozenset(days["holidays"]), frozenset(days["workdays"]))


def working_days_between(start: date, end: date, calendar: Calendar) -> int:
    """Count the working days after `start` up to and including `end`."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += calendar.is_workday(day)
    return count


def late_notices(notices: tuple[Notice, ...], calendar: Calendar, tz: ZoneInfo) -> list[Diagnostic]:
    """Warn about every published notice that came out more than 20 working days after it was written."""
    warnings = []
    for notice in notices:
        if notice.written is None:
            continue
        days = working_days_between(notice.written.moment.astimezone(tz).date(),
                                    notice.date.moment.astimezone(tz).date(), calendar)
        if days > LIMIT:
            warnings.append(Diagnostic(notice.path, notice.line_of("written"),
                                       f"发布日期比成文日期晚 {days} 个工作日，超过了条例第二十六条的 {LIMIT} 个工作日", "warning"))
    return warnings
