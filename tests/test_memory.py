"""Memory: a large content folder costs memory in proportion to it, with a measured budget.

bench/memory.py measures 100,000 notices (bench/README.md); this cheaper
check builds 2,000 in a child process and compares the child's own peak
memory with a ten-notice build, so a change that keeps far more per notice
(or whole copies of the site) fails here rather than on the server.
"""

from __future__ import annotations

import re
import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from memory import make_content, measure  # noqa: E402

# Measured: a clean build grows about 9 KB per notice from 10,000 to 100,000
# (peak RSS, see bench/README.md); 20 KB leaves room for allocator noise, not for a leak.
BUDGET_PER_NOTICE_MB = 20 / 1024


def test_peak_memory_grows_no_more_than_the_budget_per_notice(tmp_path):
    small_rss, _seconds, code = measure(make_content(tmp_path / "small", 10), tmp_path / "out-small")
    assert code == 0
    large_rss, _seconds, code = measure(make_content(tmp_path / "large", 2000), tmp_path / "out-large")
    assert code == 0
    assert sum(1 for _ in (tmp_path / "out-large").rglob("index.html")) > 2000  # it really built them all
    assert large_rss - small_rss <= 2000 * BUDGET_PER_NOTICE_MB, (small_rss, large_rss)


def test_index_pages_stay_small_however_long_the_category(tmp_path):
    """Each index page links a window of pages, not all of them: output and memory grow linearly."""
    from conftest import GOOD_NOTICE, SITE_YAML, build, write_site

    notices = {f"n{i:02d}.md": GOOD_NOTICE.replace("合格的公告", f"公告{i}") for i in range(30)}
    content = write_site(tmp_path / "content", notices, SITE_YAML + "per_page: 1\n")
    assert build(content, tmp_path / "output") == 0
    page = (tmp_path / "output" / "guides" / "page" / "15" / "index.html").read_text(encoding="utf-8")
    pager = page.split('aria-label="分页"', 1)[1].split("</nav>", 1)[0]
    numbers = [int(n) for n in re.findall(r">(\d+)</(?:a|span)>", pager)]
    assert numbers == [1, 13, 14, 15, 16, 17, 30]
    assert pager.count("…") == 2
