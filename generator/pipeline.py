"""The build, stage by stage: load → validate → collect → render → write.

Nothing touches the output folder until every notice has been validated and
every page rendered without error; then the new site replaces the old in one
step. Hidden notices are dropped in `collect`, before any Markdown is
converted, so no later stage can leak them.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .cache import Cache, PageKeys, body_key, default_folder
from .collect import collect
from .config import SiteConfig, load_config
from .errors import BuildFailed, Diagnostic, errors_in
from .feeds import plan_feeds
from .markup import Body, Converter
from .output import Staging, is_current
from .parallel import ordered_map
from .render import Page, plan_html, render_page
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
    cache: Path | None = None  # the cache folder; None: .gongkai-cache beside the output
    use_cache: bool = True
    jobs: int | None = None  # worker processes; None: every core when the site is big enough


Progress = Callable[[int, int], None]  # (pages done, pages in all)


@dataclass
class Report:
    """What a build did, for the summary line."""

    published: int = 0
    held_back: Counter = field(default_factory=Counter)
    files: int = 0
    cached: int = 0  # pages taken from the cache instead of rendered
    seconds: float = 0.0
    warnings: list[Diagnostic] = field(default_factory=list)


def build(options: Options, now: datetime, progress: Progress | None = None) -> Report:
    """Build the site at time `now`; raise BuildFailed with every problem in the input."""
    started = time.perf_counter()
    # 1. Configuration first: every later stage needs the categories and the timezone.
    config = load_config(options.content)
    theme = load_theme(theme_dir(options, config))
    # 2. Read and validate every notice, reporting all problems of all files together.
    #    Always all of them, cache or not: validation is cheap and a cache must never hide a mistake.
    sources, problems = read_sources(options.content)
    notices, invalid = validate_all(sources, config)
    problems += invalid
    if errors_in(problems):
        raise BuildFailed(errors_in(problems))
    # 3. Decide who is published; from here on hidden notices no longer exist.
    collection = collect(notices, config, now.astimezone(config.tz), options.drafts, options.future)
    report = Report(published=len(collection.notices), held_back=collection.held_back,
                    warnings=[p for p in problems if p.severity != "error"])
    cache = Cache(None if options.check or not options.use_cache
                  else options.cache or default_folder(options.output))
    try:
        # 4. Plan every page (the route table), converting only bodies the cache has not seen.
        pages, common = plan_site(config, collection, theme, now, cache, options.jobs)
        keys, blobs = page_keys(pages, common, config, theme, cache)
        # A rebuild with nothing new leaves the output alone: the files already are this site.
        expected = {**{p.path: b for p, b in zip(pages, blobs)}, **theme.static}
        if options.check or None in blobs or not is_current(options.output, expected):
            # 5. Render into a staging folder beside the output; the output itself is untouched
            #    until every page rendered, then the new site replaces it in one step.
            staging = nullcontext(None) if options.check else Staging(options.output)
            with staging as stage:
                for rel, data, blob in render_pages(pages, keys, blobs, common, config, theme, cache,
                                                    options.jobs, progress):
                    report.cached += data is None
                    if stage is None:
                        continue
                    if blob is not None:
                        stage.link(rel, blob)  # the cache's copy: unchanged bytes keep inode and mtime
                    else:
                        stage.write(rel, data)
                if stage is not None:
                    for rel, source in theme.static.items():
                        blob = cache.store_page(f"static:{rel}", source.read_bytes())
                        if blob is not None:
                            stage.link(rel, blob)
                        else:
                            stage.copy(rel, source)
                    # Post-render steps over the complete staged site (e.g. a search index) go here.
                    stage.commit()
        else:
            report.cached = len(pages)
            Staging(options.output).clean_leftovers()
        cache.finish()
    finally:
        cache.close()
    report.files = len(pages) + len(theme.static)
    report.seconds = time.perf_counter() - started
    return report


def theme_dir(options: Options, config: SiteConfig) -> Path | None:
    """Pick the user theme: the command line wins over site.yaml."""
    if options.theme is not None:
        return options.theme
    if config.theme:
        return options.content / config.theme
    return None


def plan_site(config: SiteConfig, collection, theme: Theme, now: datetime, cache: Cache,
              jobs: int | None) -> tuple[list[Page], dict]:
    """Convert bodies (cached ones are reused), build the views and list every page and feed."""
    bodies = convert_bodies([n.body for n in collection.notices], cache, jobs)
    views = [notice_view(n, Body(html, n.summary if n.summary is not None else summary), config, now)
             for n, (html, summary) in zip(collection.notices, bodies)]
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
    return pages, common


def convert_bodies(texts: list[str], cache: Cache, jobs: int | None) -> list[tuple[str, str]]:
    """Return (html, derived summary) for each body, converting only those not in the cache."""
    keys = [body_key(t) for t in texts]
    known = cache.bodies(keys)
    missing = sorted({k: t for k, t in zip(keys, texts) if k not in known}.items())
    for (key, _), (html, summary) in zip(missing, ordered_map(_converter, None, [t for _, t in missing], jobs)):
        known[key] = (html, summary)
        cache.store_body(key, html, summary)
    return [known[k] for k in keys]


def _converter(_: None) -> Callable[[str], tuple[str, str]]:
    """Make one Markdown engine for this process."""
    converter = Converter()

    def convert(text: str) -> tuple[str, str]:
        body = converter.convert(text)
        return body.html, body.summary

    return convert


def page_keys(pages: list[Page], common: dict, config: SiteConfig, theme: Theme,
              cache: Cache) -> tuple[list[str], list[Path | None]]:
    """Compute each page's cache key and find the pages rendered before from the same inputs."""
    maker = PageKeys(theme.env, (config, common, theme.assets))
    keys = [maker.key(p.path, p.template, p.context) for p in pages]
    return keys, [cache.page(k) for k in keys]


def render_pages(pages: list[Page], page_keys: list[str], blobs: list[Path | None], common: dict,
                 config: SiteConfig, theme: Theme, cache: Cache, jobs: int | None,
                 progress: Progress | None) -> Iterator[tuple[str, bytes | None, Path | None]]:
    """Yield each page's path with its bytes or its cached blob, in route-table order.

    Pages stream out one by one, so the whole rendered site is never held in memory.
    """
    todo = [i for i, blob in enumerate(blobs) if blob is None]
    rendered = ordered_map(_renderer, (pages, theme, common, config), todo, jobs)
    for done, (page, key, blob) in enumerate(zip(pages, page_keys, blobs), start=1):
        if blob is None:
            result = next(rendered)
            if isinstance(result, list):  # a broken template breaks every page; once is enough
                rendered.close()
                raise BuildFailed(result)
            blob = cache.store_page(key, result)
            yield page.path, result, blob
        else:
            yield page.path, None, blob
        if progress is not None:
            progress(done, len(pages))


def _renderer(shared: tuple) -> Callable[[int], bytes | list[Diagnostic]]:
    """Make the function that renders page number i in a worker (or in this process)."""
    pages, theme, common, config = shared

    def render(index: int) -> bytes | list[Diagnostic]:
        try:
            return render_page(pages[index], theme, common, config)
        except BuildFailed as exc:  # diagnostics travel back from a worker; exceptions may not
            return exc.diagnostics

    return render
