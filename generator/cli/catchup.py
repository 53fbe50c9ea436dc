"""Preview, search part: bring the search index after the browser has reloaded.

A rebuild after a save swaps in the new pages with the last search index
(Options.defer_search, build/pipeline.py), so the reload waits for no indexer.
Then a second build takes every page from the cache, indexes the site and
swaps both in together, by the build's own staging: a reader never meets half
an index. It runs in a child process of its own group, so that a save made
meanwhile stops it at once (the build is safe to kill at any point) instead of
waiting tens of seconds for Pagefind; the rebuild for that save leaves the
index behind again, and the catch-up after it starts over.
"""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import os
import signal
import sys
import threading
import time
from datetime import datetime, timezone

from generator.build.pipeline import build
from generator.core.errors import BuildFailed, EnvironmentProblem
from generator.core.options import Options, Report

POLL = 0.1  # seconds between looks at the child and at new saves


class SearchCatchUp:
    """Remember whether the served site's search index is behind, and bring it when asked."""

    def __init__(self, options: Options):
        self.options = dataclasses.replace(options, defer_search=False)
        self.pending = False

    def note(self, report: Report) -> None:
        """Remember whether the build just made left the search index behind."""
        self.pending = report.search_deferred

    def __call__(self, changed: threading.Event) -> None:
        """Index the site now served, if its index is behind, unless `changed` is set first; say how it went."""
        if not self.pending:
            return
        self.pending = False
        if "fork" not in multiprocessing.get_all_start_methods():
            _index(self.options)  # no child process: a save made meanwhile waits for the index
            return
        child = multiprocessing.get_context("fork").Process(target=_index_alone, args=(self.options,),
                                                            name="gongkai-search", daemon=True)
        child.start()
        while child.is_alive():
            if changed.wait(POLL):  # a save came (or the preview stops): the site to index is no longer this one
                _stop(child)
                return
        child.join()


def _index_alone(options: Options) -> None:
    """Run the catch-up in the child: in a process group of its own, which _stop ends whole."""
    os.setpgid(0, 0)
    threading.Thread(target=_end_with, args=(os.getppid(),), daemon=True).start()
    _index(options)


def _end_with(parent: int) -> None:
    """End the group when the preview is gone, however it went: its own group hears no Ctrl+C or hang-up,
    and a catch-up left running would hold the output's lock against the next build."""
    while os.getppid() == parent:
        time.sleep(POLL * 5)
    os.killpg(0, signal.SIGKILL)


def _index(options: Options) -> None:
    """Build the site with its search index and say in one line how it went."""
    started = time.perf_counter()
    try:
        build(options, datetime.now(timezone.utc))
    except BuildFailed as exc:  # the indexer failed, or a save since the rebuild broke a notice
        lines = [d.format() for d in exc.diagnostics if d.severity == "error"]
        print("站内搜索索引未能更新：\n" + "\n".join(lines), file=sys.stderr, flush=True)
        return
    except EnvironmentProblem as exc:
        print(f"build.py: {exc}", file=sys.stderr, flush=True)
        return
    print(f"站内搜索索引已更新，用时 {time.perf_counter() - started:.2f} 秒", flush=True)


def _stop(child: multiprocessing.Process) -> None:
    """Kill the child and what it started (its staging helper, Pagefind) at once."""
    with contextlib.suppress(OSError):  # gone already, or its group not made yet: the kill below ends it
        os.killpg(child.pid, signal.SIGKILL)
    child.kill()
    child.join()
