"""One build at a time per output folder and per cache folder.

Two builds writing one output folder mixed their sites, and two sharing a cache pruned each
other's blobs. An OS lock (flock) on a file beside each folder serialises them; the kernel
releases it when a build ends in any way, killed included, so no stale lock ever needs removing.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from generator.core.errors import EnvironmentProblem
from generator.core.options import Options
from generator.incremental.cache import default_folder

LOCK_SUFFIX = ".gongkai-lock"  # beside the output folder, which is swapped whole and cannot hold its own lock


def lock_files(options: Options) -> list[Path]:
    """Name the lock files of what this build writes: the output folder and the cache (--check writes neither)."""
    if options.check:
        return []
    output = options.output.resolve()
    files = [output.with_name(output.name + LOCK_SUFFIX)]
    if options.use_cache:
        files.append((options.cache or default_folder(options.output)).resolve() / "lock")
    return files


@contextmanager
def holding(files: list[Path], wait: bool, waiting: Callable[[Path], None] | None = None) -> Iterator[None]:
    """Hold every lock: the output's, then the cache's.

    Every build holds one of each kind and takes them in that order, so no two builds can wait
    for each other in a ring. A lock file is removed by the build that held it, so nothing is
    left beside the output; one a killed build left is taken over by the next.
    """
    with ExitStack() as held:
        for path in files:
            fd = _take(path, wait, waiting)
            held.callback(os.close, fd)
            held.callback(_remove, path)  # runs first: removed while still held
        yield


def _take(path: Path, wait: bool, waiting: Callable[[Path], None] | None) -> int:
    """Lock a lock file and return its descriptor, making sure it is still the file at that path.

    The build before may remove the file just as this one locks it: a lock on a removed file
    guards nothing, so it is taken again on the file now there.
    """
    told = False
    while True:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise EnvironmentProblem(f"无法创建锁文件 {path}（{exc.strerror}）：请检查该目录是否可写") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                os.close(fd)
                raise EnvironmentProblem(
                    f"另一个构建正在使用 {_folder_of(path)}：请等它结束后再运行，或去掉 --no-wait 以排队等待"
                ) from None
            if waiting is not None and not told:
                waiting(_folder_of(path))
                told = True
            fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            if os.stat(path).st_ino == os.fstat(fd).st_ino:
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)


def _remove(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _folder_of(lock: Path) -> Path:
    """Name the folder a lock file guards."""
    return lock.parent if lock.name == "lock" else lock.with_name(lock.name[: -len(LOCK_SUFFIX)])
