"""Preview, watch part: rebuild when the content or the theme changes, never stop on a mistake.

Editors save in bursts (an editor writes a temporary file, renames it, touches
a backup), so events are debounced: one rebuild after the folder has been
quiet for a moment. A build that fails right after a change is retried once
after a pause, because the file may still be half-written; only a failure
that persists is reported. The previous output stays served meanwhile.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

QUIET = 0.25  # seconds without events before rebuilding
RETRY_AFTER = 0.6  # seconds before a failed build is tried again


@dataclass
class LiveState:
    """What the browser asks about: the current site version and the last build's error."""

    version: int = 0
    error: str | None = None
    warnings: str | None = None  # of the last good build, shown until the editor deals with them
    lock: threading.Lock = field(default_factory=threading.Lock)

    def succeeded(self, warnings: str = "") -> None:
        """Record a good build: browsers reload, drop any error overlay and show its warnings."""
        with self.lock:
            self.version += 1
            self.error = None
            self.warnings = warnings or None

    def failed(self, message: str) -> None:
        """Record a failed build: browsers show the message over the last good site."""
        with self.lock:
            self.error = message

    def snapshot(self) -> dict:
        """Return the state as plain values for the status endpoint."""
        with self.lock:
            return {"version": self.version, "error": self.error, "warnings": self.warnings}


class _Poke(FileSystemEventHandler):
    def __init__(self, changed: threading.Event, ignored: tuple[Path, ...]):
        self.changed = changed
        self.ignored = ignored

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return  # reading a file is not a change
        path = Path(str(event.src_path))
        if any(path == place or place in path.parents for place in self.ignored):
            return  # our own output and cache, when they sit inside a watched folder
        self.changed.set()


class Watcher:
    """Run `rebuild` once per burst of changes below the watched folders."""

    def __init__(self, folders: list[Path], rebuild: Callable[[bool], tuple[str | None, str]], live: LiveState,
                 ignored: tuple[Path, ...] = (), catch_up: Callable[[threading.Event], None] | None = None):
        # rebuild(tell) returns the error text (None on success) and the warnings; tell=False keeps a
        # failure quiet, since it may be retried. catch_up(changed) does what a good build left for after
        # the reload (the search index, catchup.py), and stops when `changed` is set by a save
        self.rebuild = rebuild
        self.catch_up = catch_up
        self.live = live
        self.changed = threading.Event()
        self.stopped = threading.Event()
        self.observer = Observer()
        handler = _Poke(self.changed, tuple(p.resolve() for p in ignored))
        for folder in sorted({f.resolve() for f in folders if f.is_dir()}):
            self.observer.schedule(handler, str(folder), recursive=True)
        self.thread = threading.Thread(target=self._loop, name="gongkai-watch", daemon=True)

    def start(self) -> None:
        """Start watching in the background."""
        self.observer.start()
        self.thread.start()

    def stop(self) -> None:
        """Stop watching."""
        self.stopped.set()
        self.changed.set()
        self.observer.stop()
        self.observer.join(timeout=5)
        self.thread.join(timeout=5)

    def _loop(self) -> None:
        self._catch_up()  # after the first build, before any save
        while not self.stopped.is_set():
            self.changed.wait()
            self._settle()
            if self.stopped.is_set():
                return
            error, warnings = self.rebuild(False)
            if error is not None:
                if self._settle(RETRY_AFTER):  # more saves came: build for them, report nothing yet
                    self.changed.set()
                    continue
                error, warnings = self.rebuild(True)  # the file may have been half-written; try once more
            if error is None:
                self.live.succeeded(warnings)  # browsers reload now, not after the search index
                self._catch_up()
            else:
                self.live.failed(error)

    def _catch_up(self) -> None:
        """Bring what the last build left behind, unless saves since then call for a rebuild first."""
        if self.catch_up is not None and not self.changed.is_set() and not self.stopped.is_set():
            self.catch_up(self.changed)

    def _settle(self, wait: float = 0.0) -> bool:
        """Wait until no event came for QUIET seconds (at least `wait`); say whether any came."""
        came = False
        deadline = time.monotonic() + wait
        while True:
            self.changed.clear()
            if self.changed.wait(max(QUIET, deadline - time.monotonic())) and not self.stopped.is_set():
                came = True
                continue
            return came
