"""The build, stage by stage: load → validate → collect → render → write.

`build` reads like the table of contents of a build: each stage is a function below it.
Nothing touches the output folder until every notice has been validated and every page
rendered without error; then the new site replaces the old in one step. Hidden notices are
dropped in `collect`, before any page is planned, so no later stage can leak them. Work whose
inputs did not change since the last build is taken from the cache (incremental/), and
ways.py decides beforehand whether the build needs to do any at all.
"""

from __future__ import annotations

import dataclasses
import errno
import gc
import html
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from generator.build.intake import Intake, load_notices, result_salt
from generator.build.linkcheck import broken_links
from generator.build.locks import holding, lock_files
from generator.build.output import Helper, Staging, fork_helper, is_current
from generator.build.parallel import ordered_map
from generator.build.precompress import Twin, gzip_bytes, is_text, twin_key
from generator.build.sitesteps import carry_search_bundle, kept_output, run_steps, site_key, site_steps
from generator.build.touchup import touch_up
from generator.build.ways import Inputs, Way, choose_way, look
from generator.core.cmsconfig import local_cms
from generator.core.config import SiteConfig, load_config
from generator.core.errors import BuildFailed, Diagnostic, EnvironmentProblem, errors_in
from generator.core.faults import pause_at
from generator.core.files import listing, write_atomically
from generator.core.model import Notice
from generator.core.options import FULL, TOUCH_UP, UNCHANGED, Options, Progress, Report
from generator.disclosure.checks import Disclosure, check_all, check_published
from generator.disclosure.collect import Collection, collect, far_future, hidden_reason
from generator.disclosure.freshness import stale_columns, stale_diagnostics
from generator.disclosure.interpretation import check_interpretations
from generator.disclosure.manifest import MANIFEST, manifest_bytes, previous_manifest, published_urls, vanished
from generator.disclosure.workdays import load_calendar
from generator.disclosure.yearcount import duplicate_reports
from generator.incremental.cache import (
    Cache,
    CacheDamaged,
    CheckedBytecodeCache,
    PageKeys,
    body_key,
    default_folder,
    discard_database,
    repair_layout,
    spare_folder,
    template_digests,
    write_blob,
)
from generator.incremental.lastplan import Plan, Recorder, basis_of, page_keys, read_plan
from generator.incremental.shortcut import (
    Record,
    file_record,
    forget,
    moments_around,
    others_digest,
    unchanged_files,
    write_record,
)
from generator.markdown.markup import Body, Converter, StoredHtml
from generator.site.admin import bundle_folder, plan_admin
from generator.site.archive import plan_archive
from generator.site.catalogue import (
    CATALOGUE_KEYING,
    CATALOGUE_PAGES,
    FACET_ROOTS,
    catalogue_groups,
    plan_catalogue,
    plan_catalogue_data,
)
from generator.site.feeds import plan_feeds
from generator.site.redirects import plan_removals, split_withdrawn
from generator.site.render import Page, page_path, plan_html, render_page
from generator.site.theme import Theme, load_theme
from generator.site.views import NoticeView, category_views, group_views, navigation, notice_views


@dataclass
class Site:
    """Everything one build puts in the output, before any of it is rendered."""

    pages: list[Page]  # the route table: every rendered file
    common: dict  # what every page's header, navigation and footer show
    data: dict[str, bytes]  # files made directly, not from a template (the manifest)
    copies: dict[str, Path]  # files copied as they are: theme files and attachments
    views: dict[str, NoticeView] = field(default_factory=dict)  # published notice -> its view


@dataclass
class Run:
    """One build as it goes through the stages: what it was asked, what it looked at, where it writes."""

    options: Options
    now: datetime  # the build time as given
    local_now: datetime  # the same moment in the site's timezone
    config: SiteConfig
    theme: Theme
    cache: Cache
    inputs: Inputs | None  # None when this build keeps no cache
    way: Way
    stage: Staging | None  # None for --check, which writes a throwaway folder
    stale: list = field(default_factory=list)  # empty or overdue columns (freshness.py)

    def shown(self, notice: Notice) -> bool:
        """Say whether a notice may appear in this build (drafts and future ones only in previews)."""
        return not hidden_reason(notice, self.local_now, self.options.drafts, self.options.future)


def build(options: Options, now: datetime, progress: Progress | None = None,
          waiting: Callable[[Path], None] | None = None) -> Report:
    """Build the site at time `now`; raise BuildFailed with every problem in the input.

    One build at a time writes an output folder or a cache (locks.py); `waiting` is told the
    folder another build holds, before this one waits for it.

    The cyclic garbage collector is off while building. A build makes hundreds of thousands of
    long-lived, acyclic objects (notices, views, pages); each full collection walked all of them
    again, which took half of a cold build's time, and in forked workers it also wrote to every
    inherited object, copying the parent's memory page by page (parallel.py). What little a build
    leaves in cycles is collected once the collector is back on.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        options, unusable = _usable_cache(options)
        with holding(lock_files(options), options.wait, waiting):
            try:
                report = _build(options, now, progress)
                report.warnings += [unusable] if unusable else []
                return report
            except CacheDamaged as exc:  # a page's HTML failed its check while rendering: start again
                folder = options.cache or default_folder(options.output)
                discard_database(folder)
                forget(folder)
                report = _build(options, now, progress)
                report.warnings.append(_damage_warning(folder, [str(exc)]))
                return report
    finally:
        if enabled:
            gc.enable()


def _build(options: Options, now: datetime, progress: Progress | None) -> Report:
    started = time.perf_counter()
    # 1. Configuration first: every later stage needs the categories and the timezone; and the live
    #    site's manifest, which a failed download must never turn into "nothing was published".
    config = load_config(options.content)
    if options.cms_proxy:  # serve --cms: the editing page writes through the proxy on this machine
        config = dataclasses.replace(config, cms=local_cms(options.cms_proxy, options.content.resolve().name))
    previous_manifest(options.manifest, options.first_publication)
    local_now = now.astimezone(config.tz)
    themes = theme_dir(options, config)
    # The staging folder's helper process is forked while this one is small (output.fork_helper).
    helper = None if options.check else fork_helper()
    try:
        # 2. A look at the input files chooses the way: nothing changed, a touch-up, or the full way.
        inputs = look(options, themes, bundle_folder() if config.cms else None)
        way = choose_way(options, config, inputs, local_now)
        if way.kind == UNCHANGED:  # the last build's output is the answer (shortcut.py)
            Staging(options.output, spare_folder(inputs.folder), helper=helper).put_aside()
            return dataclasses.replace(inputs.record.report, seconds=time.perf_counter() - started,
                                       way=UNCHANGED, why=way.why)
        run = Run(options, now, local_now, config, load_theme(themes), Cache(inputs and inputs.folder), inputs,
                  way, None)
        del inputs  # run.inputs holds them; the full way lets go of the last record there (_full_build)
    except BaseException:
        if helper is not None:
            helper.stop()
        raise
    if run.cache.templates is not None:
        run.theme.env.bytecode_cache = CheckedBytecodeCache(str(run.cache.templates))
    try:
        run.stage = _begin_staging(run, helper)
        report = _touch_up(run) if way.kind == TOUCH_UP else None
        if report is None:
            report = _full_build(run, progress)
    except BaseException as exc:
        if run.stage is not None:  # a failed build leaves the output, and the spare, as they were
            if _disk_full(exc):
                run.stage.discard()  # its space is what the disk lacks
            else:
                run.stage.put_aside()
        if _disk_full(exc):
            raise EnvironmentProblem(_full_disk_message(exc, options)) from None
        raise
    finally:
        run.cache.close()
    report.way, report.why = run.way.kind, run.way.why
    if run.cache.damage:
        report.warnings.append(_damage_warning(run.inputs.folder, run.cache.damage))
    report.seconds = time.perf_counter() - started
    return report


def _disk_full(exc: BaseException) -> bool:
    """Say whether a build failed for want of disk space (SQLite says so in words of its own)."""
    return (isinstance(exc, OSError) and exc.errno == errno.ENOSPC) or (
        isinstance(exc, sqlite3.OperationalError) and "disk is full" in str(exc))


def _full_disk_message(exc: BaseException, options: Options) -> str:
    """Name the folder whose disk is full and about how much a build of this site needs there."""
    where = Path(getattr(exc, "filename", None) or options.cache or default_folder(options.output)).parent
    try:
        files, _ = listing(options.output)
        need = sum(os.stat(options.output / rel).st_size for rel in files) if options.output.exists() else 0
    except OSError:
        need = 0
    size = f"；上次构建的网站约占 {need / 1e6:.1f} MB，构建时需要约两倍的空间" if need else ""
    return (f"磁盘空间不足：{where} 所在的磁盘已满，构建已停止，输出目录未作任何改动{size}；"
            "请清理磁盘后再构建（删除构建缓存 .gongkai-cache 总是安全的）")


def _usable_cache(options: Options) -> tuple[Options, Diagnostic | None]:
    """Build without the cache, and say why, when its folder cannot be written or is not this user's alone.

    The cache holds pickles and the blobs the site is published from: one that others may write
    could run code in the build or change the site (docs/security.md).
    """
    if options.check or not options.use_cache:
        return options, None
    folder = options.cache or default_folder(options.output)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        repair_layout(folder)
        (folder / "clock").write_bytes(b"")
        info = os.stat(folder)
    except OSError as exc:
        why = f"无法写入构建缓存目录（{exc.strerror}）"
    else:
        if info.st_uid != os.geteuid() or info.st_mode & 0o002:  # a group of one's own (umask 002) is fine
            why = "构建缓存目录不属于当前用户，或任何用户都能写入，其中的内容不可信"
        else:
            return options, None
    return dataclasses.replace(options, use_cache=False), Diagnostic(
        str(folder), 1, f"{why}：本次不使用缓存，完整构建；请检查该目录的权限，或用 --cache 指定另一个目录",
        severity="warning")


def _damage_warning(folder: Path, what: list[str]) -> Diagnostic:
    """Tell once that the cache was damaged and what was made again; the output is a clean build's."""
    return Diagnostic(str(folder / "cache.sqlite"), 1, f"构建缓存有损坏（{'、'.join(what)}），受损部分已丢弃并重新生成，"
                      "输出与不用缓存时相同；若反复出现，请检查磁盘", severity="warning")


def _begin_staging(run: Run, helper: Helper | None) -> Staging | None:
    """Start the staging folder; after a recorded build, ready it from the last site's listing at once.

    A cache no build has finished with is most often CI's, thrown away with its machine: a build
    into an empty output then makes no spare, the copy only a next build would start from. The
    first rebuild after it makes its own staging folder, once (about a tenth of a clean build).
    The staging folder is readied while this process reads and plans, which leaves a core idle
    (output.py); the first build after one into an empty output otherwise waits for the spare's folders.
    """
    if run.options.check:
        return None
    record = run.inputs.record if run.inputs is not None else None
    stage = Staging(run.options.output, run.cache.spare, run.options.serving or record is not None, helper).begin()
    if record is not None:
        stage.prepare(record.output)
    return stage


def _touch_up(run: Run) -> Report | None:
    """Render only the pages that show edited bodies and titles (touchup.py); None to go the full way."""
    touched = touch_up(run.options, run.config, run.theme, run.cache, run.inputs, run.local_now, run.stage)
    if isinstance(touched, Report):
        run.way = Way(TOUCH_UP, "只有公告的正文或标题改变，只重新生成了显示它们的页面")
        return touched
    run.way = Way(FULL, touched)
    return None


def _full_build(run: Run, progress: Progress | None) -> Report:
    """Read, check, collect, plan, render and write the whole site."""
    options = run.options
    intake, disclosure, problems = _read_and_check(run)
    collection, withdrawn, problems = _collect(run, intake, disclosure, problems)
    if run.inputs is not None:  # the last build's record (140 MB at 100,000 notices) has done its part
        run.inputs = dataclasses.replace(run.inputs, record=None)
    report = _report(collection, problems, run.stale)
    # Plan every page (notice bodies were converted with their files' checks, intake.py).
    site = plan_site(run.config, collection, withdrawn, disclosure, run.theme, run.now, run.cache, options.jobs,
                     intake.bodies)
    # A URL published before must still answer (manifest.py says why); checked before any write.
    published = published_urls(collection, withdrawn, run.now)
    gone = vanished(*previous_manifest(options.manifest, options.first_publication), published)
    if gone:
        raise BuildFailed(gone)
    site.data[MANIFEST] = manifest_bytes(published)
    window = moments_around(intake.notices, run.local_now)
    if options.check:  # into a throwaway folder, whose links are then checked
        with tempfile.TemporaryDirectory() as scratch:
            folder = Path(scratch) / "site"
            report.files = write_site(folder, site, run.config, run.theme, run.cache, options, progress, report)
            _raise_broken_links(folder, run.config, collection, options.content)
        run.cache.finish()
        return report
    if run.inputs is not None:
        forget(run.inputs.folder)  # a build killed from here on leaves no record that lies
    # Not kept here: write_site lets go of the last plan once the pages are keyed.
    report.files = write_site(options.output, site, run.config, run.theme, run.cache, options, progress, report,
                              run.stage, *_last_plan(run, intake, window))
    if options.manifest is not None:  # CI keeps this copy between builds, beside the site
        write_atomically(options.manifest, site.data[MANIFEST])
    run.cache.finish()
    if run.inputs is not None and not report.search_deferred:  # else the next build must make the index
        _record(run, intake, report, window)
    return report


def _read_and_check(run: Run) -> tuple[Intake, Disclosure, list[Diagnostic]]:
    """Read and validate every notice, and check what spans files; stop on any error of any file.

    Always all of them: a file whose bytes did not change gives the result kept for it
    (intake.py), and files whose status is as the last build read them are not even read.
    """
    options, record = run.options, run.inputs.record if run.inputs is not None else None
    salt = result_salt(run.config)
    unchanged = unchanged_files(record, run.inputs.statuses, options.content, salt) if run.inputs else {}
    intake = load_notices(options.content, run.config, run.cache, options.jobs, unchanged)
    live = frozenset(previous_manifest(options.manifest, options.first_publication)[0])  # who owns a 索引号 that two notices carry
    disclosure, found = check_all(intake.notices, run.config, options.content, run.shown, live)
    problems = [*intake.problems, *found]
    if errors_in(problems):
        raise BuildFailed(errors_in(problems))
    return intake, disclosure, problems


def _collect(run: Run, intake: Intake, disclosure: Disclosure,
             problems: list[Diagnostic]) -> tuple[Collection, list, list[Diagnostic]]:
    """Decide who is published; from here on hidden notices no longer exist.

    Withdrawn notices keep only a stub, so they are set aside before collecting. Only published
    text can leak an ID number, so the privacy scan comes after the decision.
    """
    options = run.options
    notices, withdrawn = split_withdrawn(intake.notices)
    withdrawn = [n for n in withdrawn if run.shown(n)]
    collection = collect(notices, run.config, run.local_now, options.drafts, options.future)
    if run.stage is not None and (run.inputs is None or run.inputs.record is None):
        run.stage.prepare(page_path(n.url) for n in collection.notices)  # a new tree's folders, while planning
    problems = problems + check_published(collection.notices, disclosure, run.config, options.content,
                                          intake.exposures) + far_future(notices, run.now)
    # Empty and overdue columns, as an inspector sees them on this day (freshness.py).
    run.stale = stale_columns(run.config, collection.by_category, run.local_now, collection.previewed)
    problems += stale_diagnostics(run.stale, options.strict)
    # A 行政规范性文件 comes with its 解读, published together (interpretation.py).
    real = tuple(n for n in collection.notices if n.path not in collection.previewed)
    problems += check_interpretations(real, run.config, load_calendar(options.content, run.config.holidays,
                                                                      run.config.tz), options.strict)
    problems += duplicate_reports(real, run.config)  # 政府信息公开年报: one report a year
    if errors_in(problems):
        raise BuildFailed(errors_in(problems))
    return collection, withdrawn, problems


def _report(collection: Collection, problems: list[Diagnostic], stale: list | None = None) -> Report:
    """Start the report with what collecting decided and the warnings found on the way."""
    return Report(published=len(collection.notices), held_back=collection.held_back,
                  warnings=[p for p in problems if p.severity != "error"],
                  reviewed=[f"{n.path}（{n.privacy_reviewed}）" for n in collection.notices if n.privacy_reviewed],
                  late=sorted({p.path for p in problems if p.message.startswith("发布日期比成文日期晚")}),
                  stale=[s.text() for s in stale or ()])


def _last_plan(run: Run, intake: Intake, window: tuple) -> tuple[Plan | None, Recorder | None]:
    """Find the last build's page plan: after body edits, most pages keep their keys (lastplan.py)."""
    if run.inputs is None:
        return None, None
    options = run.options
    shaping = (options.content, options.theme, options.drafts, options.future, options.precompress)
    basis = basis_of(shaping, result_salt(run.config), run.inputs.statuses, options.content, intake.files,
                     intake.notices_digest, window, run.local_now.date())
    return read_plan(run.inputs.folder, basis), Recorder(run.inputs.folder, basis.digest, run.inputs.clock)


def _record(run: Run, intake: Intake, report: Report, window: tuple) -> None:
    """Write what this build saw and left, for the next build's choice of way (ways.py)."""
    inputs, options = run.inputs, run.options
    write_record(inputs.folder, Record(
        inputs.digest, inputs.clock, inputs.newest, run.local_now, *window, report.output,
        dataclasses.replace(report, output={}), result_salt(run.config),
        file_record(intake.files, inputs.statuses, options.content),
        others_digest(options, inputs.statuses, options.content, intake.files)))


def theme_dir(options: Options, config: SiteConfig) -> Path | None:
    """Pick the user theme: the command line wins over site.yaml."""
    if options.theme is not None:
        return options.theme
    if config.theme:
        return options.content / config.theme
    return None


def plan_site(config: SiteConfig, collection: Collection, withdrawn: list, disclosure: Disclosure,
              theme: Theme, now: datetime, cache: Cache, jobs: int | None, bodies: dict[str, Body]) -> Site:
    """Build the views from the notices and their converted bodies, and list every file of the site."""
    views = notice_views(collection.notices, [bodies[n.path] for n in collection.notices],
                         config, now, disclosure.facts(collection.notices))
    by_category: dict[str, list] = {c.key: [] for c in config.categories}
    for view in views:
        by_category[view.category].append(view)
    categories = category_views(config, collection)
    groups = group_views(config, categories)
    common = {
        "site": {"title": config.title, "agency": config.agency, "base_url": config.base_url,
                 "language": config.language, "domain": urlsplit(config.base_url).netloc,
                 "id_code": config.site_id_code},
        "footer_pages": [(p.title, p.url) for p in disclosure.pages],
        "categories": categories,
        "nav": navigation(categories, groups, [(p.slug, p.title, p.url) for p in disclosure.pages if p.nav]),
    }
    html_pages = plan_html(config, views, by_category, categories, groups)
    catalogue = catalogue_groups(by_category, categories)
    html_pages += plan_catalogue(config, catalogue) + plan_archive(config, views)
    html_pages += [Page(page_path(p.url), "page.html", {"page": p, "html": body.html})
                   for p, body in zip(disclosure.pages, convert_bodies([p.body for p in disclosure.pages], cache, jobs))]
    pages = html_pages + plan_feeds(config, views, by_category, categories, html_pages)
    pages += plan_catalogue_data(config, catalogue)
    # Stubs of withdrawn notices and redirects of moved ones may not take a URL already in use.
    names = {c.key: c.name for c in config.categories}
    removals, problems = plan_removals(withdrawn, collection.notices, names, {p.path for p in pages},
                                       lambda n: n.date.display(config.tz),
                                       {n.path: n.line_of("redirect_from") for n in (*collection.notices, *withdrawn)})
    if problems:
        raise BuildFailed(problems)
    attachments = {n.url + a.name: a.source for n in collection.notices
                   for a in (*disclosure.body_files.get(n.path, ()), *disclosure.attachments.get(n.path, ()))}
    admin_pages, admin_files = plan_admin(config)  # the web editing page, only when site.yaml asks for it
    return Site(pages + removals + admin_pages, common, {}, {**theme.static, **attachments, **admin_files},
                dict(zip((n.path for n in collection.notices), views)))


def convert_bodies(texts: list[str], cache: Cache, jobs: int | None) -> list[Body]:
    """Make each body's HTML and summary, converting only those not in the cache.

    With the cache on, the HTML is left in it and read back by the worker that renders a page
    (markup.StoredHtml); without it, it is held in memory.
    """
    keys = [body_key(t) for t in texts]
    summaries = cache.summaries(keys)
    missing = sorted({k: t for k, t in zip(keys, texts) if k not in summaries}.items())
    for (key, _), (converted, summary) in zip(missing, ordered_map(_converter, None, [t for _, t in missing], jobs)):
        summaries[key] = summary
        cache.store_body(key, converted, summary)
    read = cache.body_reader()
    return [Body(StoredHtml(key, read), summaries[key]) for key in keys]


def _converter(_: None) -> Callable[[str], tuple[str, str]]:
    """Make one Markdown engine for this process."""
    converter = Converter()

    def convert(text: str) -> tuple[str, str]:
        body = converter.convert(text)
        return body.html, body.summary

    return convert


def write_site(output: Path, site: Site, config: SiteConfig, theme: Theme, cache: Cache, options: Options,
               progress: Progress | None, report: Report, stage: Staging | None = None, plan: Plan | None = None,
               recorder: Recorder | None = None) -> int:
    """Render what the cache lacks into a staging folder and swap it in; return the number of files.

    A rebuild with nothing new leaves the output alone: its files already are this site.
    """
    stage = stage or Staging(output, cache.spare)
    stage.prepare([*(p.path for p in site.pages), *site.data, *site.copies])
    templates, keys_of = template_digests(theme.env), None

    def key_maker(watch: dict[int, str], previous: Plan | None) -> PageKeys:
        nonlocal keys_of
        keys_of = PageKeys(theme.env, (config, site.common, theme.assets), watch,
                           recorder.store(len(site.pages), previous) if recorder is not None else None, templates,
                           **CATALOGUE_KEYING)
        return keys_of

    # A cache that holds no page can give none, so every page is rendered whatever its key: the
    # workers start now, and this process keys the pages (seconds at 100,000) while they render.
    ahead = None
    if cache.holds_no_pages():
        ahead = render_pages(site.pages, [None] * len(site.pages), site.common, config, theme, cache, options.jobs,
                             options.precompress)
    keys, uses = page_keys(site.pages, site.views, key_maker, plan)
    if recorder is not None:  # the next build's plan (lastplan.py), and what a touch-up renders from (touchup.py)
        recorder.write(site.pages, keys, uses, site.views, site.common, cache.used_bodies, templates,
                       keys_of.shared_digest)
    # Not needed while pages render, and each render worker forked from here would hold them too: the
    # digests of 100,000 views, 100,000 lists of uses, and the last plan (110 MB).
    keys_of = plan = recorder = None
    del uses
    blobs = [cache.page(k) for k in keys]
    fixed = {rel: cache.store_page(f"data:{rel}", data) for rel, data in site.data.items()}
    fixed |= {rel: cache.store_page(f"copy:{rel}", source.read_bytes()) for rel, source in site.copies.items()}
    expected = {**{p.path: b for p, b in zip(site.pages, blobs)}, **fixed}
    steps = site_steps(config, options)
    made_key = site_key(expected, steps)
    made = kept_output(cache, made_key, steps)
    if ahead is None and made is not None and not options.check and is_current(output, {**expected, **made}):
        report.cached = len(site.pages)
        stage.put_aside()
        report.output = listing(output)[0]
        return len(expected) + len(made)
    # serve: the reload need not wait for the indexer; the last index stays until a second build.
    defer = made is None and options.defer_search and steps == ("search",)
    with stage:
        rendered = ahead or render_pages(site.pages, blobs, site.common, config, theme, cache, options.jobs,
                                         options.precompress)
        ready: dict[str, Twin] = {}  # twins the workers made beside the pages they rendered
        for done, (page, key, blob) in enumerate(zip(site.pages, keys, blobs), start=1):
            inode = None
            if blob is not None:
                report.cached += 1
            else:
                result = next(rendered)
                pause_at("render")
                if isinstance(result, tuple):
                    digest, written, *twin = result
                    if twin:
                        ready[page.path] = Twin(page.path, twin_key(digest), *twin)
                    blob = cache.adopt_page(key, digest, written)
                    inode = written.inode if written is not None else None
            expected[page.path] = blob
            if blob is not None:
                stage.link(page.path, blob, inode)  # the cache's copy: unchanged bytes keep inode and mtime
            else:
                stage.write(page.path, result)
            if progress is not None:
                progress(done, len(site.pages))
        # The last result is in: the workers go now, before the index's Pagefind services start. Left
        # until this function returned, two idle workers of 1 GB each at 100,000 notices outlived the index.
        rendered.close()
        for rel, data in site.data.items():
            stage.link(rel, fixed[rel]) if fixed[rel] else stage.write(rel, data)
        for rel, source in site.copies.items():
            stage.link(rel, fixed[rel]) if fixed[rel] else stage.copy(rel, source)
        staged = len(expected)
        # Steps over the complete staged site; they are swapped in with it, or taken from the cache.
        if made is not None:
            for rel, blob in made.items():
                stage.link(rel, blob)
        elif defer:
            made = carry_search_bundle(output, stage)
            report.search_deferred = True
        else:
            made = run_steps(stage, steps, set(expected), cache, made_key or site_key(expected, steps), ready,
                             expected)
        stage.commit()
    report.output = stage.inodes
    return staged + len(made)



LIST_ALL = frozenset({*CATALOGUE_PAGES, "sitemap.xml"})  # pages with a row per notice


def render_pages(pages: list[Page], blobs: list[str | None], common: dict, config: SiteConfig, theme: Theme,
                 cache: Cache, jobs: int | None, twins: bool = False) -> Iterator[bytes | tuple]:
    """Start rendering the pages that have no blob; return their results in route-table order: a page's
    bytes, or the name of the blob the worker kept them in and what writing it made, followed (`twins`)
    by the same of its `.gz` twin.

    Pages stream out one by one, so the whole rendered site is never held in memory.
    """
    todo = [i for i, blob in enumerate(blobs) if blob is None]
    # Pages that list every notice take seconds each at 100,000 notices: started first, they end
    # while the other workers render notice pages, not with one worker alone at the end. Only when
    # workers keep pages as blobs: bytes that come early would wait in memory for their turn.
    long = {i for i in todo if pages[i].path in LIST_ALL or pages[i].path.startswith(FACET_ROOTS)} \
        if cache.blobs is not None else set()
    order = sorted(long) + [i for i in todo if i not in long]
    results = ordered_map(_renderer, (pages, theme, common, config, cache.blobs, twins), order, jobs, alone=len(long))
    return _in_order(todo, order, results)


def _in_order(todo: list[int], order: list[int], results: Any) -> Iterator[bytes | tuple]:
    """Give the results, which come in `order`, in route-table order (`todo`)."""
    rendered, early = zip(order, results), {}  # early: results before their page's turn, the long pages' only
    try:
        for number in todo:
            while number not in early:
                done, result = next(rendered)
                early[done] = result
            result = early.pop(number)
            if isinstance(result, list):  # a broken template breaks every page; once is enough
                raise BuildFailed(result)
            yield result
    finally:  # also when the caller closes this after the last page: the pool ends then, not when dropped
        results.close()


def _renderer(shared: tuple) -> Callable[[int], bytes | tuple | list[Diagnostic]]:
    """Make the function that renders page number i in a worker (or in this process): bytes, or the name of
    the page's blob and what writing it made (write_blob), followed (`twins`) by the same of its twin's."""
    pages, theme, common, config, blobs, twins = shared

    def render(index: int) -> bytes | tuple | list[Diagnostic]:
        try:
            data = render_page(pages[index], theme, common, config)
        except BuildFailed as exc:  # diagnostics travel back from a worker; exceptions may not
            return exc.diagnostics
        # Hashing and writing in the worker keeps that work on every core and the bytes off the pipe.
        if blobs is None:
            return data
        if not (twins and is_text(pages[index].path)):
            return write_blob(blobs, data)
        # The twin is made while the bytes are at hand, on every core; compressing after the render,
        # in threads of this process, took longer than the render itself with search off.
        return *write_blob(blobs, data), *write_blob(blobs, gzip_bytes(data))

    return render


def _raise_broken_links(site: Path, config: SiteConfig, collection: Collection, content: Path) -> None:
    """Fail the check with one diagnostic per broken link, placed in the notice that holds it."""
    sources = {page_path(n.url): n for n in collection.notices}
    problems = []
    for page, link in broken_links(site, config.base_path):
        notice = sources.get(page)
        path, line = (notice.path, _line_of(content / notice.path, notice.body_line, link)) if notice else (page, 1)
        problems.append(Diagnostic(path, line, f"页面 {page} 中的链接 {link} 指向的文件不存在，请改正链接或补上该文件"))
    if problems:
        raise BuildFailed(problems)


def _line_of(file: Path, body_line: int, link: str) -> int:
    """Find the line of the Markdown body that holds a link, for the editor's convenience.

    The link itself is looked for (`](link`, `]: link`, `="link"`), not the same words in the
    prose before it; the file is read again, as the body's text stayed in the worker that converted it.
    """
    lines = file.read_text(encoding="utf-8", errors="replace").splitlines()[body_line - 1:]
    written = {link, unquote(link), html.unescape(link)}
    marks = [f"{before}{w}" for w in written for before in ("](", "](<", "]: ", "]:", '="', "='")]
    for wanted in (marks, written):
        for number, line in enumerate(lines, start=body_line):
            if any(mark in line for mark in wanted):
                return number
    return body_line
