"""Write stage, test hook: hold a build still at a named point so a test can kill it there.

Crash safety can only be shown by really killing a build (SIGKILL gives no
chance to clean up) at the moments that matter: while pages are rendered,
while the staging folder fills (by the full way or a touch-up), just before and just after the swap. Setting
GONGKAI_TEST_PAUSE to one of these names makes the build say where it is on
stderr and wait to be killed; unset, this costs one dictionary lookup.
GONGKAI_TEST_DELAY makes one step slow instead, so that a test can see what does not wait for it.
"""

from __future__ import annotations

import os
import sys
import time

PAUSE_VARIABLE = "GONGKAI_TEST_PAUSE"
POINTS = ("render", "write", "touch-up", "swap", "swapped")
DELAY_VARIABLE = "GONGKAI_TEST_DELAY"  # "index=3": the search indexer starts 3 seconds late (serve's tests)


_reached: dict[str, int] = {}  # how often each point was passed in this process (watch mode builds often)


def pause_at(point: str) -> None:
    """Wait forever at `point` when the test hook names it; otherwise return at once.

    `swap@2` waits the second time the point is reached, so a test can let the
    first build of `build.py serve` finish and kill the rebuild after an edit.
    """
    wanted = os.environ.get(PAUSE_VARIABLE)
    if wanted is None or wanted.split("@")[0] != point:
        return
    _reached[point] = _reached.get(point, 0) + 1
    if "@" in wanted and _reached[point] != int(wanted.split("@")[1]):
        return
    print(f"gongkai: paused at {point}", file=sys.stderr, flush=True)
    while True:
        time.sleep(3600)


def delay_at(point: str) -> None:
    """Sleep at `point` for the seconds the delay hook names (a slow step, made slow on purpose); else return."""
    wanted = os.environ.get(DELAY_VARIABLE)
    if wanted is None or wanted.partition("=")[0] != point:
        return
    time.sleep(float(wanted.partition("=")[2]))
