"""Render stage, parallel part: run the expensive per-item work on every core.

Workers are forked, so they inherit the theme, views and pages already in
memory instead of receiving them pickled; only small task items go out and
bytes come back. Results come back in task order, so the output does not
depend on the number of workers. Small jobs stay in this process: starting a
pool costs more than converting a handful of notices.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any

PARALLEL_MIN = 64  # items below which a pool costs more than it saves

_worker: dict[str, Callable[[Any], Any]] = {}  # set in each worker process by _start, never in the parent


def available_cores() -> int:
    """Count the cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def workers_for(count: int, jobs: int | None) -> int:
    """Pick the number of processes: the --jobs value, or every core for a job worth splitting."""
    if jobs is not None:
        return max(1, min(jobs, count))
    if count < PARALLEL_MIN or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return min(available_cores(), count)


def ordered_map(make: Callable[[Any], Callable[[Any], Any]], shared: Any, items: Sequence[Any],
                jobs: int | None) -> Iterator[Any]:
    """Apply `make(shared)` to every item, in several processes when that pays, yielding in order."""
    workers = workers_for(len(items), jobs)
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        function = make(shared)
        yield from map(function, items)
        return
    context = multiprocessing.get_context("fork")
    chunk = max(1, min(32, len(items) // (workers * 8)))
    gc.freeze()  # workers' collections then skip what they inherit, and leave its memory shared
    try:
        with context.Pool(workers, initializer=_start, initargs=(make, shared)) as pool:
            yield from pool.imap(_run, items, chunksize=chunk)
    finally:
        gc.unfreeze()


def _start(make: Callable[[Any], Callable[[Any], Any]], shared: Any) -> None:
    """Prepare a worker: build its function once from what it inherited.

    Collection is on in workers (the parent may have turned it off): only the objects a worker
    makes itself are walked, since what it inherited was frozen before the fork.
    """
    gc.enable()
    _worker["function"] = make(shared)


def _run(item: Any) -> Any:
    return _worker["function"](item)
