"""Whole-build shortcut: recognise a build whose every input is as the last one left it.

CI rebuilds every day and a preview rebuilds on every save; most of those
builds change nothing. A build is a pure function of its input files, the
options, gongkai's code and the clock, so when none of them changed in a way
that matters the output is already the answer, and loading ten thousand
notices only to find that out would be the slowest part of the build.

- Files are compared by their status (size, times, inode), as git compares its
  index: a change of content changes ctime, which no editor can set back. The
  build notes the file system's clock (the ctime of a file it writes) before
  it looks at its inputs; if any input changed at or after that tick, it could
  change again within the same tick unseen, so that build's record is not used.
- The clock matters only where it passes a moment of some notice (publish
  time, end of validity, 公示期) or a local midnight (date-only comparisons).
  The record keeps the nearest such moments before and after the time of the
  build; a later build between them, on the same local day, would make the
  same site.
- The output must still hold the very files (inodes) the build left.

The record lives in the cache folder and is written last, after the swap.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from generator.core.dates import Stamp
from generator.core.files import MARKER, listing, write_atomically
from generator.core.model import Notice
from generator.core.options import Options, Report
from generator.incremental.cache import SALT, check

RECORD = "last-build.pickle"
CLOCK = "clock"


@dataclass(frozen=True)
class Record:
    """What the last complete build saw and left."""

    inputs: str  # hash of the options, the code and the status of every input file
    started_ns: int  # the file system's clock when the build began looking at its inputs
    newest_ctime_ns: int  # the latest change among its input files
    now: datetime  # the build time, in the site's zone
    earlier: datetime | None  # the latest notice moment at or before `now`
    later: datetime | None  # the earliest notice moment after `now`
    output: dict[str, int]  # file -> inode, of the output it left
    report: Report  # the build's report, told again by the shortcut
    salt: bytes = b""  # what the checks of one notice file depended on besides its bytes (intake.py)
    files: dict[str, tuple[tuple[int, ...], str]] = field(default_factory=dict)  # notice file -> status, result key
    others: str = ""  # hash of the options and of every input file but folders and notice files (others_digest)


def fingerprint(folders: list[Path | None], options: Options) -> tuple[str, int, dict[str, tuple[int, ...]]]:
    """Hash the options, the code and the status of every file below the folders.

    Return the hash, the newest ctime and each file's status by its path.
    """
    statuses: dict[str, tuple[int, ...]] = {}
    for folder in folders:
        if folder is None or not folder.is_dir():
            continue
        todo = [str(folder)]
        while todo:
            try:
                entries = sorted(os.scandir(todo.pop()), key=lambda e: e.name)
            except OSError:  # unreadable: its own status is in the hash, and loading reports it
                continue
            for entry in entries:
                info = entry.stat(follow_symlinks=False)
                statuses[entry.path] = (info.st_mode, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
                if entry.is_dir(follow_symlinks=False):
                    todo.append(entry.path)
    digest, newest = status_digest(f"{SALT}\0{options!r}\0{folders!r}".encode(), statuses)
    return digest, newest, statuses


def status_digest(seed: bytes, statuses: dict[str, tuple[int, ...]], leave_out: Iterable[str] = (),
                  folders: bool = True) -> tuple[str, int]:
    """Hash a seed and the status of input files, in the walk's order; return it and the newest ctime.

    The one digest of file statuses: the whole input (the shortcut), and the input but the
    notice files (the touch-up's and the last plan's). Folders can be left out: saving a file by
    renaming a new one over it changes its folder.
    """
    h = hashlib.sha256(seed)
    leave_out = set(leave_out)
    newest = 0
    for path, status in statuses.items():  # in the walk's order, the same for the same files
        if path in leave_out or (not folders and stat.S_ISDIR(status[0])):
            continue
        h.update(f"{path}\0{status}\0".encode())
        newest = max(newest, status[3])
    return h.hexdigest(), newest


def changed_since(ctime_ns: int, started_ns: int) -> bool:
    """Say whether a file changed at or after the tick a build began: it may have changed again unseen.

    A change of content changes ctime, which no editor can set back, but two changes within one
    tick of the file system's clock share a ctime; so a build trusts only what was older than its start.
    """
    return ctime_ns >= started_ns


def moments_around(notices: list[Notice], now: datetime) -> tuple[datetime | None, datetime | None]:
    """Find the notice moments nearest to `now` on either side: the clock matters only when it passes one."""
    earlier = later = None
    for notice in notices:
        for stamp in stamps(notice):
            moment = stamp.moment
            if moment <= now:
                if earlier is None or moment > earlier:
                    earlier = moment
            elif later is None or moment < later:
                later = moment
    return earlier, later


def stamps(notice: Notice) -> list[Stamp]:
    """List every time a notice names (test_incremental.py checks that no field of Notice is missed)."""
    found = [notice.date, notice.updated, notice.valid_until, notice.written, notice.effective,
             *(notice.notice_period or ()),
             *(change.date for change in notice.changes)]
    return [stamp for stamp in found if stamp is not None]


def others_digest(options: Options, statuses: dict[str, tuple[int, ...]], content: Path,
                  notice_files: Iterable[str]) -> str:
    """Hash the options and the status of every input file but the notice files, folders left out.

    Equal digests mean that no file but a notice file changed, was added or went (touchup.py).
    """
    prefix = os.path.join(content, "")
    seed = f"{SALT}\0{options!r}".encode()
    return status_digest(seed, statuses, (prefix + rel for rel in notice_files), folders=False)[0]


def same_clock(record: Record, now: datetime) -> bool:
    """Say whether the clock, since the last build, passed no notice moment and no local midnight."""
    now = now.astimezone(record.now.tzinfo)
    if now.date() != record.now.date():
        return False
    low, high = min(now, record.now), max(now, record.now)
    if record.earlier is not None and record.earlier >= low:
        return False
    return record.later is None or record.later > high


def still_valid(record: Record | None, inputs: str, now: datetime, output: Path) -> bool:
    """Say whether the last build's output is what a build now would make."""
    if record is None or record.inputs != inputs:
        return False
    if changed_since(record.newest_ctime_ns, record.started_ns):
        return False  # an input changed in the tick that build began, or later: its record proves nothing
    if not same_clock(record, now):
        return False
    if not (output / MARKER).is_file():
        return False
    return listing(output)[0] == record.output


def unchanged_files(record: Record | None, statuses: dict[str, tuple[int, ...]], content: Path,
                    salt: bytes) -> dict[str, str]:
    """Map each notice file whose status is as the last build read it to the key of what it gave then.

    The same test as the whole-build shortcut, file by file: a file changed in or after the tick
    that build began is read again. Links are read again too, since their status is not the
    status of what they lead to.
    """
    if record is None or record.salt != salt:
        return {}
    prefix = os.path.join(content, "")
    unchanged = {}
    for rel, (status, key) in record.files.items():
        if (not changed_since(status[3], record.started_ns) and statuses.get(prefix + rel) == status
                and stat.S_ISREG(status[0])):
            unchanged[rel] = key
    return unchanged


def file_record(keys: dict[str, str], statuses: dict[str, tuple[int, ...]],
                content: Path) -> dict[str, tuple[tuple[int, ...], str]]:
    """Pair each notice file's result key with the status it had when this build began (unchanged_files)."""
    prefix = os.path.join(content, "")
    return {rel: (statuses[prefix + rel], key) for rel, key in keys.items() if prefix + rel in statuses}


def read_record(folder: Path) -> Record | None:
    """Load the last build's record; None when there is none or it cannot be read."""
    try:
        data = (folder / RECORD).read_bytes()
        if data[:8] != check(data[8:]):
            return None  # damaged: a flipped bit is never unpickled
        record = pickle.loads(data[8:])
    except Exception:  # noqa: BLE001 - whatever a damaged pickle raises, the record is not used
        return None
    return record if isinstance(record, Record) else None


def write_record(folder: Path, record: Record) -> None:
    """Save the record in one step, so a killed build never leaves half of one."""
    data = pickle.dumps(record, protocol=5)
    write_atomically(folder / RECORD, check(data) + data)


def forget(folder: Path) -> None:
    """Drop the record before a build changes the output, so a killed build leaves none that lies."""
    try:
        os.unlink(folder / RECORD)
    except FileNotFoundError:
        pass


def file_clock(folder: Path) -> int:
    """Read the clock that stamps file times, by writing a file: the system clock may run ahead of it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / CLOCK).write_bytes(b"")
    return (folder / CLOCK).stat().st_ctime_ns
