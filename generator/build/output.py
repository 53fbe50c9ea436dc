"""Write stage: build into a staging folder beside the output and swap it in at once.

The previous output stays exactly as it was until the new site is complete;
a folder gongkai did not create is never deleted.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import os
import pickle
import select
import shutil
import signal
import tempfile
import weakref
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from generator.core.errors import EnvironmentProblem, UsageError
from generator.core.faults import pause_at
from generator.core.files import MARKER, listing

STAGING_SUFFIX = ".gongkai-staging"
RETIRED_SUFFIX = ".gongkai-retired"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def check_cache_dir(cache: Path, output: Path, content: Path) -> None:
    """Refuse a cache inside the output (it would be published) or the content, or an output inside the cache."""
    place, out, source = cache.resolve(), output.resolve(), content.resolve()
    if place == out or out in place.parents:
        raise UsageError(f"拒绝使用 {cache} 作为缓存目录：它在输出目录 {output} 之中，缓存会随网站一起发布；"
                         "请去掉 --cache 使用默认位置，或指定输出目录之外的目录")
    if place in out.parents:
        raise UsageError(f"拒绝使用 {output} 作为输出目录：它在缓存目录 {cache} 之中；请把两者分开")
    if place == source or source in place.parents:
        raise UsageError(f"拒绝使用 {cache} 作为缓存目录：它在内容目录 {content} 之中；请指定内容目录之外的目录")


def check_output_dir(output: Path, content: Path, theme: Path | None, project_root: Path) -> None:
    """Refuse an output folder that holds, or is, something gongkai must never delete."""
    out = output.resolve()
    protected = {"内容目录（--content）": content.resolve(), "项目根目录": project_root.resolve()}
    if theme is not None:
        protected["主题目录（--theme）"] = theme.resolve()
    for label, place in protected.items():
        if out == place or out in place.parents:
            raise UsageError(f"拒绝使用 {output} 作为输出目录：它是{label}或其上级目录，构建会替换整个输出目录")
    if content.resolve() in out.parents:
        raise UsageError(f"拒绝使用 {output} 作为输出目录：它在内容目录 {content} 之中；请把输出目录放在内容目录之外")
    if out == Path(out.anchor) or out == Path.home():
        raise UsageError(f"拒绝使用 {output} 作为输出目录：请指定一个专用的目录，例如 output/")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise UsageError(
            f"拒绝使用 {output} 作为输出目录：它不是空目录，也不是 gongkai 生成的（缺少 {MARKER}）；"
            "请换一个目录，或确认后手动清空它"
        )
    if out.exists() and not out.is_dir():
        raise UsageError(f"拒绝使用 {output} 作为输出目录：它是一个文件")


class Staging:
    """A folder beside the output that becomes the output only when complete.

    Given a `spare` place (in the cache), the previous site is kept there after
    the swap and becomes the next build's staging folder: only the files that
    differ are replaced, instead of linking ten thousand files into ten
    thousand new folders and deleting as many old ones on every build.
    """

    def __init__(self, output: Path, spare: Path | None = None, new_spare: bool = True,
                 helper: Helper | None = None):
        """`new_spare`: whether a build into an empty output makes a spare for the next build; one that
        replaces an output keeps the old tree as the spare in any case (a rename). `helper`: one
        forked before the build loaded anything (fork_helper)."""
        self.output = output.resolve()
        # An output folder that is a mount point (a container's volume) cannot be renamed: the site is
        # then staged inside it, on its file system, and swapped in entry by entry (_swap_contents).
        self.mounted = os.path.ismount(self.output)
        self.path = (self.output / STAGING_SUFFIX if self.mounted
                     else self.output.with_name(self.output.name + STAGING_SUFFIX))
        self.retired = self.output.with_name(self.output.name + RETIRED_SUFFIX)
        self.spare = spare
        self._new_spare = new_spare
        self._present: dict[str, int] = {}  # file -> inode, of what a reused folder already holds
        self._folders: set[str] = set()
        self._wanted: set[str] = {MARKER}
        self.inodes: dict[str, int] = {}  # file -> inode, of everything staged: the output's listing after the swap
        self._helper = helper
        self._prepared = self._reused = self._spare_begun = self._settled = False
        self._planned: set[str] = set()
        self._spared: set[str] = set()  # the folders the helper was asked to make in the spare

    def begin(self) -> "Staging":
        """Fork the helper process now, unless the build gave one (fork_helper); prepare() gives it its work."""
        if self._helper is None:
            self._helper = fork_helper()
        return self

    def prepare(self, files: Iterable[str]) -> None:
        """Start readying the staging folder for these files while the caller goes on with other work.

        Making ten thousand folders, or listing a reused tree, is kernel time a
        second process can spend while this one computes page keys; a thread
        cannot, as it waits for the interpreter lock after every call. When
        the swap will leave no previous site to keep as the spare, that
        process goes on making the next build's folders until the swap.
        Called again once more files are planned, it adds their folders to
        the spare's; the staged site makes its own as files arrive.
        """
        if self._prepared:  # files planned since: the staged site makes their folders as they come
            new = _folders_of(files) - self._spared if self._spare_begun and self._helper is not None else None
            if new:
                self._helper.also(functools.partial(_make_folders, self.spare, new))
            return
        self._prepared = True
        self._take_folder()
        if not hasattr(os, "fork"):
            return
        folders = _folders_of(files)
        then = None
        if self.spare is not None and self._new_spare and not self.output.exists() and _start_tree(self.spare):
            then = functools.partial(_make_folders, self.spare, folders)
            self._spare_begun, self._spared = True, folders
        if self._reused:
            first = functools.partial(_complete, self.path, folders)
        else:
            self._planned = folders
            first = functools.partial(_make_folders, self.path, folders)
        self.begin()._helper.start(first, then)

    def _take_folder(self) -> None:
        self.output.parent.mkdir(parents=True, exist_ok=True)
        # Killed between the two renames of the swap without renameat2: the previous site waits
        # in the retired folder, and goes back before anything else happens.
        if not self.output.exists() and _is_ours(self.retired):
            os.rename(self.retired, self.output)
        for leftover in (self.path, self.retired):
            _refuse_foreign(leftover)
        _remove_ours(self.retired)
        # A killed build's staging folder, or else the spare, is reused; its state is read, not trusted.
        if not _is_ours(self.path) and self.spare is not None and _is_ours(self.spare):
            try:
                os.rename(self.spare, self.path)
            except OSError:  # another file system
                _remove_ours(self.spare)
        self._reused = self.spare is not None and _is_ours(self.path)
        if not self._reused:
            _remove_ours(self.path)
            _make_marked(self.path)
        if self.spare is not None:
            _remove_ours(self.spare)

    def __enter__(self) -> "Staging":
        if not self._prepared:
            self._prepared = True
            self._take_folder()
        if not self._reused and self._helper is not None and not self._helper.ready():
            # Rendering need not wait for ten thousand new folders: each is made, by whichever
            # process comes first, when its first file arrives.
            done = None
        else:
            done = self._helper.result() if self._helper is not None else None
        if self._reused:
            self._present, self._folders = done if done is not None else listing(self.path)
        elif done:  # else the folders are made as files arrive
            self._folders = set(self._planned)
        self.inodes[MARKER] = self._present.get(MARKER) or os.stat(self.path / MARKER).st_ino
        return self

    def put_aside(self) -> None:
        """Clear a killed build's folders from beside the output, keeping a staging folder as the spare
        (when there is a place for one and none waits there yet)."""
        self._stop_helper()
        _remove_ours(self.retired)
        if self._spare_begun:  # a spare begun for a site that was not made is worth less than this folder
            _remove_ours(self.spare)
            self._spare_begun = False
        waiting = self.spare is None or self.spare.exists()  # a spare waits already, or has no place
        if not (_is_ours(self.path) and not waiting and self._keep_as_spare()):
            _remove_ours(self.path)

    def discard(self) -> None:
        """Remove the staging folder and a spare begun for this site, freeing their space."""
        self._stop_helper()
        _remove_ours(self.path)
        if self._spare_begun:
            _remove_ours(self.spare)
            self._spare_begun = False

    def write(self, rel: str, data: bytes) -> None:
        """Write one file below the staging folder, refusing paths that leave it."""
        self._write_at(rel, self._target(rel), data)
        pause_at("write")

    def _write_at(self, rel: str, target: str, data: bytes) -> None:
        with open(target, "wb") as handle:
            handle.write(data)
            self.inodes[rel] = os.fstat(handle.fileno()).st_ino

    def _target(self, rel: str) -> str:
        """Return where `rel` goes below the staging folder, cleared and its folder made.

        Plain strings, not Path objects: this runs once per file of the site, and pathlib's
        parsing cost the build's main process more than the link it makes.
        """
        if rel.startswith("/") or ".." in rel.split("/"):
            raise ValueError(f"output path escapes the site: {rel}")
        target = f"{self.path}/{rel}"
        self._wanted.add(rel)
        if self._present.pop(rel, None) is not None:
            os.unlink(target)
        elif rel in self._folders:  # a reused folder has a folder where this file goes
            shutil.rmtree(target)
            self._forget(rel + "/")
        folder = rel.rpartition("/")[0]
        if folder not in self._folders:
            parts = folder.split("/")
            for depth in range(1, len(parts) + 1):  # a reused folder may hold a file where a folder goes
                if self._present.pop("/".join(parts[:depth]), None) is not None:
                    os.unlink(f"{self.path}/{'/'.join(parts[:depth])}")
            os.makedirs(target.rpartition("/")[0], exist_ok=True)
            self._folders.update("/".join(parts[:depth]) for depth in range(1, len(parts) + 1))
        return target

    def _forget(self, prefix: str) -> None:
        for rel in [r for r in self._present if r.startswith(prefix)]:
            del self._present[rel]
        self._folders -= {f for f in self._folders if f.startswith(prefix) or f + "/" == prefix}

    def link(self, rel: str, source: str | Path, inode: int | None = None) -> None:
        """Hard-link a finished file (a cache blob, of this inode if given) into the staging folder, copying
        where links fail."""
        inode = inode or os.stat(source).st_ino
        self.inodes[rel] = inode
        if self._present.get(rel) == inode:
            self._wanted.add(rel)  # a reused folder already holds this very file
            return
        target = self._target(rel)
        try:
            os.link(source, target)
        except OSError:  # another file system, or one without hard links
            self._write_at(rel, target, Path(source).read_bytes())
        pause_at("write")

    def settle(self, rel: str, blob: str) -> None:
        """Put the cache's blob in place of a file a step left in the folder, which holds the same bytes.

        The file may be that blob already (a kept search shard's, linked before the step ran).
        """
        self._present[rel] = os.stat(f"{self.path}/{rel}").st_ino  # link() then keeps it or replaces it
        self.link(rel, blob)

    def adopt(self, rel: str) -> None:
        """Count as staged a file that a step over the staged site wrote into the folder itself."""
        self._wanted.add(rel)
        self.inodes[rel] = os.stat(f"{self.path}/{rel}").st_ino

    def reuse(self, files: dict[str, int], source: Callable[[str], str]) -> None:
        """Stage files of the last site (path -> inode), linking each from source(path) unless it is there already."""
        present, wanted, inodes = self._present, self._wanted, self.inodes
        for rel, inode in files.items():
            if rel == MARKER:
                continue
            if present.get(rel) == inode:
                wanted.add(rel)
                inodes[rel] = inode
            else:
                self.link(rel, source(rel))

    def copy(self, rel: str, source: Path) -> None:
        """Copy a static file into the staging folder."""
        self.write(rel, source.read_bytes())

    def prune(self) -> None:
        """Delete what a reused folder held and this site lacks, before anything walks the staged site."""
        if self._settled and self._present.keys() <= self._wanted:
            return  # pruned before, and nothing has come since that this site lacks (0.3 s at 100,000 notices)
        stale = sorted(set(self._present) - self._wanted)
        for rel in stale:
            os.unlink(self.path / rel)
            del self._present[rel]
        # A reused or killed build's folder may also hold folders no file of this site goes in.
        made = self._folders | self._planned  # the helper may have made planned folders no file needed
        empty = {r.rpartition("/")[0] for r in stale} | (made - _folders_of(self._wanted))
        for folder in sorted(empty - {""}, key=lambda f: -f.count("/")):
            _remove_empty_parents(self.path, folder)
            self._folders.discard(folder)
        # In a reused folder the helper's work was done before the first file was staged; a new
        # folder's helper may still be making folders, so it is pruned again at the swap.
        self._settled = self._reused

    def commit(self) -> None:
        """Put the staged site in place of the output in one step, then drop or keep the old one."""
        self._stop_helper()
        self.prune()
        pause_at("swap")
        if self.mounted:
            self._swap_contents()
        elif self.output.exists():
            if not _exchange(self.path, self.output):
                os.rename(self.output, self.retired)
                os.rename(self.path, self.output)
                _remove_ours(self.retired)
                return
            pause_at("swapped")
            if not self._keep_as_spare():  # it now holds the previous site: the next build's starting point
                _remove_ours(self.path)
        else:
            os.rename(self.path, self.output)
            if self._spare_begun:
                self._fill_spare()

    def _swap_contents(self) -> None:
        """Swap each top-level entry of the staged site into the mounted output, each in one step.

        The volume itself stays; each file or folder directly below it is exchanged atomically with
        its new version, and what the new site lacks is moved out, so a reader meets either the old
        or the new version of each entry, never a missing site.
        """
        new = set(os.listdir(self.path))
        for name in sorted(new - {MARKER}) + [MARKER]:
            source, target = self.path / name, self.output / name
            if not os.path.lexists(target):
                os.rename(source, target)
            elif not _exchange(source, target):
                os.rename(target, self.path / f"{name}.old")
                os.rename(source, target)
        for name in sorted(set(os.listdir(self.output)) - new - {STAGING_SUFFIX}):
            os.rename(self.output / name, self.path / f"{name}.old")  # the old site's, gone from the new
        shutil.rmtree(self.path)

    def _keep_as_spare(self) -> bool:
        """Move the staging folder to the spare's place; say whether it went (there may be no place)."""
        if self.spare is None:
            return False
        try:
            self.spare.parent.mkdir(parents=True, exist_ok=True)
            os.rename(self.path, self.spare)
        except OSError:
            return False
        return True

    def _fill_spare(self) -> None:
        """Link the new site's files into the spare begun for it, so that the next build starts from a copy.

        A link costs a tenth of a folder, so the spare's folders are made while the site is staged
        and its files only now; a file whose folder the helper did not get to is left out, since
        the next build lists the spare and adds what it lacks.
        """
        for rel in self.inodes:
            try:
                os.link(os.path.join(self.output, rel), os.path.join(self.spare, rel))
            except OSError:
                pass

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self._stop_helper()
            _remove_ours(self.path)

    def _stop_helper(self) -> None:
        if self._helper is not None:
            self._helper.stop()
            self._helper = None


def _folders_of(files: Iterable[str]) -> set[str]:
    """Name every folder (and parent folder) the files go in, the top one as ""."""
    folders = {""}
    for rel in files:
        folder = rel.rpartition("/")[0]
        while folder not in folders:
            folders.add(folder)
            folder = folder.rpartition("/")[0]
    return folders


def _complete(root: Path, folders: set[str]) -> tuple[dict[str, int], set[str]]:
    """List a reused tree and add the folders it lacks (a spare may be only partly made)."""
    files, found = listing(root)
    _make_folders(root, folders - found, found)
    return files, found


def _make_folders(root: Path, folders: set[str], made: set[str] | None = None) -> bool:
    """Make the folders below root, parents first, noting them in made; stop when the build that asked has gone.

    A folder whose place a file takes is left out, for the build to clear.
    """
    parent = os.getppid()
    for count, folder in enumerate(sorted(folders - {""}, key=lambda f: (f.count("/"), f))):
        if count % 256 == 0 and os.getppid() != parent:
            return False
        try:
            os.mkdir(os.path.join(root, folder))
        except FileExistsError:
            continue
        except (FileNotFoundError, NotADirectoryError):  # its parent was left out
            continue
        if made is not None:
            made.add(folder)
    return True


def _start_tree(root: Path) -> bool:
    """Begin a spare to fill with folders: marked first, so that even part of one is recognised."""
    try:
        root.mkdir()
    except OSError:  # one is there already, or there is no place for one
        return False
    (root / MARKER).write_text("gongkai\n", encoding="utf-8")
    return True


def fork_helper() -> Helper | None:
    """Fork the helper a Staging will use, before the build loads its record and cache tables.

    A child pins every memory page it shares with its parent: forked after those were loaded
    (450 MB at 100,000 notices), it held them through the build, counted once more in the tree's
    memory, and the build paid for copying each such page it wrote to after the fork.
    """
    return Helper() if hasattr(os, "fork") else None


class Helper:
    """A forked child doing file-system work for the build: first what the build waits for, then what it
    may cut short (any prefix of that work must leave the file system valid).

    The child is forked when the helper is made and waits for its work (picklable callables). The
    work, and the first part's result, go through files, with only their places through pipes: a
    result larger than a pipe's buffer held the child until the build read it, which left the
    second part only the moments between that read and the swap, and work handed over later must
    not hold the build until the busy child reads it.
    """

    def __init__(self) -> None:
        read, write = os.pipe()
        work_read, work_write = os.pipe()
        self._spool = tempfile.TemporaryFile()
        self._jobs, self._end = tempfile.TemporaryFile(), 0
        self.pid = os.fork()
        if self.pid == 0:  # the child: never returns, never runs the parent's clean-up
            try:
                os.close(read)
                os.close(work_write)
                with os.fdopen(work_read, "rb") as pipe:
                    job = self._next_job(pipe)
                    if job is None:  # the build ended before it had work for the helper
                        return
                    first, then = job
                    data = pickle.dumps(first(), protocol=pickle.HIGHEST_PROTOCOL)
                    self._spool.write(data)
                    self._spool.flush()
                    os.write(write, len(data).to_bytes(8, "big"))
                    os.close(write)
                    if then is not None:
                        then()
                    while (more := self._next_job(pipe)) is not None:
                        more()
            finally:
                os._exit(0)
        os.close(write)
        os.close(work_read)
        self._pipe = os.fdopen(read, "rb")
        self._work = os.fdopen(work_write, "wb")
        # Also when a build fails before it waits for the result: no child outlives its build.
        self.stop = weakref.finalize(self, _end_child, self.pid, self._pipe, self._spool, self._work, self._jobs)

    def start(self, first: Callable[[], object], then: Callable[[], object] | None = None) -> None:
        """Hand the child its work."""
        self._send((first, then))

    def also(self, more: Callable[[], object]) -> None:
        """Hand the child more work to cut short, for after what it has."""
        self._send(more)

    def _send(self, job: object) -> None:
        data = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
        os.pwrite(self._jobs.fileno(), data, self._end)
        with contextlib.suppress(OSError):  # a child that has gone wants no more
            self._work.write(self._end.to_bytes(8, "big") + len(data).to_bytes(8, "big"))
            self._work.flush()
        self._end += len(data)

    def _next_job(self, pipe) -> Any:
        """In the child: wait for the next piece of work; None when the build has no more."""
        place = pipe.read(16)
        if len(place) != 16:
            return None
        offset, size = int.from_bytes(place[:8], "big"), int.from_bytes(place[8:], "big")
        return pickle.loads(os.pread(self._jobs.fileno(), size, offset))

    def ready(self) -> bool:
        """Say whether the first part is done, without waiting for it."""
        return bool(select.select([self._pipe], [], [], 0)[0])

    def result(self) -> object | None:
        """Wait for the first part; None when the child failed (the build then does that work itself)."""
        size = int.from_bytes(self._pipe.read(8) or b"\0", "big")
        self._pipe.close()
        data = os.pread(self._spool.fileno(), size, 0) if size else b""
        self._spool.close()
        return pickle.loads(data) if size and len(data) == size else None


def _end_child(pid: int, pipe, spool, work, jobs) -> None:
    """End a helper now, wherever its optional work has got to (each step of it is whole)."""
    pipe.close()
    spool.close()
    jobs.close()
    with contextlib.suppress(OSError):  # a child that already left may leave the pipe broken
        work.close()
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)


def _remove_empty_parents(root: Path, folder: str) -> None:
    """Drop a folder that lost its last file, and its parents that thereby became empty."""
    while folder:
        try:
            os.rmdir(root / folder)
        except OSError:  # not empty (or already gone): its parents are not empty either
            return
        folder = folder.rpartition("/")[0]


def _is_ours(path: Path) -> bool:
    return path.is_dir() and (path / MARKER).is_file()


def is_current(output: Path, files: dict[str, str | Path | None]) -> bool:
    """Say whether the output holds exactly these files, each the very file (the same inode) as its source."""
    if any(source is None for source in files.values()) or not (output / MARKER).is_file():
        return False
    found, _ = listing(output)
    if found.keys() != set(files) | {MARKER}:
        return False
    return all(found[rel] == os.stat(source).st_ino for rel, source in files.items())


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically (Linux renameat2); False where the system cannot."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    if not hasattr(libc, "renameat2"):
        return False
    result = libc.renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def _make_marked(path: Path) -> None:
    """Make a folder that carries the marker from its first moment: made aside, marked, then renamed.

    A folder beside the output without the marker is then never one of gongkai's, even after a kill.
    """
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    (partial / MARKER).write_text("gongkai\n", encoding="utf-8")
    os.rename(partial, path)


def _refuse_foreign(path: Path) -> None:
    """Stop, with the command that clears it, when a folder gongkai needs holds something it did not make."""
    if path.exists() and not _is_ours(path) and not (path.is_dir() and not any(path.iterdir())):
        raise EnvironmentProblem(
            f"{path} 已存在，但不是 gongkai 生成的（缺少 {MARKER}），构建不会覆盖它：确认其中没有需要的文件后，"
            f"运行 rm -rf '{path}' 再构建")


def _remove_ours(path: Path) -> None:
    """Delete a staging or retired folder, but only one that carries gongkai's marker."""
    if path.is_dir() and ((path / MARKER).is_file() or not any(path.iterdir())):
        shutil.rmtree(path)
