"""What a build is asked to do and what it did: defined at the bottom so that every stage can type them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from generator.core.errors import Diagnostic


@dataclass(frozen=True)
class Options:
    """What the command line asked for."""

    content: Path
    output: Path
    theme: Path | None = None  # a user theme over the default; None: site.yaml's, or only the default
    check: bool = False  # validate, build into a throwaway folder and check its links; write nothing
    drafts: bool = False
    future: bool = False
    precompress: bool = False  # write NAME.gz beside each text file, for gzip_static
    manifest: Path | None = None  # read the last published manifest here and write the new one back
    first_publication: bool = False  # the site was never published: --manifest may name a file not there yet
    cache: Path | None = None  # the cache folder; None: .gongkai-cache beside the output
    use_cache: bool = True
    # How a build runs, not what it makes: left out of the repr, which a rebuild compares (shortcut.py).
    jobs: int | None = field(default=None, repr=False)  # worker processes; None: every core when the site is big enough
    serving: bool = False  # more builds follow (serve), so even the first one readies the next (output.py)
    wait: bool = field(default=True, repr=False)  # wait for a build of the same output or cache to end (locks.py)
    strict: bool = False  # empty or overdue columns and missing or late 解读 fail the build (CI)
    cms_proxy: str | None = None  # serve --cms: the local proxy's address, for the editing page
    # serve: pages go in with the last search index, a second build brings the new one (cli/main.py).
    # Left out of the repr, which a rebuild compares (shortcut.py): it changes when the index is made, not what.
    defer_search: bool = field(default=False, repr=False)


Progress = Callable[[int, int], None]  # (pages done, pages in all)

# The three ways a build can go (build/ways.py chooses), as `build.py -v` names them.
UNCHANGED, TOUCH_UP, FULL = "unchanged", "touch-up", "full"
WAY_LABELS = {UNCHANGED: "未改变（沿用上次构建的输出）", TOUCH_UP: "局部更新", FULL: "完整构建"}


@dataclass
class Report:
    """What a build did, for the summary line."""

    published: int = 0
    held_back: Counter = field(default_factory=Counter)
    files: int = 0
    cached: int = 0  # pages taken from the cache instead of rendered
    seconds: float = 0.0
    warnings: list[Diagnostic] = field(default_factory=list)
    reviewed: list[str] = field(default_factory=list)  # published with privacy_reviewed: path and reason
    late: list[str] = field(default_factory=list)  # published more than 20 working days after written
    stale: list[str] = field(default_factory=list)  # columns empty or overdue, one line each (freshness.py)
    way: str = FULL  # UNCHANGED, TOUCH_UP or FULL
    why: str = ""  # why the build went that way, in Chinese
    output: dict[str, int] = field(default_factory=dict, repr=False)  # file -> inode, of the output made
    search_deferred: bool = False  # the pages went in with the last search index (Options.defer_search)
