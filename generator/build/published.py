"""What is published at a moment, read and checked as a build reads it, for commands that write no site.

`print` (the paper board) and `report` (the annual report) must see exactly the notices the site
shows: the same checks stop them, and hidden notices are dropped in the same place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from generator.build.intake import load_notices
from generator.core.config import SiteConfig, load_config
from generator.core.errors import BuildFailed, Diagnostic, errors_in
from generator.core.model import Notice
from generator.disclosure.checks import Disclosure, check_all, check_published
from generator.disclosure.collect import Collection, collect, hidden_reason
from generator.incremental.cache import Cache
from generator.site.redirects import split_withdrawn
from generator.site.views import NoticeView, notice_views


@dataclass
class Published:
    """The published notices at `now`, with their views, and what the checks warned about."""

    config: SiteConfig
    now: datetime  # in the site's timezone
    collection: Collection
    views: dict[str, NoticeView]  # notice path -> view
    warnings: list[Diagnostic]
    every: list[Notice]  # every valid notice file, hidden or not: for diagnostics, never for output


def read_published(content: Path, now: datetime) -> Published:
    """Read, check and collect the content folder; raise BuildFailed as a build would."""
    config = load_config(content)
    local_now = now.astimezone(config.tz)
    intake = load_notices(content, config, Cache(None), None)  # every core on a large site, as a build
    disclosure, found = check_all(intake.notices, config, content, lambda n: not hidden_reason(n, local_now))
    problems = [*intake.problems, *found]
    if errors_in(problems):
        raise BuildFailed(errors_in(problems))
    notices, _withdrawn = split_withdrawn(intake.notices)  # a withdrawn notice keeps only its stub online
    collection = collect(notices, config, local_now)
    problems += check_published(collection.notices, disclosure, config, content, intake.exposures)
    if errors_in(problems):
        raise BuildFailed(errors_in(problems))
    views = _views(collection, disclosure, intake.bodies, config, now)
    return Published(config, local_now, collection, views, [p for p in problems if p.severity != "error"],
                     list(intake.notices))


def _views(collection: Collection, disclosure: Disclosure, bodies: dict, config: SiteConfig,
           now: datetime) -> dict[str, NoticeView]:
    """Make the view of every published notice, as its page shows it."""
    made = notice_views(collection.notices, [bodies[n.path] for n in collection.notices], config, now,
                        disclosure.facts(collection.notices))
    return {n.path: v for n, v in zip(collection.notices, made)}
