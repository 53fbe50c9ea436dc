"""Touch-up: the rebuild after edits to notice bodies and titles alone, without loading or planning the site again.

An editor's usual change is a few lines of one notice's text, or its title.
When every input file but some notice files has the status the last build
saw, the clock has passed no notice moment, and each edited file still gives
the same notice apart from its body and title (the same other fields,
problems and suspect numbers), then the site has the same pages in the same
order: no order, check or URL depends on a title. Only the pages that hold an
edited notice's view can change (lastplan.py), and, after a new title, the
catalogue, whose rows copy each notice's title. Those are rendered again from
the contexts the last build kept (lastplan.Store), with the new views and
rows; every other file is the last build's, linked from the cache. Loading,
checking and planning ten thousand notices was most of such a rebuild. The
shards of the search index that hold an edited page are indexed again from
the pages' blobs before anything is staged (search.index_ahead), while the
staging folder is still being listed; the other shards stay as they are, and
only the changed files are compressed again (sitesteps.py).

Anything else goes the full way, which gives the same bytes (test_touchup.py
and test_incremental.py check both ways against clean builds): an added or
deleted file, a problem, and a new title that other pages show without the
view: in the relation links of the notices it supersedes or amends, or on the
redirect pages of its old URLs.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from datetime import datetime
from pathlib import Path

from generator.build.intake import check_and_convert
from generator.build.output import Staging
from generator.build.search import BUNDLE, index_ahead
from generator.build.sitesteps import carry_search_bundle, run_steps, site_steps
from generator.build.ways import Inputs
from generator.core.config import SiteConfig
from generator.core.errors import errors_in
from generator.core.faults import pause_at
from generator.core.files import MARKER, write_atomically
from generator.core.options import TOUCH_UP, Options, Report
from generator.disclosure.manifest import MANIFEST, previous_manifest, vanished
from generator.incremental.cache import Cache, PageKeys
from generator.incremental.lastplan import Plan, Recorder, StoreReader, last_plan
from generator.incremental.shortcut import (
    Record,
    file_record,
    forget,
    others_digest,
    unchanged_files,
    write_record,
)
from generator.markdown.markup import Converter, StoredHtml
from generator.site.catalogue import CATALOGUE_KEYING, CATALOGUE_PAGE, plan_catalogue, plan_catalogue_data, retitle
from generator.site.render import Page, render_page
from generator.site.theme import Theme
from generator.site.views import NoticeView

MOST_FILES = 20  # edited files a touch-up takes on; past that, the full way is about as quick
# A blob is gone, or was edited through the output (a hard link to it): the full way renders it again.
DAMAGED = "缓存中缺少上次输出的文件，或输出目录中的文件被直接修改过"


@dataclasses.dataclass(frozen=True)
class Edit:
    """One edited notice file that still gives the same notice, apart from its body and title."""

    rel: str
    key: str  # of its result now
    path: str  # the notice's
    body: str  # its body's key now
    summary: str  # what its view shows now
    old_body: str
    title: str | None = None  # the new title, if it changed


def touch_up(options: Options, config: SiteConfig, theme: Theme, cache: Cache, inputs: Inputs, now: datetime,
             stage: Staging) -> Report | str:
    """Rebuild after body edits alone and return the report; or say why this build must go the full way.

    ways.choose_way has checked what can be known without the last plan. Neither the output nor
    the cache's tables change before the answer is known, so the full way starts from where this one did.
    """
    record, content, folder = inputs.record, options.content, inputs.folder
    plan = last_plan(folder)
    if plan is None or plan.clock != record.started_ns or not plan.store or not plan.shared_digest:
        return "上次构建没有留下可用的页面计划"
    unchanged = unchanged_files(record, inputs.statuses, content, record.salt)  # links are read again
    edited = [rel for rel in record.files if rel not in unchanged]
    if not edited:
        return "公告文件没有改变，改变的是输出目录或其他文件"
    if len(edited) > MOST_FILES:
        return f"改动了 {len(edited)} 个公告文件，超过 {MOST_FILES} 个时完整构建同样快"
    if others_digest(options, inputs.statuses, content, record.files) != record.others:
        return "公告以外的文件（主题、附件、独立页面等）有改变，或增删了文件"
    manifest = _manifest(cache, options)
    if manifest is None:
        return "已发布网址清单与上次构建时的不一致"
    steps = site_steps(config, options)
    made = _made_before(record.output, plan, cache, steps)  # the last index and .gz twins: the steps make them again
    sources = _sources(record.output.keys() - made, plan, cache)
    if sources is None:
        return DAMAGED
    source, keys_of_files = sources
    edits = _edits(edited, record, config, cache, content)
    if edits is None:
        return "改动的不只是正文和标题（其他字段、检查出的问题或隐私扫描结果有变化）"
    recorder = Recorder(folder, plan.basis, inputs.clock)
    try:
        keyed = _keys(plan, edits, config, theme, cache, recorder, folder)
    except (OSError, KeyError, ValueError, EOFError, pickle.UnpicklingError, TypeError, AttributeError):
        keyed = None  # the plan's store lacks a view or a context, or was cut short
    if keyed is None:
        recorder.discard()
        return "新标题还显示在其他页面上（关联公告、重定向页），或上次的页面计划不完整"
    keys, contexts = keyed
    replaced, rendered = _pages(plan, keys, contexts, config, theme, cache)
    # serve puts changed pages in with the last index and has the next build make the new one; when no
    # page changed (a save of the same text), the last index is this site's and nothing is left for later.
    reused = {rel: inode for rel, inode in record.output.items() if rel not in replaced and rel not in made}
    defer = options.defer_search and steps == ("search",) and any(
        os.stat(blob).st_ino != record.output.get(rel) for rel, blob in replaced.items())
    # Pagefind indexes the search index's changed shards from the pages' blobs while the site is staged;
    # the shards that stay as they were stay as the reused pages do. It begins before the blobs are
    # known to hold their bytes (a second at 100,000 notices) and keeps what it made only if they do.
    trusted: Future[bool] = Future()
    ahead = index_ahead(cache, _html_blobs(plan, cache, reused, replaced, source), record.output, trusted) \
        if "search" in steps and not defer else None
    trusted.set_result(cache.intact(keys_of_files))
    if not trusted.result():
        return DAMAGED
    in_place = ahead.files if ahead is not None else {}
    # The .gz twins of the files that stay as they were stay too: only changed files are compressed again.
    twins = {rel: record.output[rel] for rel in made if rel.endswith(".gz")
             and (rel[:-3] in reused or rel[:-3] in in_place)} if "precompress" in steps else {}
    bodies = dict(plan.bodies)
    bodies.update((e.path, (e.body, e.summary)) for e in edits if e.path in plan.bodies)
    other = (plan.other_bodies - {e.old_body for e in edits}) | {e.body for e in edits if e.path not in bodies}

    def remember() -> None:  # the next build's plan, written while Pagefind indexes (0.3 s at 100,000 notices)
        # A new title changes what the plan's basis digests (lastplan.basis_of); the next full build keys every page.
        recorder.write_again(plan, keys, bodies, other, "" if any(e.title is not None for e in edits) else plan.basis)

    # From here on the output and the cache change.
    forget(folder)
    with stage:
        stage.reuse(reused, source)
        for rel, blob in replaced.items():
            stage.link(rel, blob)
        # Like the other files, a twin or a kept shard's file the reused folder holds already is not even
        # looked at again; one it lacks is linked from the last site, which holds it.
        stage.reuse(twins | in_place, lambda rel: f"{options.output}/{rel}")
        pause_at("touch-up")
        if defer:  # serve: the pages go in with the last index, the build after this one makes the new one
            carry_search_bundle(options.output, stage)
            remember()
        elif steps:  # the search index's other files and the changed files' twins are made again
            # Not kept as a whole: each edit would add a listing of every file the steps made.
            run_steps(stage, steps, {rel for rel in reused if rel != MARKER} | replaced.keys() | twins.keys()
                      | in_place.keys(), cache, None, ahead=ahead, meanwhile=remember)
        else:
            remember()
        stage.commit()
    if options.manifest is not None:
        write_atomically(options.manifest, manifest)
    shown = {key for key, _ in bodies.values()} | other
    stale_pages = [old for old, new in zip(plan.keys, keys) if old != new]
    cache.finish_touch_up(results=[record.files[e.rel][1] for e in edits], bodies={e.old_body for e in edits} - shown,
                          pages=stale_pages)
    now_keys = {rel: record.files[rel][1] for rel in edited} | {e.rel: e.key for e in edits}
    files = {**record.files, **file_record(now_keys, inputs.statuses, content)}
    report = dataclasses.replace(record.report, cached=len(plan.paths) - rendered, way=TOUCH_UP, why="", output={})
    if defer:  # no record: the build that follows must not find this site finished
        return dataclasses.replace(report, output=stage.inodes, search_deferred=True)
    write_record(folder, dataclasses.replace(record, inputs=inputs.digest, started_ns=inputs.clock,
                                           newest_ctime_ns=inputs.newest, now=now, output=stage.inodes,
                                           files=files, report=report))
    return dataclasses.replace(report, output=stage.inodes)


def _manifest(cache: Cache, options: Options) -> bytes | None:
    """Return the last build's manifest, which this build repeats, unless CI's copy names a URL it lacks."""
    blob = cache.blob_of(f"data:{MANIFEST}")
    try:
        with open(blob or "", "rb") as file:
            data = file.read()
        current = set(json.loads(data)["urls"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return None if vanished(*previous_manifest(options.manifest, options.first_publication), current) else data


def _made_before(output: dict[str, int], plan: Plan, cache: Cache, steps: tuple[str, ...]) -> set[str]:
    """Name the files of the last site that its search index and compressor made: no page, data or copy."""
    bundle, search, compress = f"{BUNDLE}/", "search" in steps, "precompress" in steps
    made = {rel for rel in output if (search and rel.startswith(bundle))
            or (compress and rel.endswith(".gz") and rel[:-3] in output)}
    return made - set(plan.paths) - cache.kept_as_files(made)


def _html_blobs(plan: Plan, cache: Cache, reused: dict[str, int], replaced: dict[str, str],
                source: Callable[[str], str]) -> dict[str, str]:
    """Name the blob of each HTML file of the new site: a reused page's by its hash alone (100,000 paths
    made cost a second), a rendered page's and any other file's by its path."""
    blobs = dict(zip(plan.paths, cache.digests_of(plan.keys)))
    found = {rel: blobs[rel] for rel in reused.keys() & blobs.keys() if rel.endswith(".html")}
    found |= {rel: source(rel) for rel in reused.keys() - blobs.keys() if rel.endswith(".html")}
    return found | {rel: blob for rel, blob in replaced.items() if rel.endswith(".html")}


def _sources(files: Iterable[str], plan: Plan, cache: Cache) -> tuple[Callable[[str], str], Iterable[str]] | None:
    """Find the blob behind each file of the last site: a page's by its key, any other file's by its name;
    return where each is and the keys, for Cache.intact. None when the cache lacks one.

    Only files the spare lacks are linked, so a blob's path is made only when asked for.
    """
    keys = dict(zip(plan.paths, plan.keys))
    for rel in set(files) - keys.keys() - {MARKER}:
        keys[rel] = f"data:{rel}" if cache.blob_of(f"data:{rel}") else f"copy:{rel}"
    if not cache.has_pages(keys.values()):
        return None  # a blob is gone: the full way renders it again
    return (lambda rel: cache.blob_of(keys[rel])), keys.values()


def _edits(edited: list[str], record: Record, config: SiteConfig, cache: Cache, content: Path) -> list[Edit] | None:
    """Check the edited files again; None unless each gives the notice it gave, problems and all, but its body
    and title."""
    salt, converter, edits = record.salt, Converter(), []  # the caller made sure it is this configuration's
    for rel in edited:
        key, pickled, problem, converted = check_and_convert(rel, content / rel, config, salt, converter)
        old_key = record.files[rel][1]
        if key == old_key:
            continue  # saved without a change
        old = cache.results([old_key], use=False).get(old_key)
        if problem is not None or pickled is None or converted is None or old is None:
            return None
        checked = pickle.loads(pickled)
        if (checked.notice is None or old.notice is None or errors_in(checked.problems)
                or (checked.problems, checked.exposures) != (old.problems, old.exposures)):
            return None
        title = None
        if checked.meta != old.meta:
            if old.notice.redirect_from or dataclasses.replace(checked.notice, title=old.notice.title) != old.notice:
                return None
            title = checked.notice.title
        cache.store_result(key, pickled)
        cache.store_body(checked.body, *converted)
        summary = converted[1] if checked.notice.summary is None else checked.notice.summary
        edits.append(Edit(rel, key, checked.notice.path, checked.body, summary, old.body, title))
    return edits


def _keys(plan: Plan, edits: list[Edit], config: SiteConfig, theme: Theme, cache: Cache, recorder: Recorder,
          folder: Path) -> tuple[list[str], dict[int, dict]] | None:
    """Key again the pages that hold an edited view, and the catalogue after a new title; return every
    page's key and the context of each page whose key changed (pages hold views by name, lastplan.py),
    or None when a new title shows where no view stands for it."""
    read = cache.body_reader()
    kept = StoreReader(folder, plan, read)
    try:
        new: dict[str, NoticeView] = {}
        titles: dict[str, str] = {}  # URL -> new title
        for edit in edits:
            shown = edit.path in plan.bodies
            changes = {"summary": edit.summary, "html": StoredHtml(edit.body, read)} \
                if shown and plan.bodies[edit.path] != (edit.body, edit.summary) else {}
            if edit.title is not None:
                changes["title"] = edit.title
            if changes:
                # An unpublished notice has no kept view (KeyError): whether its new title shows
                # (a withdrawn notice's stub does) is the full way's to say.
                view, _ = kept.view(edit.path)
                if edit.title is not None:
                    if any(view.relations.values()):
                        return None  # the notices it names, or that name it, show its title in their views
                    titles[view.url] = edit.title
                new[edit.path] = dataclasses.replace(view, **changes)
        # The theme's files are as the last build saw them, so are its templates' digests.
        keys_of = PageKeys(theme.env, plan.shared_digest, store=recorder.store(len(plan.paths), plan),
                           templates=plan.template_digests, **CATALOGUE_KEYING)
        for path, view in new.items():
            keys_of.digest_view(path, view)
        loaded: dict[str, tuple[NoticeView, bytes]] = {}

        def view_of(name: str) -> NoticeView:
            if name in new:
                return new[name]
            if name not in loaded:
                loaded[name] = kept.view(name)
            return loaded[name][0]

        keys, changed = list(plan.keys), {}
        for number in sorted({n for path in new for n in plan.uses.get(path, ())}):
            context, pickled, named = kept.context(number, view_of)
            digests = [keys_of.views[name] if name in new else loaded[name][1] for name in named]
            keys[number] = keys_of.key_of(plan.paths[number], plan.templates[number], pickled, digests)
            if keys[number] != plan.keys[number]:
                changed[number] = context
        if titles:  # the catalogue's rows are copies, not views: its pages are planned again from the kept rows
            groups = kept.context(plan.paths.index(CATALOGUE_PAGE), view_of)[0]["groups"]
            retitle(groups, titles)
            for page in plan_catalogue(config, groups) + plan_catalogue_data(config, groups):
                number = plan.paths.index(page.path)
                if plan.templates[number] != page.template:
                    return None
                keys[number] = keys_of.key(page.path, page.template, page.context, number)
                if keys[number] != plan.keys[number]:
                    changed[number] = page.context
        return keys, changed
    finally:
        kept.close()


def _pages(plan: Plan, keys: list[str], contexts: dict[int, dict], config: SiteConfig, theme: Theme,
           cache: Cache) -> tuple[dict[str, str], int]:
    """Find or render each page keyed anew; return the blob of each by its path, and how many were rendered."""
    blobs, rendered = {}, 0
    for number, context in contexts.items():
        path, template = plan.paths[number], plan.templates[number]
        blobs[path] = cache.page(keys[number])
        if blobs[path] is None:
            rendered += 1
            blobs[path] = cache.store_page(keys[number], render_page(Page(path, template, context), theme,
                                                                     plan.common, config))
    return blobs, rendered
