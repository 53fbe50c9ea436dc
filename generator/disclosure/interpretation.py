"""Collect stage, 政策解读: a policy document of certain genres comes with its 解读, published together.

The rule that a 行政规范性文件 is published with its 解读 (同步起草、同步审签、同步发布) is checked
over what is published: a document of a genre named in site.yaml's `interpretation_genres`
without a published 解读 is a warning, and so is a 解读 published more than
`interpretation_within` working days after its document. `--strict` makes both errors.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from generator.core.config import SiteConfig
from generator.core.errors import Diagnostic
from generator.core.model import Notice
from generator.disclosure.genre import genre_of, known_genres
from generator.disclosure.status import relations
from generator.disclosure.workdays import Calendar, working_days_between


def check_interpretations(published: tuple[Notice, ...], config: SiteConfig, calendar: Calendar,
                          strict: bool = False) -> list[Diagnostic]:
    """Warn about documents missing their 解读 and 解读 published too long after their document."""
    severity = "error" if strict else "warning"
    tz: ZoneInfo = config.tz
    links = relations(published)
    known = known_genres(config)
    problems = []
    for notice in published:
        genre = genre_of(notice, known)
        if genre in config.interpretation_genres and not links[notice.path]["interpreted_by"]:
            line = notice.line_of("genre") if "genre" in notice.lines else notice.line_of("tags")
            problems.append(Diagnostic(notice.path, line, f"{genre}应当同步发布政策解读，但没有找到解读它的公告："
                                       f"请发布解读并在其中写 interprets: {notice.slug}", severity))
        for document in links[notice.path]["interprets"]:
            days = working_days_between(document.date.moment.astimezone(tz).date(),
                                        notice.date.moment.astimezone(tz).date(), calendar)
            if days > config.interpretation_within:
                problems.append(Diagnostic(
                    notice.path, notice.line_of("date"),
                    f"政策解读比所解读文件（{document.path}）晚 {days} 个工作日发布，超过了 "
                    f"{config.interpretation_within} 个工作日：解读应与文件同步发布", severity))
    return problems
