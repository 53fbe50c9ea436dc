"""Validate stage, disclosure checks: what a 政务公开 board needs beyond valid front matter.

Two passes: `check_all` over every notice (索引号, links, attachments, pages),
before visibility is decided; `check_published` over the published ones only
(privacy, timeliness), since only what is published can leak or be late.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from generator.core.config import SiteConfig
from generator.core.errors import Diagnostic
from generator.core.model import Notice
from generator.disclosure.attachments import Attachment, check_attachments, check_body_files
from generator.disclosure.indexnumber import IndexNumbers, number_notices
from generator.disclosure.privacy import scan_notice, scan_text
from generator.disclosure.status import check_references, relations
from generator.disclosure.workdays import late_notices, load_calendar
from generator.load.standalone import StandalonePage, read_pages


@dataclass(frozen=True)
class Facts:
    """What other notices and files say about a notice: its 索引号, attachments and links."""

    index_number: str = ""
    provisional: bool = False
    attachments: tuple = ()  # attachments.Attachment
    relations: dict = field(default_factory=dict)  # superseded_by/supersedes/amends/amended_by -> [Notice]


@dataclass(frozen=True)
class Disclosure:
    """Everything the disclosure checks found that rendering needs."""

    numbers: IndexNumbers
    attachments: dict[str, list[Attachment]]
    pages: list[StandalonePage]
    body_files: dict[str, list[Attachment]] = field(default_factory=dict)  # images a body shows, copied too

    def facts(self, published: tuple[Notice, ...]) -> dict[str, Facts]:
        """Give each published notice its 索引号, attachments and links to other published notices."""
        links = relations(published)
        return {n.path: Facts(self.numbers.numbers.get(n.path, ""), n.path in self.numbers.provisional,
                              tuple(self.attachments.get(n.path, ())), links[n.path]) for n in published}


def check_all(notices: list[Notice], config: SiteConfig, content: Path, published: Callable[[Notice], bool],
              live: frozenset[str] = frozenset()) -> tuple[Disclosure, list[Diagnostic]]:
    """Check what spans notices and files: 索引号, superseded_by/amends, attachments, standalone pages.

    `live` holds the URLs of the public site's manifest, when the build was given it.
    """
    numbers, problems = number_notices(notices, config, published, live)
    problems += check_references(notices)
    attachments, found = check_attachments(notices, content)
    problems += found
    body_files, found = check_body_files(notices, content)
    problems += found
    pages, found = read_pages(content, config)
    problems += found
    return Disclosure(numbers, attachments, pages, body_files), problems


def check_published(published: tuple[Notice, ...], disclosure: Disclosure, config: SiteConfig,
                    content: Path, scanned: dict[str, list[Diagnostic]] | None = None) -> list[Diagnostic]:
    """Scan what will be published for ID and card numbers, and warn about late publication.

    `scanned` holds what scan_fields found in each notice's own text, when the caller kept it.
    """
    problems = []
    for notice in published:
        problems += scan_notice(notice, disclosure.attachments.get(notice.path, []), (scanned or {}).get(notice.path))
    for page in disclosure.pages:
        problems += scan_text(page.title, page.path, 2) + scan_text(page.body, page.path, page.body_line)
    problems += late_notices(published, load_calendar(content, config.holidays, config.tz), config.tz)
    return problems
