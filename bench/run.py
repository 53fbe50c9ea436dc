"""Benchmark: time gongkai's builds beside Hugo's and Pelican's on the same corpus.

Run by `make bench` (never by `make test`). For each size it writes the seeded
corpus, then measures in one run, one after the other on the same machine:
gongkai's cold build, warm-cache build into an empty output, no-op rebuild,
and rebuilds after one body edit, one title edit and one template edit; Hugo's
clean build and its rebuild after the same body edit; Pelican's clean build.
Wall time and the peak resident memory of the largest process are printed with
the ratio to Hugo's clean build. Before each clean build the tool's input is
read once (settle), so that every tool starts from the page cache.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


def bench_gongkai(corpus: Path, work: Path) -> dict[str, tuple[float, float]]:
    """Time gongkai's six scenarios."""
    theme = work / "theme"
    (theme / "templates").mkdir(parents=True)
    shutil.copy(ROOT / "themes/default/templates/notice.html", theme / "templates/notice.html")
    output, cache = work / "gk-output", work / "gk-cache"
    build = [sys.executable, str(ROOT / "build.py"), "--content", str(corpus), "--output", str(output),
             "--cache", str(cache), "--theme", str(theme)]
    settle(corpus)
    results = {"cold build": measure(build)}
    shutil.rmtree(output)
    results["warm cache, empty output"] = measure(build)
    results["no-op rebuild"] = measure(build)
    edit(corpus / EDITED, "## 一、", "## 一、修改")
    results["one body edit"] = measure(build)
    edit(corpus / EDITED, "title: 关于", "title: 修改关于")
    results["one title edit"] = measure(build)
    edit(theme / "templates/notice.html", "{% endblock %}", "<!-- 修改 -->{% endblock %}")
    results["one template edit"] = measure(build)
    return results


def bench_hugo(corpus: Path, work: Path) -> dict[str, tuple[float, float]]:
    """Time Hugo's clean build and its rebuilds: after the same body edit, with nothing changed, after a title edit."""
    hugo = shutil.which("hugo")
    if hugo is None:
        return {}
    site = write_hugo(corpus, work / "hugo")
    command = [hugo, "--quiet", "-s", str(site), "-d", str(work / "hugo-output")]
    settle(site)
    results = {"cold build": measure(command)}
    edit(site / "content" / EDITED, "## 一、", "## 一、修改")
    results["one body edit"] = measure(command)
    results["no-op rebuild"] = measure(command)
    edit(site / "content" / EDITED, 'title: "关于', 'title: "修改关于')
    results["one title edit"] = measure(command)
    return results


def bench_pelican(corpus: Path, work: Path, pelican: str | None) -> dict[str, tuple[float, float]]:
    """Time Pelican's clean build."""
    if pelican is None:
        return {}
    site = write_pelican(corpus, work / "pelican")
    command = [pelican, str(site / "content"), "-s", str(site / "pelicanconf.py"), "-o", str(work / "pel-output"),
               "--ignore-cache", "-q"]
    settle(site)
    return {"cold build": measure(command, cwd=site)}


# The targets: gongkai's time over Hugo's in the same run, for the same scenario
# (warm cache is compared with Hugo's clean build: Hugo has no cache to keep).
TARGETS = {"cold build": ("cold build", 1.5), "warm cache, empty output": ("cold build", 0.5),
           "no-op rebuild": ("no-op rebuild", 0.10), "one body edit": ("one body edit", 0.15),
           "one title edit": ("one title edit", 0.25)}


def table(n: int, gk: dict, hugo: dict, pelican: dict) -> str:
    """Format one size's results as a Markdown table, with each ratio to Hugo and the issue's target."""

    def cell(result: tuple[float, float] | None) -> str:
        return "" if result is None else f"{result[0]:.2f} s, {result[1]:.0f} MB"

    def verdict(scenario: str) -> str:
        against, target = TARGETS.get(scenario, (None, None))
        if against not in hugo:
            return ""
        ratio = gk[scenario][0] / hugo[against][0]
        return f"{ratio:.2f} × Hugo's {against} (target ≤ {target} ×: {'met' if ratio <= target else 'not met'})"

    lines = [f"N = {n:,}", "", "| scenario | gongkai | Hugo | Pelican | gongkai / Hugo |", "| --- | --- | --- | --- | --- |"]
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
    args = p.parse_args()
    sizes = args.sizes + ([100000] if args.huge else [])
    pelican_command = str(Path(args.pelican).resolve()) if args.pelican and Path(args.pelican).is_file() else None
    print(f"{os.cpu_count()} cores; {subprocess.run(['hugo', 'version'], capture_output=True, text=True).stdout.strip() if shutil.which('hugo') else 'no Hugo'}")
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="gongkai-bench-") as folder:
            work = Path(folder)
            write_corpus(work / "corpus", n, search=args.search)
            hugo = bench_hugo(work / "corpus", work)  # peers first, on the untouched corpus
            # Pelican took 83 s at 10,000 and grows faster than linearly; the issue compares
            # N = 100,000 with Hugo only.
            pelican = bench_pelican(work / "corpus", work, pelican_command) if n <= 10000 else {}
            gk = bench_gongkai(work / "corpus", work)
            print(table(n, gk, hugo, pelican), flush=True)
            print()


if __name__ == "__main__":
    main()
