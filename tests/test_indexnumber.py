"""索引号: written numbers kept, missing ones composed and announced as provisional, then fixed by assign-index."""

import re
from datetime import datetime, timezone

from conftest import GOOD_NOTICE, SITE_YAML, build, write_site

from generator.cli.main import main

CODED = SITE_YAML + "agency_code: 11000000MB0000001X\n"


def notice(date: str, extra: str = "") -> str:
    return GOOD_NOTICE.replace("2024-05-15", date).replace("---\n正文。\n", f"{extra}---\n正文。\n")


def numbers(output, *slugs):
    found = {}
    for slug in slugs:
        html = (output / "guides" / slug / "index.html").read_text()
        found[slug] = re.search(r'索引号</th><td>([^<]*)</td>', html).group(1)
    return found


def test_composed_by_publish_time_then_slug_within_the_year(tmp_path, capsys):
    content = write_site(tmp_path / "c", {
        "guides/b.md": notice("2024-03-01"), "guides/a.md": notice("2024-03-01"),
        "guides/c.md": notice("2024-01-05"), "guides/d.md": notice("2025-01-05"),
        "guides/e.md": notice("2024-06-01", "index_number: 11000000MB0000001X/2024-00002\n"),
    }, CODED)
    assert build(content, tmp_path / "out") == 0
    assert numbers(tmp_path / "out", "a", "b", "c", "d", "e") == {
        "c": "11000000MB0000001X/2024-00001", "a": "11000000MB0000001X/2024-00003",  # 00002 is taken by e
        "b": "11000000MB0000001X/2024-00004", "d": "11000000MB0000001X/2025-00001",
        "e": "11000000MB0000001X/2024-00002"}
    err = capsys.readouterr().err
    assert "guides/a.md:1: 警告：索引号 11000000MB0000001X/2024-00003 是临时编号" in err
    assert "guides/e.md" not in err


def test_pattern_without_agency_code_and_custom_pattern(tmp_path):
    content = write_site(tmp_path / "c", {"guides/a.md": notice("2024-03-01")})
    assert build(content, tmp_path / "plain") == 0
    assert numbers(tmp_path / "plain", "a") == {"a": "2024-00001"}
    custom = SITE_YAML + "agency_code: XZ01\nindex_pattern: 'GK-{agency_code}-{year}-{serial:03d}'\n"
    write_site(content, {}, custom)
    assert build(content, tmp_path / "custom") == 0
    assert numbers(tmp_path / "custom", "a") == {"a": "GK-XZ01-2024-001"}


def test_bad_pattern_is_a_config_error(tmp_path, capsys):
    content = write_site(tmp_path / "c", {"guides/a.md": GOOD_NOTICE}, SITE_YAML + "index_pattern: '{year}-{number}'\n")
    assert build(content, tmp_path / "out") == 1
    assert "site.yaml:10: index_pattern 必须含 {year} 和 {serial}" in capsys.readouterr().err


def test_assign_index_fixes_numbers_against_back_dated_notices(tmp_path, capsys):
    original = "\ufeff" + notice("2024-03-01", "# 备注：保留这行注释\n").replace("\n", "\r\n")
    content = write_site(tmp_path / "c", {"guides/a.md": original, "guides/b.md": notice("2024-04-01", "index_number:\n")})
    assert main(["assign-index", "--content", str(content)]) == 0
    assert "为 2 篇公告写入了索引号" in capsys.readouterr().out
    a = (content / "guides/a.md").read_bytes()
    assert a == original.encode().replace(b"---\r\n\xe6\xad\xa3", b"index_number: 2024-00001\r\n---\r\n\xe6\xad\xa3")
    assert "index_number: 2024-00002\n" in (content / "guides/b.md").read_text()
    assert (content / "guides/b.md").read_text().count("index_number") == 1
    # A notice back-dated before both no longer shifts them; it takes the next free serial.
    write_site(content, {"guides/c.md": notice("2024-01-02")})
    assert build(content, tmp_path / "out") == 0
    assert numbers(tmp_path / "out", "a", "b", "c") == {"a": "2024-00001", "b": "2024-00002", "c": "2024-00003"}
    assert main(["assign-index", "--content", str(content)]) == 0
    assert main(["assign-index", "--content", str(content)]) == 0
    assert "为 0 篇公告写入了索引号" in capsys.readouterr().out.splitlines()[-1]


def test_assign_index_refuses_invalid_content(tmp_path, capsys):
    content = write_site(tmp_path / "c", {"guides/a.md": notice("2024-13-01")})
    before = (content / "guides/a.md").read_bytes()
    assert main(["assign-index", "--content", str(content)]) == 1
    assert "没有修改任何文件" in capsys.readouterr().err
    assert (content / "guides/a.md").read_bytes() == before


NOW = datetime(2024, 11, 27, 4, 0, tzinfo=timezone.utc)


def test_new_writes_the_next_free_number_and_every_optional_field(tmp_path, capsys):
    content = write_site(tmp_path / "c", {"guides/a.md": notice("2024-03-01", "index_number: 2024-00005\n")})
    assert main(["new", "--content", str(content), "--category", "办事指南", "--title", "关于: 新事项的通知",
                 "--responsible", "李四"], now=NOW) == 0
    path = content / "guides/notice-20241127.md"
    text = path.read_text(encoding="utf-8")
    assert "新建 guides/notice-20241127.md" in capsys.readouterr().out
    assert 'title: "关于: 新事项的通知"\ncategory: guides\ndate: 2024-11-27\nresponsible: "李四"\nindex_number: 2024-00006\n' in text
    for field in ("status", "valid_until", "superseded_by", "notice_period", "changes", "attachments", "pinned",
                  "written", "privacy_reviewed", "tags", "doc_number"):
        assert f"\n# {field}: " in text
    assert build(content, tmp_path / "out", now=NOW) == 0  # the skeleton builds as it is
    assert main(["new", "--content", str(content), "--category", "guides", "--title", "又一篇"], now=NOW) == 0
    assert (content / "guides/notice-20241127-2.md").is_file()
    assert "index_number: 2024-00007" in (content / "guides/notice-20241127-2.md").read_text()


def test_new_refuses_to_overwrite_and_unknown_categories(tmp_path, capsys):
    content = write_site(tmp_path / "c", {"guides/same.md": GOOD_NOTICE})
    before = (content / "guides/same.md").read_bytes()
    assert main(["new", "--content", str(content), "--category", "guides", "--title", "甲", "--slug", "same"], now=NOW) == 2
    assert "已存在，不会覆盖" in capsys.readouterr().err
    assert (content / "guides/same.md").read_bytes() == before
    assert main(["new", "--content", str(content), "--category", "news", "--title", "甲"], now=NOW) == 2
    assert "没有分类「news」，可用的分类：guides（办事指南）" in capsys.readouterr().err


def test_a_never_numbered_archive_gets_ten_warnings_and_a_count(tmp_path, capsys):
    files = {f"guides/n{i:02d}.md": GOOD_NOTICE.replace("合格的公告", f"公告{i}") for i in range(25)}
    content = write_site(tmp_path / "c", files)
    assert build(content, tmp_path / "out") == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if "警告" in line and "索引号" in line]
    assert len(warnings) == 11
    assert warnings[-1] == "site.yaml:1: 警告：另有 15 篇公告使用临时索引号；请运行 python build.py assign-index 一次全部写入"
