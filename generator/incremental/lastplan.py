"""Keying pages after a body edit: the last build's keys hold for every page that shows no edited body.

A page's key hashes its context, and every context is made from the notices
(their bodies apart), their bodies, the configuration, the theme, the
options and the clock. When all of that but the bodies is as the last build
saw it (the plan's *basis*), the site has the same pages in the same order,
and only a page whose context holds the view of a notice whose body changed
can have a new key. Keying all 10,000 pages was a third of such a rebuild.

The basis trusts file statuses the way the shortcut does (shortcut.py): a
file changed in or after the tick the last build began is not trusted.
Which pages hold a view is noted while they are keyed (cache.PageKeys),
wherever in a context the view sits.

The plan also points into a store of the pickled views and of the contexts
that hold one, with each view standing in its contexts by name, and of the
catalogue page's context, whose rows are copies rather than views, so that a
touch-up can render those pages again without planning the site (touchup.py).
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import pickle
import secrets
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from generator.core.files import write_atomically
from generator.incremental.cache import PageKeys, check, view_reference
from generator.incremental.shortcut import changed_since, status_digest
from generator.markdown.markup import StoredHtml
from generator.site.views import NoticeView

PLAN = "last-plan.pickle"
STORE_PREFIX = "last-plan-"  # + a token + STORE_SUFFIX: the views and contexts a plan points into
STORE_SUFFIX = ".store"
DIGEST = 32  # bytes of a view's digest, in front of its pickle in the store
CHECK = 8  # bytes of an entry's check, in front of the entry


@dataclass(frozen=True)
class Plan:
    """What the last build keyed, and what its keys rested on."""

    basis: str
    clock: int  # the file-system clock when that build began
    paths: list[str]  # every page, in route-table order
    keys: list[str]  # the key of each
    bodies: dict[str, tuple[str, str]]  # published notice -> (body key, summary) its view showed
    uses: dict[str, list[int]]  # published notice -> the pages whose context holds its view
    templates: list[str] = dataclasses.field(default_factory=list)  # the template of each page
    common: Any = None  # what every page shows (pipeline.Site.common)
    store: str = ""  # the file holding the views and the contexts that hold one (Store)
    contexts: array = dataclasses.field(default_factory=lambda: array("q"))  # page -> place in the store, or -1
    views: dict[str, int] = dataclasses.field(default_factory=dict)  # published notice -> place of its view
    other_bodies: frozenset[str] = frozenset()  # bodies the cache keeps besides those the views show
    template_digests: dict[str, str] = dataclasses.field(default_factory=dict)  # cache.template_digests
    shared_digest: bytes = b""  # cache.PageKeys.shared_digest: of what every page shows, as first pickled


@dataclass(frozen=True)
class Basis:
    """The digest of everything a plan rests on besides bodies, and the newest change among the files in it."""

    digest: str
    newest_ctime_ns: int


def basis_of(options: tuple, salt: bytes, statuses: dict[str, tuple[int, ...]], content: Path,
             notice_files: Iterable[str], notices_digest: str, window: tuple[datetime | None, datetime | None],
             today: date) -> Basis:
    """Hash the options that shape pages, the code and configuration (salt), every input file but the
    notice files by its status, the notice files by their notices without bodies (intake.Checked.meta),
    and the clock's place between the notice moments around it."""
    seed = salt + f"{options!r}\0{window!r}\0{today}\0{notices_digest}".encode()
    leave_out = (os.path.join(content, rel) for rel in notice_files)
    return Basis(*status_digest(seed, statuses, leave_out, folders=False))


def read_plan(folder: Path, basis: Basis) -> Plan | None:
    """Load the last build's plan when it rests on this very basis."""
    plan = last_plan(folder)
    if plan is None or plan.basis != basis.digest or changed_since(basis.newest_ctime_ns, plan.clock):
        return None
    if not os.path.isfile(folder / plan.store):  # a build keying some pages grows its store
        return None
    return plan


def last_plan(folder: Path) -> Plan | None:
    """Load the last build's plan, whatever it rests on."""
    try:
        with open(folder / PLAN, "rb") as file:
            if not _ends_with_its_check(file):
                return None
            plan = pickle.load(file)
    except Exception:  # noqa: BLE001 - whatever a damaged pickle raises, the plan is not used
        return None
    return plan if isinstance(plan, Plan) else None


def _ends_with_its_check(file: BinaryIO) -> bool:
    """Say whether a file's last 8 bytes are the check of all before them; leave it at its start."""
    size = os.fstat(file.fileno()).st_size
    h, left = hashlib.blake2b(digest_size=8), size - 8
    while left > 0:
        chunk = file.read(min(left, 1 << 20))
        if not chunk:
            return False
        h.update(chunk)
        left -= len(chunk)
    ok = size >= 8 and file.read(8) == h.digest()
    file.seek(0)
    return ok


def write_plan(folder: Path, plan: Plan) -> None:
    """Save the plan in one step; a killed build leaves the previous one, which its basis still guards.

    It is streamed without pickle's memo: at 100,000 notices the pickle in memory and the memo
    raised a clean build's peak by 40 MB, past 1 GB. The plan shares no objects worth remembering.
    """
    def stream(file: BinaryIO) -> None:
        checked = _CheckedWriter(file)
        pickler = pickle.Pickler(checked, protocol=5)
        pickler.fast = True
        pickler.dump(plan)
        file.write(checked.hash.digest())  # checked by last_plan: a flipped bit is never unpickled

    write_atomically(folder / PLAN, stream)


class _CheckedWriter:
    """A file that hashes what is written through it."""

    def __init__(self, file: BinaryIO):
        self.file, self.hash = file, hashlib.blake2b(digest_size=8)

    def write(self, data: bytes | memoryview) -> int:
        self.hash.update(data)
        return self.file.write(data)


def body_texts(views: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Name the body each published notice's view shows: its key and its summary."""
    return {path: (view.html.key, view.summary) for path, view in views.items()}


def page_keys(pages: Sequence[Any], views: dict[str, Any],
              maker: Callable[[dict[int, str], Plan | None], PageKeys],
              plan: Plan | None) -> tuple[list[str], dict[str, list[int]]]:
    """Key every page, or, given the plan of a build on the same basis, only the pages that show a changed body.

    Return the keys and, for the next build, which pages hold each notice's view. The maker is told
    the plan when only some pages are keyed, so that their store grows the plan's.
    """
    watch = {id(view): path for path, view in views.items()}
    shown = body_texts(views) if plan is not None else {}
    if plan is None or plan.paths != [p.path for p in pages] or plan.bodies.keys() != shown.keys():
        keys_of = maker(watch, None)
        return [keys_of.key(p.path, p.template, p.context) for p in pages], keys_of.uses
    keys_of = maker(watch, plan)
    keys = list(plan.keys)
    changed = [path for path, body in shown.items() if plan.bodies[path] != body]
    for number in sorted({n for path in changed for n in plan.uses.get(path, ())}):
        page = pages[number]
        keys[number] = keys_of.key(page.path, page.template, page.context, number)
    return keys, plan.uses


class Recorder:
    """Writes this build's plan and the store it points into, for the next build."""

    def __init__(self, folder: Path, basis: str, clock: int):
        self.folder, self.basis, self.clock = folder, basis, clock
        self._store: Store | None = None

    def store(self, pages: int, previous: Plan | None) -> Store:
        """Open the store the page keys fill: a new one, or the previous plan's to grow."""
        self._store = Store(self.folder, pages, previous)
        return self._store

    def write(self, pages: Sequence[Any], keys: list[str], uses: dict[str, list[int]], views: dict[str, Any],
              common: Any, bodies_kept: Iterable[str], template_digests: dict[str, str],
              shared_digest: bytes) -> None:
        """Save the plan of the pages just keyed."""
        store = self._close_store()
        shown = body_texts(views)
        showing = {key for key, _ in shown.values()}
        other = frozenset(key for key in bodies_kept if key not in showing)
        del showing
        write_plan(self.folder, Plan(self.basis, self.clock, [p.path for p in pages], keys, shown, uses,
                                     [p.template for p in pages], common, store.name, store.contexts, store.views,
                                     other, template_digests, shared_digest))
        drop_other_stores(self.folder, store.name)

    def write_again(self, plan: Plan, keys: list[str], bodies: dict[str, tuple[str, str]],
                    other_bodies: frozenset[str], basis: str) -> None:
        """Save the last plan with some pages keyed again and some bodies changed (touchup.py)."""
        store = self._close_store()
        write_plan(self.folder, dataclasses.replace(plan, basis=basis, clock=self.clock, keys=keys, bodies=bodies,
                                                    contexts=store.contexts, views=store.views,
                                                    other_bodies=other_bodies))

    def discard(self) -> None:
        """Close the store without saving a plan (a touch-up that gave up); what it appended is never pointed to."""
        if self._store is not None:
            self._close_store()

    def _close_store(self) -> Store:
        assert self._store is not None
        store, self._store = self._store, None
        store.close()
        return store


def _place(offset: int, length: int) -> int:
    return offset << 32 | length


class Store:
    """An append-only file of pickled views and of the contexts that hold them, with their places.

    A plan points into it; a build keying every page starts a new one, and a build keying a few
    appends to the last plan's, so a killed build leaves the last plan's places valid.
    """

    def __init__(self, folder: Path, pages: int, previous: Plan | None = None):
        self.folder = folder
        if previous is not None and previous.store and os.path.isfile(folder / previous.store):
            self.name = previous.store
            self.contexts, self.views = array("q", previous.contexts), dict(previous.views)
            self._file = open(folder / self.name, "ab")
        else:
            self.name = f"{STORE_PREFIX}{secrets.token_hex(8)}{STORE_SUFFIX}"
            self.contexts, self.views = array("q", [-1]) * pages, {}
            self._file = open(folder / self.name, "xb")
        self._offset = self._file.tell()

    def context(self, number: int, pickled: bytes | memoryview, again: bool = False) -> None:
        """Keep the pickle of page `number`'s context, unless kept already (a context shows views by name
        only) and not asked to keep it again."""
        if again or self.contexts[number] < 0:
            self.contexts[number] = self._write(pickled)

    def view(self, name: str, pickled: bytes, digest: bytes) -> None:
        """Keep a view's pickle and digest, unless the store holds this very view already."""
        place = self.views.get(name)
        if place is None or self._read(place)[:DIGEST] != digest:
            self.views[name] = self._write(digest + pickled)

    def _write(self, data: bytes | memoryview) -> int:
        """Append an entry after its check (StoreReader checks it before unpickling)."""
        self._file.write(check(data))
        self._file.write(data)
        place = _place(self._offset, len(data) + CHECK)
        self._offset += len(data) + CHECK
        return place

    def _read(self, place: int) -> bytes:
        self._file.flush()
        with open(self.folder / self.name, "rb") as file:
            file.seek(place >> 32)
            return file.read(place & 0xFFFFFFFF)[CHECK:]

    def close(self) -> None:
        self._file.close()


def drop_other_stores(folder: Path, keep: str) -> None:
    """Delete the stores no plan points into any more."""
    for entry in os.scandir(folder):
        if entry.name.startswith(STORE_PREFIX) and entry.name.endswith(STORE_SUFFIX) and entry.name != keep:
            os.unlink(entry.path)


class StoreReader:
    """The views and contexts a plan's store holds, loaded one by one as a touch-up needs them."""

    def __init__(self, folder: Path, plan: Plan, read_html: Callable[[str], str]):
        self._file = open(folder / plan.store, "rb")
        self._plan, self._read_html = plan, read_html

    def _bytes(self, place: int) -> bytes:
        self._file.seek(place >> 32)
        data = self._file.read(place & 0xFFFFFFFF)
        if len(data) != place & 0xFFFFFFFF:
            raise EOFError("the plan's store is cut short")
        if data[:CHECK] != check(data[CHECK:]):
            raise ValueError("an entry of the plan's store fails its check")
        return data[CHECK:]

    def view(self, name: str) -> tuple[NoticeView, bytes]:
        """Load a view and its digest."""
        data = self._bytes(self._plan.views[name])
        module, qualname, *values = pickle.loads(data[DIGEST:])
        if (module, qualname) != (NoticeView.__module__, NoticeView.__qualname__):
            raise TypeError(f"not a view: {qualname}")
        fields = dict(zip((f.name for f in dataclasses.fields(NoticeView)), values))
        fields["html"] = StoredHtml(fields["html"], self._read_html)
        return NoticeView(**fields), data[:DIGEST]

    def context(self, number: int, views: Callable[[str], NoticeView]) -> tuple[dict, bytes, list[str]]:
        """Load page `number`'s context with its views from `views`; also its pickle and the views it names."""
        place = self._plan.contexts[number]
        if place < 0:
            raise KeyError(number)
        data = self._bytes(place)
        named: list[str] = []

        def resolve(name: str) -> NoticeView:
            named.append(name)
            return views(name)

        unpickler = _ContextUnpickler(io.BytesIO(data), resolve)
        return unpickler.load(), data, named

    def close(self) -> None:
        self._file.close()


class _ContextUnpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, resolve: Callable[[str], NoticeView]):
        super().__init__(file)
        self._resolve = resolve

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == (view_reference.__module__, view_reference.__name__):
            return self._resolve
        return super().find_class(module, name)
