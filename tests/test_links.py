"""Files outside the content folder are never read; unreadable files are named, not crashed on."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import subprocess
import sys

from conftest import GOOD_NOTICE, ROOT, SITE_YAML, build, snapshot, write_site

SECRET = "SECRET-OUTSIDE-THE-CONTENT-FOLDER"
OUTSIDE_NOTICE = GOOD_NOTICE.replace("正文。", SECRET)


def outside(tmp_path):
    """A folder beside the content folder holding something that must never be published."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "secret.md").write_text(OUTSIDE_NOTICE.replace("合格的公告", "秘密"), encoding="utf-8")
    (folder / "key.css").write_text(f"/* {SECRET} */", encoding="utf-8")
    return folder


def assert_refused(tmp_path, content, capsys, expected_prefix):
    """The build fails naming the link, and nothing outside the content leaks into the output."""
    output = tmp_path / "output"
    assert build(content, output) == 1
    err = capsys.readouterr().err
    assert any(line.startswith(expected_prefix) for line in err.splitlines()), err
    assert not output.exists()


def test_a_linked_notice_leading_outside_is_refused(tmp_path, capsys):
    elsewhere = outside(tmp_path)
    content = write_site(tmp_path / "content", {"a.md": GOOD_NOTICE})
    (content / "leak.md").symlink_to(elsewhere / "secret.md")
    assert_refused(tmp_path, content, capsys, "leak.md:1: 这是指向内容目录之外的符号链接")


def test_a_linked_folder_leading_outside_is_refused(tmp_path, capsys):
    elsewhere = outside(tmp_path)
    content = write_site(tmp_path / "content", {"a.md": GOOD_NOTICE})
    (content / "more").symlink_to(elsewhere)
    assert_refused(tmp_path, content, capsys, "more:1: 这是指向内容目录之外的符号链接")


def test_a_link_that_stays_inside_the_content_folder_is_read(tmp_path):
    content = write_site(tmp_path / "content", {"notices/a.md": GOOD_NOTICE})
    (content / "b.md").symlink_to(content / "notices" / "a.md")
    (content / "notices" / "a.md").write_text(GOOD_NOTICE.replace("合格的公告", "第一篇"), encoding="utf-8")
    (content / "c.md").write_text(GOOD_NOTICE.replace("合格的公告", "第三篇"), encoding="utf-8")
    assert build(content, tmp_path / "output") == 0
    assert "第一篇" in (tmp_path / "output" / "guides" / "b" / "index.html").read_text(encoding="utf-8")


def test_a_linked_site_yaml_leading_outside_is_refused(tmp_path, capsys):
    elsewhere = outside(tmp_path)
    (elsewhere / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    content = write_site(tmp_path / "content", {"a.md": GOOD_NOTICE})
    (content / "site.yaml").unlink()
    (content / "site.yaml").symlink_to(elsewhere / "site.yaml")
    assert_refused(tmp_path, content, capsys, "site.yaml:1: site.yaml 是指向内容目录之外的符号链接")


def test_a_theme_outside_the_content_folder_is_refused(tmp_path, capsys):
    outside(tmp_path)
    content = write_site(tmp_path / "content", {"a.md": GOOD_NOTICE}, SITE_YAML + "theme: ../elsewhere\n")
    assert_refused(tmp_path, content, capsys, "site.yaml:10: theme「../elsewhere」在内容目录之外")


def test_a_theme_file_linked_outside_the_theme_is_refused(tmp_path, capsys):
    elsewhere = outside(tmp_path)
    content = write_site(tmp_path / "content", {"a.md": GOOD_NOTICE}, SITE_YAML + "theme: mytheme\n")
    (content / "mytheme" / "static" / "css").mkdir(parents=True)
    (content / "mytheme" / "static" / "css" / "extra.css").symlink_to(elsewhere / "key.css")
    assert_refused(tmp_path, content, capsys, "mytheme/static/css/extra.css:1: 主题中的这个文件是指向主题目录之外的符号链接")


def test_a_fifo_named_like_a_notice_is_refused_without_hanging(tmp_path, capsys):
    content = write_site(tmp_path / "content", {"a.md": GOOD_NOTICE})
    os.mkfifo(content / "pipe.md")
    assert_refused(tmp_path, content, capsys, "pipe.md:1: 这不是普通文件")


def test_an_unreadable_notice_is_named_with_a_clear_error(tmp_path):
    """chmod 000 stops everyone but root, so as root the build runs without the capabilities that bypass it."""
    content = write_site(tmp_path / "content", {"a.md": GOOD_NOTICE, "locked.md": GOOD_NOTICE})
    (content / "locked.md").chmod(0)
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--content", str(content), "--output", str(tmp_path / "output")],
        capture_output=True, text=True, timeout=120, preexec_fn=_without_root_file_powers,
    )
    assert result.returncode == 1, result.stderr
    assert "locked.md:1: 无法读取文件（Permission denied），请检查文件权限" in result.stderr.splitlines()
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "output").exists()


def _without_root_file_powers() -> None:
    """In the child: drop CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH so that file modes apply to root too."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP; exec then leaves them out
            raise OSError(ctypes.get_errno(), "cannot drop capability")


def test_a_content_folder_with_links_builds_the_same_without_them(tmp_path):
    """Refusing is all or nothing: once the link is gone the site is exactly the one without it."""
    content = write_site(tmp_path / "content", {"a.md": GOOD_NOTICE})
    assert build(content, tmp_path / "one") == 0
    (content / "leak.md").symlink_to(outside(tmp_path) / "secret.md")
    assert build(content, tmp_path / "two") == 1
    (content / "leak.md").unlink()
    assert build(content, tmp_path / "two") == 0
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")
