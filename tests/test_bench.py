"""The benchmark's own arithmetic: whole-tree memory, medians of edits and the targets' verdicts.

No timings are asserted here (the machine decides those); these check that
`make bench` reports what it says it reports.
"""

from __future__ import annotations

import sys

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from memory import run_tree  # noqa: E402
from run import Result, measure, verdict  # noqa: E402

MB = 64
# Two workers each hold MB megabytes at the same time, as a build's forked workers and its
# Pagefind service do; the parent itself stays small.
TWO_WORKERS = f"""
import os, time
for _ in range(2):
    if os.fork() == 0:
        block = b"x" * ({MB} << 20)
        time.sleep(0.6)
        os._exit(0)
os.wait()
os.wait()
"""


def test_peak_memory_counts_every_process_of_the_tree():
    run = run_tree([sys.executable, "-c", TWO_WORKERS])
    assert run.code == 0
    assert run.seconds >= 0.6
    assert 2 * MB <= run.peak < 2 * MB + 150, run  # both workers at once, plus two small interpreters
    assert run.own_peak < MB, run  # the parent alone holds neither block


# The parent fills MB megabytes, then forks a worker that only reads them: the pages are shared.
SHARED_WITH_A_WORKER = f"""
import os, time
block = bytearray({MB} << 20)
if os.fork() == 0:
    time.sleep(0.8)
    os._exit(0)
time.sleep(0.8)
os.wait()
"""


def test_proportional_memory_counts_pages_a_forked_worker_shares_once():
    resident = run_tree([sys.executable, "-c", SHARED_WITH_A_WORKER])
    proportional = run_tree([sys.executable, "-c", SHARED_WITH_A_WORKER], proportional=True)
    assert resident.code == proportional.code == 0
    assert resident.peak >= 2 * MB, resident  # each process counts the block it maps
    assert MB <= proportional.peak < MB + 30, proportional  # the tree holds it once


def test_peak_memory_leaves_out_processes_outside_the_tree():
    run = run_tree(["sleep", "0.3"])  # while this test's own process holds far more
    assert run.code == 0
    assert run.peak < 30, run


def test_a_failing_command_stops_the_benchmark_with_its_message():
    with pytest.raises(SystemExit, match="缺少内容目录"):
        measure([sys.executable, "-c", "import sys; sys.exit('缺少内容目录')"])


def test_edits_are_compared_by_their_median_and_the_peak_is_the_largest():
    result = Result()
    for seconds, peak in ((3.0, 100.0), (1.0, 300.0), (2.0, 200.0)):
        result.add(seconds, peak)
    assert (result.seconds, result.peak) == (2.0, 300.0)


def runs(medians: dict[str, float]) -> dict[str, Result]:
    return {scenario: Result([seconds], [500.0]) for scenario, seconds in medians.items()}


def test_search_on_targets_are_the_issue_s():
    gk = runs({"clean build": 9.0, "warm cache, empty output": 4.0, "one body edit": 1.0, "one title edit": 3.0})
    peer = runs({"clean build": 10.0, "one body edit": 10.0, "one title edit": 10.0})
    assert verdict("clean build", 10_000, True, gk, peer) == ("0.90 ×", "≤ 1.0 ×", "yes")
    # Warm cache is held against the peer's clean build: the peer keeps no cache.
    assert verdict("warm cache, empty output", 10_000, True, gk, peer) == (
        "0.40 × (of the peer's clean build)", "≤ 0.3 ×", "no")
    assert verdict("one body edit", 10_000, True, gk, peer)[1:] == ("≤ 0.15 ×", "yes")
    assert verdict("one title edit", 10_000, True, gk, peer)[1:] == ("≤ 0.25 ×", "no")


def test_ratio_targets_are_set_at_10000_notices_and_not_held_against_a_1000_notice_site():
    gk = runs({"clean build": 13.0, "one body edit": 5.0})
    peer = runs({"clean build": 10.0, "one body edit": 10.0})
    # The ratio is still shown; at 1,000 notices a build is mostly Python starting up.
    assert verdict("clean build", 1_000, True, gk, peer) == ("1.30 ×", "", "")
    assert verdict("one body edit", 1_000, False, gk, peer) == ("0.50 ×", "", "")
    assert verdict("one body edit", 10_000, False, gk, peer)[1:] == ("≤ 0.15 ×", "no")


def test_search_off_is_held_to_its_own_targets_and_100000_to_absolute_ones():
    gk = runs({"clean build": 14.0, "one body edit": 6.0, "one title edit": 1.0})
    peer = runs({"clean build": 10.0, "one body edit": 100.0, "one title edit": 10.0})
    assert verdict("clean build", 10_000, False, gk, peer) == ("1.40 ×", "≤ 1.5 ×", "yes")
    assert verdict("one title edit", 10_000, False, gk, peer) == ("0.10 ×", "", "")
    # At 100,000 a body edit must also stay under 5 s with search off: 6 s fails though the ratio holds.
    assert verdict("one body edit", 100_000, False, gk, peer) == ("0.06 ×", "≤ 0.15 ×; < 5 s", "yes; no")


def test_at_100000_every_build_with_search_on_must_stay_under_4_gb():
    gk = {"nothing changed": Result([1.0], [5000.0]), "one body edit": Result([9.0], [900.0])}
    peer = runs({"nothing changed": 100.0, "one body edit": 100.0})
    assert verdict("nothing changed", 100_000, True, gk, peer)[1:] == ("< 4 GB", "no")
    assert verdict("one body edit", 100_000, True, gk, peer)[1:] == ("≤ 0.15 ×; < 10 s; < 4 GB", "yes; yes; yes")
