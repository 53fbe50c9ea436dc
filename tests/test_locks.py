"""One build at a time per output folder and per cache: a second one waits, or with --no-wait stops at once."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

from conftest import GOOD_NOTICE, ROOT, build, snapshot, write_site

from generator.build.locks import holding, lock_files
from generator.core.options import Options


def _two_sites(tmp_path):
    """Two contents that differ in every notice page, so a mixed output shows."""
    notices = {f"guides/n{i}.md": GOOD_NOTICE.replace("合格的公告", f"公告{i}") for i in range(30)}
    a = write_site(tmp_path / "a", notices)
    b = write_site(tmp_path / "b", {k: v.replace("正文。", "另一版正文。") for k, v in notices.items()})
    return a, b


def test_a_second_build_with_no_wait_stops_at_once_with_exit_3_and_leaves_the_output(tmp_path, capsys):
    content = write_site(tmp_path / "content", {"guides/a.md": GOOD_NOTICE})
    output = tmp_path / "output"
    assert build(content, output) == 0
    before = snapshot(output)
    with holding(lock_files(Options(content, output)), wait=False):
        capsys.readouterr()
        assert build(content, output, "--no-wait") == 3
    err = capsys.readouterr().err
    assert err.strip() == (f"build.py: 另一个构建正在使用 {output.resolve()}：请等它结束后再运行，"
                           "或去掉 --no-wait 以排队等待")
    assert snapshot(output) == before


def test_a_build_sharing_only_the_cache_waits_too(tmp_path, capsys):
    content = write_site(tmp_path / "content", {"guides/a.md": GOOD_NOTICE})
    cache = tmp_path / "cache"
    with holding(lock_files(Options(content, tmp_path / "one", cache=cache)), wait=False):
        assert build(content, tmp_path / "two", "--cache", str(cache), "--no-wait") == 3
    assert f"另一个构建正在使用 {cache.resolve()}" in capsys.readouterr().err
    assert not (tmp_path / "two").exists()


def test_a_second_build_waits_for_the_first_and_says_so(tmp_path):
    content = write_site(tmp_path / "content", {"guides/a.md": GOOD_NOTICE})
    output = tmp_path / "output"
    held = threading.Event()
    release = threading.Event()

    def hold():
        with holding(lock_files(Options(content, output)), wait=False):
            held.set()
            release.wait(30)

    thread = threading.Thread(target=hold)
    thread.start()
    held.wait(10)
    waiting = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--content", str(content), "--output",
                                str(output)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)
    assert waiting.poll() is None  # still waiting for the lock
    assert not output.exists()
    release.set()
    thread.join()
    out, err = waiting.communicate(timeout=60)
    assert waiting.returncode == 0, err
    assert f"另一个构建正在使用 {output.resolve()}，等待它结束" in err
    assert (output / "guides/a/index.html").is_file()


def test_two_builds_at_once_into_one_output_leave_one_whole_site(tmp_path):
    a, b = _two_sites(tmp_path)
    assert build(a, tmp_path / "clean-a", "--no-cache") == 0
    assert build(b, tmp_path / "clean-b", "--no-cache") == 0
    output = tmp_path / "output"
    runs = [subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--content", str(c), "--output", str(output)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for c in (a, b)]
    for run in runs:
        _, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
    made = {k: v for k, v in snapshot(output).items() if k != ".gongkai-output"}
    clean = [{k: v for k, v in snapshot(tmp_path / name).items() if k != ".gongkai-output"}
             for name in ("clean-a", "clean-b")]
    assert made in clean
