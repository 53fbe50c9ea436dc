"""Touch-up: after edits to notice bodies alone, the site is rebuilt without loading the other notices,
and it is the site a clean build makes (generator/touchup.py)."""

from __future__ import annotations

import os
import time
from unittest import mock

import pytest
from conftest import GOOD_NOTICE, build, snapshot, write_site
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.build import pipeline
from generator.markdown.bodycheck import needs_summary, removed_html

B = GOOD_NOTICE.replace("合格的公告", "第二篇").replace("2024-05-15", "2024-05-10")
C = GOOD_NOTICE.replace("合格的公告", "第三篇").replace("category: guides", "category: results")
ID = "11010519491231002X"


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A built site of three notices, and the list of builds that loaded the notices (the full way)."""
    content = write_site(tmp_path / "content", {"guides/a.md": GOOD_NOTICE, "guides/b.md": B, "results/c.md": C})
    _next_tick()
    output = tmp_path / "output"
    assert build(content, output) == 0
    loads, load = [], pipeline.load_notices
    monkeypatch.setattr(pipeline, "load_notices", lambda *args: loads.append(1) or load(*args))
    return content, output, loads


def _next_tick() -> None:
    """Let the file system's clock move on: a build's record proves nothing about files changed in the
    tick it began (shortcut.py), and a test writes files and builds within microseconds."""
    time.sleep(0.02)


def _edit(path, old: str, new: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    _next_tick()


def _clean(content, tmp_path) -> dict[str, bytes]:
    assert build(content, tmp_path / "clean", "--no-cache") == 0
    return snapshot(tmp_path / "clean")


def test_a_body_edit_is_rebuilt_without_loading_a_notice_and_equals_a_clean_build(site, tmp_path):
    content, output, loads = site
    inodes = {p: os.stat(p).st_ino for p in output.rglob("*") if p.is_file()}
    for number, text in enumerate(("第一次改过的正文。", "第二次改过的正文。")):
        _edit(content / "guides/a.md", "正文。" if number == 0 else "第一次改过的正文。", text)
        assert build(content, output) == 0
        assert loads == []
        assert text in (output / "guides/a/index.html").read_text(encoding="utf-8")
        assert text in (output / "feed.xml").read_text(encoding="utf-8")  # feeds carry whole bodies
        assert snapshot(output) == _clean(content, tmp_path)
        loads.clear()  # the clean build loaded them
    changed = {p.relative_to(output).as_posix() for p, inode in inodes.items() if os.stat(p).st_ino != inode}
    assert {"guides/a/index.html", "feed.xml", "rss.xml"} <= changed
    # The other notices' pages and every page that shows no body are the very same files.
    assert not changed & {"guides/b/index.html", "results/c/index.html", "catalogue/index.html", "sitemap.xml"}


@pytest.mark.parametrize("old, new", [("正文。", "新的正文。"), ("第三篇", "第三篇改名")])
def test_a_touch_up_leaves_the_cache_as_a_fresh_build_would(site, tmp_path, old, new):
    """Its pages are kept under the keys a fresh build gives them, so the next full build renders none."""
    from test_incremental import _kept

    content, output, loads = site
    _edit(content / "results/c.md", old, new)
    assert build(content, output) == 0
    assert loads == []
    assert build(content, tmp_path / "fresh", "--cache", str(tmp_path / "fresh-cache")) == 0
    assert _kept(tmp_path / ".gongkai-cache") == _kept(tmp_path / "fresh-cache")


def test_a_title_edit_is_rebuilt_without_loading_a_notice_and_reaches_every_page_that_shows_it(site, tmp_path):
    content, output, loads = site
    inodes = {p.relative_to(output).as_posix(): os.stat(p).st_ino for p in output.rglob("*") if p.is_file()}
    _edit(content / "guides/a.md", "合格的公告", "改过的标题")
    assert build(content, output) == 0
    assert loads == []
    for page in ("guides/a/index.html", "guides/b/index.html", "guides/index.html", "index.html", "feed.xml",
                 "guides/feed.xml", "catalogue/index.html", "catalogue.json", "catalogue.csv"):
        assert "改过的标题" in (output / page).read_text(encoding="utf-8-sig"), page
    assert snapshot(output) == _clean(content, tmp_path)
    changed = {rel for rel, inode in inodes.items() if os.stat(output / rel).st_ino != inode}
    assert "results/c/index.html" not in changed and "sitemap.xml" not in changed
    # The touched-up catalogue is kept for the next title edit, and a body edit after it is touched up too.
    loads.clear()
    _edit(content / "results/c.md", "第三篇", "第三篇改名")
    _edit(content / "guides/a.md", "正文。", "改过的正文。")
    assert build(content, output) == 0
    assert loads == []
    catalogue = (output / "catalogue/index.html").read_text(encoding="utf-8")
    assert "改过的标题" in catalogue and "第三篇改名" in catalogue
    assert snapshot(output) == _clean(content, tmp_path)


def test_a_full_build_after_a_title_touch_up_does_not_trust_the_plan_the_touch_up_left(site, tmp_path, monkeypatch):
    """Body edits keep a plan's basis, a title does not: the title touched up and then set back,
    with more edits than a touch-up takes, must not find the first plan's keys valid again."""
    content, output, loads = site
    _edit(content / "guides/a.md", "合格的公告", "临时的标题")
    assert build(content, output) == 0
    assert loads == []
    monkeypatch.setattr("generator.build.touchup.MOST_FILES", 1)
    _edit(content / "guides/a.md", "临时的标题", "合格的公告")
    _edit(content / "guides/b.md", "正文。", "改过的正文。")
    assert build(content, output) == 0
    assert loads
    assert "临时的标题" not in (output / "guides/a/index.html").read_text(encoding="utf-8")
    assert snapshot(output) == _clean(content, tmp_path)


@pytest.mark.parametrize("change", ["title and date", "title of a notice another amends", "title with an old URL",
                                    "new file", "configuration", "suspect number", "title of a draft"])
def test_edits_beyond_bodies_and_titles_go_the_full_way(site, tmp_path, change):
    content, output, loads = site
    _edit(content / "guides/a.md", "正文。", "改过的正文。")
    if change == "title and date":
        _edit(content / "guides/a.md", "title: 合格的公告\ncategory: guides\ndate: 2024-05-15",
              "title: 改过的标题\ncategory: guides\ndate: 2024-05-16")
    elif change == "title of a notice another amends":  # b's page names a by its title
        _edit(content / "guides/b.md", "category: guides", "category: guides\namends: a")
        assert build(content, output) == 0
        assert "合格的公告" in (output / "guides/b/index.html").read_text(encoding="utf-8")
        _edit(content / "guides/a.md", "合格的公告", "改过的标题")
    elif change == "title with an old URL":  # its redirect page names it by its title
        _edit(content / "guides/a.md", "category: guides", "category: guides\nredirect_from: [old/a/]")
        assert build(content, output) == 0
        _edit(content / "guides/a.md", "合格的公告", "改过的标题")
    elif change == "title of a draft":
        write_site(content, {"guides/d.md": GOOD_NOTICE.replace("---\n正", "draft: true\n---\n正")})
        _next_tick()
        assert build(content, output) == 0
        _edit(content / "guides/d.md", "合格的公告", "草稿改名")
    elif change == "new file":
        write_site(content, {"guides/d.md": GOOD_NOTICE.replace("合格的公告", "第四篇")})
    elif change == "configuration":
        (content / "site.yaml").write_text((content / "site.yaml").read_text(encoding="utf-8") + "per_page: 1\n",
                                           encoding="utf-8")
    elif change == "suspect number":  # a body the privacy scan refuses: the build must fail and say where
        before = snapshot(output)
        _edit(content / "guides/a.md", "改过的正文。", f"身份证号：{ID}")
        assert build(content, output) == 1
        assert loads and snapshot(output) == before
        return
    loads.clear()
    _next_tick()
    assert build(content, output) == 0
    assert loads
    assert snapshot(output) == _clean(content, tmp_path)


def test_a_lost_store_of_contexts_sends_the_build_the_full_way(site, tmp_path):
    content, output, loads = site
    for store in (tmp_path / ".gongkai-cache").glob("last-plan-*.store"):
        store.unlink()
    _edit(content / "guides/a.md", "正文。", "改过的正文。")
    assert build(content, output) == 0
    assert loads
    assert snapshot(output) == _clean(content, tmp_path)
    loads.clear()  # that build kept a new store: the next body edit is touched up again
    _edit(content / "guides/a.md", "改过的正文。", "再改的正文。")
    assert build(content, output) == 0
    assert loads == []
    assert snapshot(output) == _clean(content, tmp_path)


def test_a_draft_edited_alone_changes_no_page(site, tmp_path):
    content, output, loads = site
    write_site(content, {"guides/d.md": GOOD_NOTICE.replace("合格的公告", "草稿").replace("---\n正", "draft: true\n---\n正")})
    _next_tick()
    assert build(content, output) == 0
    before = snapshot(output)
    loads.clear()
    _edit(content / "guides/d.md", "正文。", "草稿的新正文。")
    assert build(content, output) == 0
    assert loads == []
    assert snapshot(output) == before
    assert "草稿的新正文" not in str(before)


BODIES = ["正文。", "新正文。", "# 标题\n\n- 一\n- 二\n", "| 甲 | 乙 |\n| --- | --- |\n| 1 | 2 |\n",
          "**加粗**和[链接](https://example.org/)。", "<script>alert(1)</script>段落。", "1. 第一\n2. 第二\n\n尾段。"]


def _body_warnings(body: str) -> tuple:
    return removed_html(body), needs_summary(body)


def _body_site(notices: dict) -> dict[str, str]:
    files = {}
    for slug, (category, title, body, draft) in notices.items():
        files[f"{category}/{slug}.md"] = (f"---\ntitle: {title}\ncategory: {category}\ndate: 2024-05-1{len(files)}\n"
                                          f"responsible: 张三\ndraft: {'true' if draft else 'false'}\n---\n{body}\n")
    return files


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.one_of(
    st.lists(st.tuples(st.sampled_from("abcd"), st.sampled_from(BODIES)), min_size=1, max_size=3),
    st.tuples(st.just("title"), st.sampled_from("abcd"), st.sampled_from(["甲", "乙"]))), min_size=1, max_size=5))
def test_after_any_body_or_title_edits_a_touch_up_equals_a_clean_build(tmp_path_factory, steps):
    """Body and title edits of published notices are touched up (no notice is loaded) and give a clean
    build's bytes; a draft's new title goes the full way."""
    root = tmp_path_factory.mktemp("bodies")
    notices = {"a": ["guides", "甲公告", "正文。", False], "b": ["guides", "乙公告", "正文。", False],
               "c": ["results", "丙公告", "正文。", False], "d": ["guides", "丁草稿", "正文。", True]}
    content = write_site(root / "content", _body_site(notices))
    _next_tick()
    assert build(content, root / "output") == 0
    for number, step in enumerate(steps):
        retitled = isinstance(step, tuple) and notices[step[1]][1] != step[2] and notices[step[1]][3]
        warned = {slug: _body_warnings(notice[2]) for slug, notice in notices.items()}
        if isinstance(step, tuple):
            notices[step[1]][1] = step[2]
        else:
            for slug, body in step:
                notices[slug][2] = body
        for rel, text in _body_site(notices).items():
            if (content / rel).read_text(encoding="utf-8") != text:
                (content / rel).write_text(text, encoding="utf-8")
        _next_tick()
        loads, load = [], pipeline.load_notices
        with mock.patch.object(pipeline, "load_notices", lambda *args: loads.append(1) or load(*args)):
            assert build(content, root / "output") == 0
        # A body that brings or loses a warning (raw HTML the sanitiser removes, no sentence for a summary)
        # is a new problem, which goes the full way so that the build reports it.
        rewarned = any(_body_warnings(notice[2]) != warned[slug] for slug, notice in notices.items())
        assert (loads == []) == (not retitled and not rewarned), step
        assert build(content, root / f"clean-{number}", "--no-cache") == 0
        assert snapshot(root / "output") == snapshot(root / f"clean-{number}"), step


def test_a_notice_that_is_a_link_to_an_edited_notice_shows_the_new_body(site, tmp_path):
    content, output, loads = site
    os.symlink("a.md", content / "guides/linked.md")  # the same text at a second address
    _next_tick()
    assert build(content, output) == 0
    _edit(content / "guides/a.md", "正文。", "两处都该显示的正文。")
    assert build(content, output) == 0
    assert "两处都该显示的正文" in (output / "guides/linked/index.html").read_text(encoding="utf-8")
    assert snapshot(output) == _clean(content, tmp_path)


def test_a_title_edit_reaches_the_catalogue_pages_of_its_topic_and_genre(tmp_path, capsys):
    content = write_site(tmp_path / "content", {
        "guides/a.md": GOOD_NOTICE.replace("---\n正文。", "主题分类: 民族事务\n体裁分类: 通知\n---\n正文。"),
        "guides/b.md": B})
    _next_tick()
    output = tmp_path / "output"
    assert build(content, output) == 0
    _edit(content / "guides/a.md", "合格的公告", "改过的标题")
    assert build(content, output, "-v") == 0
    assert "构建方式：局部更新" in capsys.readouterr().out
    for page in ("catalogue/topic/民族事务/index.html", "catalogue/genre/通知/index.html"):
        assert "改过的标题" in (output / page).read_text(encoding="utf-8"), page
    assert snapshot(output) == _clean(content, tmp_path)
