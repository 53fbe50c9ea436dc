"""Write stage, test hook: hold a build still at a named point so a test can kill it there.

Crash safety can only be shown by really killing a build (SIGKILL gives no
chance to clean up) at the moments that matter: while pages are rendered,
while the staging folder fills, just before and just after the swap. Setting
GONGKAI_TEST_PAUSE to one of these names makes the build say where it is on
stderr and wait to be killed; unset, this costs one dictionary lookup.
"""

from __future__ import annotations

import os
import sys
import time

PAUSE_VARIABLE = "GONGKAI_TEST_PAUSE"
POINTS = ("render", "write", "swap", "swapped")


def pause_at(point: str) -> None:
    """Wait forever at `point` when the test hook names it; otherwise return at once."""
    if os.environ.get(PAUSE_VARIABLE) != point:
        return
    print(f"gongkai: paused at {point}", file=sys.stderr, flush=True)
    while True:
        time.sleep(3600)
