"""Limits: oversized or over-nested input is refused with `path:line:`, never a crash or a hang."""

from __future__ import annotations

import time

from conftest import GOOD_NOTICE, SITE_YAML, build, write_site
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.core.limits import (
    MAX_ATTACHMENTS,
    MAX_BODY_NESTING,
    MAX_FRONT_MATTER_BYTES,
    MAX_YAML_NESTING,
    attachments_problem,
    body_nesting,
    yaml_nesting,
)
from generator.markdown.markup import Converter

HEAD = "---\ntitle: 公告\ncategory: guides\ndate: 2024-05-15\nresponsible: 张三\n---\n"


def failing_build(tmp_path, files, capsys, site_yaml=SITE_YAML) -> list[str]:
    """Build a site that must fail; return its diagnostic lines and check the old output survived."""
    content = write_site(tmp_path / "content", files, site_yaml)
    output = tmp_path / "output"
    assert build(write_site(tmp_path / "good", {"a.md": GOOD_NOTICE}), output) == 0
    before = sorted(p.name for p in output.rglob("*"))
    capsys.readouterr()
    assert build(content, output) == 1
    assert sorted(p.name for p in output.rglob("*")) == before
    return [line for line in capsys.readouterr().err.splitlines() if line.startswith(("a.md:", "big.md:", "deep.md:", "guides/many.md:"))]


def test_a_notice_over_5_mb_is_refused_by_name(tmp_path, capsys):
    body = "正文。\n" * (5 * 1024 * 1024 // 10 + 1)
    lines = failing_build(tmp_path, {"big.md": HEAD + body}, capsys)
    assert len(lines) == 1 and lines[0].startswith("big.md:1:") and "5 MB" in lines[0] and "max_notice_kb" in lines[0]


def test_the_notice_size_limit_is_configurable_in_site_yaml(tmp_path, capsys):
    lines = failing_build(tmp_path, {"big.md": HEAD + "字" * 2000}, capsys, SITE_YAML + "max_notice_kb: 4\n")
    assert len(lines) == 1 and lines[0].startswith("big.md:1:")
    content = write_site(tmp_path / "ok", {"big.md": HEAD + "字" * 2000}, SITE_YAML + "max_notice_kb: 8\n")
    assert build(content, tmp_path / "out2") == 0


def test_front_matter_over_64_kb_is_refused(tmp_path, capsys):
    big = "---\ntitle: 公告\nsummary: " + "长" * (MAX_FRONT_MATTER_BYTES // 3 + 10) + "\n---\n正文\n"
    lines = failing_build(tmp_path, {"big.md": big}, capsys)
    assert lines == ["big.md:1: front matter 有 64 KB，超过了 64 KB 的上限：长内容请写在正文里"]


def test_deeply_nested_front_matter_is_refused_before_yaml_can_crash(tmp_path, capsys):
    # 30,000 unclosed brackets crash LibYAML's composer with a segmentation fault.
    lines = failing_build(tmp_path, {"deep.md": "---\ntitle: 公告\ntags: " + "[" * 30000 + "\n---\n正文\n"}, capsys)
    assert len(lines) == 1 and lines[0].startswith("deep.md:3:") and f"上限 {MAX_YAML_NESTING} 层" in lines[0]


def test_lists_nested_past_the_limit_are_refused_at_their_line(tmp_path, capsys):
    # 400 levels of nested lists raise RecursionError inside python-markdown.
    body = "开头\n\n" + "".join("    " * i + "1. 项\n" for i in range(400))
    lines = failing_build(tmp_path, {"deep.md": HEAD + body}, capsys)
    deepest = HEAD.count("\n") + 2 + 400  # the last list line
    assert len(lines) == 1 and lines[0].startswith(f"deep.md:{deepest}:") and "嵌套过深" in lines[0]


def test_quotes_nested_past_the_limit_are_refused(tmp_path, capsys):
    body = "".join(">" * i + " 引\n" for i in range(1, MAX_BODY_NESTING + 2))
    lines = failing_build(tmp_path, {"deep.md": HEAD + body}, capsys)
    assert len(lines) == 1 and lines[0].startswith(f"deep.md:{HEAD.count(chr(10)) + MAX_BODY_NESTING + 1}:")


def test_nesting_up_to_the_limit_still_renders_quickly():
    converter = Converter()
    shapes = [
        "".join("    " * i + "1. 项\n" for i in range(MAX_BODY_NESTING)),
        "".join("  " * i + "- 项\n" for i in range(2 * MAX_BODY_NESTING)),
        "".join("> " * i + "- 项\n" for i in range(MAX_BODY_NESTING)),
        "".join(">" * i + " 引\n" for i in range(MAX_BODY_NESTING)),
    ]
    for body in shapes:
        started = time.perf_counter()
        assert "项" in converter.convert(body).html or "引" in converter.convert(body).html
        assert time.perf_counter() - started < 5  # generous: pathological input took 40 s


def test_a_title_over_200_characters_is_refused(tmp_path, capsys):
    notice = HEAD.replace("title: 公告", "title: " + "长" * 201)
    lines = failing_build(tmp_path, {"a.md": notice}, capsys)
    assert lines == ["a.md:2: title（标题）有 201 个字，超过了 200 字的上限，请缩短"]


def test_more_than_fifty_attachments_are_refused_with_the_fix(tmp_path, capsys):
    files = {f"guides/f{i}.txt": "附件" for i in range(MAX_ATTACHMENTS + 1)}
    listing = "".join(f"  - f{i}.txt\n" for i in range(MAX_ATTACHMENTS + 1))
    notice = GOOD_NOTICE.replace("responsible: 张三\n", "responsible: 张三\nattachments:\n" + listing)
    lines = failing_build(tmp_path, {**files, "guides/many.md": notice}, capsys)
    assert lines == ["guides/many.md:6: attachments（附件）有 51 个附件，超过了 50 个的上限：请合并为压缩包，或拆分为几篇公告"]
    assert attachments_problem(MAX_ATTACHMENTS) is None


def line_by_line_nesting(body):
    """How deep a body nests, read one line at a time: the reading the fast scan must agree with."""
    deepest, where = 0, 0
    for index, line in enumerate(body.split("\n")):
        prefix = line[: len(line) - len(line.lstrip(" \t>"))]
        indent = prefix.rsplit(">", 1)[-1].expandtabs(4)
        level = prefix.count(">") + -(-len(indent) // 4)
        if level > deepest:
            deepest, where = level, index
    return deepest, where


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(st.tuples(st.text(" \t>", max_size=12), st.sampled_from(["", "项", "1. 项", "- 项", " ", ">", "\r"])),
                max_size=12).map(lambda lines: "\n".join(prefix + rest for prefix, rest in lines)))
@example(">  > \t项\n\t\t- 项\n    \t1. 项")
def test_nesting_is_found_on_the_line_where_it_is_deepest(body):
    assert body_nesting(body) == line_by_line_nesting(body)


def char_by_char_yaml_nesting(text):
    """How deep YAML text without sequence markers nests, reading every character of every line."""
    deepest, where, flow = 0, 0, 0
    for index, line in enumerate(text.split("\n")):
        peak = flow
        for char in line:
            if char in "[{":
                flow += 1
                peak = max(peak, flow)
            elif char in "]}":
                flow = max(0, flow - 1)
        level = (len(line) - len(line.lstrip(" "))) // 2 + peak
        if level > deepest:
            deepest, where = level, index
    return deepest, where


@settings(max_examples=300, deadline=None, database=None)
@given(st.text("[]{}ab: \n", max_size=60))
@example("tags: [a, [b, {c: d}]]\nx: ]]]\ny: [[")
def test_yaml_nesting_follows_every_bracket(text):
    assert yaml_nesting(text) == char_by_char_yaml_nesting(text)
