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
from conftest import GOOD_NOTICE, ROOT, run_inline, snapshot, write_site

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
    assert run_inline("--content", str(content), "--output", str(output), *options).returncode == 0
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
    assert run_inline("--content", str(content), "--output", str(tmp_path / "clean"), "--no-cache").returncode == 0
    assert snapshot(tmp_path / "output") == snapshot(tmp_path / "clean")
    if kind == "writable by others":
        assert not (cache / "cache.sqlite").exists()


def test_a_leftover_beside_the_output_that_gongkai_did_not_make_is_named_with_the_command_to_clear_it(tmp_path,
                                                                                                     capsys):
    from conftest import build

    content = write_site(tmp_path / "content", {"guides/a.md": GOOD_NOTICE})
    output = tmp_path / "output"
    assert build(content, output) == 0
    before = snapshot(output)
    stray = tmp_path / "output.gongkai-staging"
    stray.mkdir()
    (stray / "notes.txt").write_text("someone's file")
    (content / "guides/b.md").write_text(GOOD_NOTICE.replace("合格的公告", "新公告"), encoding="utf-8")
    capsys.readouterr()
    assert build(content, output) == 3
    assert capsys.readouterr().err.strip() == (
        f"build.py: {stray} 已存在，但不是 gongkai 生成的（缺少 .gongkai-output），构建不会覆盖它："
        f"确认其中没有需要的文件后，运行 rm -rf '{stray}' 再构建")
    assert snapshot(output) == before and (stray / "notes.txt").is_file()
    shutil.rmtree(stray)
    assert build(content, output) == 0
    assert (output / "guides/b/index.html").is_file()


def test_a_swap_cut_between_its_two_renames_finds_the_previous_site_again(tmp_path):
    """Without renameat2 the swap is two renames; killed between them, the output is missing for a moment."""
    from conftest import build

    content = write_site(tmp_path / "content", {"guides/a.md": GOOD_NOTICE})
    output = tmp_path / "output"
    assert build(content, output) == 0
    before = snapshot(output)
    os.rename(output, tmp_path / "output.gongkai-retired")  # where the first rename left it
    assert build(content, output, "--no-cache") == 0
    assert snapshot(output) == before
    assert not (tmp_path / "output.gongkai-retired").exists()


@pytest.fixture
def small_disk(tmp_path):
    """A real file system of 3 MB (tmpfs), to fill."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root, which CI has; skipped on this machine (not root)")
    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(disk)], check=True)
    yield disk
    subprocess.run(["umount", str(disk)], check=True)


def test_a_full_disk_is_named_the_output_is_untouched_and_the_staging_folder_removed(tmp_path, small_disk):
    content = write_site(tmp_path / "content", {"guides/a.md": GOOD_NOTICE})
    output = small_disk / "output"
    first = run_unprivileged("--content", str(content), "--output", str(output))
    assert first.returncode == 0, first.stderr
    before = snapshot(output)
    big = "".join(f"第{i}段。" + "政务公开" * 400 + "\n\n" for i in range(40))
    for i in range(12):
        (content / f"guides/big{i}.md").write_text(GOOD_NOTICE.replace("正文。", big + str(i)), encoding="utf-8")
    result = run_unprivileged("--content", str(content), "--output", str(output))
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith(f"build.py: 磁盘空间不足：{small_disk}") and "所在的磁盘已满，构建已停止，输出目录未作任何改动" in line
    assert snapshot(output) == before
    assert not (small_disk / "output.gongkai-staging").exists()


def test_an_output_folder_that_is_a_mount_point_is_published_entry_by_entry(tmp_path, small_disk):
    """A container's volume cannot be renamed: every build there used to fail with 'Device or resource busy'."""
    content = write_site(tmp_path / "content", {"guides/a.md": GOOD_NOTICE, "guides/b.md": GOOD_NOTICE})
    output = small_disk  # the mount point itself
    for step in range(3):
        result = run_unprivileged("--content", str(content), "--output", str(output))
        assert result.returncode == 0, result.stderr
        clean = tmp_path / f"clean{step}"
        assert run_inline("--content", str(content), "--output", str(clean), "--no-cache").returncode == 0
        assert snapshot(output) == snapshot(clean)
        assert sorted(p.name for p in output.iterdir() if p.name.startswith(".gongkai-staging")) == []
        if step == 0:
            (content / "guides/b.md").unlink()  # a page and its folder must leave the volume
            (content / "guides/c.md").write_text(GOOD_NOTICE.replace("合格的公告", "第三篇"), encoding="utf-8")
        else:
            (content / "guides/c.md").write_text(GOOD_NOTICE.replace("正文。", f"第{step}次改。"), encoding="utf-8")
    assert os.path.ismount(output)


@pytest.mark.parametrize("which", ["pages/contact.md", "guides/附件.pdf"])
def test_an_unreadable_page_or_attachment_is_an_error_at_its_line(tmp_path, which):
    notice = GOOD_NOTICE.replace("---\n正文", "attachments:\n  - file: 附件.pdf\n    title: 申请表\n---\n正文")
    content = write_site(tmp_path / "content", {"guides/a.md": notice, "guides/附件.pdf": b"%PDF-1.4\n",
                                                "pages/contact.md": "---\ntitle: 联系我们\n---\n电话。\n"})
    os.chmod(content / which, 0)
    result = run_unprivileged("--content", str(content), "--output", str(tmp_path / "output"))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    expected = ("pages/contact.md:1: 无法读取文件（Permission denied），请检查文件权限" if which.startswith("pages")
                else "guides/a.md:7: 附件「附件.pdf」无法读取（Permission denied）：请检查文件权限")
    assert expected in result.stderr.splitlines()
    assert not (tmp_path / "output").exists()


@pytest.mark.parametrize(("name", "swap"), [
    *((name, "file for folder") for name in ("blobs", "blobs/00", "templates", "spare")),
    *((name, "folder for file") for name in ("cache.sqlite", "clock", "last-build.pickle", "last-plan.pickle",
                                             "lock", "unfinished")),
])
def test_a_cache_entry_of_the_wrong_kind_never_stops_the_build_or_changes_its_bytes(tmp_path, capsys, name, swap):
    from conftest import build

    content = write_site(tmp_path / "content", {"guides/a.md": GOOD_NOTICE})
    output, cache = tmp_path / "output", tmp_path / "cache"
    assert build(content, output, "--cache", str(cache)) == 0
    target = cache / name
    if target.is_dir():
        shutil.rmtree(target)
    elif target.exists():
        target.unlink()
    if swap == "file for folder":
        target.write_text("in the way")
    else:
        (target / "inside").mkdir(parents=True)
    (content / "guides/a.md").write_text(GOOD_NOTICE.replace("正文。", "新的正文。"), encoding="utf-8")
    capsys.readouterr()
    code = build(content, output, "--cache", str(cache))
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert code == 0, err
    assert build(content, tmp_path / "clean", "--no-cache") == 0
    assert snapshot(output) == snapshot(tmp_path / "clean")
