"""Render stage, parallel part: run the expensive per-item work on every core.

Workers are forked, so they inherit the theme, views and pages already in
memory instead of receiving them pickled; only small task items go out and
bytes come back. Results come back in task order, so the output does not
depend on the number of workers. Small jobs stay in this process: starting a
pool costs more than converting a handful of notices.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import multiprocessing
import multiprocessing.pool
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

PARALLEL_MIN = 64  # items below which a pool costs more than it saves
TERMINATE_WAIT = 5.0  # seconds a closing pool may take (normally well under one)

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
                jobs: int | None, alone: int = 0) -> Iterator[Any]:
    """Apply `make(shared)` to every item, in several processes when that pays, yielding in order.

    The workers start at once, so the caller may do other work while they run. The first `alone`
    items are handed out one by one, ahead of the rest: a long item in a chunk near the end kept
    one worker busy while the others had nothing left to do.
    """
    workers = workers_for(len(items), jobs)
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return _Results(None, map(make(shared), items))
    context = multiprocessing.get_context("fork")
    chunk = max(1, min(32, len(items) // (workers * 8)))
    gc.freeze()  # workers' collections then skip what they inherit, and leave its memory shared
    try:
        pool = _pool_class()(workers, initializer=_start, initargs=(make, shared), context=context)
    finally:
        gc.unfreeze()  # the workers are forked: what they inherited stays frozen in them
    head = pool.imap(_run, items[:alone], chunksize=1)  # queued first, so taken first
    rest = pool.imap(_run, items[alone:], chunksize=chunk)
    return _Results(pool, itertools.chain(head, rest))


class _Pool(multiprocessing.pool.Pool):
    """A pool whose housekeeping thread sleeps while results wait to be read.

    The standard pool's thread that watches the workers also wakes whenever the results pipe is
    readable (CPython 3.11), and while the build process is busy storing what it got, results
    always wait: the thread then spun, 12 % of a core during a 100,000-notice load. It still
    wakes when a worker exits and when the pool is closed or emptied. On 10,000 notices a clean
    build spent about 1.8 s more CPU (of about 23) with the standard pool.

    `_get_sentinels` and `_change_notifier` are private to CPython's pool: where they are not as
    read here, the standard pool runs instead (_pool_class), and tests/test_incremental.py fails
    loudly, so that the spinning comes back knowingly.
    """

    def _get_sentinels(self) -> list:
        return [self._change_notifier._reader]


def _pool_class() -> type[multiprocessing.pool.Pool]:
    """Pick the quiet pool where this Python's pool has the private parts it overrides, else the standard one."""
    return _Pool if quiet_pool_fits() else multiprocessing.pool.Pool


def quiet_pool_fits() -> bool:
    """Say whether this Python's pool gets its housekeeping thread's sentinels from `_get_sentinels`,
    among them its change notifier's."""
    pool = multiprocessing.pool.Pool
    method, start = getattr(pool, "_get_sentinels", None), getattr(pool.__init__, "__code__", None)
    code = getattr(method, "__code__", None)
    return (code is not None and start is not None and "_get_sentinels" in start.co_names
            and "_change_notifier" in code.co_names and "_reader" in code.co_names)


class _Results:
    """The results of a pool, in order; the pool ends with the last of them, when closed, or when dropped."""

    def __init__(self, pool: Any, results: Iterator[Any]):
        self._pool, self._results = pool, results

    def __iter__(self) -> "_Results":
        return self

    def __next__(self) -> Any:
        try:
            return next(self._results)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """End the pool, without waiting for ever on CPython's own ending of it.

        Pool.terminate() stops the workers, then waits for its result thread; a worker stopped
        halfway through writing a result leaves that thread waiting for the rest of a message that
        never comes (a test that closed a busy pool hung once in a few hundred runs). The workers
        are gone by then, so the wait is given up after a few seconds; the thread is a daemon.
        """
        if self._pool is not None:
            pool, self._pool = self._pool, None
            ender = threading.Thread(target=pool.terminate, name="pool-terminate", daemon=True)
            ender.start()
            ender.join(TERMINATE_WAIT)

    def __del__(self) -> None:
        with contextlib.suppress(Exception):  # at exit, multiprocessing may have ended the pool already
            self.close()


def _start(make: Callable[[Any], Callable[[Any], Any]], shared: Any) -> None:
    """Prepare a worker: build its function once from what it inherited.

    Collection is on in workers (the parent may have turned it off): only the objects a worker
    makes itself are walked, since what it inherited was frozen before the fork.
    """
    gc.enable()
    _worker["function"] = make(shared)


def _run(item: Any) -> Any:
    return _worker["function"](item)
