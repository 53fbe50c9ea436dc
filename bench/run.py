"""Benchmark: time gongkai's builds beside Hugo's and Pelican's on the same corpus.

Run by `make bench` (never by `make test`). For each size it writes the seeded
corpus, then measures in one run on the same machine. The clean builds of
gongkai and Hugo are timed several times (--rounds), taking turns, each into
new folders, and the median is compared: Hugo's clean build at 100,000 notices
took anything from 92 s to 148 s in single runs on the same code. Then, once
each: Hugo's rebuilds, Pelican's clean build, and gongkai's warm-cache build
into an empty output, no-op rebuild, and rebuilds after one body edit, one
title edit and one template edit. Wall time and the peak resident memory of
the largest process are printed with the ratio to Hugo. Before each clean
build the tool's input is read once (settle), so that every tool starts from
the page cache.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write_corpus  # noqa: E402
from peers import write_hugo, write_pelican  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EDITED = "guides/n000001.md"  # the notice every edit touches


def measure(command: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """Run a command; return its wall time in seconds and its peak memory in MB."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{process.stderr.read().decode(errors='replace')}")
    return seconds, usage.ru_maxrss / 1024


def settle(folder: Path) -> None:
    """Before a clean build: write back what is pending and read the sources once, so that each
    tool starts with its input in the page cache and no earlier run's writes still in flight.

    Hugo's content is written just before its clean build, while gongkai's corpus was written
    before Hugo's runs; at 100,000 notices their 18 GB peaks can push it out of the page cache of
    a machine with 23 GB, and gongkai's clean build then read it back from disk within its time.
    """
    os.sync()
    for root, _, names in os.walk(folder):
        for name in names:
            with open(os.path.join(root, name), "rb") as handle:
                while handle.read(1 << 20):
                    pass


def edit(path: Path, old: str, new: str) -> None:
    """Change one notice (or template) the way an editor would."""
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def gongkai_command(corpus: Path, work: Path, turn: int) -> list[str]:
    """The build command of one clean build; every turn builds into new folders."""
    return [sys.executable, str(ROOT / "build.py"), "--content", str(corpus), "--output", str(work / f"gk-output-{turn}"),
            "--cache", str(work / f"gk-cache-{turn}"), "--theme", str(work / "theme")]


def hugo_command(site: Path, work: Path, turn: int) -> list[str]:
    return [shutil.which("hugo") or "hugo", "--quiet", "-s", str(site), "-d", str(work / f"hugo-output-{turn}")]


def taking_turns(tools: dict[str, tuple[Callable[[int], list[str]], Path]], rounds: int) -> dict[str, tuple]:
    """Time each tool's clean build `rounds` times, the tools taking turns; return the median time,
    the largest peak memory and every time.

    A slow spell of the shared host then falls on both tools, not on one. Nothing is deleted between
    turns: deleting a tree of 100,000 folders kept the disk busy well into the next build.
    """
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in tools}
    for turn in range(1, rounds + 1):
        for name, (command_of, source) in tools.items():
            settle(source)
            runs[name].append(measure(command_of(turn)))
    return {name: (median(s for s, _ in times), max(m for _, m in times), [s for s, _ in times])
            for name, times in runs.items()}


def bench_gongkai(corpus: Path, work: Path, cold: tuple, turn: int) -> dict[str, tuple]:
    """Time gongkai's other five scenarios, from the folders of its last clean build."""
    build = gongkai_command(corpus, work, turn)
    results = {"cold build": cold}
    shutil.rmtree(work / f"gk-output-{turn}")
    results["warm cache, empty output"] = measure(build)
    results["no-op rebuild"] = measure(build)
    edit(corpus / EDITED, "## 一、", "## 一、修改")
    results["one body edit"] = measure(build)
    edit(corpus / EDITED, "title: 关于", "title: 修改关于")
    results["one title edit"] = measure(build)
    edit(work / "theme/templates/notice.html", "{% endblock %}", "<!-- 修改 -->{% endblock %}")
    results["one template edit"] = measure(build)
    return results


def bench_hugo(site: Path, work: Path, cold: tuple, turn: int) -> dict[str, tuple]:
    """Time Hugo's rebuilds after its last clean build: after the same body edit, with nothing changed,
    after a title edit."""
    command = hugo_command(site, work, turn)
    results = {"cold build": cold}
    edit(site / "content" / EDITED, "## 一、", "## 一、修改")
    results["one body edit"] = measure(command)
    results["no-op rebuild"] = measure(command)
    edit(site / "content" / EDITED, 'title: "关于', 'title: "修改关于')
    results["one title edit"] = measure(command)
    return results


def bench_pelican(corpus: Path, work: Path, pelican: str | None) -> dict[str, tuple]:
    """Time Pelican's clean build."""
    if pelican is None:
        return {}
    site = write_pelican(corpus, work / "pelican")
    command = [pelican, str(site / "content"), "-s", str(site / "pelicanconf.py"), "-o", str(work / "pel-output"),
               "--ignore-cache", "-q"]
    settle(site)
    return {"cold build": measure(command, cwd=site)}


def bench_size(n: int, work: Path, rounds: int, search: bool, pelican: str | None) -> str:
    """Measure every scenario at one size; return its table."""
    corpus = work / "corpus"
    write_corpus(corpus, n, search=search)
    theme = work / "theme"
    (theme / "templates").mkdir(parents=True)
    shutil.copy(ROOT / "themes/default/templates/notice.html", theme / "templates/notice.html")
    site = write_hugo(corpus, work / "hugo") if shutil.which("hugo") else None  # from the untouched corpus
    tools: dict[str, tuple[Callable[[int], list[str]], Path]] = {}
    if site is not None:
        tools["Hugo"] = (lambda turn: hugo_command(site, work, turn), site)
    tools["gongkai"] = (lambda turn: gongkai_command(corpus, work, turn), corpus)
    cold = taking_turns(tools, rounds)
    hugo = bench_hugo(site, work, cold["Hugo"], rounds) if site is not None else {}
    # Pelican took 83 s at 10,000 and grows faster than linearly; the issue compares
    # N = 100,000 with Hugo only.
    peli = bench_pelican(corpus, work, pelican) if n <= 10000 else {}
    gk = bench_gongkai(corpus, work, cold["gongkai"], rounds)
    return table(n, gk, hugo, peli, rounds)


# The targets: gongkai's time over Hugo's in the same run, for the same scenario
# (warm cache is compared with Hugo's clean build: Hugo has no cache to keep).
TARGETS = {"cold build": ("cold build", 1.5), "warm cache, empty output": ("cold build", 0.5),
           "no-op rebuild": ("no-op rebuild", 0.10), "one body edit": ("one body edit", 0.15),
           "one title edit": ("one title edit", 0.25)}


def table(n: int, gk: dict, hugo: dict, pelican: dict, rounds: int) -> str:
    """Format one size's results as a Markdown table, with each ratio to Hugo and the issue's target."""

    def cell(result: tuple | None) -> str:
        if result is None:
            return ""
        spread = f" ({', '.join(f'{s:.1f}' for s in result[2])})" if len(result) > 2 and len(result[2]) > 1 else ""
        return f"{result[0]:.2f} s{spread}, {result[1]:.0f} MB"

    def verdict(scenario: str) -> str:
        against, target = TARGETS.get(scenario, (None, None))
        if against not in hugo:
            return ""
        ratio = gk[scenario][0] / hugo[against][0]
        return f"{ratio:.2f} × Hugo's {against} (target ≤ {target} ×: {'met' if ratio <= target else 'not met'})"

    lines = [f"N = {n:,}; clean builds: median of {rounds}, the tools taking turns (each time in brackets)", "", "| scenario | gongkai | Hugo | Pelican | gongkai / Hugo |", "| --- | --- | --- | --- | --- |"]
    for scenario in gk:
        lines.append(f"| {scenario} | {cell(gk[scenario])} | {cell(hugo.get(scenario))} | "
                     f"{cell(pelican.get(scenario))} | {verdict(scenario)} |")
    return "\n".join(lines)


def main() -> None:
    """Run the benchmark for each size and print the tables."""
    p = argparse.ArgumentParser(description="Benchmark gongkai against Hugo and Pelican.")
    p.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    p.add_argument("--huge", action="store_true", help="also N = 100,000")
    p.add_argument("--search", action="store_true", help="build the Pagefind index too (the peers build none)")
    p.add_argument("--pelican", default=shutil.which("pelican"), help="the pelican command, if installed")
    p.add_argument("--rounds", type=int, default=3, help="clean builds of gongkai and Hugo, taking turns")
    args = p.parse_args()
    sizes = args.sizes + ([100000] if args.huge else [])
    pelican_command = str(Path(args.pelican).resolve()) if args.pelican and Path(args.pelican).is_file() else None
    print(f"{os.cpu_count()} cores; {subprocess.run(['hugo', 'version'], capture_output=True, text=True).stdout.strip() if shutil.which('hugo') else 'no Hugo'}")
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="gongkai-bench-") as folder:
            print(bench_size(n, Path(folder), max(1, args.rounds), args.search, pelican_command), flush=True)
            print()


if __name__ == "__main__":
    main()
