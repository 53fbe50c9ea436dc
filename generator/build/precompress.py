"""Write stage, optional: a `.gz` beside every text file, for servers that send them as they are.

nginx's `gzip_static` then serves compressed bytes without compressing on
every request. The gzip header carries no file name and time 0, so the same
site gives the same bytes. Each twin is kept in the cache under the hash of
the file it compresses, so a rebuild compresses only the files that changed
(compressing ten thousand pages took seconds, on every build).

libdeflate compresses, not zlib: at its level 6 it took 0.11 ms a page
where zlib's level 9 took 0.29 ms, and its twins were 1 % smaller (3,000
notice pages of the benchmark's corpus). Its bytes depend on its version,
which is therefore part of every twin's cache key.

The files to compress are named by the caller, who staged them: walking a
site of ten thousand folders to find them, and asking each file whether its
twin is there, cost more than the one changed page a touch-up compresses.
A full build's render workers compress each page they render (gzip_bytes)
and only the rest is compressed here: compressing and hashing let go of the
interpreter lock, so those files are compressed
by a few threads; the cache is told which twins a build used in the order
of the files, from the calling thread, so what a build records does not
depend on which thread finished first.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import deflate

from generator.build.parallel import available_cores
from generator.core.errors import BuildFailed, Diagnostic
from generator.incremental.cache import Cache, Made, write_blob

TEXT_SUFFIXES = {".html", ".xml", ".css", ".js", ".json", ".txt", ".svg", ".csv"}
TEXT_ENDINGS = tuple(sorted(TEXT_SUFFIXES))  # for str.endswith
LEVEL = 6  # libdeflate's: smaller than zlib's 9 and faster; its 10 to 12 are 7 % smaller and 7 to 14 times slower
COMPRESSOR = f"libdeflate-{metadata.version('deflate')}-{LEVEL}"  # what makes a twin's bytes, besides the file
AHEAD = 8  # files read or compressed ahead of the one whose result is taken next, per thread


@dataclass(frozen=True)
class Twin:
    """What one thread made of one file: its twin's cache key, and the blob that holds the twin."""

    rel: str
    key: str
    digest: str | None  # the blob's name, found in or added to the cache; None without a cache
    made: Made | None = None  # what writing the blob made, when this build wrote it


def needing_twins(files: Iterable[str]) -> list[str]:
    """List, sorted, the text files among a site's files whose twin is not among them already.

    A twin staged already came with its unchanged file (the touch-up links them), or is a file of
    the site's own by that name, which stays as it is.
    """
    present = set(files)
    # The cheap tests first: a touch-up at 100,000 notices stages 240,000 files, nearly all with their twin.
    return sorted(rel for rel in present if rel.endswith(TEXT_ENDINGS) and rel + ".gz" not in present and is_text(rel))


def is_text(rel: str) -> bool:
    """Say whether a file is of a kind that gets a twin."""
    return _suffix(rel) in TEXT_SUFFIXES


def twin_key(digest: str) -> str:
    """Key a twin in the cache by the hash of the file it compresses (a page blob's name is that hash) and the
    compressor that made it."""
    return f"gz:{COMPRESSOR}:{digest}"


def gzip_bytes(data: bytes) -> bytes:
    """Compress the same bytes to the same twin: libdeflate's header has no name and time 0."""
    return deflate.gzip_compress(data, LEVEL)


def _suffix(rel: str) -> str:
    """Return a file's suffix as pathlib names it (none for a name that starts with its only dot), without
    making a path of each of twenty thousand names."""
    name = rel.rpartition("/")[2]
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def threads() -> int:
    """Say how many threads compress: one a core, as libdeflate runs without the interpreter lock."""
    return min(available_cores(), 8)


def make_twins(site: Path, files: Iterable[str], cache: Cache | None, workers: int | None = None,
               ready: dict[str, Twin] | None = None) -> list[Twin]:
    """Write the twins of these files (relative paths), several at a time, and return what was made of
    each in the order given; the cache is looked in but not told (record() does that). A twin that is
    `ready` (its blob written by the worker that rendered the file) is only linked.

    A file that cannot be read or a twin that cannot be written stops the build with the file's name.
    """
    blobs = cache.blobs if cache is not None else None
    writing = threading.Lock()
    files = list(files)
    made = {rel: ready[rel] for rel in files if rel in ready} if ready and blobs is not None else {}

    def one(rel: str) -> Twin:
        try:
            if rel in made:
                _link(os.path.join(blobs, _place(made[rel].digest)), os.path.join(site, rel) + ".gz")
                return made[rel]
            return twin(rel)
        except OSError as exc:
            raise BuildFailed([Diagnostic(rel, 1, f"无法写入它的压缩副本（{exc.strerror or exc}）；请检查输出目录所在磁盘的"
                                                  "空间和权限，或不加 --precompress 构建")]) from exc

    def twin(rel: str) -> Twin:
        path = os.path.join(site, rel)
        with open(path, "rb") as handle:
            data = handle.read()
        key = twin_key(hashlib.sha256(data).hexdigest())
        blob = cache.page(key, use=False) if cache is not None else None  # in-memory tables and a stat
        made = None  # a twin written here says what it made
        if blob is None:
            packed = gzip_bytes(data)
            if blobs is None:
                with open(path + ".gz", "wb") as handle:
                    handle.write(packed)
                return Twin(rel, key, None)
            with writing:  # two threads with the same bytes must not both write the one blob
                digest, made = write_blob(blobs, packed)
            blob = os.path.join(blobs, _place(digest))
        _link(blob, path + ".gz")
        return Twin(rel, key, os.path.basename(blob), made)

    # A twin a worker made is only linked, here: handing ten thousand links to the threads took
    # three times as long as making them (a full build with --precompress, 10,000 notices).
    twins = {rel: one(rel) for rel in made}
    twins.update((t.rel, t) for t in _in_order(one, [rel for rel in files if rel not in made], workers or threads()))
    return [twins[rel] for rel in files]


def record(twins: list[Twin], cache: Cache | None) -> list[str]:
    """Tell the cache, in the files' order, which twins this build used; return the twins' names, sorted."""
    if cache is not None:
        for twin in twins:
            if twin.digest is not None:
                cache.adopt_page(twin.key, twin.digest, twin.made)
    return sorted(twin.rel + ".gz" for twin in twins)


def _link(blob: str, target: str) -> None:
    """Put a blob in place: a hard link, or a copy on another file system."""
    try:
        os.link(blob, target)
    except OSError:
        with open(blob, "rb") as source, open(target, "wb") as handle:
            handle.write(source.read())


def _place(digest: str) -> str:
    """Name a blob below the blob folder, as the cache lays them out."""
    return os.path.join(digest[:2], digest)


def _in_order(work: Callable[[str], Twin], items: list[str], workers: int) -> Iterator[Twin]:
    """Run `work` over the items in a few threads and yield its results in the items' order.

    Only a few items are under way at once, so the bytes of ten thousand pages are never held
    together; the first failure is raised here, and the items not begun are dropped.
    """
    if workers <= 1 or len(items) <= 1:
        yield from map(work, items)
        return
    pool = ThreadPoolExecutor(workers, thread_name_prefix="gzip")
    pending: deque[Future[Twin]] = deque()
    try:
        todo = iter(items)
        for item in todo:
            pending.append(pool.submit(work, item))
            if len(pending) >= workers * AHEAD:
                break
        while pending:
            result = pending.popleft().result()
            for item in todo:
                pending.append(pool.submit(work, item))
                break
            yield result
    finally:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True)
