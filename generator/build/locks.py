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
    for each other in a ring.
    """
    with ExitStack() as held:
        for path in files:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            except OSError as exc:
                raise EnvironmentProblem(f"无法创建锁文件 {path}（{exc.strerror}）：请检查该目录是否可写") from None
            held.callback(os.close, fd)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if not wait:
                    raise EnvironmentProblem(
                        f"另一个构建正在使用 {_folder_of(path)}：请等它结束后再运行，或去掉 --no-wait 以排队等待"
                    ) from None
                if waiting is not None:
                    waiting(_folder_of(path))
                fcntl.flock(fd, fcntl.LOCK_EX)
        yield


def _folder_of(lock: Path) -> Path:
    """Name the folder a lock file guards."""
    return lock.parent if lock.name == "lock" else lock.with_name(lock.name[: -len(LOCK_SUFFIX)])
