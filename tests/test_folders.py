"""Folders that must not nest: a cache inside the output would be published; nothing is written first."""

from __future__ import annotations

import pytest
from conftest import GOOD_NOTICE, run_inline, write_site


@pytest.mark.parametrize(("output", "cache", "message"), [
    ("out", "out/cache", "拒绝使用 {t}/out/cache 作为缓存目录：它在输出目录 {t}/out 之中，缓存会随网站一起发布"),
    ("out", "out", "拒绝使用 {t}/out 作为缓存目录：它在输出目录 {t}/out 之中"),
    ("cache/out", "cache", "拒绝使用 {t}/cache/out 作为输出目录：它在缓存目录 {t}/cache 之中"),
    ("out", "content/cache", "拒绝使用 {t}/content/cache 作为缓存目录：它在内容目录 {t}/content 之中"),
    ("content/out", None, "拒绝使用 {t}/content/out 作为输出目录：它在内容目录 {t}/content 之中"),
])
def test_nested_folders_are_a_usage_error_before_anything_is_written(tmp_path, output, cache, message):
    content = write_site(tmp_path / "content", {"guides/a.md": GOOD_NOTICE})
    args = ["--content", str(content), "--output", str(tmp_path / output)]
    if cache is not None:
        args += ["--cache", str(tmp_path / cache)]
    result = run_inline(*args)
    assert result.returncode == 2
    assert result.stderr.startswith("build.py: " + message.format(t=tmp_path))
    assert "Traceback" not in result.stderr
    assert not (tmp_path / output).exists()
    if cache is not None and cache != "cache":
        assert not (tmp_path / cache / "cache.sqlite").exists()
