"""Write stage, search part: build the Pagefind full-text index inside the staging folder.

The index is part of the site, so it is made before the staging folder is
swapped in: readers never see pages without their index or an index of pages
that are gone. Only what notice pages mark with `data-pagefind-body` is
indexed, and hidden notices have no page, so they cannot enter it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from generator.build.pagefind_order import canonicalise
from generator.core.errors import BuildFailed, Diagnostic

BUNDLE = "pagefind"  # folder below the site root, linked from the search page


def index_site(site: Path) -> int:
    """Index the staged site with the Chinese-segmenting Pagefind build; return the files it added."""
    before = _count_files(site)
    command = [sys.executable, "-m", "pagefind", "--site", str(site), "--output-subdir", BUNDLE, "--silent"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        # Raised inside the staging block: the half-built site is dropped and the old one stays.
        detail = (result.stderr.strip() or result.stdout.strip()).splitlines()[-1:] or ["无输出"]
        raise BuildFailed([Diagnostic("site.yaml", 1, f"生成搜索索引失败（Pagefind：{detail[0]}）；请重新运行 make build "
                                      "安装 requirements.txt 中的 pagefind[extended]，或在 site.yaml 中设置 search: false")])
    canonicalise(site / BUNDLE)  # Pagefind's own output differs from run to run
    return _count_files(site) - before


def _count_files(folder: Path) -> int:
    """Count the files below a folder."""
    return sum(1 for p in folder.rglob("*") if p.is_file())
