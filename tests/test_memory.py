"""Memory: a large content folder costs memory in proportion to it, with a measured budget.

bench/memory.py measures 100,000 notices (bench/README.md); this cheaper
check builds 2,000 in a child process and compares the child's own peak
memory with a ten-notice build, so a change that keeps far more per notice
(or whole copies of the site) fails here rather than on the server.
"""

from __future__ import annotations

import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from memory import make_content, measure  # noqa: E402

# Measured: about 9 KB per notice at 5,000 and 14 KB at 20,000 (peak RSS, see
# bench/README.md); 40 KB leaves room for allocator noise, not for a leak.
BUDGET_PER_NOTICE_MB = 40 / 1024


def test_peak_memory_grows_no_more_than_the_budget_per_notice(tmp_path):
    small_rss, _seconds, code = measure(make_content(tmp_path / "small", 10), tmp_path / "out-small")
    assert code == 0
    large_rss, _seconds, code = measure(make_content(tmp_path / "large", 2000), tmp_path / "out-large")
    assert code == 0
    assert sum(1 for _ in (tmp_path / "out-large").rglob("index.html")) > 2000  # it really built them all
    assert large_rss - small_rss <= 2000 * BUDGET_PER_NOTICE_MB, (small_rss, large_rss)
