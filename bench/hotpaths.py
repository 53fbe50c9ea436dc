"""Benchmark: the per-notice functions of a build, timed one by one on the bench corpus.

A build spends most of its time in a few functions that run once per notice;
this times each of them over the same seeded notices, in this process, and
prints the best of several rounds in milliseconds per notice. Run it with
`python bench/hotpaths.py [COUNT]` (never part of `make test`).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus import write_corpus  # noqa: E402

from generator.core.config import load_config  # noqa: E402
from generator.core.limits import body_nesting  # noqa: E402
from generator.disclosure.privacy import find_numbers  # noqa: E402
from generator.load.sources import parse_source  # noqa: E402
from generator.load.validate import validate_source  # noqa: E402
from generator.markdown.markup import Converter  # noqa: E402
from generator.site.qr import qr_svg  # noqa: E402

ROUNDS = 5


def best_of(work: Callable[[], object], count: int) -> float:
    """Milliseconds per notice of the fastest round: the others were slowed by something else."""
    fastest = min(_seconds(work) for _ in range(ROUNDS))
    return fastest / count * 1000


def _seconds(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, nargs="?", default=1000, help="notices in the corpus (default 1000)")
    count = parser.parse_args().count
    with tempfile.TemporaryDirectory() as folder:
        content = write_corpus(Path(folder) / "content", count)
        config = load_config(content)
        files = [(p.read_bytes(), p.relative_to(content).as_posix()) for p in sorted(content.rglob("*.md"))]
    sources = [parse_source(data, rel)[0] for data, rel in files]
    bodies = [s.body for s in sources]
    addresses = [config.base_url + n.url for n in (validate_source(s, config)[0] for s in sources) if n is not None]
    converter, full = Converter(), Converter(plain=False)
    timings = {
        "parse_source (decode, split, YAML)": lambda: [parse_source(data, rel) for data, rel in files],
        "validate_source": lambda: [validate_source(s, config) for s in sources],
        "body_nesting": lambda: [body_nesting(b) for b in bodies],
        "find_numbers on the body": lambda: [list(find_numbers(b)) for b in bodies],
        "Converter.convert (as a build converts)": lambda: [converter.convert(b) for b in bodies],
        "Converter.convert, the full way for every body": lambda: [full.convert(b) for b in bodies],
        "qr_svg of the page address": lambda: [qr_svg(a) for a in addresses],
    }
    print(f"{len(files)} notices, best of {ROUNDS} rounds, ms per notice")
    for name, work in timings.items():
        print(f"  {name:45} {best_of(work, len(files)):7.3f}")


if __name__ == "__main__":
    main()
