"""Benchmark: peak memory of a whole process tree, and of building many small notices.

`run_tree` is how every benchmark here measures memory: the summed resident
memory of a command and everything it starts (gongkai's forked workers and its
Pagefind service; Hugo, then Pagefind), sampled from /proc. The largest single
process alone hides most of it: a parallel build's workers and the indexer run
at the same time.

Run as a program it prints the peak of builds of tiny notices (bench/README.md
keeps the last measurement): `make bench` or `python bench/memory.py 100000`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
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


PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
INTERVAL = 0.025  # seconds between samples: short spikes in between go unseen
# Between samples of proportional memory, whose reading walks every page table of the tree
# (about 20 ms for a process of 1.5 GB): a sample every 25 ms would take a core of its own.
PSS_INTERVAL = 0.25


class TreeSampler:
    """Sum the resident memory of every process in one session, the tree a command started.

    A process belongs to the tree when its session id is the command's pid (the command is
    started as a session leader), which also keeps a worker whose parent already exited. Each
    process seen outside the session is remembered and not read again, so a sample costs a
    listing of /proc and one small read per process of the tree.
    """

    def __init__(self, session: int, proportional: bool = False):
        self.session, self.proportional = session, proportional
        self.foreign: set[str] = set()
        self.peak = 0  # bytes, the whole tree
        self.own_peak = 0  # bytes, the command's own process

    def sample(self) -> int:
        """Read the tree's summed resident memory now (bytes), and keep the largest seen."""
        total = 0
        for entry in os.scandir("/proc"):
            name = entry.name
            if not name.isdigit() or name in self.foreign:
                continue
            fields = read_stat(name)
            if fields is None:
                continue  # exited between the listing and the read
            if int(fields[3]) != self.session:
                self.foreign.add(name)
                continue
            rss = proportional_set(name) if self.proportional else int(fields[21]) * PAGE_BYTES
            if name == str(self.session):
                self.own_peak = max(self.own_peak, rss)
            total += rss
        self.peak = max(self.peak, total)
        return total


def proportional_set(pid: str) -> int:
    """A process's proportional set size (bytes): each page it shares counts as its share, so the sum
    over a tree of forked processes counts a page they share once. 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def read_stat(pid: str) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (state first), or None if it is gone.

    The name is in brackets and may hold spaces, so the fields are split after its last bracket:
    field 6 of proc(5), the session, is then at index 3 and field 24, rss in pages, at index 21.
    """
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            raw = handle.read().decode(errors="replace")
    except OSError:
        return None
    return raw[raw.rindex(")") + 2:].split()


@dataclass(frozen=True)
class Run:
    """What one command cost: wall time (s), peak memory of its whole tree and of itself alone (MB)."""

    seconds: float
    peak: float
    own_peak: float
    code: int


def run_tree(command: list[str], cwd: Path | None = None, stderr=subprocess.DEVNULL,
             proportional: bool = False) -> Run:
    """Run a command and measure its wall time and the peak summed memory of its whole tree.

    The command leads a new session so that its tree can be told apart; a sampling thread reads
    the tree every INTERVAL while this thread waits for the command. The kernel's own peak of the
    command (ru_maxrss) is no floor: a child started by vfork inherits its parent's peak.
    Resident memory counts a page that forked workers share with their parent once per process;
    `proportional` sums each process's share instead (slower to read, so read less often).
    """
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True)
    sampler, done = TreeSampler(process.pid, proportional), threading.Event()

    def watch() -> None:
        while not done.is_set():
            sampler.sample()
            done.wait(PSS_INTERVAL if proportional else INTERVAL)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    _pid, status, _usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    done.set()
    thread.join()
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here; keeps Popen from waiting again
    return Run(seconds, sampler.peak / 2**20, sampler.own_peak / 2**20, process.returncode)


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
    """Build once in a child process; return (peak RSS in MB, seconds, exit code) of that child alone.

    tests/test_memory.py keeps its budget on this figure: the build's own memory, without the indexer's
    or the workers'. It is sampled, not the kernel's ru_maxrss, which for a child started by vfork
    is at least the parent's (here the test runner's) memory.
    """
    run = run_tree(build_command(content, output, *extra))
    return run.own_peak, run.seconds, run.code


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("counts", nargs="*", type=int, default=[1_000, 10_000])
    p.add_argument("--huge", action="store_true", help="also 100,000 notices")
    args, _ = p.parse_known_args()  # `make bench` passes run.py's options here too
    counts = args.counts + ([100_000] if args.huge else [])
    with tempfile.TemporaryDirectory() as tmp:
        print("| notices | peak memory, whole tree | peak memory, build process | seconds |")
        print("| ---: | ---: | ---: | ---: |")
        for count in counts:
            content = make_content(Path(tmp) / f"c{count}", count)
            run = run_tree(build_command(content, Path(tmp) / f"o{count}"))
            if run.code:
                raise SystemExit(f"the build of {count} notices failed with exit code {run.code}")
            print(f"| {count:,} | {run.peak:,.0f} MB | {run.own_peak:,.0f} MB | {run.seconds:.1f} |", flush=True)


def build_command(content: Path, output: Path, *extra: str) -> list[str]:
    """The command line of one build of `content` into `output`."""
    return [sys.executable, str(ROOT / "build.py"), "--content", str(content), "--output", str(output), *extra]


if __name__ == "__main__":
    main()
