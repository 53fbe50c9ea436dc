"""What the machine does wrong gets one line in Chinese, never a traceback, and nothing is dropped in silence.

CI runs as root, whom file modes do not stop; these builds run without the capabilities that let
root read anything (setpriv), so an unreadable file is unreadable to them as to anyone.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from conftest import GOOD_NOTICE, ROOT, snapshot, write_site

AS_A_USER = (["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--"]
             if os.geteuid() == 0 else [])


def run_unprivileged(*args: str) -> subprocess.CompletedProcess:
    """Run build.py as a user whom file modes stop."""
    if AS_A_USER and shutil.which("setpriv") is None:
        pytest.fail("setpriv (util-linux) is needed to test unreadable files as root")
    return subprocess.run([*AS_A_USER, sys.executable, str(ROOT / "build.py"), *args],
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("cache", [True, False])
def test_an_unreadable_folder_of_notices_is_an_error_not_a_silent_drop(tmp_path, cache):
    content = write_site(tmp_path / "content", {"guides/a.md": GOOD_NOTICE, "results/b.md": GOOD_NOTICE})
    output = tmp_path / "output"
    options = [] if cache else ["--no-cache"]
    assert run_unprivileged("--content", str(content), "--output", str(output), *options).returncode == 0
    before = snapshot(output)
    os.chmod(content / "results", 0)
    try:
        result = run_unprivileged("--content", str(content), "--output", str(output), *options)
    finally:
        os.chmod(content / "results", 0o755)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0] == ("results:1: 无法读取这个目录（Permission denied），"
                                             "其中的公告无法发布：请检查目录权限")
    assert snapshot(output) == before


def test_an_unreadable_site_yaml_is_said_to_be_unreadable_not_missing(tmp_path):
    content = write_site(tmp_path / "content", {"guides/a.md": GOOD_NOTICE})
    os.chmod(content / "site.yaml", 0)
    result = run_unprivileged("--content", str(content), "--output", str(tmp_path / "output"))
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == "site.yaml:1: 没有读取 site.yaml 的权限：请检查文件权限（例如 chmod a+r site.yaml）"
    assert not (tmp_path / "output").exists()


@pytest.mark.parametrize("kind", ["a file", "read-only", "writable by others"])
def test_an_unusable_cache_folder_is_left_aside_with_a_warning_and_the_build_is_clean(tmp_path, kind):
    content = write_site(tmp_path / "content", {"guides/a.md": GOOD_NOTICE})
    cache = tmp_path / "cache"
    if kind == "a file":
        cache.write_text("not a folder")
    else:
        cache.mkdir()
        os.chmod(cache, 0o555 if kind == "read-only" else 0o777)
    result = run_unprivileged("--content", str(content), "--output", str(tmp_path / "output"), "--cache", str(cache))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    warning = [line for line in result.stderr.splitlines() if line.startswith(f"{cache}:1: 警告：")]
    why = {"a file": "无法写入构建缓存目录（File exists）", "read-only": "无法写入构建缓存目录（Permission denied）",
           "writable by others": "构建缓存目录不属于当前用户，或任何用户都能写入，其中的内容不可信"}[kind]
    assert warning == [f"{cache}:1: 警告：{why}：本次不使用缓存，完整构建；请检查该目录的权限，或用 --cache 指定另一个目录"]
    run_unprivileged("--content", str(content), "--output", str(tmp_path / "clean"), "--no-cache")
    assert snapshot(tmp_path / "output") == snapshot(tmp_path / "clean")
    if kind == "writable by others":
        assert not (cache / "cache.sqlite").exists()
