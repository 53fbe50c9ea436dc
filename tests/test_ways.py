"""`build.py -v` says which way a build went and why; gongkai's own code is part of every cache key."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import time

from conftest import GOOD_NOTICE, ROOT, SITE_YAML, build, snapshot, write_site

WAY = "构建方式："
TOUCHED_UP = f"{WAY}局部更新。原因：只有公告的正文或标题改变，只重新生成了显示它们的页面"  # what -v says of a touch-up


def next_tick() -> None:
    """Let the file system's clock move on: a build trusts no file changed in the tick it began."""
    time.sleep(0.02)


def way_line(out: str) -> str:
    """Return the line `-v` adds to the summary."""
    lines = [line for line in out.splitlines() if line.startswith(WAY)]
    assert len(lines) == 1, out
    return lines[0]


def test_verbose_names_each_of_the_three_ways_and_why(tmp_path, capsys):
    content = write_site(tmp_path / "content", {"guides/a.md": GOOD_NOTICE,
                                                "guides/b.md": GOOD_NOTICE.replace("合格的公告", "另一篇公告")})
    next_tick()
    output = tmp_path / "output"
    assert build(content, output, "-v") == 0
    assert way_line(capsys.readouterr().out) == f"{WAY}完整构建。原因：缓存中没有上次构建的记录（首次构建，或缓存已被删除）"
    assert build(content, output, "-v") == 0
    assert way_line(capsys.readouterr().out).startswith(f"{WAY}未改变（沿用上次构建的输出）。原因：内容、主题、配置和选项")
    (content / "guides/a.md").write_text(GOOD_NOTICE.replace("正文。", "改过的正文。"), encoding="utf-8")
    next_tick()
    assert build(content, output, "-v") == 0
    assert way_line(capsys.readouterr().out) == TOUCHED_UP
    assert "改过的正文" in (output / "guides/a/index.html").read_text(encoding="utf-8")
    (content / "guides/a.md").write_text(GOOD_NOTICE.replace("张三", "李四").replace("正文。", "改过的正文。"),
                                         encoding="utf-8")
    next_tick()
    assert build(content, output, "-v") == 0
    assert way_line(capsys.readouterr().out) == (
        f"{WAY}完整构建。原因：改动的不只是正文和标题（其他字段、检查出的问题或隐私扫描结果有变化）")
    assert "李四" in (output / "guides/a/index.html").read_text(encoding="utf-8")
    assert build(content, tmp_path / "clean", "--no-cache", "-v") == 0
    assert way_line(capsys.readouterr().out) == f"{WAY}完整构建。原因：未使用构建缓存（--no-cache）"
    assert snapshot(output) == snapshot(tmp_path / "clean")


def test_verbose_says_search_and_precompress_take_the_touch_up(tmp_path, capsys):
    """The configurations that ship (search on, CI's --precompress) touch up after a body edit too."""
    content = write_site(tmp_path / "content", {"guides/a.md": GOOD_NOTICE},
                         SITE_YAML.replace("search: false", "search: true"))
    output = tmp_path / "output"
    assert build(content, output, "--precompress") == 0
    (content / "guides/a.md").write_text(GOOD_NOTICE.replace("正文。", "新的正文。"), encoding="utf-8")
    next_tick()
    capsys.readouterr()
    assert build(content, output, "--precompress", "-v") == 0
    assert way_line(capsys.readouterr().out) == TOUCHED_UP
    # What a touch-up leaves (its page plan, the cache) lets the next edit touch up too.
    (content / "guides/a.md").write_text(GOOD_NOTICE.replace("正文。", "又改的正文。"), encoding="utf-8")
    next_tick()
    assert build(content, output, "--precompress", "-v") == 0
    assert way_line(capsys.readouterr().out) == TOUCHED_UP
    assert build(content, tmp_path / "clean", "--precompress", "--no-cache") == 0
    assert snapshot(output) == snapshot(tmp_path / "clean")
    assert any(rel.startswith("pagefind/") and rel.endswith(".gz") for rel in snapshot(output))
    assert build(content, output, "--check", "-v") == 0
    assert way_line(capsys.readouterr().out) == f"{WAY}完整构建。原因：--check 在临时目录中完整构建并检查站内链接"


def test_the_number_of_workers_and_waiting_for_a_lock_do_not_change_the_way(tmp_path, capsys):
    """`--jobs` and `--no-wait` change how a build runs, not what it makes: a build with other values still
    finds nothing changed, and touches up after a body edit."""
    content = write_site(tmp_path / "content", {"guides/a.md": GOOD_NOTICE})
    next_tick()
    output = tmp_path / "output"
    assert build(content, output, "--jobs", "1") == 0
    capsys.readouterr()
    assert build(content, output, "--jobs", "2", "--no-wait", "-v") == 0
    assert way_line(capsys.readouterr().out).startswith(f"{WAY}未改变")
    (content / "guides/a.md").write_text(GOOD_NOTICE.replace("正文。", "改过的正文。"), encoding="utf-8")
    next_tick()
    assert build(content, output, "-v") == 0
    assert way_line(capsys.readouterr().out) == TOUCHED_UP
    assert "改过的正文" in (output / "guides/a/index.html").read_text(encoding="utf-8")


def test_without_verbose_the_way_is_not_printed(tmp_path, capsys):
    content = write_site(tmp_path / "content", {"guides/a.md": GOOD_NOTICE})
    assert build(content, tmp_path / "output") == 0
    assert WAY not in capsys.readouterr().out


def test_an_edit_to_a_module_of_a_sub_package_sets_the_cache_aside(tmp_path):
    """The cache's salt hashes every module of every sub-package, so no page of the old code is reused."""
    project = tmp_path / "project"
    shutil.copytree(ROOT / "generator", project / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "themes", project / "themes")
    shutil.copy(ROOT / "build.py", project / "build.py")
    content = write_site(tmp_path / "content", {"guides/a.md": GOOD_NOTICE}, SITE_YAML)
    cache = tmp_path / "cache"

    def run() -> str:
        done = subprocess.run([sys.executable, "build.py", "--content", str(content), "--output",
                               str(tmp_path / "output"), "--cache", str(cache), "-v"],
                              cwd=project, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return way_line(done.stdout)

    def salt() -> str:
        with sqlite3.connect(cache / "cache.sqlite") as db:
            return db.execute("SELECT salt FROM meta").fetchone()[0]

    next_tick()
    run()
    first = salt()
    assert run().startswith(f"{WAY}未改变")
    feeds = project / "generator" / "site" / "feeds.py"
    feeds.write_text(feeds.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    next_tick()
    assert run() == f"{WAY}完整构建。原因：site.yaml 或 gongkai 本身已改变"
    assert salt() != first
