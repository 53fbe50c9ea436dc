"""Keying pages after a body edit: the last build's keys hold for every page that shows no edited body.

A page's key hashes its context, and every context is made from the notices
(their bodies apart), their bodies, the configuration, the theme, the
options and the clock. When all of that but the bodies is as the last build
saw it (the plan's *basis*), the site has the same pages in the same order,
and only a page whose context holds the view of a notice whose body changed
can have a new key. Keying all 10,000 pages was a third of such a rebuild.

The basis trusts file statuses the way the shortcut does (shortcut.py): a
file changed in or after the tick the last build began is not trusted.
Which pages hold a view is noted while they are keyed (cache.PageKeys), so a
view must sit in a context directly or in lists, dicts and tuples, never
inside another dataclass, whose fields are digested without being looked at.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .cache import PageKeys

PLAN = "last-plan.pickle"


@dataclass(frozen=True)
class Plan:
    """What the last build keyed, and what its keys rested on."""

    basis: str
    clock: int  # the file-system clock when that build began
    paths: list[str]  # every page, in route-table order
    keys: list[str]  # the key of each
    bodies: dict[str, tuple[str, str]]  # published notice -> (body key, summary) its view showed
    uses: dict[str, list[int]]  # published notice -> the pages whose context holds its view


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
    h = hashlib.sha256(salt)
    h.update(f"{options!r}\0{window!r}\0{today}\0".encode())
    notice_files = {os.path.join(content, rel) for rel in notice_files}
    newest = 0
    for path, status in statuses.items():
        # Folders are left out: saving a file by renaming a new one over it changes its folder.
        if stat.S_ISDIR(status[0]) or path in notice_files:
            continue
        h.update(f"{path}\0{status}\0".encode())
        newest = max(newest, status[3])
    h.update(notices_digest.encode())
    return Basis(h.hexdigest(), newest)


def read_plan(folder: Path, basis: Basis) -> Plan | None:
    """Load the last build's plan when it rests on this very basis."""
    try:
        with open(folder / PLAN, "rb") as file:
            plan = pickle.load(file)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        return None
    if not isinstance(plan, Plan) or plan.basis != basis.digest or basis.newest_ctime_ns >= plan.clock:
        return None
    return plan


def write_plan(folder: Path, plan: Plan) -> None:
    """Save the plan in one step; a killed build leaves the previous one, which its basis still guards.

    It is streamed without pickle's memo: at 100,000 notices the pickle in memory and the memo
    raised a clean build's peak by 40 MB, past 1 GB. The plan shares no objects worth remembering.
    """
    partial = folder / f"{PLAN}.{os.getpid()}.partial"
    with open(partial, "wb") as file:
        pickler = pickle.Pickler(file, protocol=5)
        pickler.fast = True
        pickler.dump(plan)
    os.replace(partial, folder / PLAN)


def body_texts(views: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Name the body each published notice's view shows: its key and its summary."""
    return {path: (view.html.key, view.summary) for path, view in views.items()}


def page_keys(pages: Sequence[Any], views: dict[str, Any],
              maker: Callable[[dict[int, str]], PageKeys], plan: Plan | None) -> tuple[list[str], dict[str, list[int]]]:
    """Key every page, or, given the plan of a build on the same basis, only the pages that show a changed body.

    Return the keys and, for the next build, which pages hold each notice's view.
    """
    keys_of = maker({id(view): path for path, view in views.items()})
    shown = body_texts(views) if plan is not None else {}
    if plan is None or plan.paths != [p.path for p in pages] or plan.bodies.keys() != shown.keys():
        return [keys_of.key(p.path, p.template, p.context) for p in pages], keys_of.uses
    keys = list(plan.keys)
    changed = [path for path, body in shown.items() if plan.bodies[path] != body]
    for number in sorted({n for path in changed for n in plan.uses.get(path, ())}):
        page = pages[number]
        keys[number] = keys_of.key(page.path, page.template, page.context)
    return keys, plan.uses
