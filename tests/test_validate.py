"""Validate stage: each field's rules, aliases and YAML's typing traps."""


import pytest

from generator.core.config import Category, SiteConfig
from generator.load.sources import parse_source
from generator.load.validate import validate_all

CONFIG = SiteConfig(
    title="t", agency="本局", base_url="https://e.org/",
    categories=(Category("guides", "办事指南", ""), Category("results", "办事结果", "")),
)


def check(front: str, rel: str = "guides/a-notice.md", body: str = "正文。\n"):
    source, problems = parse_source(f"---\n{front}---\n{body}".encode(), rel)
    assert problems == []
    notices, problems = validate_all([source], CONFIG)
    return (notices[0] if notices else None), problems


BASE = "title: 标题\ncategory: guides\ndate: 2024-05-15\nresponsible: 张三\n"


def test_a_minimal_notice_gets_its_defaults():
    notice, problems = check(BASE)
    assert problems == []
    assert notice.slug == "a-notice" and notice.url == "guides/a-notice/"
    assert notice.department == "本局" and notice.disclosure == "public" and notice.draft is False
    assert notice.date.moment.tzinfo is not None


def test_chinese_aliases_and_category_names():
    notice, problems = check("标题: 标题\n分类: 办事结果\n发布日期: 2024-05-15 09:00\n责任人: 李四\n发布机构: 某处\n文号: 〔2024〕1号\n")
    assert problems == []
    assert (notice.category, notice.department, notice.doc_number) == ("results", "某处", "〔2024〕1号")
    assert notice.date.has_time


def test_yaml_typing_traps_end_up_as_meant():
    notice, problems = check("title: no\ncategory: guides\ndate: 2024-05-15\nresponsible: on\ndoc_number: 010\ndraft: no\n")
    assert problems == []
    assert (notice.title, notice.responsible, notice.doc_number, notice.draft) == ("no", "on", "010", False)


def test_missing_required_fields_are_all_reported():
    _, problems = check("title: 标题\n")
    messages = [p.message for p in problems]
    assert len(problems) == 3
    assert any("category" in m for m in messages) and any("responsible" in m for m in messages)


def test_unknown_category_lists_the_valid_ones():
    _, problems = check(BASE.replace("guides", "新闻"))
    assert problems[0].line == 3
    assert "guides（办事指南）" in problems[0].message and "results（办事结果）" in problems[0].message


@pytest.mark.parametrize("line, fragment", [
    ("draft: maybe\n", "true 或 false"),
    ("disclosure: 秘密\n", "主动公开"),
    ("slug: Bad_Slug\n", "小写字母"),
    (f"slug: {'a-' * 60}b\n", "121 个字符"),
    ("updated: 2024-05-01\n", "早于"),
    ("tags: {a: b}\n", "关键词"),
    ("colour: red\n", "未知字段 colour"),
    ("标题: 又一个\n", "同一个字段"),
    ("summary: [a, b]\n", "一段文字"),
])
def test_invalid_optional_fields_name_their_line(line, fragment):
    _, problems = check(BASE + line)
    assert len(problems) == 1
    assert problems[0].line == 6
    assert fragment in problems[0].message


def test_file_names_that_cannot_be_urls_need_a_slug():
    _, problems = check(BASE, rel="guides/关于年检的通知.md")
    assert "slug" in problems[0].message
    notice, problems = check(BASE + "slug: annual-check\n", rel="guides/关于年检的通知.md")
    assert notice.url == "guides/annual-check/"


def test_title_length_limit():
    _, problems = check(BASE.replace("标题", "长" * 201))
    assert "200" in problems[0].message


def test_duplicate_urls_name_both_files():
    sources = [parse_source(f"---\n{BASE}slug: same\n---\n".encode(), rel)[0] for rel in ("x/a.md", "y/b.md")]
    notices, problems = validate_all(sources, CONFIG)
    assert len(problems) == 1
    assert problems[0].path == "y/b.md" and problems[0].line == 6 and "x/a.md" in problems[0].message
