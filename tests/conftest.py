"""Shared helpers: build real sites in tmp_path and read what came out."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from generator.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
SITES = Path(__file__).resolve().parent / "sites"
NOW = datetime(2026, 11, 27, 4, 0, tzinfo=timezone.utc)  # a fixed build time for every test

SITE_YAML = """\
title: 小站政务公开栏
agency: 小站测试局
base_url: https://example.org/xz/
search: false
categories:
  - key: guides
    name: 办事指南
  - key: results
    name: 办事结果
"""

GOOD_NOTICE = """\
---
title: 合格的公告
category: guides
date: 2024-05-15
responsible: 张三
---
正文。
"""


def write_site(root: Path, files: dict[str, str | bytes], site_yaml: str = SITE_YAML) -> Path:
    """Write a tiny content folder; values are file texts or raw bytes."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "site.yaml").write_text(site_yaml, encoding="utf-8")
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    return root


def build(content: Path, output: Path, *extra: str, now: datetime = NOW) -> int:
    """Run the command line in-process with a fixed clock."""
    return main(["--content", str(content), "--output", str(output), *extra], now=now)


def run_cli(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `build.py` as a real process, the way editors and CI do."""
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def run_inline(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run the command line in this process, as `run_cli` would in another, and return what it printed.

    For tests about what a build says and does, not about the process itself: it saves the
    interpreter's start and gongkai's imports. The clock is the real one, as for `run_cli`; an
    exception propagates, so a traceback still fails the test.
    """
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse's usage errors and --version
            code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
            if isinstance(exc.code, str):
                print(exc.code, file=err)
    return subprocess.CompletedProcess(["build.py", *args], code, out.getvalue(), err.getvalue())


def snapshot(folder: Path) -> dict[str, bytes]:
    """Read every file below a folder, for byte-for-byte comparisons."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# `make test-fast` leaves these out (-m "not slow"): the browser tests (the printed board is Chromium's too),
# nginx, packaging and memory, the end-to-end runs of the guide's commands and of killed builds, and the
# property tests that build whole sites many times. `make test` runs everything.
SLOW_FILES = ("test_browser_", "test_print.py", "test_nginx.py", "test_packaging.py", "test_memory.py",
              "test_clerk.py", "test_crash.py")
SLOW_TESTS = {
    "test_incremental_build_equals_clean_build_after_any_edits",
    "test_as_shipped_with_search_gzip_and_two_workers_incremental_equals_clean_after_any_edits",
    "test_with_search_on_the_browser_reloads_before_the_index_is_made_and_the_index_follows",
    "test_after_any_body_or_title_edits_a_touch_up_equals_a_clean_build",
    "test_valid_notices_appear_once_everywhere_with_their_title_intact",
    "test_random_bytes_flipped_in_any_cache_file_between_builds_give_the_clean_build",
    "test_flipped_bits_in_the_cache_database_never_publish_wrong_bytes",
    "test_a_cache_entry_of_the_wrong_kind_never_stops_the_build_or_changes_its_bytes",
    "test_plain_bodies_take_the_shortcut",
    "test_what_the_shortcut_takes_it_renders_as_the_full_way_does",
    "test_fast_engine_renders_what_plain_python_markdown_renders",
    # Four builds each of a site of many shards, with the real indexer: incremental ends to ends.
    "test_an_edit_indexes_its_own_shard_again_and_the_cache_gives_the_others",
    "test_a_deleted_or_hidden_notice_leaves_the_index",
    "test_a_damaged_cached_shard_is_indexed_again_with_a_warning",
}


def pytest_configure(config: pytest.Config) -> None:
    """Register the slow marker and the Hypothesis profiles; keep Hypothesis's cache inside pytest's own."""
    from hypothesis import HealthCheck, settings
    from hypothesis.configuration import set_hypothesis_home_dir

    config.addinivalue_line("markers", "slow: left out of make test-fast")
    # CI's runs are bounded and repeatable: no deadline to trip on a busy runner, the same examples each run.
    settings.register_profile("ci", deadline=None, derandomize=True, database=None,
                              suppress_health_check=[HealthCheck.too_slow])
    settings.register_profile("dev", deadline=None, max_examples=20)  # the edit loop
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
    cache = getattr(config, "cache", None)  # absent under -p no:cacheprovider
    if cache is not None:
        set_hypothesis_home_dir(cache.mkdir("hypothesis"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the slow tests by their file or name, in one place.

    The tests that read the sample build form one group, so that `make test-fast` (`--dist loadgroup`)
    runs them in one process and builds the sample site once rather than once per process.
    """
    for item in items:
        if item.path.name.startswith(SLOW_FILES) or item.originalname in SLOW_TESTS:
            item.add_marker(pytest.mark.slow)
        if "sample_output" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("sample"))


@pytest.fixture
def basic_site(tmp_path: Path) -> Path:
    """A copy of the small fixture site, safe to modify."""
    return Path(shutil.copytree(SITES / "basic", tmp_path / "content"))


@pytest.fixture(scope="session")
def built_basic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small fixture site, built once for the session: read it, never change it (build your own to edit)."""
    root = tmp_path_factory.mktemp("basic")
    output = root / "output"
    assert build(Path(shutil.copytree(SITES / "basic", root / "content")), output) == 0
    return output


pytest_plugins = ["browser_kit"]  # the browser fixtures: a served sample site and one headless Chromium
