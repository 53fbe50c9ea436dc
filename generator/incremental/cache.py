"""Render stage, incremental part: the only module that knows about the build cache.

The cache lets a build skip the expensive work whose inputs did not change:
checking a notice file (keyed by its bytes, path, the configuration and the
code; intake.py), Markdown conversion (keyed by the body's hash; the HTML is
read back only by the worker that prints it) and page rendering (keyed by the
hash of the page's template sources, its context, the configuration and the
gongkai version). Rendered files are kept as content-addressed blobs and
hard-linked into the staging folder, so a page whose bytes did not change
keeps its inode and mtime in the new output and uploads stay small. The
folder also holds the previous site (`spare/`, output.py) and the last
build's record (shortcut.py) and, for search, each staged page's year and hash
(search.py). Deleting it is always safe: the next build simply does all the
work again.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import pickle
import shutil
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import markdown
import nh3
from jinja2 import Environment, meta
from jinja2.bccache import Bucket, FileSystemBytecodeCache

from generator import __version__
from generator.core.files import write_atomically

FOLDER_NAME = ".gongkai-cache"
TEMPLATES = "templates"  # compiled Jinja2 templates


def _code_digest() -> str:
    """Hash gongkai's own code, so that a changed stage never meets pages cached by the old one."""
    h = hashlib.sha256()
    package = Path(__file__).resolve().parents[1]
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


# Anything that changes what a body or page renders to invalidates everything.
SALT = (f"gongkai {__version__} ({_code_digest()}); markdown {markdown.__version__}; "
        f"nh3 {getattr(nh3, '__version__', '?')}")


def spare_folder(folder: Path) -> Path:
    """Where the previous site waits in a cache folder."""
    return folder / "spare"


def default_folder(output: Path) -> Path:
    """Put the cache beside the output folder, where CI can keep it between runs."""
    return output.resolve().parent / FOLDER_NAME


class Cache:
    """Bodies and rendered pages from earlier builds; a disabled cache remembers nothing."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self._db: sqlite3.Connection | None = None
        self._pages: dict[str, str] = {}
        self._used_bodies: set[str] = set()
        self._used_results: set[str] = set()
        self._used_pages: dict[str, str] = {}
        self._held: dict[str, str] = {}  # body key -> HTML, when there is no folder to keep it in
        self._stamps, self._new_stamps = {}, {}
        self.damage: list[str] = []  # what was found damaged and set aside, for one warning
        if folder is None:
            return
        for shard in range(256):  # every shard at once, so that no write needs its own mkdir
            (folder / "blobs" / f"{shard:02x}").mkdir(parents=True, exist_ok=True)
        path = folder / "cache.sqlite"
        try:
            db, salts = self._open(path)
        except sqlite3.DatabaseError:  # damaged inside (a failing disk, a stray file): it was only a cache
            self.damage.append("数据库文件无法读取")
            for suffix in ("", "-journal", "-wal", "-shm"):
                path.with_name(path.name + suffix).unlink(missing_ok=True)
            db, salts = self._open(path)
        self._db = db
        # Blobs are listed in the page table when a build finishes. One that did not (killed, failed)
        # may have left blobs no table lists, and another version's table was just dropped: the
        # next finish then looks at every blob, not only at those the last table listed.
        self._sweep = was_cut_short(folder) or salts != [SALT]
        (folder / UNFINISHED).touch()

    def _open(self, path: Path) -> tuple[sqlite3.Connection, list[str]]:
        """Open the database, start it afresh if another version wrote it, and load the page table."""
        db = sqlite3.connect(path, timeout=30)
        try:
            try:
                salts = [row[0] for row in db.execute("SELECT salt FROM meta")]
            except sqlite3.OperationalError:  # a new cache
                salts = []
            if salts != [SALT]:  # another gongkai version wrote this: start afresh, its tables may differ
                db.executescript("DROP TABLE IF EXISTS body; DROP TABLE IF EXISTS page; DROP TABLE IF EXISTS result;"
                                 "DROP TABLE IF EXISTS meta; DROP TABLE IF EXISTS blob; DROP TABLE IF EXISTS qr;")
                shutil.rmtree(path.parent / TEMPLATES, ignore_errors=True)  # compiled with other settings, maybe
            # Pages of 16 KB hold a body's HTML (7 KB at 1,900 characters) in one page, where pages of 4 KB
            # chained it over three: storing and reading a body cost half as much. Only a new file takes it.
            db.execute("PRAGMA page_size = 16384")
            # The summary comes before the HTML: SQLite reads a row's columns in order, and every
            # rebuild reads all summaries, which behind 30 KB of HTML meant reading that HTML too.
            # `sums` holds a check of each: what the cache gives back is checked before it is used.
            db.executescript("""
                CREATE TABLE IF NOT EXISTS body (key TEXT PRIMARY KEY, summary TEXT NOT NULL, html TEXT NOT NULL,
                                                 sums BLOB NOT NULL);
                CREATE TABLE IF NOT EXISTS page (key TEXT PRIMARY KEY, digest TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS result (key TEXT PRIMARY KEY, value BLOB NOT NULL, sum BLOB NOT NULL);
                CREATE TABLE IF NOT EXISTS meta (salt TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS blob (digest TEXT PRIMARY KEY, size INTEGER NOT NULL,
                                                 mtime INTEGER NOT NULL);
            """)
            if salts != [SALT]:
                db.execute("INSERT INTO meta VALUES (?)", (SALT,))
            # A blob's name is its hash, so a damaged row of the page table names no blob that exists.
            self._pages = {k: d for k, d in db.execute("SELECT key, digest FROM page")
                           if isinstance(k, str) and isinstance(d, str) and len(d) == 64}
            # Each blob's size and modification time when it was last known to hold its bytes (page()).
            self._stamps = {d: (s, m) for d, s, m in db.execute("SELECT * FROM blob")
                            if isinstance(d, str) and isinstance(s, int) and isinstance(m, int)}
        except BaseException:
            db.close()
            raise
        return db, salts

    @property
    def unfinished(self) -> bool:
        """Say whether a build was cut short since the last finished one, leaving blobs no table lists."""
        return self._sweep

    @property
    def used_bodies(self) -> set[str]:
        """The bodies this build asked for or stored."""
        return self._used_bodies

    @property
    def templates(self) -> Path | None:
        """Where Jinja2 keeps compiled templates: compiling the theme's costs a tenth of a second per process."""
        if self._db is None or self.folder is None:
            return None
        (self.folder / TEMPLATES).mkdir(exist_ok=True)
        return self.folder / TEMPLATES

    @property
    def spare(self) -> Path | None:
        """Where the previous site waits to become the next staging folder (output.py says why)."""
        return None if self._db is None or self.folder is None else spare_folder(self.folder)

    def summaries(self, keys: Iterable[str]) -> dict[str, str]:
        """Return the derived summary of every known body key (the HTML stays on disk until a page needs it).

        A row whose summary fails its check is left out, so its body is converted again.
        """
        wanted = sorted(set(keys))
        self._used_bodies.update(wanted)
        if self._db is None:
            return {}
        found: dict[str, str] = {}
        for key, summary, sums in self._rows("SELECT key, summary, sums FROM body", wanted):
            if isinstance(summary, str) and isinstance(sums, bytes) and sums[:8] == check(summary):
                found[key] = summary
            else:
                self._damaged("正文摘要")
        return found

    def store_body(self, key: str, html: str, summary: str) -> None:
        """Remember one converted body; a disabled cache holds its HTML in memory for this build."""
        self._used_bodies.add(key)
        if self._db is not None:
            self._db.execute("INSERT OR REPLACE INTO body VALUES (?, ?, ?, ?)",
                             (key, summary, html, check(summary) + check(html)))
        else:
            self._held[key] = html

    def body_reader(self) -> Callable[[str], str]:
        """Make the function that reads a kept body's HTML, from any process.

        What this build stored is committed first, so that forked workers see it; each process opens
        its own connection, since one may not cross a fork. HTML that fails its check raises
        CacheDamaged: the build starts again without the cache (pipeline.build).
        """
        if self._db is None or self.folder is None:
            return self._held.__getitem__
        self._db.commit()
        path, connections = self.folder / "cache.sqlite", {}

        def read(key: str) -> str:
            db = connections.get(os.getpid())
            if db is None:
                db = connections[os.getpid()] = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
            try:
                rows = db.execute("SELECT html, sums FROM body WHERE key = ?", (key,)).fetchall()  # all: no lock stays
            except sqlite3.DatabaseError as exc:  # not UTF-8 any more, or a damaged page of the file
                raise CacheDamaged(f"正文 HTML 无法读取（{exc}）") from None
            if not rows or not isinstance(rows[0][0], str) or rows[0][1][8:16] != check(rows[0][0]):
                raise CacheDamaged("正文 HTML 校验不符")
            return rows[0][0]

        return read

    # Checked notice files (intake.py) ----------------------------------------------

    def results(self, keys: Iterable[str], use: bool = True) -> dict[str, Any]:
        """Return the kept result of every known key (and keep it, unless use is false).

        Results are pickles: the cache folder must be written by gongkai alone,
        like the blobs it publishes (docs/security.md). A result that fails its check, or
        cannot be unpickled, is left out, so its file is checked again.
        """
        wanted = sorted(set(keys))
        if use:
            self._used_results.update(wanted)
        if self._db is None:
            return {}
        found: dict[str, Any] = {}
        for key, value, sum_ in self._rows("SELECT key, value, sum FROM result", wanted):
            try:
                if not isinstance(value, bytes) or sum_ != check(value):
                    raise ValueError("check")
                found[key] = pickle.loads(value)
            except Exception:  # noqa: BLE001 - whatever a damaged pickle raises, the file is read again
                self._damaged("检查结果")
        return found

    def has_results(self) -> bool:
        """Say whether any result is kept: a fresh cache need not be asked about each file."""
        return self._db is not None and bool(self._read("SELECT 1 FROM result LIMIT 1", ()))

    def store_result(self, key: str, pickled: bytes) -> None:
        """Keep one result, given as its pickle."""
        self._used_results.add(key)
        if self._db is not None:
            self._db.execute("INSERT OR REPLACE INTO result VALUES (?, ?, ?)", (key, pickled, check(pickled)))

    def _rows(self, select: str, keys: list[str]) -> Iterator[tuple]:
        """Yield the rows of these keys, asking in chunks (SQLite limits a query's parameters)."""
        for start in range(0, len(keys), 500):
            chunk = keys[start: start + 500]
            yield from self._read(f"{select} WHERE key IN ({','.join('?' * len(chunk))})", chunk)

    def _read(self, query: str, args: Sequence[str]) -> list[tuple]:
        """Run a query; a table SQLite cannot read any more counts as empty, and as damage."""
        assert self._db is not None
        try:
            return self._db.execute(query, args).fetchall()
        except sqlite3.DatabaseError:
            self._damaged("数据库内容")
            return []

    def _damaged(self, what: str) -> None:
        if what not in self.damage:
            self.damage.append(what)

    # Rendered pages -----------------------------------------------------------------

    def page(self, key: str, use: bool = True) -> str | None:
        """Return the blob holding the page rendered from these inputs, if there is one with its bytes.

        Output files are hard links to blobs, so an edit of a published file in place (as root, or
        after chmod) edits the blob too. A blob whose size or modification time is not the one
        recorded is hashed again, and one whose bytes no longer match its name is deleted and
        rendered anew, so such an edit is never published again.
        """
        digest = self._pages.get(key)
        if digest is None:
            return None
        blob = self._blob(digest)
        try:
            info = os.stat(blob)
        except FileNotFoundError:
            return None
        stamp = (info.st_size, info.st_mtime_ns)
        if self._stamps.get(digest) != stamp and self._new_stamps.get(digest) != stamp:
            if not holds_its_bytes(blob, digest):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(blob)
                return None
            self._new_stamps[digest] = stamp
        if use:
            self._used_pages[key] = digest
        return blob

    def intact(self, keys: Iterable[str]) -> bool:
        """Say whether every blob kept under these keys still holds its bytes (page() says how it is told).

        A touch-up at 100,000 notices asks this of 110,000 blobs: the stamps are compared here, in
        one loop, and only a blob whose stamp differs goes through page().
        """
        if self.folder is None:
            return all(self.page(key, use=False) is not None for key in keys)
        pages, stamps, new_stamps, stat = self._pages, self._stamps, self._new_stamps, os.stat
        prefix = os.path.join(self.folder, "blobs", "")
        for key in keys:
            digest = pages.get(key)
            if digest is None:
                return False
            try:
                info = stat(f"{prefix}{digest[:2]}/{digest}")
            except FileNotFoundError:
                return False
            stamp = (info.st_size, info.st_mtime_ns)
            if stamps.get(digest) != stamp and new_stamps.get(digest) != stamp and self.page(key, use=False) is None:
                return False
        return True

    def store_page(self, key: str, data: bytes) -> str | None:
        """Keep a rendered page as a blob named by its bytes; None when the cache is off."""
        if self._db is None:
            return None
        return self.adopt_page(key, *write_blob(self.blobs, data))

    def adopt_page(self, key: str, digest: str, made: Made | None = None) -> str:
        """Record a page whose blob a worker already wrote (write_blob), and return the blob.

        What the writer made stamps the blob: the end of the build need not stat twenty thousand blobs.
        """
        self._used_pages[key] = digest
        if made is not None:
            self._new_stamps[digest] = (made.size, made.mtime_ns)
        return self._blob(digest)

    def holds_no_pages(self) -> bool:
        """Say whether this (enabled) cache is one no build has kept a page in: it can give none."""
        return self._db is not None and not self._pages

    def digests_of(self, keys: Iterable[str]) -> list[str | None]:
        """Name the hash of the bytes the last finished build kept under each key, its blob's name, or None
        (a touch-up asks for every page's, 110,000 at 100,000 notices)."""
        return list(map(self._pages.get, keys))

    def blob_named(self, digest: str) -> str:
        """Give the path of the blob of this hash, without looking for it on disk."""
        return self._blob(digest)

    def blob_of(self, key: str) -> str | None:
        """Name the blob the last finished build kept under a key, without looking for it on disk."""
        digest = self._pages.get(key)
        return None if digest is None else self._blob(digest)

    def kept_as_files(self, rels: Iterable[str]) -> set[str]:
        """Name the files among these the last finished build kept as data or copied files.

        A touch-up asks this of 200,000 files at 100,000 notices, of which a few dozen are such
        files: the table's key index finds those at once, where making a key for each file cost
        half a second.
        """
        rels, pages = set(rels), self._pages
        try:
            keys = self._db.execute("SELECT key FROM page WHERE key >= 'copy:' AND key < 'copy;'"
                                    " OR key >= 'data:' AND key < 'data;'").fetchall() if self._db else None
        except sqlite3.DatabaseError:
            keys = None
        if keys is None:  # ask about each file, as page() and blob_of() do
            return {rel for rel in rels if "data:" + rel in pages or "copy:" + rel in pages}
        return {key[5:] for (key,) in keys if key in pages} & rels

    def has_pages(self, keys: Iterable[str]) -> bool:
        """Say whether the last finished build kept a blob under each key."""
        return self._pages.keys() >= set(keys)

    @property
    def blobs(self) -> str | None:
        """The blob folder, for workers that write blobs themselves; None when the cache is off."""
        return None if self._db is None or self.folder is None else os.path.join(self.folder, "blobs")

    # Files made from the whole staged site (search index, .gz twins) ---------------

    def site_files(self, key: str, damage: str | None = None) -> dict[str, str] | None:
        """Return the files a post-render step made last time from the same input, if all are kept.

        With `damage` named, a listing kept whose files are not all there with their bytes is noted
        as damage (a search shard's: the build makes it again and warns once).
        """
        listing = self.page(f"site:{key}")
        if listing is None:
            if damage is not None and f"site:{key}" in self._pages:
                self._damaged(damage)
            return None
        found = {}
        try:
            with open(listing, encoding="utf-8") as handle:
                names = json.load(handle)
        except (OSError, ValueError):
            names = None
        for rel in names if isinstance(names, list) else [None]:
            blob = self.page(f"site:{key}:{rel}") if isinstance(rel, str) else None
            if blob is None:
                if damage is not None:
                    self._damaged(damage)
                return None
            found[rel] = blob
        return found

    def store_site_files(self, key: str, folder: Path, names: list[str],
                         known: dict[str, str] | None = None) -> dict[str, str | None]:
        """Keep the files a post-render step added to the staged site, for the next identical site.

        `known` names the blob of each file that was linked from one (a twin, a shard's file):
        those are listed, not read, hashed and compared with their blob again.
        """
        if self._db is None:
            return {}
        known = known or {}
        stored = {rel: self.adopt_page(f"site:{key}:{rel}", known[rel]) if rel in known
                  else self.store_page(f"site:{key}:{rel}", (folder / rel).read_bytes()) for rel in names}
        self.store_page(f"site:{key}", json.dumps(sorted(names)).encode("utf-8"))
        return stored

    def mark(self) -> int:
        """Note how many entries this build has used so far (used_since lists those used after)."""
        return len(self._used_pages)

    def used_since(self, mark: int) -> list[str]:
        """List the entries first used after `mark`, in the order they were used."""
        return list(self._used_pages)[mark:]

    def keep(self, keys: Iterable[str]) -> None:
        """Use the entries that are still there with their bytes, so this build's end keeps them."""
        for key in keys:
            self.page(key)

    def _blob(self, digest: str) -> str:
        assert self.folder is not None
        return os.path.join(self.folder, "blobs", digest[:2], digest)  # a string: pathlib costs here

    def finish(self) -> None:
        """Save what this build used and forget the rest, so the cache does not grow without end."""
        if self._db is None:
            return
        # Only what changed is written: a rebuild after one edit deletes a row or two, where
        # rewriting every table cost a tenth of a second at 10,000 notices.
        stale = {table: {key for (key,) in self._read(f"SELECT key FROM {table}", ())} - used
                 for table, used in (("body", self._used_bodies), ("result", self._used_results))}
        self._save(stale["body"], stale["result"], self._pages.keys() - self._used_pages)

    def finish_touch_up(self, results: Iterable[str], bodies: Iterable[str], pages: Iterable[str]) -> None:
        """Save what a touch-up stored and forget the rows it made stale, leaving every other row as it was.

        A touch-up does not look at every row, so it names the stale ones (touchup.py).
        """
        if self._db is not None:
            self._save(set(bodies), set(results), set(pages), few=True)

    def _save(self, bodies: set[str], results: set[str], pages: set[str], few: bool = False) -> None:
        """Delete the stale rows, add the pages this build made, and delete the blobs no row names any more."""
        db = self._db
        assert db is not None and self.folder is not None
        for table, stale in (("body", bodies), ("result", results), ("page", pages)):
            db.executemany(f"DELETE FROM {table} WHERE key = ?", ((k,) for k in sorted(stale, key=repr)))
        db.executemany("INSERT OR REPLACE INTO page VALUES (?, ?)",
                       sorted(item for item in self._used_pages.items() if self._pages.get(item[0]) != item[1]))
        db.executemany("INSERT OR REPLACE INTO blob VALUES (?, ?, ?)", sorted(self._stamps_to_save()))
        db.commit()
        if few and not self._sweep:
            gone = self._unnamed(pages)
        else:
            keep = {digest for key, digest in self._pages.items() if key not in pages and key not in self._used_pages}
            keep.update(self._used_pages.values())
            gone = set(self._stamps) - keep
        if self._sweep:
            for shard in os.scandir(self.folder / "blobs"):
                for entry in os.scandir(shard.path):
                    if entry.name not in keep:
                        os.unlink(entry.path)  # outputs that link to it keep their copy
        else:
            for digest in (gone if few else set(self._pages.values()) - keep):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(self._blob(digest))
        db.executemany("DELETE FROM blob WHERE digest = ?", ((d,) for d in sorted(gone)))
        db.commit()
        (self.folder / UNFINISHED).unlink(missing_ok=True)
        self.close()

    def _unnamed(self, stale: set[str]) -> set[str]:
        """Name the blobs that only stale rows, or rows this build named another blob in, named before.

        A touch-up drops a few hundred of 560,000 rows at 100,000 notices: counting the rows that
        name each blob cost a tenth of the set of every blob a kept row names.
        """
        pages, used = self._pages, self._used_pages
        dropped = Counter(pages[key] for key in stale if key in pages)
        dropped.update(old for key, new in used.items() if (old := pages.get(key)) is not None and old != new)
        if not dropped:
            return set()
        named, now = Counter(pages.values()), set(used.values())
        return {digest for digest, count in dropped.items() if named[digest] == count and digest not in now}

    def _stamps_to_save(self) -> Iterator[tuple[str, int, int]]:
        """Stamp the blobs this build verified or wrote; a blob it wrote is stamped as it is now."""
        for digest in set(self._used_pages.values()):
            stamp = self._new_stamps.get(digest)
            if stamp is None and digest not in self._stamps:
                try:
                    info = os.stat(self._blob(digest))
                except FileNotFoundError:
                    continue
                stamp = (info.st_size, info.st_mtime_ns)
            if stamp is not None and self._stamps.get(digest) != stamp:
                yield digest, *stamp

    def close(self) -> None:
        """Drop the connection without saving (a failed build keeps the previous cache)."""
        if self._db is not None:
            self._db.close()
            self._db = None


UNFINISHED = "unfinished"  # present from a build's start until it has listed its blobs


# Compiled templates by (template, checksum of its source), for the builds after the first in one
# process: a fresh cache folder made every build compile every template again.
_COMPILED: dict[tuple[str, str], bytes] = {}


class CheckedBytecodeCache(FileSystemBytecodeCache):
    """Jinja2's compiled templates, each file with a check in front.

    A compiled template is marshalled Python code: loaded damaged, it crashed the interpreter
    outright (a segmentation fault) or rendered wrong bytes. One that fails its check is
    compiled again from the template.
    """

    def load_bytecode(self, bucket: Bucket) -> None:
        kept = _COMPILED.get((bucket.key, bucket.checksum))
        if kept is not None:  # compiled by an earlier build of this process (serve, the tests)
            bucket.bytecode_from_string(kept)
            if not os.path.exists(self._get_cache_filename(bucket)):  # a new cache folder gets it too
                self.dump_bytecode(bucket)
            return
        try:
            with open(self._get_cache_filename(bucket), "rb") as handle:
                data = handle.read()
        except OSError:
            return
        if len(data) > 8 and data[:8] == check(data[8:]):
            bucket.bytecode_from_string(data[8:])
            _COMPILED[bucket.key, bucket.checksum] = data[8:]

    def dump_bytecode(self, bucket: Bucket) -> None:
        data = bucket.bytecode_to_string()
        _COMPILED[bucket.key, bucket.checksum] = data
        try:
            write_atomically(Path(self._get_cache_filename(bucket)), check(data) + data)
        except OSError:
            pass  # only a cache: the template is compiled again next time


class CacheDamaged(Exception):
    """Raised where a damaged cache entry cannot simply be left out (a page's HTML, read while rendering)."""


def check(data: str | bytes) -> bytes:
    """Return the 8-byte check kept beside a cached value: a flipped bit anywhere changes it."""
    return hashlib.blake2b(data.encode("utf-8") if isinstance(data, str) else data, digest_size=8).digest()


FOLDERS = ("blobs", "templates", "spare")  # what the cache folder holds as folders; anything else is a file


def repair_layout(folder: Path) -> None:
    """Remove what has the wrong kind in a cache folder (a file where a folder goes, or the reverse).

    Everything in the cache can be made again, and a wrong-typed entry would otherwise stop every
    build at the first write to it.
    """
    with os.scandir(folder) as entries:
        wrong = [e.path for e in entries if e.is_dir(follow_symlinks=False) != (e.name in FOLDERS)
                 or e.is_symlink()]
    blobs = folder / "blobs"
    if blobs.is_dir() and not blobs.is_symlink():
        with os.scandir(blobs) as shards:
            wrong += [e.path for e in shards if not e.is_dir(follow_symlinks=False)]
    for path in wrong:
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            os.unlink(path)


def discard_database(folder: Path) -> None:
    """Set a damaged cache's tables aside: the next build starts them afresh and sweeps unlisted blobs."""
    for name in ("cache.sqlite", "cache.sqlite-journal", "cache.sqlite-wal", "cache.sqlite-shm"):
        (folder / name).unlink(missing_ok=True)


def was_cut_short(folder: Path) -> bool:
    """Say whether a build began with this cache and did not finish (killed, or failed)."""
    return (folder / UNFINISHED).exists()


def write_blob(blobs: str, data: bytes) -> tuple[str, Made | None]:
    """Keep bytes as a read-only blob named by their hash (safe from several processes); return the hash
    and, when this call wrote the blob, what it made (Made): the cache's stamp and the inode the output
    links to come with it, not from a stat of the blob later in this process.

    The blob is written in place, made read-only from the start, because the output links to
    it and an edit in place would change the cache too. Creating a temporary file and renaming
    it cost twice as much, a tenth of a page's render. A killed build may leave a blob cut
    short under its name; its size gives it away, and it is written again.
    """
    digest = hashlib.sha256(data).hexdigest()
    blob = os.path.join(blobs, digest[:2], digest)
    try:
        return digest, _create(blob, data)
    except FileExistsError:  # identical bytes reuse the same blob, hence the same inode
        if _holds(blob, data):
            return digest, None
        # cut short by a killed build, or edited in place through the output
        temporary = f"{blob}.{os.getpid()}.tmp"
        with contextlib.suppress(FileNotFoundError):  # a killed process's, read-only
            os.unlink(temporary)
        made = _create(temporary, data)
        os.replace(temporary, blob)  # the inode and its times go with the name
        return digest, made


class Made(NamedTuple):
    """A blob as its writer left it: its size and modification time (its stamp) and its inode."""

    size: int
    mtime_ns: int
    inode: int


def _holds(blob: str, data: bytes) -> bool:
    """Say whether a blob holds exactly these bytes (reading a page costs far less than rendering it)."""
    try:
        with open(blob, "rb") as handle:
            return handle.read(len(data) + 1) == data
    except FileNotFoundError:
        return False


def holds_its_bytes(blob: str, digest: str) -> bool:
    """Say whether a blob's bytes still hash to its name."""
    h = hashlib.sha256()
    try:
        with open(blob, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                h.update(chunk)
    except FileNotFoundError:
        return False
    return h.hexdigest() == digest


def _create(path: str, data: bytes) -> Made:
    """Write a new read-only file and say what was made; FileExistsError if there is one.

    With the descriptor alone: a file object around it cost a sixth of the time of the file's
    creation, twenty thousand times a build with --precompress.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        info = os.fstat(fd)
    finally:
        os.close(fd)
    return Made(info.st_size, info.st_mtime_ns, info.st_ino)


def body_key(text: str) -> str:
    """Name a Markdown body by its content."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_REFERENCES: dict[str, frozenset[str] | None] = {}  # a template's source -> the templates it names


def template_digests(env: Environment) -> dict[str, str]:
    """Hash each template together with every template it extends, includes or imports."""
    sources: dict[str, str] = {}
    references: dict[str, frozenset[str] | None] = {}
    for name in sorted(env.list_templates()):
        source = env.loader.get_source(env, name)[0]  # type: ignore[union-attr]
        sources[name] = source
        if source not in _REFERENCES:  # parsing every template took a third of a small build
            found = set(meta.find_referenced_templates(env.parse(source)))
            _REFERENCES[source] = None if None in found else frozenset(found)  # None: a dynamic name, any
        references[name] = _REFERENCES[source]
    everything = hashlib.sha256("".join(f"{n}\0{s}\0" for n, s in sources.items()).encode()).hexdigest()
    digests = {}
    for name in sources:
        closure, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current in closure:
                continue
            if current not in references or references[current] is None:
                closure = None
                break
            closure.add(current)
            todo.extend(references[current])  # type: ignore[arg-type]
        if closure is None:
            digests[name] = everything
        else:
            text = "".join(f"{n}\0{sources[n]}\0" for n in sorted(closure))
            digests[name] = hashlib.sha256(text.encode()).hexdigest()
    return digests


class PageKeys:
    """Compute the cache key of each page: a hash of everything its bytes depend on.

    A context is fingerprinted by its pickle, which pickle's C code makes far
    faster than a walk in Python. Each watched view (a notice's, met on its
    own page, its neighbours', its category's and the feeds') is pickled once,
    stands in every context as its name, and adds its digest to the key of
    each page that holds it. Equal pickles unpickle to equal values, so equal
    keys mean equal pages; the reverse need not hold, which only costs a
    render, never a wrong page. Given a store (lastplan.Store), the pickles of
    the views and of the contexts that hold one are kept, so that a later
    build can render those pages again without planning the site (touchup.py).
    """

    def __init__(self, env: Environment, shared: Any, watch: dict[int, str] | None = None, store: Any = None,
                 templates: dict[str, str] | None = None, by_value: frozenset[str] = frozenset(),
                 kept: frozenset[str] = frozenset()):
        """Key pages whose contexts may hold the watched views; `shared` is what every page depends on, or
        its digest (shared_digest) as a build on the same inputs made it.

        A touch-up plans the catalogue's pages again from values the store keeps (touchup.py).
        The contexts of the pages named in `by_value` are pickled without pickle's memo, so that
        their keys rest on the values alone, not on which equal strings happen to be one object
        (a kept context loads with other sharing than a planned one had); the store keeps the
        contexts of the pages named in `kept`, views or not.
        """
        self.templates = template_digests(env) if templates is None else templates
        self._watch = watch or {}  # id of a watched view -> its name
        self._store = store
        self._by_value, self._kept = by_value, kept
        self.views: dict[str, bytes] = {}  # name -> digest of each watched view pickled so far
        self._seen: list[str] = []
        self._count = 0  # pages keyed so far
        self.uses: dict[str, list[int]] = {}  # name -> number of each page keyed with it, in order
        if not isinstance(shared, bytes):
            pickled = self._pickle(shared)
            shared = hashlib.sha256(pickled.getvalue() if pickled else os.urandom(32)).digest()
        self.shared_digest = shared
        self._start = _framed(hashlib.sha256(), SALT.encode(), shared)

    def key(self, path: str, template: str, context: dict[str, Any], number: int | None = None) -> str:
        """Return the key of page `number` (by default the one after the last keyed), noting which
        watched views its context holds."""
        self._seen = []
        buffer = self._pickle(context, path in self._by_value)
        number = self._count if number is None else number
        self._count = number + 1
        if buffer is None:  # cannot be pickled: a key no build ever stored, so the page is rendered
            return os.urandom(32).hex()
        for name in self._seen:
            self.uses.setdefault(name, []).append(number)
        # Hashed where it lies: the catalogue's context, 30 MB at 100,000 notices, is not copied.
        with buffer.getbuffer() as pickled:
            if self._store is not None and (self._seen or path in self._kept):
                # A context without views holds its values themselves: a new key means a new pickle.
                self._store.context(number, pickled, again=path in self._kept)
            return self.key_of(path, template, pickled, [self.views[name] for name in self._seen])

    def key_of(self, path: str, template: str, pickled: bytes | memoryview, digests: list[bytes]) -> str:
        """Key a page by its context's pickle and the digests of the views it names, in order."""
        # A missing template gets a key no build ever stored, so rendering runs and reports it.
        template_digest = self.templates.get(template, f"missing {template}")
        return _framed(self._start.copy(), path.encode(), template_digest.encode(), pickled, *digests).hexdigest()

    def _pickle(self, value: Any, by_value: bool = False) -> io.BytesIO | None:
        buffer = io.BytesIO()
        pickler = _Pickler(buffer, self)
        pickler.fast = by_value
        try:
            pickler.dump(value)
        except (pickle.PicklingError, TypeError, AttributeError, ValueError):  # ValueError: a cycle, by value
            return None
        return buffer

    def digest_view(self, name: str, view: Any) -> None:
        """Digest a view by its field values, all pickled in C, once per build.

        Pickling the object itself named its class and every field again for
        each of 10,000 views, at twice the cost.
        """
        if name in self.views:
            return
        state = view_state(view)
        try:
            pickled = pickle.dumps(state, protocol=5)
        except (pickle.PicklingError, TypeError, AttributeError):
            self.views[name] = os.urandom(32)  # every page showing it is rendered; no store keeps it
            return
        self.views[name] = digest = hashlib.sha256(pickled).digest()
        if self._store is not None:
            self._store.view(name, pickled, digest)


def view_state(view: Any) -> tuple:
    """The type and field values of a view, as digested and kept."""
    kind = type(view)
    return (kind.__module__, kind.__qualname__, *vars(view).values())


def _framed(h: Any, *parts: bytes | memoryview) -> Any:
    """Feed parts to a hash so that no two different lists of them hash the same way; return the hash.

    Each part is fed where it lies: a context's pickle can be 30 MB (PageKeys.key).
    """
    for part in parts:
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h


class _Pickler(pickle.Pickler):
    """Pickle a value with every watched view in it replaced by its name."""

    def __init__(self, file: io.BytesIO, keys: PageKeys):
        super().__init__(file, protocol=5)
        self._keys = keys

    def reducer_override(self, obj: Any) -> Any:
        # Called for everything but plain str, int, list, dict and the like, which keeps it cheap;
        # pickle's memo calls it once per object, so each view is named once per context.
        keys = self._keys
        name = keys._watch.get(id(obj))
        if name is None:
            return NotImplemented
        keys.digest_view(name, obj)
        keys._seen.append(name)
        return view_reference, (name,)


def view_reference(name: str) -> str:
    """Stand for a view inside a context's pickle; lastplan.py puts the view back when it loads one."""
    return name
