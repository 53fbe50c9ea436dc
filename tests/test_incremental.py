"""Incremental builds: the cache and the worker count never change a single output byte."""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import GOOD_NOTICE, NOW, ROOT, SITE_YAML, build, snapshot, write_site
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.build import intake, pipeline, touchup
from generator.core.dates import Stamp
from generator.incremental import cache
from generator.load import sources
from generator.site.theme import DEFAULT_THEME


def test_one_worker_two_workers_and_the_cache_give_identical_bytes(tmp_path):
    content = ROOT / "content"
    assert build(content, tmp_path / "one", "--jobs", "1", "--no-cache") == 0
    assert build(content, tmp_path / "two", "--jobs", "2", "--no-cache") == 0
    cache = tmp_path / "cache"
    assert build(content, tmp_path / "warm", "--jobs", "2", "--cache", str(cache)) == 0
    # A second build into an empty folder takes everything from the cache.
    assert build(content, tmp_path / "cached", "--cache", str(cache)) == 0
    one = snapshot(tmp_path / "one")
    assert len(one) > 60
    assert snapshot(tmp_path / "two") == one
    assert snapshot(tmp_path / "warm") == one
    assert snapshot(tmp_path / "cached") == one


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_results_come_in_the_items_order_whatever_the_workers_and_the_items_handed_out_first(jobs):
    """The long pages are handed to workers first (pipeline.render_pages), and the pool starts before
    its results are asked for; neither may change which result belongs to which item."""
    from generator.build.parallel import ordered_map

    items = list(range(500))
    for alone in (0, 1, 7):
        results = ordered_map(lambda _: lambda x: x * x, None, items, jobs, alone=alone)
        time.sleep(0.05)  # the workers are busy before the first result is asked for
        assert list(results) == [x * x for x in items]


def _blocks(_: None):
    def block(_: int) -> bytes:
        sum(range(3_000))  # a little work, so that results keep coming for the whole test
        return bytes(2_000)
    return block


def test_the_pool_keeps_house_without_spinning_while_the_build_process_is_busy():
    """While the build process is busy (storing earlier results), later ones wait in the pipe. The
    standard pool's housekeeping thread woke on every waiting result and spun: at 100,000 notices
    it took an eighth of a core from the workers."""
    from generator.build.parallel import ordered_map

    results = ordered_map(_blocks, None, list(range(200_000)), 2)
    next(results)
    keeper = Path(f"/proc/self/task/{results._pool._worker_handler.native_id}/stat")

    def cpu() -> float:
        fields = keeper.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    before, until = cpu(), time.perf_counter() + 1.0
    while time.perf_counter() < until:  # as the build process while loading: it takes a result and
        next(results)                    # stores it, which releases the interpreter lock
        sum(range(1000))
        time.sleep(0)
    used = cpu() - before
    still_working = bool(results._pool._cache)  # else nothing waited in the pipe at the end
    results.close()
    assert still_working
    assert used < 0.05, f"the pool's housekeeping thread used {used:.2f} s of CPU in 1 s"


def test_closing_a_busy_pool_returns_even_when_pythons_own_ending_of_it_hangs(monkeypatch):
    """A failing build closes its pool while workers still write results; CPython's terminate() can
    then wait for ever for the rest of a result a stopped worker never wrote. The build must still end."""
    import threading

    from generator.build import parallel

    monkeypatch.setattr(parallel, "TERMINATE_WAIT", 0.5)
    results = parallel.ordered_map(_blocks, None, list(range(200_000)), 2)
    next(results)
    pool, stuck = results._pool, threading.Event()
    real = pool.terminate
    pool.terminate = lambda: (real(), stuck.wait())  # the workers end, then the wait that never returns
    closing = threading.Thread(target=results.close, daemon=True)
    closing.start()
    closing.join(5)
    ended = not closing.is_alive()
    stuck.set()
    assert ended, "closing the pool waited on its hung ending"
    assert all(worker.exitcode is not None for worker in pool._pool)


def test_a_rebuild_rewrites_only_the_files_whose_bytes_change(tmp_path, capsys):
    content = write_site(tmp_path / "content", {
        "guides/a.md": GOOD_NOTICE,
        "guides/b.md": GOOD_NOTICE.replace("合格的公告", "第二篇").replace("2024-05-15", "2024-05-10"),
    })
    output = tmp_path / "output"
    assert build(content, output) == 0
    before = {p: os.stat(p) for p in output.rglob("*") if p.is_file()}
    (content / "guides/a.md").write_text(GOOD_NOTICE.replace("正文。", "修改后的正文。"), encoding="utf-8")
    assert build(content, output) == 0
    changed = sorted(p.relative_to(output).as_posix() for p, st in before.items()
                     if (os.stat(p).st_ino, os.stat(p).st_mtime_ns) != (st.st_ino, st.st_mtime_ns))
    # Only the page of the edited notice shows its body; summaries reach the lists and feeds.
    assert "guides/a/index.html" in changed and "feed.xml" in changed
    assert "guides/b/index.html" not in changed
    assert "404.html" not in changed and "robots.txt" not in changed
    assert not [name for name in changed if name.startswith("static/")]
    assert "修改后的正文" in (output / "guides/a/index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("way", ["full", "touch-up"])
def test_a_body_edit_renders_no_page_that_does_not_show_bodies(tmp_path, monkeypatch, way):
    content = write_site(tmp_path / "content", {"guides/a.md": GOOD_NOTICE})
    time.sleep(0.02)  # a later clock tick than the files': the build's record vouches for them (shortcut.py)
    output = tmp_path / "output"
    assert build(content, output) == 0
    rendered, render, loads, load = [], pipeline.render_page, [], pipeline.load_notices
    for module in (pipeline, touchup):
        monkeypatch.setattr(module, "render_page", lambda page, *rest: rendered.append(page.path) or render(page, *rest))
    monkeypatch.setattr(pipeline, "load_notices", lambda *args: loads.append(1) or load(*args))
    if way == "full":
        monkeypatch.setattr(pipeline, "touch_up", lambda *args: None)
    (content / "guides/a.md").write_text(GOOD_NOTICE.replace("正文。", "修改后的正文。"), encoding="utf-8")
    assert build(content, output) == 0
    assert bool(loads) == (way == "full")
    assert "guides/a/index.html" in rendered and "feed.xml" in rendered
    # Rendering them again would give the same bytes, but at 10,000 notices the catalogue alone took half a second.
    assert not {"catalogue/index.html", "catalogue.json", "catalogue.csv", "sitemap.xml"} & set(rendered)


def test_after_a_body_edit_only_pages_that_show_that_notice_are_keyed_again(tmp_path, monkeypatch):
    """Keying every page was a third of a rebuild after a one-line edit (lastplan.py)."""
    other = GOOD_NOTICE.replace("合格的公告", "另一篇").replace("2024-05-15", "2024-05-10")
    content = write_site(tmp_path / "content", {"guides/a.md": GOOD_NOTICE, "results/b.md": other.replace(
        "category: guides", "category: results")})
    output = tmp_path / "output"
    assert build(content, output) == 0
    keyed, key = [], cache.PageKeys.key
    monkeypatch.setattr(cache.PageKeys, "key", lambda self, path, *rest: keyed.append(path) or key(self, path, *rest))
    monkeypatch.setattr(pipeline, "touch_up", lambda *args: None)  # the full way (touchup.py has its own tests)
    for number, body in enumerate(("第一次修改的正文。", "第二次修改的正文。")):
        keyed.clear()
        (content / "results/b.md").write_text(other.replace("category: guides", "category: results")
                                              .replace("正文。", body), encoding="utf-8")
        assert build(content, output) == 0
        assert body in (output / "results/b/index.html").read_text(encoding="utf-8")
        assert "results/b/index.html" in keyed and "feed.xml" in keyed and "results/index.html" in keyed
        # Neither the other notice's page nor the catalogue shows this body.
        assert "guides/a/index.html" not in keyed and "catalogue/index.html" not in keyed, number
    keyed.clear()
    (content / "results/b.md").write_text(other.replace("category: guides", "category: results")
                                          .replace("另一篇", "改了标题"), encoding="utf-8")
    assert build(content, output) == 0  # a title is no body: every page is keyed again
    assert "guides/a/index.html" in keyed and "catalogue/index.html" in keyed
    assert build(content, tmp_path / "clean", "--no-cache") == 0
    assert snapshot(output) == snapshot(tmp_path / "clean")


def test_a_new_title_reaches_the_catalogue(tmp_path):
    content = write_site(tmp_path / "content", {"guides/a.md": GOOD_NOTICE})
    output = tmp_path / "output"
    assert build(content, output) == 0
    (content / "guides/a.md").write_text(GOOD_NOTICE.replace("合格的公告", "改过的标题"), encoding="utf-8")
    assert build(content, output) == 0
    for name in ("catalogue/index.html", "catalogue.json", "catalogue.csv"):
        text = (output / name).read_text(encoding="utf-8-sig")
        assert "改过的标题" in text and "合格的公告" not in text, name


def test_a_rebuild_with_nothing_new_leaves_the_output_alone(tmp_path, capsys):
    content = write_site(tmp_path / "content", {"guides/a.md": GOOD_NOTICE})
    output = tmp_path / "output"
    assert build(content, output) == 0
    # The first build may begin in the very clock tick the files were written, which makes its record
    # untrustworthy (shortcut.py); the second one surely begins later.
    assert build(content, output) == 0
    before = {p: os.stat(p).st_ino for p in [output, *output.rglob("*")]}
    capsys.readouterr()
    assert build(content, output) == 0
    assert {p: os.stat(p).st_ino for p in [output, *output.rglob("*")]} == before
    told = capsys.readouterr().out
    assert "均未改变" in told and "发布 1 篇公告" in told
    # A file changed by hand is not "nothing new": the next build puts the site back.
    (output / "guides/a/index.html").unlink()
    (output / "guides/a/index.html").write_text("手工改动", encoding="utf-8")
    assert build(content, output) == 0
    assert "合格的公告" in (output / "guides/a/index.html").read_text(encoding="utf-8")
    assert "均未改变" not in capsys.readouterr().out


def test_nothing_changed_but_the_clock_passing_a_publish_time_publishes_the_notice(tmp_path, capsys):
    due = (NOW + timedelta(hours=2)).strftime("%Y-%m-%d %H:%M")  # site time is UTC+8; the date parser knows
    due_notice = GOOD_NOTICE.replace("合格的公告", "两小时后发布").replace("2024-05-15", f'"{due}+00:00"')
    content = write_site(tmp_path / "content", {"guides/a.md": GOOD_NOTICE, "guides/later.md": due_notice})
    output = tmp_path / "output"
    assert build(content, output) == 0 and build(content, output) == 0
    capsys.readouterr()
    assert build(content, output, now=NOW + timedelta(hours=1)) == 0  # still before it: nothing to do
    assert "均未改变" in capsys.readouterr().out
    assert not (output / "guides/later").exists()
    assert build(content, output, now=NOW + timedelta(hours=3)) == 0
    assert "均未改变" not in capsys.readouterr().out
    assert "两小时后发布" in (output / "guides/later/index.html").read_text(encoding="utf-8")


def test_nothing_changed_but_a_new_day_expires_a_notice(tmp_path, capsys):
    local_today = (NOW + timedelta(hours=8)).strftime("%Y-%m-%d")  # the site's zone is Asia/Shanghai
    notice = GOOD_NOTICE.replace("responsible:", f"valid_until: {local_today}\nresponsible:")
    content = write_site(tmp_path / "content", {"guides/a.md": notice})
    output = tmp_path / "output"
    assert build(content, output) == 0 and build(content, output) == 0
    assert "已失效" not in (output / "guides/a/index.html").read_text(encoding="utf-8")
    assert build(content, output, now=NOW + timedelta(days=1)) == 0
    assert "已失效" in (output / "guides/a/index.html").read_text(encoding="utf-8")


def test_an_edit_that_keeps_the_size_and_the_modification_time_is_still_seen(tmp_path):
    content = write_site(tmp_path / "content", {"guides/a.md": GOOD_NOTICE})
    output = tmp_path / "output"
    assert build(content, output) == 0 and build(content, output) == 0
    path = content / "guides/a.md"
    before = path.stat()
    path.write_text(GOOD_NOTICE.replace("正文。", "新文。"), encoding="utf-8")  # same length in bytes
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # as an unpacked archive or a careful tool would
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    assert build(content, output) == 0
    assert "新文。" in (output / "guides/a/index.html").read_text(encoding="utf-8")


def test_a_file_edited_in_place_is_read_again_while_its_unchanged_neighbours_are_not(tmp_path, monkeypatch):
    # Another file changes too, so the build is not skipped as a whole: it must tell files apart.
    content = write_site(tmp_path / "content", {"guides/a.md": GOOD_NOTICE, "guides/b.md": GOOD_NOTICE.replace(
        "合格的公告", "第二篇").replace("2024-05-15", "2024-05-10")})
    time.sleep(0.05)  # the files are older than the build's first tick, so its record vouches for them
    output = tmp_path / "output"
    assert build(content, output) == 0
    path = content / "guides/a.md"
    before = path.stat()
    path.write_text(GOOD_NOTICE.replace("正文。", "新文。"), encoding="utf-8")  # same length in bytes
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    (content / "guides/c.md").write_text(GOOD_NOTICE.replace("合格的公告", "第三篇"), encoding="utf-8")
    read = []
    real_read = sources.read_notice
    monkeypatch.setattr(intake, "read_notice", lambda path, rel, limit: read.append(rel) or real_read(path, rel, limit))
    assert build(content, output) == 0
    assert "新文。" in (output / "guides/a/index.html").read_text(encoding="utf-8")
    assert "第三篇" in (output / "guides/c/index.html").read_text(encoding="utf-8")
    assert sorted(set(read)) == ["guides/a.md", "guides/c.md"]  # b.md is as the last build read it


def test_a_changed_configuration_checks_unchanged_notices_again(tmp_path, capsys):
    content = write_site(tmp_path / "content", {"guides/a.md": GOOD_NOTICE, "results/b.md": GOOD_NOTICE.replace(
        "category: guides", "category: results").replace("合格的公告", "结果公告")})
    output = tmp_path / "output"
    assert build(content, output) == 0
    site_yaml = (content / "site.yaml").read_text(encoding="utf-8")
    kept = site_yaml[: site_yaml.index("  - key: results")]  # the results category is gone
    assert "key: guides" in kept and "key: results" not in kept
    (content / "site.yaml").write_text(kept, encoding="utf-8")
    capsys.readouterr()
    assert build(content, output) == 1
    assert "results/b.md:3:" in capsys.readouterr().err  # the category line of the unchanged file


def test_a_deleted_notice_leaves_no_folder_behind(tmp_path):
    content = write_site(tmp_path / "content", {
        "guides/a.md": GOOD_NOTICE,
        "guides/b.md": GOOD_NOTICE.replace("合格的公告", "第二篇").replace("2024-05-15", "2024-05-10"),
    })
    output = tmp_path / "output"
    assert build(content, output) == 0
    (content / "guides/b.md").unlink()
    (tmp_path / "manifest.json").write_text('{"urls": []}', encoding="utf-8")  # allow the removal
    assert build(content, output, "--manifest", str(tmp_path / "manifest.json")) == 0
    assert not (output / "guides/b").exists()
    assert not [p for p in output.rglob("*") if p.is_dir()
                and not any(p.iterdir())]
    assert build(content, tmp_path / "clean", "--no-cache", "--manifest", str(tmp_path / "manifest.json")) == 0
    assert snapshot(output) == snapshot(tmp_path / "clean")


def test_deleting_the_cache_is_safe(tmp_path):
    content = write_site(tmp_path / "content", {"guides/a.md": GOOD_NOTICE})
    assert build(content, tmp_path / "output") == 0
    first = snapshot(tmp_path / "output")
    for path in sorted((tmp_path / ".gongkai-cache").rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    assert build(content, tmp_path / "output") == 0
    assert snapshot(tmp_path / "output") == first


def _kept(cache: Path) -> tuple:
    with sqlite3.connect(cache / "cache.sqlite") as db:
        tables = tuple(sorted(db.execute(f"SELECT * FROM {table}")) for table in ("body", "result", "page"))
    return tables, sorted(p.name for p in (cache / "blobs").rglob("*") if p.is_file())


def test_after_edits_the_cache_holds_what_a_fresh_cache_would_and_nothing_more(tmp_path):
    """A cache that kept every old body, result and page would grow with each edit for decades."""
    content = write_site(tmp_path / "content", {"guides/a.md": GOOD_NOTICE, "guides/b.md": GOOD_NOTICE.replace(
        "合格的公告", "第二篇").replace("2024-05-15", "2024-05-10")})
    cache = tmp_path / "cache"
    for body, title in (("一改。", "合格的公告"), ("二改。", "改名的公告"), ("三改。", "又改名的公告")):
        text = GOOD_NOTICE.replace("正文。", body).replace("合格的公告", title)
        (content / "guides/a.md").write_text(text, encoding="utf-8")
        assert build(content, tmp_path / "output", "--cache", str(cache)) == 0
    (content / "guides/b.md").write_text(GOOD_NOTICE.replace("合格的公告", "第二篇").replace("2024-05-15", "2024-05-10")
                                         .replace("正文。", "第二篇的新正文。"), encoding="utf-8")
    assert build(content, tmp_path / "output", "--cache", str(cache)) == 0
    assert build(content, tmp_path / "fresh", "--cache", str(tmp_path / "fresh-cache")) == 0
    assert _kept(cache) == _kept(tmp_path / "fresh-cache")
    assert "三改" in str(_kept(cache)[0][0])


def test_a_kept_notice_whose_body_the_cache_lost_is_converted_again(tmp_path):
    # The kept result of a file names its body; the parent never holds the text to convert it again.
    content = write_site(tmp_path / "content", {"guides/a.md": GOOD_NOTICE, "guides/b.md": GOOD_NOTICE.replace(
        "合格的公告", "第二篇").replace("2024-05-15", "2024-05-10")})
    assert build(content, tmp_path / "output") == 0
    first = snapshot(tmp_path / "output")
    with sqlite3.connect(tmp_path / ".gongkai-cache/cache.sqlite") as db:
        assert db.execute("DELETE FROM body").rowcount >= 1
    (content / "site.yaml").touch()  # so the build is not skipped as a whole
    shutil.rmtree(tmp_path / "output")
    assert build(content, tmp_path / "output") == 0
    assert snapshot(tmp_path / "output") == first
    assert "正文。" in (tmp_path / "output/guides/a/index.html").read_text(encoding="utf-8")


def test_a_cache_another_gongkai_version_wrote_is_started_afresh(tmp_path):
    # An older version kept bodies with the HTML before the summary, and other code made every row.
    content = write_site(tmp_path / "content", {"guides/a.md": GOOD_NOTICE})
    assert build(content, tmp_path / "expected", "--no-cache") == 0
    kept = tmp_path / "cache"
    kept.mkdir()
    with sqlite3.connect(kept / "cache.sqlite") as db:
        db.executescript("""
            CREATE TABLE body (key TEXT PRIMARY KEY, html TEXT NOT NULL, summary TEXT NOT NULL);
            CREATE TABLE page (key TEXT PRIMARY KEY, digest TEXT NOT NULL);
            CREATE TABLE result (key TEXT PRIMARY KEY, value BLOB NOT NULL);
            CREATE TABLE meta (salt TEXT NOT NULL);
            INSERT INTO meta VALUES ('gongkai 0.1');
        """)
    assert build(content, tmp_path / "output", "--cache", str(kept)) == 0
    assert snapshot(tmp_path / "output") == snapshot(tmp_path / "expected")
    with sqlite3.connect(kept / "cache.sqlite") as db:
        assert [row[1] for row in db.execute("PRAGMA table_info(body)")] == ["key", "summary", "html", "sums"]
        assert db.execute("SELECT salt FROM meta").fetchall() == [(cache.SALT,)]


def test_a_cache_file_that_is_not_a_database_is_started_afresh_without_a_traceback(tmp_path, capsys):
    """The cache is only a cache: a file a failing disk or a stray copy left in its place must not stop a build."""
    content = write_site(tmp_path / "content", {"guides/a.md": GOOD_NOTICE})
    assert build(content, tmp_path / "expected", "--no-cache") == 0
    kept = tmp_path / "cache"
    assert build(content, tmp_path / "first", "--cache", str(kept)) == 0
    (kept / "cache.sqlite").write_bytes(os.urandom(8192))
    (kept / "cache.sqlite-journal").write_bytes(os.urandom(512))  # a journal must not be played into the new file
    capsys.readouterr()
    assert build(content, tmp_path / "output", "--cache", str(kept)) == 0
    assert "Traceback" not in capsys.readouterr().err
    assert snapshot(tmp_path / "output") == snapshot(tmp_path / "expected")
    with sqlite3.connect(kept / "cache.sqlite") as db:
        assert db.execute("SELECT salt FROM meta").fetchall() == [(cache.SALT,)]


def test_the_quiet_pool_still_fits_this_pythons_pool():
    """The quiet pool overrides a private method of CPython's pool; where that changed, builds fall back
    to the standard pool, and this says so instead of letting its thread spin unnoticed."""
    import sys

    from generator.build.parallel import _Pool, ordered_map, quiet_pool_fits

    assert quiet_pool_fits(), (
        f"Python {sys.version.split()[0]}: multiprocessing.pool.Pool no longer gets its housekeeping thread's "
        "sentinels from _get_sentinels() with _change_notifier; generator/build/parallel.py now uses the standard "
        "pool, whose thread spins while results wait: adapt _Pool or drop it")
    results = ordered_map(lambda _: lambda x: x + 1, None, list(range(100)), 2)
    assert type(results._pool) is _Pool
    assert list(results) == list(range(1, 101))


def test_where_the_quiet_pool_does_not_fit_the_standard_pool_gives_the_same_results(monkeypatch):
    import multiprocessing.pool

    from generator.build import parallel

    monkeypatch.setattr(parallel, "quiet_pool_fits", lambda: False)
    results = parallel.ordered_map(lambda _: lambda x: x * 3, None, list(range(300)), 2, alone=5)
    assert type(results._pool) is multiprocessing.pool.Pool
    assert list(results) == [x * 3 for x in range(300)]


# The property: after any sequence of edits, the incremental output equals a clean build.

SLUGS = ["a", "b", "c", "d"]
EDITS = st.one_of(
    st.tuples(st.just("add"), st.sampled_from(SLUGS)),
    st.tuples(st.just("delete"), st.sampled_from(SLUGS)),
    st.tuples(st.just("rename"), st.sampled_from(SLUGS), st.sampled_from(SLUGS)),
    # Bodies change most often, and a rebuild after body edits alone takes another path (lastplan.py).
    *[st.tuples(st.just("body"), st.sampled_from(SLUGS), st.sampled_from(["新正文。", "# 标题\n\n- 一\n- 二\n", "表格"]))] * 4,
    st.tuples(st.just("title"), st.sampled_from(SLUGS), st.sampled_from(["甲", "乙", "丙"])),
    st.tuples(st.just("doc_number"), st.sampled_from(SLUGS), st.sampled_from(["", "甲发〔2024〕1号", "乙发〔2024〕2号"])),
    st.tuples(st.just("date"), st.sampled_from(SLUGS), st.integers(-3, 3)),
    st.tuples(st.just("category"), st.sampled_from(SLUGS), st.sampled_from(["guides", "results"])),
    st.tuples(st.just("draft"), st.sampled_from(SLUGS), st.booleans()),
    st.tuples(st.just("time-passes"), st.integers(1, 3)),
    st.tuples(st.just("template"), st.integers(0, 2)),
    st.tuples(st.just("config"), st.integers(1, 3)),
)


def _notice(fields: dict) -> str:
    return (f"---\ntitle: {fields['title']}\ncategory: {fields['category']}\ndate: {fields['date']}\n"
            f"responsible: 张三\ndraft: {'true' if fields['draft'] else 'false'}\n"
            + (f"doc_number: {fields['doc_number']}\n" if fields.get("doc_number") else "") + f"---\n{fields['body']}\n")


def _apply(edit: tuple, notices: dict, state: dict) -> None:
    """Change the site's state as an editor would."""
    kind, *args = edit
    base = NOW + timedelta(days=state["days"])
    if kind == "add" and args[0] not in notices:
        notices[args[0]] = {"title": f"公告{args[0]}", "category": "guides", "body": "正文。",
                            "date": (base - timedelta(days=len(notices) + 1)).strftime("%Y-%m-%d"), "draft": False}
    elif kind == "delete":
        notices.pop(args[0], None)
    elif kind == "rename" and args[0] in notices and args[1] not in notices:
        notices[args[1]] = notices.pop(args[0])
    elif kind == "time-passes":
        state["days"] += args[0]
    elif kind == "template":
        state["template"] = args[0]
    elif kind == "config":
        state["per_page"] = args[0]
    elif args and args[0] in notices:
        field, value = {"body": "body", "title": "title", "category": "category", "draft": "draft",
                        "doc_number": "doc_number"}.get(kind), args[-1]
        if kind == "date":  # around now: a notice may become due when time passes
            field, value = "date", (base + timedelta(days=args[1])).strftime("%Y-%m-%d %H:%M")
        notices[args[0]][field] = value


def _write(root: Path, notices: dict, state: dict, site_yaml: str = SITE_YAML) -> tuple[Path, Path]:
    """Bring the content folder and the user theme to the current state, touching only the files that
    change, as an editor does (so that a rebuild after body edits may reuse the last plan, lastplan.py)."""
    content, theme = root / "content", root / "theme"
    template = (DEFAULT_THEME / "templates/notice.html").read_text(encoding="utf-8")
    wanted = {content / f"{n['category']}/{slug}.md": _notice(n) for slug, n in notices.items()}
    wanted[content / "site.yaml"] = site_yaml + f"per_page: {state['per_page']}\nfeed_limit: 2\n"
    wanted[theme / "templates/notice.html"] = template + f"<!-- 版本 {state['template']} -->\n"
    for path in sorted(content.rglob("*.md")) if content.exists() else ():
        if path not in wanted:
            path.unlink()
    for path, text in wanted.items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    # A build's record proves nothing about files changed in the clock tick it began (shortcut.py);
    # without this pause most rebuilds here would go the full way, never the touch-up (touchup.py).
    time.sleep(0.01)
    return content, theme


def _edits_give_the_clean_build(root: Path, edits: list, site_yaml: str = SITE_YAML, incremental: tuple = (),
                                clean: tuple = ()) -> None:
    """Apply the edits one by one, building incrementally (with `incremental` options) after each, and
    compare every file with a clean build of the same state (with `clean` options)."""
    notices = {"a": {"title": "公告甲", "category": "guides", "body": "正文。", "date": "2024-05-15",
                     "draft": False}}
    state = {"days": 0, "template": 0, "per_page": 1}
    for step, edit in enumerate(edits):
        _apply(edit, notices, state)
        content, theme = _write(root, notices, state, site_yaml)
        now = NOW + timedelta(days=state["days"])
        # Deleting or moving a published notice is refused by the manifest check (test_removal.py);
        # a manifest emptied before each build lets these random edits through. Its name stays the
        # same, as the options are part of what a rebuild compares (shortcut.py).
        for name in ("incremental", "clean"):
            (root / f"manifest-{name}.json").write_text('{"urls": []}', encoding="utf-8")
        fresh = root / f"clean-{step}"
        assert build(content, root / "incremental", "--theme", str(theme), *incremental,
                     "--manifest", str(root / "manifest-incremental.json"), now=now) == 0
        assert build(content, fresh, "--theme", str(theme), "--no-cache", *clean,
                     "--manifest", str(root / "manifest-clean.json"), now=now) == 0
        assert snapshot(root / "incremental") == snapshot(fresh), edit


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(EDITS, min_size=1, max_size=6))
def test_incremental_build_equals_clean_build_after_any_edits(tmp_path_factory, edits):
    _edits_give_the_clean_build(tmp_path_factory.mktemp("edits"), edits)


SHIPPED_YAML = SITE_YAML.replace("search: false\n", "")  # search is on unless site.yaml turns it off
assert SHIPPED_YAML != SITE_YAML


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(EDITS, min_size=1, max_size=4))
def test_as_shipped_with_search_gzip_and_two_workers_incremental_equals_clean_after_any_edits(tmp_path_factory,
                                                                                              edits):
    """The configuration that ships (search on, the CI templates' --precompress), rebuilt by a forked pool of
    two workers, against a clean build in one process: the search index and every .gz twin included."""
    from unittest import mock

    from generator.build import parallel

    pools, real = [], parallel._pool_class
    with mock.patch.object(parallel, "_pool_class", lambda: pools.append(1) or real()):
        _edits_give_the_clean_build(tmp_path_factory.mktemp("shipped"), edits, SHIPPED_YAML,
                                    incremental=("--precompress", "--jobs", "2"), clean=("--precompress",))
    assert pools  # at least the first build renders its pages in forked workers


def test_the_shortcut_knows_every_time_a_notice_can_name():
    # A notice field holding a time that the shortcut does not know would let the clock pass it unseen.
    import dataclasses
    import typing

    from generator.core import model
    from generator.incremental.shortcut import stamps

    def holds_a_time(kind) -> bool:
        if kind is Stamp:
            return True
        if dataclasses.is_dataclass(kind):
            return any(holds_a_time(t) for t in typing.get_type_hints(kind).values())
        return any(holds_a_time(arg) for arg in typing.get_args(kind))

    timed = sorted(name for name, kind in typing.get_type_hints(model.Notice).items() if holds_a_time(kind))
    assert timed == ["changes", "date", "effective", "notice_period", "repealed", "updated", "valid_until", "written"]
    stamp = Stamp(NOW, True)
    notice = model.Notice(
        path="guides/a.md", title="甲", category="guides", date=Stamp(NOW - timedelta(days=1), True), responsible="张三",
        department="局", doc_number=None, slug="a", summary=None, draft=False, disclosure="public",
        updated=Stamp(NOW + timedelta(days=2), True), tags=(), body="", body_line=6,
        valid_until=Stamp(NOW + timedelta(days=3), False), notice_period=(stamp, Stamp(NOW + timedelta(days=4), True)),
        changes=(model.Change(Stamp(NOW + timedelta(days=5), True), "改"),), written=Stamp(NOW - timedelta(days=6), False))
    assert len(stamps(notice)) == 7


def test_a_rebuild_in_place_with_search_and_gzip_equals_a_clean_build(tmp_path, basic_site):
    # The previous site is reused as the staging folder: the indexer and the compressor must not see its files.
    from test_search_index import search_site

    site = search_site(basic_site)
    output = tmp_path / "output"
    assert build(site, output, "--precompress") == 0
    old_fragments = sorted(p.name for p in (output / "pagefind").glob("*/fragment/*"))
    alpha = site / "guides/alpha.md"
    for title in ("改题", "再改题"):  # from the second rebuild on, the first site waits as the staging folder
        alpha.write_text(alpha.read_text(encoding="utf-8").replace("title: ", f"title: {title}", 1), encoding="utf-8")
        assert build(site, output, "--precompress") == 0
    assert build(site, tmp_path / "clean", "--precompress", "--no-cache") == 0
    assert snapshot(output) == snapshot(tmp_path / "clean")
    assert sorted(p.name for p in (output / "pagefind").glob("*/fragment/*")) != old_fragments
    assert "再改题改题" in (output / "guides/alpha/index.html").read_text(encoding="utf-8")


def test_a_build_turns_the_garbage_collector_back_on_for_the_serving_process(tmp_path, basic_site):
    # `serve` builds again and again in one process: a build that left the collector off (it is off
    # while building) or objects frozen would let every rebuild's cycles pile up in memory.
    import gc

    from generator.build.pipeline import build as build_site
    from generator.core.options import Options
    assert gc.isenabled()
    # Two jobs fork a pool even for the small site, so the build freezes and unfreezes the collector too.
    build_site(Options(basic_site, tmp_path / "out", jobs=2, use_cache=False), NOW)
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
