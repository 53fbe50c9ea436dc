"""Write stage: the output folder is replaced whole, and only when it is gongkai's."""

import functools
import os
import shutil
import time

import pytest
from conftest import GOOD_NOTICE, ROOT, build, run_inline, snapshot, write_site

from generator.build.output import Staging
from generator.core.files import MARKER


@pytest.fixture
def content(tmp_path):
    return write_site(tmp_path / "content", {"guides/ok.md": GOOD_NOTICE})


def test_output_is_replaced_whole_and_stale_files_go(content, tmp_path):
    output = tmp_path / "out"
    assert build(content, output) == 0
    (output / "guides/stale").mkdir()  # a page of an older build (a published notice may not vanish: see test_removal)
    (output / "guides/stale/index.html").write_text("old")
    assert build(content, output) == 0
    assert (output / "guides/ok/index.html").is_file()
    assert not (output / "guides/stale").exists()
    assert (output / MARKER).is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".gongkai-cache", "content", "out"]


@pytest.mark.parametrize("where", ["content", "parent", "root", "foreign"])
def test_dangerous_output_folders_are_refused(where, content, tmp_path):
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "thesis.docx").write_text("mine")
    target = {"content": content, "parent": tmp_path, "root": ROOT, "foreign": foreign}[where]
    result = run_inline("--content", str(content), "--output", str(target))
    assert result.returncode == 2
    assert "拒绝使用" in result.stderr and "Traceback" not in result.stderr
    assert (foreign / "thesis.docx").read_text() == "mine"
    assert (content / "guides/ok.md").is_file()


def test_an_empty_folder_may_become_the_output(content, tmp_path):
    (tmp_path / "empty").mkdir()
    assert build(content, tmp_path / "empty") == 0


def test_leftovers_of_a_killed_build_are_cleaned_up(content, tmp_path):
    output = tmp_path / "out"
    assert build(content, output) == 0
    assert build(content, output) == 0  # now the next one finds nothing changed and takes the shortcut
    leftover = tmp_path / "out.gongkai-staging"
    leftover.mkdir()
    (leftover / MARKER).write_text("gongkai\n")
    (leftover / "half.html").write_text("half")
    assert build(content, output) == 0
    assert not leftover.exists()


def assert_an_edit_gives_the_clean_site(content, output, clean, body):
    """After an edit, the output equals a build without cache or spare and holds no empty folder a reused one left."""
    (content / "guides/ok.md").write_text(GOOD_NOTICE.replace("正文。", body), encoding="utf-8")
    assert build(content, output) == 0
    assert build(content, clean, "--no-cache") == 0
    assert snapshot(output) == snapshot(clean)
    assert not [p for p in output.rglob("*") if p.is_dir() and not any(p.iterdir())]


def test_folders_a_reused_staging_folder_holds_without_files_do_not_reach_the_output(content, tmp_path):
    output = tmp_path / "out"
    assert build(content, output) == 0
    leftover = tmp_path / "out.gongkai-staging"  # a killed build got as far as making folders
    (leftover / "guides/gone/deeper").mkdir(parents=True)
    (leftover / "empty").mkdir()
    (leftover / MARKER).write_text("gongkai\n")
    assert_an_edit_gives_the_clean_site(content, output, tmp_path / "clean", "新的正文。")


def test_a_first_build_makes_no_spare_and_the_rebuild_after_it_is_the_clean_site(content, tmp_path):
    """A cache no build has finished with is most often CI's, thrown away with its machine: its build
    does not make the copy only a next build would use. The next build makes its own staging folder."""
    output, spare = tmp_path / "out", tmp_path / ".gongkai-cache/spare"
    assert build(content, output) == 0
    assert not spare.exists()
    assert_an_edit_gives_the_clean_site(content, output, tmp_path / "clean", "新的正文。")
    assert (spare / MARKER).is_file()  # the site the edit replaced, kept for the build after it


def test_a_build_into_an_empty_output_with_a_used_cache_leaves_a_spare_and_a_rebuild_from_it_is_the_clean_site(
        content, tmp_path):
    output, spare = tmp_path / "out", tmp_path / ".gongkai-cache/spare"
    assert build(content, output) == 0
    shutil.rmtree(output)  # CI that keeps its cache: every run starts from a fresh clone
    assert build(content, output) == 0
    assert (spare / MARKER).is_file()  # begun while the site was staged
    # and holding the very files of the new site, so that the next build replaces only what changed
    assert os.stat(spare / "index.html").st_ino == os.stat(output / "index.html").st_ino
    assert_an_edit_gives_the_clean_site(content, output, tmp_path / "clean", "新的正文。")


def test_a_partly_made_or_odd_spare_still_gives_the_clean_site(content, tmp_path):
    output = tmp_path / "out"
    assert build(content, output) == 0
    spare = tmp_path / ".gongkai-cache/spare"
    shutil.rmtree(spare, ignore_errors=True)
    (spare / "guides").mkdir(parents=True)  # a spare cut short, with a file where a folder goes
    (spare / MARKER).write_text("gongkai\n")
    (spare / "guides/ok").write_text("not a folder")
    (spare / "stale/deep").mkdir(parents=True)
    assert_an_edit_gives_the_clean_site(content, output, tmp_path / "clean", "又一版正文。")


@pytest.mark.parametrize("output_kept", [True, False])
def test_a_rebuild_that_fails_validation_leaves_output_and_spare_as_they_were(content, tmp_path, output_kept):
    """The staging folder is readied from the spare while notices are read; a bad notice puts it back."""
    output, spare = tmp_path / "out", tmp_path / ".gongkai-cache/spare"
    assert build(content, output) == 0
    (content / "guides/ok.md").write_text(GOOD_NOTICE.replace("正文。", "第二版正文。"), encoding="utf-8")
    assert build(content, output) == 0  # the spare now holds the site this build replaced
    if not output_kept:
        shutil.rmtree(output)
    before = snapshot(output) if output_kept else None
    files_in_spare = sorted(p.relative_to(spare) for p in spare.rglob("*"))
    (content / "guides/bad.md").write_text("---\ntitle: [未闭合\n---\n", encoding="utf-8")
    assert build(content, output) == 1
    assert (snapshot(output) if output_kept else None) == before and output.exists() == output_kept
    assert sorted(p.name for p in tmp_path.iterdir()) == [".gongkai-cache", "content", "out"][:2 + output_kept]
    assert sorted(p.relative_to(spare) for p in spare.rglob("*")) == files_in_spare
    (content / "guides/bad.md").unlink()
    assert_an_edit_gives_the_clean_site(content, output, tmp_path / "clean", "修好后的正文。")


def test_a_failure_while_writing_leaves_the_previous_output(content, tmp_path):
    output = tmp_path / "out"
    assert build(content, output) == 0
    before = sorted(p.relative_to(output) for p in output.rglob("*"))
    with pytest.raises(OSError):
        with Staging(output) as staging:
            staging.write("index.html", b"new")
            raise OSError("disk full")
    assert sorted(p.relative_to(output) for p in output.rglob("*")) == before
    assert not (tmp_path / "out.gongkai-staging").exists()


def test_staging_refuses_paths_that_leave_it(tmp_path):
    with Staging(tmp_path / "out") as staging:
        with pytest.raises(ValueError):
            staging.write("../escape.html", b"x")
    assert not (tmp_path / "escape.html").exists()


def test_check_writes_nothing(content, tmp_path):
    result = run_inline("--content", str(content), "--output", str(tmp_path / "out"), "--check")
    assert result.returncode == 0, result.stderr
    assert "未写入" in result.stdout
    assert not (tmp_path / "out").exists() and not os.path.exists(tmp_path / "out.gongkai-staging")


def test_the_spare_is_made_while_the_build_runs_not_only_after_it_reads_the_staged_listing(tmp_path):
    """The helper that readies the staging folder goes on to make the spare's folders (output.py). Its
    first result (the listing of ten thousand files) used to go through a pipe, and a result larger than
    the pipe's buffer held it until the build read it, just before the swap: a build into an empty
    output then left a spare of a few hundred folders, and the next rebuild made the rest."""
    from generator.build.output import Helper

    second = tmp_path / "second part began"
    listing = {f"guides/n{i:06d}/index.html": i for i in range(20_000)}
    helper = Helper()
    helper.start(functools.partial(dict, listing), second.touch)
    deadline = time.monotonic() + 20
    while not second.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert second.exists()
    assert helper.result() == listing
    helper.stop()


def test_a_helper_forked_for_work_that_never_comes_ends_with_the_build():
    """The helper is forked at the start of a build, before its work is known (output.py); a build that
    fails before it hands the work over must not leave the child waiting."""
    from generator.build.output import Helper

    helper = Helper()
    pid = helper.pid
    helper.stop()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def test_the_helper_is_forked_before_the_build_reads_its_record_and_the_cache(tmp_path, monkeypatch):
    """A forked child keeps every memory page it shares with the build. Forked after the last build's
    record and the cache's tables were read (450 MB at 100,000 notices), the helper held them through
    the build: a template edit's tree then peaked above the 4 GB of a usual CI runner."""
    from generator.build import pipeline
    from generator.build.output import Helper

    content = write_site(tmp_path / "content", {"guides/a.md": GOOD_NOTICE})
    output = tmp_path / "out"
    assert build(content, output) == 0
    (content / "guides/a.md").write_text(GOOD_NOTICE.replace("正文。", "改过的正文。"), encoding="utf-8")
    time.sleep(0.02)  # a build trusts no file changed in the tick it began
    events = []

    def noted(name, real):
        return lambda *args, **kwargs: events.append(name) or real(*args, **kwargs)

    monkeypatch.setattr(Helper, "__init__", noted("fork", Helper.__init__))
    monkeypatch.setattr(pipeline, "look", noted("look", pipeline.look))
    monkeypatch.setattr(pipeline, "Cache", noted("cache", pipeline.Cache))
    assert build(content, output) == 0
    assert events == ["fork", "look", "cache"]  # one helper, forked first
    assert "改过的正文" in (output / "guides/a/index.html").read_text(encoding="utf-8")


def test_folders_planned_after_the_notices_reach_the_spare_too(tmp_path):
    """A build into an empty output hands the helper its notices' folders as soon as it knows who is
    published, and the rest of the site's once planned (pipeline.py). Without the second part the
    spare lacked the index pages' folders, and the next build made them itself."""
    output, spare = tmp_path / "out", tmp_path / "cache" / "spare"
    spare.parent.mkdir()
    stage = Staging(output, spare).begin()
    stage.prepare(["guides/n1/index.html"])
    stage.prepare(["guides/n1/index.html", "guides/page/2/index.html", "archive/2024/index.html"])
    deadline = time.monotonic() + 20
    while not (spare / "archive/2024").is_dir() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert (spare / "guides/n1").is_dir() and (spare / "guides/page/2").is_dir() and (spare / "archive/2024").is_dir()
    with stage:
        for rel in ("guides/n1/index.html", "guides/page/2/index.html", "archive/2024/index.html"):
            stage.write(rel, b"page")
        stage.commit()
    assert (output / "guides/page/2/index.html").read_bytes() == b"page"
    assert (spare / "archive/2024/index.html").read_bytes() == b"page"  # the spare holds the site's files
