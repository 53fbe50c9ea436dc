"""What the cache gives back is what a clean build would make: no edit or damage is published again."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import sqlite3
import time

import pytest
from conftest import GOOD_NOTICE, build, run_cli, snapshot, write_site
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


def _site(tmp_path):
    return write_site(tmp_path / "content", {"guides/a.md": GOOD_NOTICE,
                                             "guides/b.md": GOOD_NOTICE.replace("合格的公告", "另一篇公告")})


def _clean(content, tmp_path):
    assert build(content, tmp_path / "clean", "--no-cache") == 0
    return snapshot(tmp_path / "clean")


def _edit_in_place(path, same_size: bool) -> None:
    """Change a published file the way a post-processing step or an admin would: in place, same inode."""
    os.chmod(path, 0o644)
    data = path.read_bytes()
    changed = data.replace(b"User-agent", b"User-agenT") if same_size else data + b"x\n"
    assert changed != data
    with open(path, "r+b") as handle:
        handle.write(changed)
    time.sleep(0.02)


@pytest.mark.parametrize("same_size", [False, True])
@pytest.mark.parametrize("then", ["remove the output", "edit a notice"])
def test_a_published_file_edited_in_place_is_never_published_again(tmp_path, same_size, then):
    content = _site(tmp_path)
    output = tmp_path / "output"
    time.sleep(0.02)
    assert build(content, output) == 0
    robots = output / "robots.txt"
    before = os.stat(robots).st_ino
    _edit_in_place(robots, same_size)
    if then == "remove the output":
        shutil.rmtree(output)
    else:
        (content / "guides/b.md").write_text(GOOD_NOTICE.replace("正文。", "新的正文。"), encoding="utf-8")
        time.sleep(0.02)
    assert build(content, output) == 0
    expected = snapshot(output)
    assert os.stat(robots).st_ino != before or then == "remove the output"
    shutil.rmtree(tmp_path / "clean", ignore_errors=True)
    assert expected == _clean(content, tmp_path)
    # And the build after that, from the repaired cache, too.
    shutil.rmtree(output)
    assert build(content, output) == 0
    assert snapshot(output) == expected


def _flip(path, seed: int, flips: int = 8) -> None:
    """Flip random bits of a file, as a failing disk would."""
    rng = random.Random(seed)
    data = bytearray(path.read_bytes())
    for _ in range(flips):
        at = rng.randrange(len(data))
        data[at] ^= 1 << rng.randrange(8)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("seed", range(16))
def test_flipped_bits_in_the_cache_database_never_publish_wrong_bytes(tmp_path, capsys, seed):
    notices = {f"guides/n{i}.md": GOOD_NOTICE.replace("合格的公告", f"公告{i}").replace("正文。", f"第{i}篇的正文。" * 40)
               for i in range(12)}
    content = write_site(tmp_path / "content", notices)
    output, cache = tmp_path / "output", tmp_path / "cache"
    time.sleep(0.02)
    assert build(content, output, "--cache", str(cache)) == 0
    _flip(cache / "cache.sqlite", seed)
    (content / "guides/n0.md").write_text(notices["guides/n0.md"].replace("公告0", "改名的公告"), encoding="utf-8")
    (content / "guides/n1.md").write_text(notices["guides/n1.md"] + "\n新加的一段。\n", encoding="utf-8")
    time.sleep(0.02)
    capsys.readouterr()
    assert build(content, output, "--cache", str(cache)) == 0
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert snapshot(output) == _clean(content, tmp_path)
    assert all(line.count(": ") >= 1 for line in err.splitlines())  # one line per problem, path:line: message


@pytest.mark.parametrize(("damage", "what"), [
    ("UPDATE result SET value = X'80054e2e'", "检查结果"),  # a valid pickle of None, not what was kept
    ("UPDATE body SET summary = '被篡改的摘要'", "正文摘要"),
])
def test_a_damaged_result_or_summary_is_dropped_with_one_warning_and_made_again(tmp_path, capsys, damage, what):
    content = _site(tmp_path)
    output, cache = tmp_path / "output", tmp_path / "cache"
    assert build(content, output, "--cache", str(cache)) == 0
    with sqlite3.connect(cache / "cache.sqlite") as db:
        db.execute(damage)
        db.execute("DELETE FROM page")  # so the summaries are asked for, not only the pages
    shutil.rmtree(output)
    capsys.readouterr()
    assert build(content, output, "--cache", str(cache)) == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if "构建缓存有损坏" in line]
    assert warnings == [f"{cache / 'cache.sqlite'}:1: 警告：构建缓存有损坏（{what}），受损部分已丢弃并重新生成，"
                        "输出与不用缓存时相同；若反复出现，请检查磁盘"]
    assert snapshot(output) == _clean(content, tmp_path)


def test_html_that_fails_its_check_while_rendering_restarts_the_build_without_the_cache(tmp_path, capsys):
    content = _site(tmp_path)
    output, cache = tmp_path / "output", tmp_path / "cache"
    assert build(content, output, "--cache", str(cache)) == 0
    with sqlite3.connect(cache / "cache.sqlite") as db:
        db.execute("UPDATE body SET html = '<p>被篡改的正文</p>'")
        db.execute("DELETE FROM page")  # every page is rendered again, from the kept bodies
    shutil.rmtree(output)
    capsys.readouterr()
    assert build(content, output, "--cache", str(cache)) == 0
    assert "构建缓存有损坏（正文 HTML 校验不符）" in capsys.readouterr().err
    assert snapshot(output) == _clean(content, tmp_path)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), pick=st.integers(0, 10**6), flips=st.integers(1, 16))
def test_random_bytes_flipped_in_any_cache_file_between_builds_give_the_clean_build(tmp_path_factory, seed,
                                                                                     pick, flips):
    """Whatever file of the cache a failing disk damages, the next build is the clean one, or stops in one line."""
    root = tmp_path_factory.mktemp("flip")
    notices = {f"guides/n{i}.md": GOOD_NOTICE.replace("合格的公告", f"公告{i}").replace("正文。", f"第{i}篇正文。" * 30)
               for i in range(6)}
    content = write_site(root / "content", notices)
    output, cache = root / "output", root / "cache"
    time.sleep(0.02)
    assert build(content, output, "--cache", str(cache)) == 0
    (content / "guides/n0.md").write_text(notices["guides/n0.md"] + "\n一改。\n", encoding="utf-8")
    time.sleep(0.02)
    assert build(content, output, "--cache", str(cache)) == 0  # leaves a plan and a store too
    files = sorted(p for p in cache.rglob("*") if p.is_file() and p.stat().st_size and p.name != "lock")
    victim = files[pick % len(files)]
    os.chmod(victim, 0o644)
    _flip(victim, seed, flips)
    (content / "guides/n1.md").write_text(notices["guides/n1.md"] + "\n二改。\n", encoding="utf-8")
    time.sleep(0.02)
    shutil.rmtree(root / "clean", ignore_errors=True)
    assert build(content, root / "clean", "--no-cache") == 0
    result = run_cli("--content", str(content), "--output", str(output), "--cache", str(cache))
    assert "Traceback" not in result.stderr, victim
    assert result.returncode == 0, (victim, result.stderr)
    assert snapshot(output) == snapshot(root / "clean"), victim


@pytest.mark.parametrize("seed", range(4))
def test_damaged_compiled_templates_are_compiled_again_not_run(tmp_path, seed):
    """A compiled template is marshalled Python code: run damaged, it crashed the build or rendered wrong bytes."""
    content = _site(tmp_path)
    output, cache = tmp_path / "output", tmp_path / "cache"
    time.sleep(0.02)
    assert build(content, output, "--cache", str(cache)) == 0
    compiled = sorted(p for p in (cache / "templates").iterdir() if p.is_file())
    assert compiled
    for number, path in enumerate(compiled):
        _flip(path, seed * 100 + number, 8)
    (content / "guides/a.md").write_text(GOOD_NOTICE.replace("正文。", "新的正文。"), encoding="utf-8")
    time.sleep(0.02)
    result = run_cli("--content", str(content), "--output", str(output), "--cache", str(cache))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(output) == _clean(content, tmp_path)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_blobs_written_by_a_build_are_stamped_as_they_are_on_disk_and_not_hashed_again(tmp_path, monkeypatch, jobs):
    """The workers say what they wrote (size, time, inode) instead of a stat at the end: a stamp that
    differed from the blob would have every later build read and hash its whole cache again."""
    from generator.incremental import cache as cache_module

    notices = {f"guides/n{i}.md": GOOD_NOTICE.replace("合格的公告", f"第{i}篇公告") for i in range(6)}
    content = write_site(tmp_path / "content", notices)
    output, kept = tmp_path / "output", tmp_path / "cache"
    assert build(content, output, "--cache", str(kept), "--precompress", "--jobs", jobs) == 0
    with sqlite3.connect(kept / "cache.sqlite") as db:
        stamps = dict((d, (s, m)) for d, s, m in db.execute("SELECT digest, size, mtime FROM blob"))
    on_disk = {}
    for shard in (kept / "blobs").iterdir():
        for blob in shard.iterdir():
            info = blob.stat()
            on_disk[blob.name] = (info.st_size, info.st_mtime_ns)
    assert len(on_disk) > 2 * len(notices)  # the notice pages and their twins among them
    assert stamps == on_disk
    page = output / "guides/n3/index.html"
    assert page.stat().st_ino == (kept / "blobs" / _blob_of(kept, page)).stat().st_ino  # linked, not copied
    hashed = []
    real = cache_module.holds_its_bytes
    monkeypatch.setattr(cache_module, "holds_its_bytes", lambda blob, digest: hashed.append(blob) or real(blob, digest))
    shutil.rmtree(output)
    assert build(content, output, "--cache", str(kept), "--precompress", "--jobs", jobs) == 0
    assert hashed == []
    assert (output / "guides/n3/index.html.gz").exists()


def _blob_of(kept, page) -> str:
    digest = hashlib.sha256(page.read_bytes()).hexdigest()
    return f"{digest[:2]}/{digest}"
