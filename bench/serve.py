"""Bounded load on loopback: wrk for 10 s against deploy/nginx.conf serving the sample site.

Run with `make bench-serve`. Prints requests per second for the board and a
notice page, both gzip-accepting as browsers are.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from nginxsite import running_nginx  # noqa: E402

from generator.cli.main import main  # noqa: E402

PATHS = {"公开栏首页": "/mzzj/", "公告页": "/mzzj/guides/religious-activity-venue-registration/"}


def load(url: str, seconds: int = 10) -> float:
    """Run wrk against one URL and return its requests per second."""
    result = subprocess.run(["wrk", "-t2", "-c32", f"-d{seconds}s", "-H", "Accept-Encoding: gzip", url],
                            capture_output=True, text=True, check=True, timeout=seconds + 30)
    if " Non-2xx or 3xx responses" in result.stdout:
        raise SystemExit(f"errors during the run:\n{result.stdout}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1))


def run() -> None:
    """Build the sample site, serve it with nginx and measure."""
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        code = main(["--content", str(ROOT / "content"), "--output", str(work / "www/mzzj"), "--precompress"],
                    now=datetime.now(timezone.utc))
        if code:
            raise SystemExit(code)
        with running_nginx(work / "www", work / "prefix") as origin:
            for label, path in PATHS.items():
                print(f"{label} {path}: {load(origin + path):,.0f} 次请求/秒（wrk -t2 -c32 -d10s，本机回环）", flush=True)


if __name__ == "__main__":
    run()
