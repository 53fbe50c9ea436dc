"""Crash safety: a build killed with SIGKILL at any point leaves the previous site whole.

The build runs as a real process and is held at a named point through the
GONGKAI_TEST_PAUSE hook, then killed without any chance to clean up.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys

import pytest
from conftest import GOOD_NOTICE, ROOT, run_cli, snapshot, write_site

OLD = {f"n{i}.md": GOOD_NOTICE.replace("合格的公告", f"旧公告{i}") for i in range(30)}
NEW = {**OLD, "n0.md": GOOD_NOTICE.replace("合格的公告", "改过的公告"), "extra.md": GOOD_NOTICE.replace("合格的公告", "新公告")}


def leftovers(output):
    """Everything beside the output folder that a build made and did not clear away.

    A killed build also leaves its lock file (locks.py), which the next build takes over and removes.
    """
    return sorted(p.name for p in output.parent.iterdir() if p.name.startswith(output.name + "."))


def killed_build(content, output, point: str) -> None:
    """Start a build, wait until it reaches `point`, then SIGKILL it."""
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "--content", str(content), "--output", str(output)],
        env={**os.environ, "GONGKAI_TEST_PAUSE": point}, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
    )
    try:
        line = process.stderr.readline()
        assert line.strip() == f"gongkai: paused at {point}", line
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait(timeout=30)
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL


@pytest.fixture
def sites(tmp_path):
    """An output built from the old content, the new content, and the site the new content should give."""
    old = write_site(tmp_path / "old", OLD)
    new = write_site(tmp_path / "new", NEW)
    output, expected = tmp_path / "site" / "output", tmp_path / "expected"
    assert run_cli("--content", str(old), "--output", str(output)).returncode == 0
    assert run_cli("--content", str(new), "--output", str(expected)).returncode == 0
    return new, output, snapshot(output), snapshot(expected)


@pytest.mark.parametrize("point", ["render", "write", "swap"])
def test_a_build_killed_before_the_swap_leaves_the_previous_site_whole(sites, point):
    new, output, before, expected = sites
    killed_build(new, output, point)
    assert snapshot(output) == before
    # the kill really struck mid-build: pages stream into staging, so a half or full staging folder is left
    assert leftovers(output) == ["output.gongkai-lock", "output.gongkai-staging"]
    assert run_cli("--content", str(new), "--output", str(output)).returncode == 0
    assert snapshot(output) == expected
    assert leftovers(output) == []


def test_a_build_killed_right_after_the_swap_leaves_the_new_site_whole(sites):
    new, output, _before, expected = sites
    killed_build(new, output, "swapped")
    assert snapshot(output) == expected  # the swap is one rename: the new site is already complete
    assert leftovers(output) == ["output.gongkai-lock", "output.gongkai-staging"]  # now holding the previous site
    assert run_cli("--content", str(new), "--output", str(output)).returncode == 0
    assert snapshot(output) == expected
    assert leftovers(output) == []


def test_blobs_a_killed_build_wrote_are_cleared_by_the_next_build(sites):
    new, output, before, _expected = sites
    killed_build(new, output, "write")  # its pages are kept as blobs already, but no finished build lists them
    assert run_cli("--content", str(new.parent / "old"), "--output", str(output)).returncode == 0
    assert snapshot(output) == before
    # The cache keeps exactly the files of the site it last made: nothing piles up build after build.
    blobs = {p.name for p in (output.parent / ".gongkai-cache" / "blobs").rglob("*") if p.is_file()}
    assert blobs == {hashlib.sha256(data).hexdigest() for name, data in before.items() if name != ".gongkai-output"}


def test_a_killed_first_build_leaves_no_half_site_and_the_next_build_succeeds(tmp_path):
    content = write_site(tmp_path / "content", NEW)
    output = tmp_path / "site" / "output"
    killed_build(content, output, "write")
    assert not output.exists()
    assert run_cli("--content", str(content), "--output", str(output)).returncode == 0
    assert (output / "index.html").is_file()
    assert leftovers(output) == []


def test_a_page_a_killed_build_left_cut_short_in_the_cache_is_written_again(sites):
    new, output, _before, expected = sites
    # A build killed while writing this page's blob leaves the blob's name with only part of its bytes.
    page = next(name for name in expected if name.endswith(".html") and "改过的公告".encode() in expected[name])
    digest = hashlib.sha256(expected[page]).hexdigest()
    blob = output.parent / ".gongkai-cache" / "blobs" / digest[:2] / digest
    blob.write_bytes(expected[page][: len(expected[page]) // 2])
    blob.chmod(0o444)
    assert run_cli("--content", str(new), "--output", str(output)).returncode == 0
    assert snapshot(output) == expected


def test_a_touch_up_killed_before_the_swap_leaves_the_previous_site_whole(tmp_path):
    content = write_site(tmp_path / "content", OLD)
    output = tmp_path / "site" / "output"
    assert run_cli("--content", str(content), "--output", str(output)).returncode == 0
    before = snapshot(output)
    (content / "n0.md").write_text(OLD["n0.md"].replace("正文。", "改过的正文。"), encoding="utf-8")
    killed_build(content, output, "touch-up")  # a body edit alone is touched up (touchup.py)
    assert snapshot(output) == before
    assert leftovers(output) == ["output.gongkai-lock", "output.gongkai-staging"]
    assert run_cli("--content", str(content), "--output", str(output)).returncode == 0
    assert "改过的正文" in (output / "guides/n0/index.html").read_text(encoding="utf-8")
    assert run_cli("--content", str(content), "--output", str(tmp_path / "clean"), "--no-cache").returncode == 0
    assert snapshot(output) == snapshot(tmp_path / "clean")
    assert leftovers(output) == []
