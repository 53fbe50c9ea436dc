"""Write stage, last part: the steps that run over the complete staged site (search index, .gz twins).

Both ways that write a site, the full way and the touch-up, end here. What the
steps add is kept in the cache under the hash of every staged file, so a site
built before gets its index and twins linked at once; otherwise each step
reuses what it can by itself: the search index its unchanged shards
(search.py), the compressor the twins of unchanged files (precompress.py).
The cache entries those steps used are listed with the site's, so that taking
the whole site from the cache keeps them for the next build that changes a page.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable
from pathlib import Path

from generator.build.output import Staging
from generator.build.precompress import Twin, make_twins, needing_twins, record
from generator.build.search import BUNDLE, Ahead, index_site
from generator.core.config import SiteConfig
from generator.core.faults import delay_at
from generator.core.files import listing
from generator.core.options import Options
from generator.incremental.cache import Cache


def site_steps(config: SiteConfig, options: Options) -> tuple[str, ...]:
    """Name the steps that run over the whole staged site, in order."""
    return tuple(name for name, wanted in (("search", config.search), ("precompress", options.precompress))
                 if wanted)


def site_key(files: dict[str, str | None], steps: tuple[str, ...]) -> str | None:
    """Key the steps' output by every staged file's content (blob names are content hashes)."""
    if not steps or any(blob is None for blob in files.values()):
        return None
    listing = json.dumps([steps, sorted((rel, os.path.basename(blob)) for rel, blob in files.items())])
    return hashlib.sha256(listing.encode("utf-8")).hexdigest()


def kept_output(cache: Cache, key: str | None, steps: tuple[str, ...]) -> dict[str, str] | None:
    """Return the files the steps added to this very site before (relative path -> blob), if all are kept."""
    if not steps:
        return {}
    made = cache.site_files(key) if key else None
    if made is not None:
        cache.keep(_uses(cache, key))
    return made


def run_steps(stage: Staging, steps: tuple[str, ...], staged: set[str], cache: Cache, key: str | None,
              ready: dict[str, Twin] | None = None, linked: dict[str, str | None] | None = None,
              ahead: Ahead | None = None, meanwhile: Callable[[], None] = lambda: None) -> list[str]:
    """Run the search indexer and the compressor over the staged site and keep what they add; list it.
    `ready` holds the twins the render workers made already, `linked` the cache blob each staged file was
    linked from (None for a file written), `ahead` what search.index_ahead did before the site was staged.
    `meanwhile` runs once, while Pagefind indexes when there is an index to make.

    The staged files are compressed while the indexer runs: its Pagefind services leave a core idle
    much of the time. The index's own text files are compressed after it, so they get twins too.
    """
    mark = cache.mark()
    compress = "precompress" in steps
    blobs: dict[str, str] = {}  # the cache blob of each made file that was linked from one
    if "search" in steps:
        early = None

        def begin() -> None:  # the kept shards are staged; the rest of a reused folder goes, then compression begins
            nonlocal early
            stage.prune()  # the compressor must see this site only
            early = _Beside(make_twins, stage.path, needing_twins(staged), cache, None, ready) if compress else None
            meanwhile()

        try:
            delay_at("index")  # lets the tests of serve hold the index back
            index_site(stage.path, cache, staged, stage.link, begin, blobs, linked, ahead)
        finally:
            if early is not None:
                early.wait()
        twins = early.twins() if early is not None else []
        # The indexer adds files below its bundle folder only: no walk of the whole site (a second at 100,000),
        # nor of the folders of the shards left in place, whose files were staged as they were.
        made = _bundle_files(stage.path, ahead.in_place if ahead is not None else frozenset()) - staged
        if compress:  # the cache hears of the staged files' twins after the index's entries, always in one order
            made |= set(record(twins, cache))
            own = make_twins(stage.path, needing_twins(made), cache)  # the index's own text files
            made |= set(record(own, cache))
            twins += own
        added = sorted(made)
    else:
        stage.prune()  # the compressor must see this site only
        twins = make_twins(stage.path, needing_twins(staged), cache, None, ready) if compress else []
        added = record(twins, cache)
        meanwhile()
    blobs.update((twin.rel + ".gz", twin.digest) for twin in twins if twin.digest)
    uses = cache.used_since(mark)
    if key is None:
        for rel in added:
            if rel not in stage.inodes:  # a kept shard's file was staged by link() already
                stage.adopt(rel)
        return added
    for rel, blob in cache.store_site_files(key, stage.path, added, blobs).items():
        stage.settle(rel, blob)
    cache.store_page(f"site-uses:{key}", json.dumps(uses).encode("utf-8"))
    return added


class _Beside:
    """A compression run in a thread of its own while the caller does other work."""

    def __init__(self, work: Callable[..., list[Twin]], *args: object):
        self._twins: list[Twin] = []
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(work, *args), name="precompress")
        self._thread.start()

    def _run(self, work: Callable[..., list[Twin]], *args: object) -> None:
        try:
            self._twins = work(*args)
        except BaseException as exc:  # raised in the caller's thread by twins()
            self._error = exc

    def twins(self) -> list[Twin]:
        """Wait for the compression to end; return its twins or raise its failure."""
        self.wait()
        if self._error is not None:
            raise self._error
        return self._twins

    def wait(self) -> None:
        """Wait for the compression to end, whatever came of it: no thread may write into a staging folder
        that is being cleared, and the caller's own failure is the one to report."""
        self._thread.join()


def _bundle_files(site: Path, skip: frozenset[str]) -> set[str]:
    """List the files below the search bundle's folder, leaving out the folders of the shards named."""
    found = set()
    with os.scandir(site / BUNDLE) as entries:
        for entry in entries:
            if not entry.is_dir(follow_symlinks=False):
                found.add(f"{BUNDLE}/{entry.name}")
            elif entry.name not in skip:
                found.update(f"{BUNDLE}/{entry.name}/{rel}" for rel in listing(Path(entry.path))[0])
    return found


def carry_search_bundle(output: Path, stage: Staging) -> list[str]:
    """Stage the output's search index as it is (none before a first build); list its files.

    It finds the pages it found before: a new notice is not found, a deleted one is, until the
    build that follows makes the index of this site and swaps it in with the site, in one step.
    """
    bundle = output / BUNDLE
    carried = sorted(f"{BUNDLE}/{rel}" for rel in listing(bundle)[0]) if bundle.is_dir() else []
    for rel in carried:
        stage.link(rel, output / rel)
    return carried


def _uses(cache: Cache, key: str) -> list[str]:
    """Read the cache entries the steps used when they made this site's files."""
    blob = cache.page(f"site-uses:{key}")
    try:
        with open(blob or "", encoding="utf-8") as handle:
            uses = json.load(handle)
    except (OSError, ValueError):
        return []
    return [k for k in uses if isinstance(k, str)] if isinstance(uses, list) else []
