"""Benchmark: peak memory and time of building a content folder with many small notices.

Not a test: it prints numbers for the record (bench/README.md keeps the last
measurement). Run with `make bench` or `python bench/memory.py 100000`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE_YAML = """\
title: 压力测试公开栏
agency: 压力测试局
base_url: https://example.org/
categories:
  - key: guides
    name: 办事指南
  - key: results
    name: 办事结果
"""


def make_content(root: Path, count: int) -> Path:
    """Write `count` tiny notices in folders of 1,000, as a large archive would be organised."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    for i in range(count):
        folder = root / f"y{i // 1000:03d}"
        folder.mkdir(exist_ok=True)
        day = 1 + i % 28
        (folder / f"n{i:06d}.md").write_text(
            f"---\ntitle: 第{i}号公告\ncategory: {'guides' if i % 2 else 'results'}\n"
            f"date: 2020-{1 + i % 12:02d}-{day:02d} {i % 24:02d}:{i % 60:02d}\nresponsible: 张三\n---\n"
            f"这是第{i}号公告的正文。\n",
            encoding="utf-8",
        )
    return root


def measure(content: Path, output: Path, *extra: str) -> tuple[float, float, int]:
    """Build once in a child process; return (peak RSS in MB, seconds, exit code) of that child alone."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--content", str(content),
                              "--output", str(output), *extra], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started

    return usage.ru_maxrss / 1024, seconds, os.waitstatus_to_exitcode(status)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("counts", nargs="*", type=int, default=[1_000, 10_000, 100_000])
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print("notices  peak RSS (MB)  seconds  exit")
        for count in args.counts:
            content = make_content(Path(tmp) / f"c{count}", count)
            rss, seconds, code = measure(content, Path(tmp) / f"o{count}")
            print(f"{count:>7}  {rss:>13.0f}  {seconds:>7.1f}  {code}", flush=True)


if __name__ == "__main__":
    main()
