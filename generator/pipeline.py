"""The build, stage by stage: load → validate → collect → render → write.

Nothing touches the output folder until every notice has been validated and
every page rendered without error; then the new site replaces the old in one
step. Hidden notices are dropped in `collect`, before any Markdown is
converted, so no later stage can leak them.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .collect import collect
from .config import SiteConfig, load_config
from .errors import BuildFailed, Diagnostic, errors_in
from .faults import pause_at
from .feeds import plan_feeds
from .markup import Converter
from .output import Staging
from .render import plan_html, render_page
from .sources import read_sources
from .theme import Theme, load_theme
from .validate import validate_all
from .views import category_views, notice_view


@dataclass(frozen=True)
class Options:
    """What the command line asked for."""

    content: Path
    output: Path
    theme: Path | None = None  # a user theme over the default; None: site.yaml's, or only the default
    check: bool = False  # validate and render, write nothing
    drafts: bool = False
    future: bool = False


@dataclass
class Report:
    """What a build did, for the summary line."""

    published: int = 0
    held_back: Counter = field(default_factory=Counter)
    files: int = 0
    seconds: float = 0.0
    warnings: list[Diagnostic] = field(default_factory=list)


def build(options: Options, now: datetime) -> Report:
    """Build the site at time `now`; raise BuildFailed with every problem in the input."""
    started = time.perf_counter()
    # 1. Configuration first: every later stage needs the categories and the timezone.
    config = load_config(options.content)
    theme = load_theme(theme_dir(options, config))
    # 2. Read and validate every notice, reporting all problems of all files together.
    sources, problems = read_sources(options.content, config.max_notice_kb)
    notices, invalid = validate_all(sources, config)
    problems += invalid
    if errors_in(problems):
        raise BuildFailed(errors_in(problems))
    # 3. Decide who is published; from here on hidden notices no longer exist.
    collection = collect(notices, config, now.astimezone(config.tz), options.drafts, options.future)
    # 4. Render everything in memory before anything is written.
    files = render_site(config, collection, theme, now)
    report = Report(published=len(collection.notices), held_back=collection.held_back,
                    warnings=[p for p in problems if p.severity != "error"])
    # 5. Swap the new site in, unless this is only a check.
    if not options.check:
        with Staging(options.output) as staging:
            for rel, data in files:
                staging.write(rel, data)
            for rel, source in theme.static.items():
                staging.copy(rel, source)
            staging.commit()
    report.files = len(files) + len(theme.static)
    report.seconds = time.perf_counter() - started
    return report


def theme_dir(options: Options, config: SiteConfig) -> Path | None:
    """Pick the user theme: the command line wins over site.yaml."""
    if options.theme is not None:
        return options.theme
    if config.theme:
        return options.content / config.theme
    return None


def render_site(config: SiteConfig, collection, theme: Theme, now: datetime) -> list[tuple[str, bytes]]:
    """Convert bodies, build the views and render every page and feed to bytes."""
    converter = Converter()
    views = [notice_view(n, converter.convert(n.body, n.summary), config, now) for n in collection.notices]
    by_category: dict[str, list] = {c.key: [] for c in config.categories}
    for view in views:
        by_category[view.category].append(view)
    categories = category_views(config, collection)
    html_pages = plan_html(config, views, by_category, categories)
    pages = html_pages + plan_feeds(config, views, by_category, categories, html_pages)
    common = {
        "site": {"title": config.title, "agency": config.agency, "base_url": config.base_url,
                 "language": config.language},
        "categories": categories,
    }
    problems, files = [], []
    for page in pages:
        try:
            files.append((page.path, render_page(page, theme, common, config)))
            pause_at("render")
        except BuildFailed as exc:
            problems.extend(exc.diagnostics)
            break  # one broken template breaks every page; once is enough to say so
    if problems:
        raise BuildFailed(problems)
    return files
