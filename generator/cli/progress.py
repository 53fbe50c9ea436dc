"""Command line, progress part: a bar for long builds in a terminal, nothing in CI logs.

A bar appears only after the build has run for about a second, so small sites
print just their summary line, and only when the stream is a terminal, so logs
are not filled with carriage returns.
"""

from __future__ import annotations

import time
from typing import TextIO

DELAY = 1.0  # seconds before a bar is worth showing
WIDTH = 30


class Bar:
    """Draw `done/total` on one terminal line, redrawn at most ten times a second."""

    def __init__(self, stream: TextIO, delay: float = DELAY):
        self.stream = stream
        self.started = time.monotonic()
        self.delay = delay
        self.drawn_at = 0.0
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.started < self.delay or (now - self.drawn_at < 0.1 and done < total):
            return
        filled = WIDTH * done // max(total, 1)
        self.stream.write(f"\r生成页面 [{'#' * filled}{'.' * (WIDTH - filled)}] {done}/{total}")
        self.stream.flush()
        self.drawn_at, self.shown = now, True

    def close(self) -> None:
        """Erase the bar, so the summary line starts clean."""
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def bar_for(stream: TextIO) -> Bar | None:
    """Return a bar when `stream` is a terminal, else None (one summary line is enough)."""
    return Bar(stream) if stream.isatty() else None
