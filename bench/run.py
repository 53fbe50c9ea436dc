"""Benchmark: gongkai's builds beside its peers', in the configurations people run.

Run by `make bench` (never by `make test`). For each size it writes the seeded
corpus and measures, in one run on the same machine, three configurations:

- search on with the flags of the shipped CI templates (`--precompress
  --manifest … --first-publication`) against Hugo, then Pagefind over Hugo's
  output, timed together as one build;
- search off, plain `build.py`, against Hugo alone;
- search off with the CI flags, against Hugo alone (Hugo has nothing like
  `--precompress`).

Clean builds run --rounds times, all builds taking turns, each into new
folders, and compare medians. Then gongkai's warm cache into an empty output,
the rebuild when nothing changed, one body edit and one title edit (each the
median of three different edits, rebuilt and timed one by one) and one template
edit; the peer's rebuilds after the same edits are full builds (Hugo has no
incremental build from the command line), plus Pagefind when search is on.
Every figure is wall time and the peak memory of the whole process tree
(memory.run_tree). Last, a headless Chromium types a query into gongkai's
search page on the built search-on site and times the first result.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import site_yaml, write_corpus  # noqa: E402
from memory import run_tree  # noqa: E402
from peers import write_hugo  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
# The three notices edited, one per edit, so that each of the three edits is a different one.
EDITED = ("guides/n000001.md", "results/n000002.md", "policies/n000003.md")
BODY_EDIT = ("## 一、", "## 一、修改")
TITLE_EDIT = ("title: 关于", "title: 修改关于")
HUGO_TITLE_EDIT = ('title: "关于', 'title: "修改关于')
TEMPLATE_EDIT = ("{% endblock %}", "<!-- 修改 -->{% endblock %}")
QUERY = "通知"  # in every title: a query that finds many notices, as a reader's first try often does


@dataclass(frozen=True)
class Config:
    """One way of building the site, and the peer it is compared with."""

    key: str
    title: str
    search: bool
    ci_flags: bool  # build with the flags of the shipped CI templates
    peer: str


CONFIGS = (
    Config("on", "search on, with the CI templates' flags", True, True, "Hugo + Pagefind"),
    Config("off", "search off, plain `build.py`", False, False, "Hugo"),
    Config("off-ci", "search off, with the CI templates' flags", False, True, "Hugo"),
)


@dataclass
class Result:
    """The times (s) and whole-tree peak memories (MB) of the runs of one scenario."""

    times: list[float] = field(default_factory=list)
    peaks: list[float] = field(default_factory=list)

    def add(self, seconds: float, peak: float) -> None:
        self.times.append(seconds)
        self.peaks.append(peak)

    @property
    def seconds(self) -> float:
        return median(self.times)

    @property
    def peak(self) -> float:
        return max(self.peaks)


# The targets, set at 10,000 notices (at 1,000 a build is mostly starting Python and its
# peer's is a fraction of a second): gongkai's median over the peer's, the scenario compared with
# (warm cache against the peer's clean build: the peer keeps no cache), and the largest ratio allowed.
TARGET_SIZE = 10_000
TARGETS = {
    True: {"clean build": ("clean build", 1.0), "warm cache, empty output": ("clean build", 0.3),
           "one body edit": ("one body edit", 0.15), "one title edit": ("one title edit", 0.25)},
    False: {"clean build": ("clean build", 1.5), "one body edit": ("one body edit", 0.15)},
}
# At 100,000 notices, absolute targets too: (scenario, or "*" for every build; "seconds" or "memory"; limit).
HUGE_TARGETS = {True: [("one body edit", "seconds", 10.0), ("*", "memory", 4096.0)],
                False: [("one body edit", "seconds", 5.0)]}
HUGE = 100_000
PROPORTIONAL = False  # --pss: memory as the tree's summed proportional set sizes (memory.run_tree)


def measure(command: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """Run a command; return its wall time (s) and the peak memory of its whole tree (MB); stop if it fails."""
    with tempfile.TemporaryFile() as errors:
        run = run_tree(command, cwd=cwd, stderr=errors, proportional=PROPORTIONAL)
        if run.code != 0:
            errors.seek(0)
            raise SystemExit(f"failed ({run.code}): {' '.join(command)}\n{errors.read().decode(errors='replace')}")
    return run.seconds, run.peak


def measure_steps(commands: list[list[str]]) -> list[tuple[float, float]]:
    """Run commands one after the other (Hugo, then Pagefind); return each one's time and peak."""
    return [measure(command) for command in commands]


def settle(folder: Path) -> None:
    """Before a clean build: write back what is pending and read the sources once, so that each
    tool starts with its input in the page cache and no earlier run's writes still in flight."""
    os.sync()
    for root, _, names in os.walk(folder):
        for name in names:
            with open(os.path.join(root, name), "rb") as handle:
                while handle.read(1 << 20):
                    pass


def edit(path: Path, old: str, new: str) -> None:
    """Change one notice (or template) the way an editor would."""
    text = path.read_text(encoding="utf-8")
    if old not in text:
        raise SystemExit(f"{path}: cannot edit, {old!r} is not in it")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def ratio(gongkai: float, peer: float) -> float:
    return gongkai / peer


def holds(value: float, limit: float) -> str:
    return "yes" if value <= limit else "no"


class Gongkai:
    """The folders and command lines of one configuration of gongkai."""

    def __init__(self, config: Config, work: Path, corpus: Path):
        self.config, self.work, self.corpus = config, work, corpus
        self.theme = work / f"theme-{config.key}"
        (self.theme / "templates").mkdir(parents=True)
        shutil.copy(ROOT / "themes/default/templates/notice.html", self.theme / "templates/notice.html")

    def output(self, turn: int) -> Path:
        return self.work / f"gk-{self.config.key}-output-{turn}"

    def command(self, turn: int) -> list[str]:
        """The build command; every turn has its own output, cache and (with the CI flags) manifest."""
        command = [sys.executable, str(ROOT / "build.py"), "--content", str(self.corpus),
                   "--output", str(self.output(turn)), "--cache", str(self.work / f"gk-{self.config.key}-cache-{turn}"),
                   "--theme", str(self.theme)]
        if self.config.ci_flags:
            # As .github/workflows/publish.yml and .gitlab-ci.yml build: the first build of a turn
            # publishes for the first time, each rebuild reads the manifest the build before wrote.
            command += ["--precompress", "--manifest", str(self.work / f"gk-{self.config.key}-manifest-{turn}.json"),
                        "--first-publication"]
        return command


class Peer:
    """Hugo over the same corpus, then (search on) Pagefind over Hugo's output."""

    def __init__(self, work: Path, site: Path, pagefind: str):
        self.work, self.site, self.pagefind = work, site, pagefind

    def output(self, turn: int) -> Path:
        return self.work / f"hugo-output-{turn}"

    def commands(self, turn: int) -> list[list[str]]:
        hugo = [shutil.which("hugo") or "hugo", "--quiet", "-s", str(self.site), "-d", str(self.output(turn))]
        return [hugo, [self.pagefind, "--site", str(self.output(turn))]]


def record_peer(results: dict[str, dict[str, Result]], scenario: str, steps: list[tuple[float, float]]) -> None:
    """File one run of Hugo, then Pagefind, as Hugo alone and as Hugo + Pagefind."""
    (hugo_s, hugo_m), (pf_s, pf_m) = steps
    results["Hugo"].setdefault(scenario, Result()).add(hugo_s, hugo_m)
    results["Hugo + Pagefind"].setdefault(scenario, Result()).add(hugo_s + pf_s, max(hugo_m, pf_m))


def bench_size(n: int, work: Path, rounds: int, pagefind: str, configs: tuple[Config, ...],
               peers_too: bool = True) -> str:
    """Measure every configuration and scenario at one size; return the tables."""
    corpora = {}
    first = write_corpus(work / f"corpus-{configs[0].key}", n, search=configs[0].search)
    for config in configs:
        corpora[config.key] = work / f"corpus-{config.key}"
        if config is not configs[0]:
            shutil.copytree(first, corpora[config.key])
            (corpora[config.key] / "site.yaml").write_text(site_yaml(config.search), encoding="utf-8")
    site = write_hugo(first, work / "hugo") if peers_too else work / "hugo"
    peer = Peer(work, site, pagefind)
    tools = {config.key: Gongkai(config, work, corpora[config.key]) for config in configs}
    gk: dict[str, dict[str, Result]] = {config.key: {} for config in configs}
    peers: dict[str, dict[str, Result]] = {"Hugo": {}, "Hugo + Pagefind": {}}

    # Clean builds: every tool once per round, taking turns, so that a slow spell of the shared
    # host falls on all of them. Nothing is deleted between turns: deleting a large tree keeps
    # the disk busy well into the next build.
    for turn in range(1, rounds + 1):
        if peers_too:
            settle(site)
            record_peer(peers, "clean build", measure_steps(peer.commands(turn)))
        for key, tool in tools.items():
            settle(tool.corpus)
            gk[key].setdefault("clean build", Result()).add(*measure(tool.command(turn)))

    browser = None
    searching = [c for c in configs if c.search]
    if searching:
        from browser import first_results, with_one_index  # noqa: PLC0415 (Selenium only when it is used)

        built = tools[searching[0].key].output(1)
        with tempfile.TemporaryDirectory(prefix="bench-one-index-", dir=built.parent) as scratch:
            # One index over the whole site is what does not fit in memory at 100,000 notices.
            browser = (first_results(built, "/gk/", QUERY),
                       first_results(with_one_index(built, Path(scratch) / "site"), "/gk/", QUERY) if peers_too else [])

    # The peer's rebuilds, into the output of its last clean build.
    commands = peer.commands(rounds)
    if peers_too:
        record_peer(peers, "nothing changed", measure_steps(commands))
        for scenario, (old, new) in (("one body edit", BODY_EDIT), ("one title edit", HUGO_TITLE_EDIT)):
            for rel in EDITED:
                edit(site / "content" / rel, old, new)
                record_peer(peers, scenario, measure_steps(commands))

    # gongkai's rebuilds, from the folders of its last clean build.
    for config in configs:
        tool, results = tools[config.key], gk[config.key]
        command = tool.command(rounds)
        shutil.rmtree(tool.output(rounds))
        results["warm cache, empty output"] = Result()
        results["warm cache, empty output"].add(*measure(command))
        results["nothing changed"] = Result()
        results["nothing changed"].add(*measure(command))
        for scenario, (old, new) in (("one body edit", BODY_EDIT), ("one title edit", TITLE_EDIT)):
            results[scenario] = Result()
            for rel in EDITED:
                edit(tool.corpus / rel, old, new)
                results[scenario].add(*measure(command))
        edit(tool.theme / "templates/notice.html", *TEMPLATE_EDIT)
        results["one template edit"] = Result()
        results["one template edit"].add(*measure(command))

    return "\n\n".join(table(n, config, gk[config.key], peers[config.peer], rounds,
                             browser if config.search else None) for config in configs)


def cell(result: Result | None) -> str:
    """One scenario's median time, each run's time in brackets when there are several, and the peak."""
    if result is None:
        return ""
    spread = f" ({', '.join(f'{s:.2f}' for s in result.times)})" if len(result.times) > 1 else ""
    return f"{result.seconds:.2f} s{spread}, {result.peak:,.0f} MB"


def verdict(scenario: str, n: int, search: bool, gk: dict[str, Result], peer: dict[str, Result]) -> tuple[str, str, str]:
    """The ratio to the peer, the issue's target for this scenario and whether it holds."""
    against, limit = TARGETS[search].get(scenario, (scenario, None))
    shown = f"{ratio(gk[scenario].seconds, peer[against].seconds):.2f} ×" if against in peer else ""
    if against != scenario and shown:
        shown += f" (of the peer's {against})"
    targets, verdicts = [], []
    if limit is not None and against in peer and n >= TARGET_SIZE:
        targets.append(f"≤ {limit} ×")
        verdicts.append(holds(ratio(gk[scenario].seconds, peer[against].seconds), limit))
    if n >= HUGE:
        for name, kind, bound in HUGE_TARGETS[search]:
            if name in (scenario, "*"):
                value = gk[scenario].seconds if kind == "seconds" else gk[scenario].peak
                targets.append(f"< {bound:.0f} s" if kind == "seconds" else f"< {bound / 1024:.0f} GB")
                verdicts.append("yes" if value < bound else "no")
    return shown, "; ".join(targets), "; ".join(verdicts)


def table(n: int, config: Config, gk: dict[str, Result], peer: dict[str, Result], rounds: int,
          browser: tuple[list[float], list[float]] | None) -> str:
    """Format one configuration's results at one size as a Markdown table."""
    lines = [f"N = {n:,}, {config.title}, against {config.peer} (clean builds: median of {rounds} in turns; "
             "edits: median of 3; each run in brackets; peak memory of the whole process tree"
             f"{', as summed PSS' if PROPORTIONAL else ''})", "",
             f"| scenario | gongkai | {config.peer} | gongkai / peer | target | holds |",
             "| --- | --- | --- | --- | --- | --- |"]
    for scenario, result in gk.items():
        shown, target, held = verdict(scenario, n, config.search, gk, peer)
        lines.append(f"| {scenario} | {cell(result)} | {cell(peer.get(scenario))} | {shown} | {target} | {held} |")
    if browser:
        shards, one = browser
        each, each_one = (", ".join(f"{ms:.0f}" for ms in times) for times in browser)
        against = (f"one index: {median(one):.0f} ms ({each_one}) | {median(shards) / median(one):.2f} × | ≤ 1.5 × | "
                   f"{holds(median(shards) / median(one), 1.5)}") if one else " | | "
        lines.append(f"| search page: first results in the browser | {median(shards):.0f} ms ({each}) | {against} |")
    return "\n".join(lines)


def pagefind_executable() -> str:
    """The Pagefind binary of the project's environment, the one gongkai's builds run."""
    from pagefind.service import get_executable  # noqa: PLC0415

    executable = get_executable()
    if executable is None:
        raise SystemExit("Pagefind is missing: `make build` installs pagefind[extended] into .venv")
    return str(executable)


def main() -> None:
    """Run the benchmark for each size and print the tables."""
    p = argparse.ArgumentParser(description="Benchmark gongkai against Hugo, and Hugo then Pagefind.")
    p.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    p.add_argument("--huge", action="store_true", help="also N = 100,000")
    p.add_argument("--rounds", type=int, default=3, help="clean builds of each tool, taking turns")
    p.add_argument("--only", choices=[c.key for c in CONFIGS], nargs="+", help="measure only these configurations")
    p.add_argument("--no-peers", action="store_true",
                   help="gongkai alone, against the absolute targets (Pagefind over 100,000 pages needs ~24 GB)")
    p.add_argument("--pss", action="store_true",
                   help="memory as the summed proportional set size of the tree (shared pages once); "
                        "sampled every 0.25 s at some cost in time: for memory, not for times")
    args = p.parse_args()
    global PROPORTIONAL
    PROPORTIONAL = args.pss
    if not shutil.which("hugo"):
        raise SystemExit("Hugo is missing: apt-get install -y hugo")
    sizes = args.sizes + ([HUGE] if args.huge else [])
    configs = tuple(c for c in CONFIGS if not args.only or c.key in args.only)
    if any(c.search for c in configs):
        configs = tuple(sorted(configs, key=lambda c: not c.search))  # the corpus is written with search on
    pagefind = pagefind_executable()
    version = subprocess.run([pagefind, "--version"], capture_output=True, text=True).stdout.strip()
    hugo = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.strip()
    print(f"{os.cpu_count()} cores; {hugo}; {version}", flush=True)
    # Installed gongkai has its bytecode (pip compiles it); a checkout gets it on its first run, except
    # where PYTHONDONTWRITEBYTECODE is set, and then each build compiled the package again (0.2 s).
    compileall.compile_dir(ROOT / "generator", quiet=1)
    for n in sizes:
        started = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="gongkai-bench-") as folder:
            print(bench_size(n, Path(folder), max(1, args.rounds), pagefind, configs, not args.no_peers), flush=True)
        print(f"\n(N = {n:,} took {time.perf_counter() - started:.0f} s)\n", flush=True)


if __name__ == "__main__":
    main()
