"""The build, stage by stage: load → validate → collect → render → write.

Nothing touches the output folder until every notice has been validated and
every page rendered without error; then the new site replaces the old in one
step. Hidden notices are dropped in `collect`, before any Markdown is
converted, so no later stage can leak them.
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from .archive import plan_archive
from .catalogue import plan_catalogue, plan_catalogue_data
from .collect import collect, hidden_reason
from .config import SiteConfig, load_config
from .disclosure import Disclosure, check_all, check_published
from .errors import BuildFailed, Diagnostic, errors_in
from .faults import pause_at
from .feeds import plan_feeds
from .linkcheck import broken_links
from .manifest import MANIFEST, manifest_bytes, previous_manifest, published_urls, vanished
from .markup import Converter
from .output import Staging
from .precompress import precompress
from .redirects import plan_removals, redirect_lines, split_withdrawn
from .render import Page, page_path, plan_html, render_page
from .search import index_site
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
    precompress: bool = False  # write NAME.gz beside each text file, for gzip_static
    manifest: Path | None = None  # read the last published manifest here and write the new one back


@dataclass
class Report:
    """What a build did, for the summary line."""

    published: int = 0
    held_back: Counter = field(default_factory=Counter)
    files: int = 0
    seconds: float = 0.0
    warnings: list[Diagnostic] = field(default_factory=list)
    reviewed: list[str] = field(default_factory=list)  # published with privacy_reviewed: path and reason
    late: list[str] = field(default_factory=list)  # published more than 20 working days after written


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
    disclosure, found = check_all(notices, config, options.content)
    problems += found
    if errors_in(problems):
        raise BuildFailed(errors_in(problems))
    # 3. Decide who is published; from here on hidden notices no longer exist.
    #    Withdrawn notices keep only a stub, so they are set aside before collecting.
    local_now = now.astimezone(config.tz)
    notices, withdrawn = split_withdrawn(notices)
    withdrawn = [n for n in withdrawn if not hidden_reason(n, local_now, options.drafts, options.future)]
    collection = collect(notices, config, local_now, options.drafts, options.future)
    # Only published text can leak an ID number, so the privacy scan comes after the decision.
    problems += check_published(collection.notices, disclosure, config, options.content)
    if errors_in(problems):
        raise BuildFailed(errors_in(problems))
    # 4. Render everything in memory before anything is written.
    common = common_context(config, collection, disclosure)
    files = render_site(config, collection, theme, now, disclosure, common)
    files += render_removals(config, collection, withdrawn, theme, common, {rel for rel, _ in files},
                             redirect_lines(sources))
    # 5. A URL published before must still answer (manifest.py says why); checked before any write.
    published = published_urls(collection, withdrawn, now)
    gone = vanished(*previous_manifest(options.output, options.manifest), published)
    if gone:
        raise BuildFailed(gone)
    files.append((MANIFEST, manifest_bytes(published)))
    copies = sorted(theme.static.items()) + attachment_files(collection, disclosure)
    report = Report(published=len(collection.notices), held_back=collection.held_back,
                    warnings=[p for p in problems if p.severity != "error"],
                    reviewed=[f"{n.path}（{n.privacy_reviewed}）" for n in collection.notices if n.privacy_reviewed],
                    late=sorted({p.path for p in problems if p.message.startswith("发布日期比成文日期晚")}))
    # 6. Swap the new site in; a check builds into a throwaway folder and checks its links instead.
    if options.check:
        with tempfile.TemporaryDirectory() as scratch:
            site = Path(scratch) / "site"
            report.files += write_site(site, files, copies, options, config.search)
            _raise_broken_links(site, config, collection)
    else:
        report.files += write_site(options.output, files, copies, options, config.search)
        if options.manifest is not None:  # CI keeps this copy between builds, beside the site
            _write_atomically(options.manifest, manifest_bytes(published))
    report.seconds = time.perf_counter() - started
    return report


def theme_dir(options: Options, config: SiteConfig) -> Path | None:
    """Pick the user theme: the command line wins over site.yaml."""
    if options.theme is not None:
        return options.theme
    if config.theme:
        return options.content / config.theme
    return None


def attachment_files(collection, disclosure: Disclosure) -> list[tuple[str, Path]]:
    """List the attachments of published notices with their place beside the notice page."""
    return [(n.url + a.name, a.source) for n in collection.notices for a in disclosure.attachments.get(n.path, ())]


def common_context(config: SiteConfig, collection, disclosure: Disclosure) -> dict:
    """Give every page what its header, navigation and footer show."""
    return {
        "site": {"title": config.title, "agency": config.agency, "base_url": config.base_url,
                 "language": config.language, "domain": urlsplit(config.base_url).netloc,
                 "id_code": config.site_id_code},
        "footer_pages": [(p.title, p.url) for p in disclosure.pages],
        "categories": category_views(config, collection),
    }


def render_site(config: SiteConfig, collection, theme: Theme, now: datetime,
                disclosure: Disclosure, common: dict) -> list[tuple[str, bytes]]:
    """Convert bodies, build the views and render every page and feed to bytes."""
    converter = Converter()
    facts = disclosure.facts(collection.notices)
    views = [notice_view(n, converter.convert(n.body, n.summary), config, now, *filter(None, [facts.get(n.path)]))
             for n in collection.notices]
    by_category: dict[str, list] = {c.key: [] for c in config.categories}
    for view in views:
        by_category[view.category].append(view)
    categories = common["categories"]
    html_pages = plan_html(config, views, by_category, categories)
    html_pages += plan_catalogue(config, by_category, categories) + plan_archive(config, views)
    html_pages += [Page(page_path(p.url), "page.html", {"page": p, "html": converter.convert(p.body).html})
                   for p in disclosure.pages]
    pages = html_pages + plan_feeds(config, views, by_category, categories, html_pages)
    pages += plan_catalogue_data(config, by_category, categories)
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


def write_site(output: Path, files: list[tuple[str, bytes]], copies: list[tuple[str, Path]],
               options: Options, search: bool) -> int:
    """Stage every file, index and precompress, swap the result in for `output`; count the files."""
    with Staging(output) as staging:
        for rel, data in files:
            staging.write(rel, data)
        for rel, source in copies:  # theme files and attachments
            staging.copy(rel, source)
        # The search index reads the staged pages and is swapped in with them.
        search_files = index_site(staging.path) if search else 0
        if options.precompress:
            precompress(staging.path)  # before the swap, so the site never goes live half-compressed
        staging.commit()
    return len(files) + len(copies) + search_files


def attachment_files(collection, disclosure: Disclosure) -> list[tuple[str, Path]]:
    """List the attachments of published notices with their place beside the notice page."""
    return [(n.url + a.name, a.source) for n in collection.notices for a in disclosure.attachments.get(n.path, ())]


def render_removals(config: SiteConfig, collection, withdrawn: list, theme: Theme, common: dict,
                    taken: set[str], lines: dict[str, int]) -> list[tuple[str, bytes]]:
    """Render the stubs of withdrawn notices and the redirect pages of moved ones."""
    names = {c.key: c.name for c in config.categories}
    pages, problems = plan_removals(withdrawn, collection.notices, names, taken,
                                    lambda n: n.date.display(config.tz), lines)
    if problems:
        raise BuildFailed(problems)
    return [(page.path, render_page(page, theme, common, config)) for page in pages]


def _raise_broken_links(site: Path, config: SiteConfig, collection) -> None:
    """Fail the check with one diagnostic per broken link, placed in the notice that holds it."""
    sources = {page_path(n.url): n for n in collection.notices}
    problems = []
    for page, link in broken_links(site, config.base_path):
        notice = sources.get(page)
        path, line = (notice.path, _line_of(notice, link)) if notice else (page, 1)
        problems.append(Diagnostic(path, line, f"页面 {page} 中的链接 {link} 指向的文件不存在，请改正链接或补上该文件"))
    if problems:
        raise BuildFailed(problems)


def _line_of(notice, link: str) -> int:
    """Find the line of the Markdown body that holds a link, for the editor's convenience."""
    for offset, text in enumerate(notice.body.splitlines()):
        if link in text:
            return notice.body_line + offset
    return notice.body_line


def _write_atomically(target: Path, data: bytes) -> None:
    """Replace a file in one step, so that a killed build never leaves half a manifest."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.write_bytes(data)
    partial.replace(target)
