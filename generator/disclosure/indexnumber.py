"""Validate stage, 索引号: check the numbers editors wrote and compose the missing ones.

A published 索引号 is cited in letters and registers, so it must never change.
A composed number depends on every notice of its year and would shift if a
back-dated notice appeared; it is therefore announced as provisional until
`build.py assign-index` writes it into the file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from generator.core.config import SiteConfig
from generator.core.errors import Diagnostic
from generator.core.model import Notice

NUMBER_PATTERN = re.compile(r"^[0-9A-Za-z][0-9A-Za-z./-]{0,63}$")
MAX_SERIAL = 99999


@dataclass(frozen=True)
class IndexNumbers:
    """Every notice's 索引号 and which of them are provisional."""

    numbers: dict[str, str]  # notice path -> number
    provisional: frozenset[str]  # paths whose number was composed in this build


def pattern_of(config: SiteConfig) -> str:
    """Return the site's 索引号 pattern, falling back on one without an agency code."""
    if config.index_pattern:
        return config.index_pattern
    return "{agency_code}/{year}-{serial:05d}" if config.agency_code else "{year}-{serial:05d}"


def compose(config: SiteConfig, year: int, serial: int) -> str:
    """Fill the pattern for one year and serial."""
    return pattern_of(config).format(agency_code=config.agency_code or "", year=year, serial=serial)


def year_of(notice: Notice, config: SiteConfig) -> int:
    """Return the publish year in the site's zone (a notice at 00:30 on 1 January belongs to the new year)."""
    return notice.date.moment.astimezone(config.tz).year


PROVISIONAL_SHOWN = 10  # provisional numbers named one by one; the rest are counted in one line


def number_notices(notices: list[Notice], config: SiteConfig, published: Callable[[Notice], bool],
                   live: frozenset[str] = frozenset()) -> tuple[IndexNumbers, list[Diagnostic]]:
    """Check the written numbers, then number the published rest by publish time and slug within each year.

    Only notices published in this build take a provisional number: a draft or a
    future notice counted here would leave a gap that betrays it. `live` holds the
    URLs the public site has published (its manifest), whose numbers are owned first.
    """
    problems: list[Diagnostic] = []
    numbers: dict[str, str] = {}
    owner: dict[str, Notice] = {}
    # A notice already on the public site, then the earliest published one, owns a number;
    # a copy that kept it is the one blamed.
    for notice in sorted(notices, key=lambda n: (n.url not in live, not published(n), n.date.moment, n.path)):
        number = notice.index_number
        if number is None:
            continue
        line = notice.line_of("index_number")
        if not NUMBER_PATTERN.match(number):
            problems.append(Diagnostic(notice.path, line, f"索引号「{number}」格式不对：只能包含字母、数字、/、- 和 .，"
                                       f"例如 {compose(config, year_of(notice, config), 1)}"))
        elif number in owner:
            problems.append(Diagnostic(notice.path, line, f"索引号 {number} 与 {owner[number].path} 重复，"
                                       "索引号必须唯一：这一篇发布在后（可能是复制来的），请删掉这一行索引号，"
                                       "再运行 python build.py assign-index 写入新的索引号"))
        else:
            owner[number] = notice
            numbers[notice.path] = number
    taken = set(owner)
    pending = sorted((n for n in notices if n.index_number is None and published(n)),
                     key=lambda n: (n.date.moment, n.slug, n.path))
    serials: dict[int, int] = {}
    provisional = set()
    warnings = []
    for notice in pending:
        year = year_of(notice, config)
        serial = serials.get(year, 0) + 1
        while compose(config, year, serial) in taken:
            serial += 1
        serials[year] = serial
        number = compose(config, year, serial)
        taken.add(number)
        numbers[notice.path] = number
        provisional.add(notice.path)
        warnings.append(Diagnostic(notice.path, 1, f"索引号 {number} 是临时编号，补发早于它的公告会使它改变；"
                                   "请运行 python build.py assign-index 把它写入文件", "warning"))
    if len(warnings) > PROVISIONAL_SHOWN:  # an archive never numbered would otherwise fill the log
        rest = len(warnings) - PROVISIONAL_SHOWN
        warnings[PROVISIONAL_SHOWN:] = [Diagnostic("site.yaml", 1, f"另有 {rest} 篇公告使用临时索引号；"
                                                   "请运行 python build.py assign-index 一次全部写入", "warning")]
    return IndexNumbers(numbers, frozenset(provisional)), problems + warnings


def next_free(notices: list[Notice], config: SiteConfig, year: int, published: Callable[[Notice], bool]) -> str:
    """Return the number after the highest one the year already uses, written or provisional."""
    numbering, _ = number_notices(notices, config, published)
    taken = set(numbering.numbers.values())
    last = max((s for s in range(1, MAX_SERIAL + 1) if compose(config, year, s) in taken), default=0)
    return compose(config, year, last + 1)
