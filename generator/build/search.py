"""Write stage, search part: build the Pagefind full-text index inside the staging folder, in shards.

The index is part of the site, so it is made before the staging folder is
swapped in: readers never see pages without their index or an index of pages
that are gone. Only notice pages, which mark their title and body with
`data-pagefind-body`, are indexed, and hidden notices have no page, so they
cannot enter it.

Pagefind cannot change an index in place and its memory grows with the pages
it indexes at once (about 300 KB a page), so the notices are split into
shards: one per publication year, a year with more than SHARD_PAGES notices
split by a hash of each URL into parts of about that size. A page's shard
depends only on its own URL and year and on the size of its year, so an edit
changes its own shard alone, and an edit's rebuild indexes a few hundred pages
however large the site. Each shard is its own
Pagefind bundle, `pagefind/<shard>/`, kept in the cache under the Pagefind
version and the hash of its pages' URLs and bytes; a build indexes only the
shards whose pages changed, one more at a time than there are cores.
`pagefind/shards.json` lists them,
and the search page merges them in the browser (Pagefind's mergeIndex).

Pages are handed to Pagefind one by one in sorted order through its service, not found by
its own walk of the folder: Pagefind numbers pages in the order it meets them, and a folder's
order differs between file systems (ext4 hashes names, tmpfs lists the newest first), so the
same site gave different index bytes on each.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import math
import os
import re
import shutil
import subprocess
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Callable, Iterable, Iterator

from generator.build.pagefind_order import canonicalise
from generator.build.parallel import available_cores
from generator.core.errors import BuildFailed, Diagnostic
from generator.core.files import listing, write_atomically
from generator.incremental.cache import Cache

BUNDLE = "pagefind"  # folder below the site root, linked from the search page
SHARDS = "shards.json"  # below BUNDLE: the shards' names, for the search page to merge
ENTRY = "pagefind-entry.json"  # of each bundle: names its index by a hash of the index's content
MEMO = "search-plan.json"  # in the cache: the last plan, each page's hash and year (_replan, _page_facts)
# Notices a shard holds at most before its year is split by URL hash: what an edit's rebuild indexes
# again (about 1.5 s), and about 100 MB of Pagefind's memory.
SHARD_PAGES = 300
REGION = ("<!--search-->", "<!--/search-->")  # what of a notice page Pagefind is given (_for_pagefind)
_READ = re.compile(r"data-pagefind-|<h1[\s>]|<img[\s>]", re.IGNORECASE)  # what Pagefind takes from a page
BODY = re.compile(rb"<[a-z][^>]*\sdata-pagefind-body[\s>=]")
YEAR = re.compile(rb'data-pagefind-filter="year:(\d{4})"')
# Pagefind's own search interfaces, which every bundle carries: the search page has its own
# (themes/default/static/js/search.js) and loads pagefind.js alone, so they are not written;
# with a shard a year they were 0.4 MB a shard, 150 MB of a 100,000-notice site.
UNUSED = frozenset({"pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
                    "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js"})


@dataclass(frozen=True)
class Shard:
    """One Pagefind bundle: the notice pages it indexes, and the cache key those pages give it."""

    name: str
    pages: tuple[str, ...]  # relative paths, sorted
    key: str


def index_site(site: Path, cache: Cache | None = None, files: Iterable[str] | None = None,
               link: Callable[[str, str], None] | None = None, begin: Callable[[], None] | None = None,
               blobs: dict[str, str] | None = None, linked: dict[str, str | None] | None = None,
               ahead: Ahead | None = None) -> int:
    """Index the staged site's notice pages in shards, reusing the cache's unchanged ones; return how many were
    indexed. `files` lists the staged site's files when the caller knows them; the site is walked otherwise.

    `link(path, blob)` puts a kept shard's file in place (a hard link by default: a staging folder
    that already holds the very file from the last site keeps it instead of deleting and linking
    it again, 100,000 files at 100,000 notices). `begin` runs once the kept shards are in place,
    before any shard is indexed here or the shards indexed ahead are linked. `blobs`, when given,
    learns the cache blob of each file of the bundle; `linked` names the cache blob a staged page
    was linked from (or only its name), the page's hash. `ahead` is what index_ahead did before
    the site was staged: its shards are not planned again, and those it found in place are not
    looked at.
    """
    with _failures():
        shards = ahead.shards if ahead is not None else plan_shards(site, cache, files, linked)
        missing, put, later = [], link or _linker(site), []
        for shard in shards:
            if ahead is not None and shard.name in ahead.in_place:
                continue
            if ahead is not None and shard.name in ahead.indexing:
                later.append(shard)
                continue
            kept = _from_cache(shard, cache, put)
            if kept is None:
                missing.append(shard)
            else:
                _note(blobs, shard, kept)
        if begin is not None:
            begin()
        if later:  # the compression has begun: now wait for the shards indexed ahead
            made = ahead.made.result()
            for shard in later:
                _note(blobs, shard, _link_all(shard, made[shard.name], put))
        _index_all(missing, lambda rel: (site / rel).read_text(encoding="utf-8"),
                   lambda shard: site / BUNDLE / shard.name, cache, blobs)
        (site / BUNDLE).mkdir(exist_ok=True)
        (site / BUNDLE / SHARDS).write_text(json.dumps({"shards": [s.name for s in shards]}, ensure_ascii=False),
                                            encoding="utf-8")
    return len(missing)


@dataclass(frozen=True)
class Ahead:
    """The shards of a site, planned and the changed ones indexed into the cache before the site was staged."""

    shards: list[Shard]
    in_place: frozenset[str]  # names of the shards whose files the last site holds, as they are
    files: dict[str, int]  # those shards' files in the last site (path -> inode)
    indexing: frozenset[str]  # names of the shards being indexed into the cache
    made: Future  # of the blob of each file of each of those shards, by shard name


def index_ahead(cache: Cache, pages: dict[str, str], last: dict[str, int], trusted: Future | None = None) -> Ahead:
    """Plan the shards of a site whose HTML pages are all cache blobs, each named by its hash or its path,
    and start indexing into the cache each shard it lacks, before anything is staged; `last` is the last
    site's files (path -> inode). With `trusted`, the shards indexed are kept in the cache only once it
    says True: that the blobs hold their bytes (a shard is keyed by its pages' names, not by what was read).

    A touch-up does this as soon as it has rendered its pages: Pagefind then indexes while the
    touch-up stages the site. A shard whose files in the last site are the cache's files of its
    key, as its entry file's inode tells (Pagefind names the index in it by a hash of its
    content), is left in place: the caller stages those files as it stages the pages it reuses,
    without looking at each again (about 90,000 files at 100,000 notices).
    """
    assert cache.folder is not None
    with _failures():
        shards = plan_shards(None, cache, pages, pages)
        in_place, files = set(), {}
        for shard in shards:
            found = _in_place(shard, cache, last)
            if found is not None:
                in_place.add(shard.name)
                files.update(found)
    missing = [s for s in shards if s.name not in in_place and not cache.has_pages([f"site:shard:{s.key}"])]

    def read(rel: str) -> str:
        if trusted is not None and trusted.done() and not trusted.result():
            raise OSError("the build went the full way")  # which may be replacing these very blobs
        with open(_blob_path(pages[rel], cache), encoding="utf-8") as handle:
            return handle.read()

    def index() -> dict[str, dict[str, str]]:
        scratch = cache.folder / "index-ahead"
        shutil.rmtree(scratch, ignore_errors=True)
        try:
            with _failures():
                _index_all(missing, read, lambda shard: scratch / shard.name, None, None)
                if trusted is not None and not trusted.result():
                    return {}  # the build goes the full way, which indexes again
                return {shard.name: _keep(cache, shard, scratch / shard.name) for shard in missing}
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    pool = ThreadPoolExecutor(1, thread_name_prefix="index-ahead")
    made = pool.submit(index if missing else dict)
    pool.shutdown(wait=False)  # the thread ends with its one task; index_site waits for that
    return Ahead(shards, frozenset(in_place), files, frozenset(s.name for s in missing), made)


def _in_place(shard: Shard, cache: Cache, last: dict[str, int]) -> dict[str, int] | None:
    """Give the last site's files of a shard (path -> inode) when they are the cache's files of its key."""
    listed, entry = cache.blob_of(f"site:shard:{shard.key}"), cache.blob_of(f"site:shard:{shard.key}:{ENTRY}")
    prefix = f"{BUNDLE}/{shard.name}/"
    try:
        with open(listed or "", encoding="utf-8") as handle:
            names = json.load(handle)
        if not entry or os.stat(entry).st_ino != last.get(prefix + ENTRY):
            return None
    except (OSError, ValueError):
        return None
    if not isinstance(names, list) or not all(isinstance(n, str) and prefix + n in last for n in names):
        return None
    return {prefix + n: last[prefix + n] for n in names}


@contextlib.contextmanager
def _failures() -> Iterator[None]:
    """Turn what Pagefind's failures raise into the build's error, which says how to fix it."""
    try:
        yield
    except (OSError, ValueError, RuntimeError, KeyError) as exc:  # raised inside the staging block: the old site stays
        detail = str(exc).strip().splitlines()[-1:] or [type(exc).__name__]
        raise BuildFailed([Diagnostic("site.yaml", 1, f"生成搜索索引失败（Pagefind：{detail[0]}）；请重新运行 make build "
                                      "安装 requirements.txt 中的 pagefind[extended]，或在 site.yaml 中设置 search: false")])


def _index_all(shards: list[Shard], read: Callable[[str], str], bundle_of: Callable[[Shard], Path],
               cache: Cache | None, blobs: dict[str, str] | None) -> dict[str, dict[str, str]]:
    """Index shards, lanes() at a time, each lane a thread with one service for all the shards it takes;
    keep each bundle in the cache as it is done, and return the blob of each file of each, by shard name."""
    services: list[_Service] = []
    lane = threading.local()

    def index(shard: Shard) -> Shard:
        if getattr(lane, "service", None) is None:
            lane.service = _Service.start()
            services.append(lane.service)
        bundle = bundle_of(shard)
        lane.service.index(read, shard.pages, bundle, shard.name)
        canonicalise(bundle)  # Pagefind's own output differs from run to run
        return shard

    stored: dict[str, dict[str, str]] = {}
    try:
        with ThreadPoolExecutor(lanes()) as pool:
            for shard in pool.map(index, shards):
                if cache is not None:
                    stored[shard.name] = _keep(cache, shard, bundle_of(shard))
                    _note(blobs, shard, stored[shard.name])
    finally:
        for service in services:
            service.close()
    return stored


def _keep(cache: Cache, shard: Shard, bundle: Path) -> dict[str, str | None]:
    """Keep a shard's bundle in the cache under the shard's key; return the blob of each of its files."""
    return cache.store_site_files(f"shard:{shard.key}", bundle, sorted(listing(bundle)[0]))


def lanes() -> int:
    """Say how many shards are indexed at the same time, one Pagefind service each.

    A service waits while its lane writes the last shard's files and sends the next shard's
    first pages; one lane more than there are cores keeps the cores busy meanwhile (10,000
    notices on 2 cores: 26.9 and 24.2 s with two lanes, 23.9 and 23.2 s with three).
    """
    return min(available_cores() + 1, 8)


def plan_shards(site: Path | None, cache: Cache | None = None, files: Iterable[str] | None = None,
                linked: dict[str, str | None] | None = None) -> list[Shard]:
    """Find the notice pages, put each in its shard and key every shard; the newest year comes first."""
    html = _html_pages(site) if files is None else sorted(
        rel for rel in files if rel.endswith(".html") and not rel.startswith(BUNDLE + "/"))
    version, memo, linked = _pagefind_version(), _read_memo(cache), linked or {}
    replanned = _replan(memo, html, version, site, cache, linked)
    if replanned is not None:
        return replanned
    facts = _page_facts(site, html, cache, linked, memo)
    by_year: dict[str, list[tuple[str, str]]] = {}  # year -> (page, hash of its bytes)
    for rel, (year, digest) in facts.items():
        if year:  # else not a notice: Pagefind indexes only what is marked
            by_year.setdefault(year, []).append((rel, digest))
    groups: dict[str, list[tuple[str, str]]] = {}
    for year, pages in by_year.items():
        parts = math.ceil(len(pages) / SHARD_PAGES)
        for page in pages:
            part = int(hashlib.sha256(page[0].encode()).hexdigest()[:8], 16) % parts
            groups.setdefault(year + (f"-{part + 1}" if parts > 1 else ""), []).append(page)
    shards = [_shard(name, sorted(groups[name]), version) for name in sorted(groups, key=lambda n: (n[:4], n),
                                                                            reverse=True)]
    _write_memo(cache, version, html, facts, shards)
    return shards


def _shard(name: str, pages: list[tuple[str, str]], version: str) -> Shard:
    """Key a shard by the Pagefind version, its name and its pages' paths and hashes, in path order."""
    listing = json.dumps([version, name, pages], ensure_ascii=False)
    return Shard(name, tuple(rel for rel, _ in pages), hashlib.sha256(listing.encode()).hexdigest())


def _replan(memo: dict, html: list[str], version: str, site: Path | None, cache: Cache | None,
            linked: dict[str, str | None]) -> list[Shard] | None:
    """Plan the shards again from the memo of an earlier plan of the same pages, when no page changed its
    year: only the shards that hold a changed page are keyed again. None when the memo does not fit.

    An edit's build changes a page or two: grouping and keying 100,000 pages again cost it most
    of a second before Pagefind could start. The memo is written again once a page in a hundred
    has changed since it was; until then each build reads those pages again.
    """
    try:
        if memo.get("version") != version or memo.get("pages") != html:
            return None
        names, years, planned = memo["names"], memo["years"], memo["shards"]
        changed: dict[int, str] = {}
        for number, (now, name) in enumerate(zip(map(linked.get, html), names)):
            if now == name:
                continue
            digest = os.path.basename(now) if now else ""
            if digest == name:
                continue
            year, digest = _facts_of(site, html[number], now, digest, cache)
            if digest == name:
                continue  # written, not linked: hashed to the same bytes
            if year != years[number]:
                return None  # the page moves to another shard, or in or out of the index
            changed[number] = digest
        shards = []
        for name, key, members in planned:
            if changed.keys().isdisjoint(members):
                shards.append(Shard(name, tuple(html[m] for m in members), key))
            else:
                shards.append(_shard(name, [(html[m], changed.get(m, names[m])) for m in members], version))
    except (KeyError, TypeError, ValueError, IndexError, AttributeError):
        return None  # a memo damaged or of another layout: plan from the pages
    if len(changed) > len(html) // 100:
        _write_memo(cache, version, html, {rel: (years[n], changed.get(n, names[n])) for n, rel in enumerate(html)},
                    shards)
    return shards


def _page_facts(site: Path | None, pages: list[str], cache: Cache | None, linked: dict[str, str | None],
                memo: dict) -> dict[str, tuple[str, str]]:
    """Give each page its year ("" when Pagefind does not index it) and the hash of its bytes.

    A staged page is mostly a link to a cache blob named by the hash of its bytes, which the
    caller names in `linked` (the page is then read from the blob, if at all): such a page is
    neither hashed nor, when the memo of an earlier plan knows the year of that hash, read or even
    looked at (at 100,000 notices a stat of every page cost a second of each edit's build).
    """
    try:
        remembered = dict(zip(memo.get("names", ()), memo.get("years", ())))
    except TypeError:
        remembered = {}
    facts = {}
    for rel in pages:
        blob = linked.get(rel)
        digest = os.path.basename(blob) if blob else ""
        year = remembered.get(digest) if digest else None
        facts[rel] = (year, digest) if isinstance(year, str) else _facts_of(site, rel, blob, digest, cache)
    return facts


def _facts_of(site: Path | None, rel: str, blob: str | None, digest: str, cache: Cache | None) -> tuple[str, str]:
    """Read a page for its year ("" when Pagefind does not index it) and, unless known, the hash of its bytes."""
    with open(_blob_path(blob, cache) if blob else f"{site}/{rel}", "rb") as handle:
        data = handle.read()
    marked = _marked(data)
    found = YEAR.search(data) if marked else None
    year = found.group(1).decode() if found else ("other" if marked else "")
    return year, digest or hashlib.sha256(data).hexdigest()


def _write_memo(cache: Cache | None, version: str, html: list[str], facts: dict[str, tuple[str, str]],
                shards: list[Shard]) -> None:
    """Remember the plan for the next build: the pages in order, each one's hash and year, and each shard's
    key and pages (by their place in that order)."""
    if cache is None or cache.folder is None:
        return
    number = {rel: n for n, rel in enumerate(html)}
    memo = {"version": version, "pages": html, "names": [facts[rel][1] for rel in html],
            "years": [facts[rel][0] for rel in html],
            "shards": [[shard.name, shard.key, [number[rel] for rel in shard.pages]] for shard in shards]}
    with contextlib.suppress(OSError):  # only a memo: the next build plans from the pages
        write_atomically(cache.folder / MEMO, json.dumps(memo, ensure_ascii=False).encode("utf-8"))


def _blob_path(blob: str, cache: Cache | None) -> str:
    """Give the path of a blob the caller named by its path or, in the cache, by its hash alone."""
    return blob if os.sep in blob or cache is None else cache.blob_named(blob)


def _marked(data: bytes) -> bool:
    """Say whether a tag of the page carries data-pagefind-body: the pattern is tried only at the tags that
    hold the name (searching whole pages for it took 0.3 s at 10,000 notices)."""
    at = data.find(b"data-pagefind-body")
    while at >= 0:
        start = data.rfind(b"<", 0, at)
        if start >= 0 and BODY.match(data, start):
            return True
        at = data.find(b"data-pagefind-body", at + 1)
    return False


def _read_memo(cache: Cache | None) -> dict:
    """Read the memo of the last plan; empty when there is none or it is damaged."""
    if cache is None or cache.folder is None:
        return {}
    try:
        memo = json.loads((cache.folder / MEMO).read_bytes())
    except (OSError, ValueError):
        return {}
    return memo if isinstance(memo, dict) else {}


def _from_cache(shard: Shard, cache: Cache | None, link: Callable[[str, str], None]) -> dict[str, str] | None:
    """Link a shard's bundle from the cache into the site and return its files' blobs; None when the cache
    lacks it or it was damaged."""
    kept = cache.site_files(f"shard:{shard.key}", damage="搜索索引分片") if cache is not None else None
    return _link_all(shard, kept, link) if kept else None


def _link_all(shard: Shard, files: dict[str, str], link: Callable[[str, str], None]) -> dict[str, str]:
    for rel, blob in sorted(files.items()):
        link(f"{BUNDLE}/{shard.name}/{rel}", blob)
    return files


def _note(blobs: dict[str, str] | None, shard: Shard, files: dict[str, str | None]) -> None:
    """Tell the caller which cache blob holds each file of a shard's bundle (by the blob's name)."""
    if blobs is not None:
        blobs.update((f"{BUNDLE}/{shard.name}/{rel}", os.path.basename(blob)) for rel, blob in files.items() if blob)


def _linker(site: Path) -> Callable[[str, str], None]:
    """Link cache blobs into a folder that holds none of them yet."""
    def link(rel: str, blob: str) -> None:
        target = site / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(blob, target)
        except OSError:  # another file system
            target.write_bytes(Path(blob).read_bytes())
    return link


def _index(site: Path, pages: tuple[str, ...], bundle: Path, shard: str) -> None:
    """Index pages into a bundle with a service of their own (one index over many shards' pages, in tests)."""
    service = _Service.start()
    try:
        service.index(lambda rel: (site / rel).read_text(encoding="utf-8"), pages, bundle, shard)
    finally:
        service.close()


def _for_pagefind(page: str, shard: str) -> str:
    """Give Pagefind the part of the page it reads, with the page's shard as a filter.

    A notice page marks what the index needs, title, metadata and body, between the comments
    REGION; the rest (the site's header and navigation, the QR code, previous and next) is
    left out: parsing it was an eighth of Pagefind's time and the index came out the same.
    A page whose marks are missing or doubled, or that has anything Pagefind would read
    (data-pagefind-…, the first h1 or img it takes for title or image) outside them, is given whole.

    The shard filter is not on the page on disk. A shard that lacks one word of a query of
    several words matches pages by the other words alone (Pagefind leaves out a word its index
    lacks), where one index over the whole site matches none of them; the search page asks in
    which shards each word occurs and narrows the search to the shards that hold them all
    (themes/default/static/js/search.js).
    """
    shard_filter = f'<meta data-pagefind-filter="shard[content]" content="{shard}">'
    start = page.find(REGION[0])
    end = page.find(REGION[1], start)
    html = page.find("<html")
    if html >= 0 and 0 <= start < end and page.find(REGION[0], start + 1) < 0 \
            and not any(_READ.search(outside) for outside in (page[:start], page[end:])):
        return f'{page[:page.index(">", html) + 1]}<head>{shard_filter}</head><body>{page[start:end]}</body></html>'
    head = page.find("<head>")
    at = head + len("<head>") if head >= 0 else 0
    return f"{page[:at]}{shard_filter}{page[at:]}"


class _Service:
    """One conversation with `pagefind --service`, which may build many indexes one after another.

    Pagefind's own Python client reads one answer every tenth of a second, a thousand seconds for
    ten thousand pages; this talks its service protocol directly (requests and answers are base64
    JSON, each ended by a comma), one request at a time so the order stays the one given.
    """

    def __init__(self, process: subprocess.Popen):
        self.process, self.sent, self.pending = process, 0, bytearray()

    @classmethod
    def start(cls) -> "_Service":
        from pagefind.service import get_executable

        executable = get_executable()
        if executable is None:
            raise RuntimeError("找不到 pagefind 程序")
        return cls(subprocess.Popen([str(executable), "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=subprocess.DEVNULL))

    def close(self) -> None:
        """End the service: it exits when its input ends; one that hangs is killed."""
        with contextlib.suppress(OSError):
            self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()

    def index(self, read: Callable[[str], str], pages: tuple[str, ...], bundle: Path, shard: str) -> None:
        """Add the pages in the order given to a new index, write its bundle, then drop the index."""
        index = self.ask({"type": "NewIndex", "config": None}, "NewIndex")["index_id"]
        failed: list[BaseException] = []

        def feed() -> None:  # read one page at a time, in the feeder
            try:
                self.send_all({"type": "AddFile", "index_id": index, "url": _url(rel), "file_path": None,
                               "file_contents": _for_pagefind(read(rel), shard)} for rel in pages)
            except BaseException as exc:  # a page that cannot be read: the service is ended, so no answer is awaited
                failed.append(exc)
                self.process.kill()

        feeder = threading.Thread(target=feed)
        feeder.start()
        try:
            self.answers(len(pages), "IndexedFile")
        except RuntimeError:
            feeder.join()
            if failed:
                raise failed[0] from None
            raise
        finally:
            feeder.join()
        # The bundle comes back in the answer and is written here: the service answers WriteFiles
        # before its files are complete, and one it was still writing was cut short at its exit.
        files = self.ask({"type": "GetFiles", "index_id": index}, "GetFiles")["files"]
        self.ask({"type": "DeleteIndex", "index_id": index}, "DeleteIndex")  # its memory, for the next shard
        for file in sorted(files, key=lambda f: f["path"]):
            if file["path"] in UNUSED:
                continue
            target = bundle / file["path"]
            if bundle.resolve() not in target.resolve().parents:
                raise ValueError(f"Pagefind 给出了索引目录之外的文件 {file['path']}")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(base64.b64decode(file["content"]))

    def ask(self, payload: dict, answer: str) -> dict:
        """Send one request and return the answer's payload, which must be of the type expected."""
        self.send_all([payload])
        return self.answers(1, answer)

    def send_all(self, payloads) -> None:
        """Send requests in order without waiting for their answers."""
        try:
            for payload in payloads:
                self.sent += 1
                request = json.dumps({"message_id": self.sent, "payload": payload}, ensure_ascii=False)
                self.process.stdin.write(base64.b64encode(request.encode("utf-8")) + b",")
            self.process.stdin.flush()
        except BrokenPipeError:
            pass  # the service died: answers() says so

    def answers(self, count: int, answer: str) -> dict:
        """Read `count` answers, each of the type expected; return the last one's payload."""
        body: dict = {}
        for _ in range(count):
            body = self._answer(answer)
        return body

    def _answer(self, answer: str) -> dict:
        """Read one answer: the index's files come as one answer of many megabytes, read in chunks."""
        end = self.pending.find(b",")
        while end < 0:
            chunk = self.process.stdout.read1(1 << 20)
            if not chunk:
                raise RuntimeError("Pagefind 意外退出")
            start = len(self.pending)
            self.pending += chunk  # a bytearray: appending does not copy what came before
            end = self.pending.find(b",", start)
        message = bytes(self.pending[:end])
        del self.pending[: end + 1]
        reply = json.loads(base64.b64decode(message))
        body = reply.get("payload") or {}
        if body.get("type") != answer:
            raise RuntimeError(str(body.get("message") or body))
        return body


def _html_pages(site: Path) -> list[str]:
    """List the site's HTML files, relative and sorted, the bundle's own left out."""
    found = []
    for folder, dirs, files in os.walk(site):
        rel = os.path.relpath(folder, site)
        if rel == BUNDLE:
            dirs.clear()
            continue
        found += [name if rel == "." else f"{rel}/{name}".replace(os.sep, "/") for name in files
                  if name.endswith(".html")]
    return sorted(found)


def _url(rel: str) -> str:
    """Give a page the URL Pagefind's own walk gives it: the folder of an index.html."""
    return "/" + (rel[: -len("index.html")] if rel == "index.html" or rel.endswith("/index.html") else rel)


def _pagefind_version() -> str:
    """Name the Pagefind build that indexes, part of every shard's cache key."""
    try:
        return "pagefind_extended " + metadata.version("pagefind_bin_extended")
    except metadata.PackageNotFoundError:
        return "pagefind " + metadata.version("pagefind")
