"""Load stage: decoding, front matter splitting and line numbers."""

import pytest

from generator.core.yamltree import YamlProblem, parse_yaml
from generator.load.sources import find_notice_files, parse_source


def test_bom_and_crlf_are_read_like_plain_utf8():
    data = "\ufeff---\r\ntitle: 标题\r\ndate: 2024-05-15\r\n---\r\n正文\r\n".encode("utf-8")
    source, problems = parse_source(data, "a.md")
    assert problems == []
    assert source.meta == {"title": "标题", "date": "2024-05-15"}
    assert source.key_lines == {"title": 2, "date": 3}
    assert source.body == "正文\n"
    assert source.body_line == 5


def test_blank_line_after_opening_fence_keeps_line_numbers_right():
    source, _ = parse_source("---\n\n\ntitle: x\n---\nbody".encode(), "a.md")
    assert source.key_lines["title"] == 4


def test_invalid_utf8_names_the_line():
    data = "---\ntitle: 好\n---\n第一行\n".encode("utf-8") + b"\xff\xfe broken\n"
    source, problems = parse_source(data, "a.md")
    assert source is None
    assert problems[0].line == 5
    assert "UTF-8" in problems[0].message


def test_missing_or_unclosed_front_matter_is_reported_on_line_1():
    _, problems = parse_source("正文而已".encode(), "a.md")
    assert problems[0].line == 1 and "front matter" in problems[0].message
    _, problems = parse_source("---\ntitle: x\n正文".encode(), "a.md")
    assert "没有结束" in problems[0].message


def test_yaml_syntax_error_points_at_its_line():
    _, problems = parse_source("---\ntitle: ok\ndate: [2024\nresponsible: x\n---\n".encode(), "a.md")
    assert problems[0].line == 3  # the line with the unclosed bracket, not the next one where YAML notices
    assert problems[0].message.startswith("YAML 语法错误：这一行的 [ 没有配对的 ]")


def test_yaml_keeps_every_scalar_as_written():
    doc = parse_yaml("a: no\nb: on\nc: 010\nd: 2024-05-15\ne: 1e3\nf: ~\ng: ''\n")
    assert doc.data == {"a": "no", "b": "on", "c": "010", "d": "2024-05-15", "e": "1e3", "f": None, "g": ""}


def test_duplicate_keys_are_reported_with_both_lines():
    source, problems = parse_source("---\ntitle: a\ntitle: b\n---\n".encode(), "a.md")
    assert problems[0].line == 3
    assert "第 2 行" in problems[0].message


def test_aliases_are_refused():
    with pytest.raises(YamlProblem):
        parse_yaml("a: &x [1, 2]\nb: *x\n")


def test_notice_files_are_found_recursively_and_sorted(tmp_path):
    for rel in ["b/z.md", "a.md", "b/a.md", ".hidden/x.md", "pages/about.md", "notes.txt"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    found = [p.relative_to(tmp_path).as_posix() for p in find_notice_files(tmp_path)]
    assert found == ["a.md", "b/a.md", "b/z.md"]


def test_a_notice_that_grew_after_its_size_was_taken_is_read_whole_or_refused_as_too_large(tmp_path):
    """read_notice asks for the size fstat gave plus one byte; a file written to meanwhile must not be cut short."""
    import os

    from generator.load.sources import _read_up_to, read_notice

    path = tmp_path / "a.md"
    path.write_bytes(b"x" * 200_000)
    fd = os.open(path, os.O_RDONLY)
    try:
        assert _read_up_to(fd, 10, 10**6) == b"x" * 200_000  # fstat said 10 bytes; the file has more
    finally:
        os.close(fd)
    assert read_notice(path, "a.md", 1024) == (b"x" * 200_000, None)
    data, problem = read_notice(path, "a.md", 100)
    assert data == b"" and "超过了" in problem.message and problem.line == 1


def test_full_width_colons_inside_values_are_not_mistaken_for_keys():
    front = ("title: 通知：关于办公时间\nsummary: 本局决定\n  开展工作：具体如下\ntags:\n  - 时间：上午\n"
             "changes:\n  - date: 2024-06-01\n    note: 更正：电话\n")
    source, problems = parse_source(f"---\n{front}---\n正文".encode(), "a.md")
    assert problems == []
    assert source.meta["summary"] == "本局决定 开展工作：具体如下"
    assert source.meta["tags"] == ["时间：上午"]


def test_a_full_width_colon_after_a_nested_key_is_named_at_its_line():
    front = "title: 好\nchanges:\n  - date: 2024-06-01\n    note：更正\n"
    _, problems = parse_source(f"---\n{front}---\n正文".encode(), "a.md")
    assert [(p.line, p.message[:20]) for p in problems] == [(5, "「note」后面是全角冒号「：」：请改成")]
