"""One tiny invalid site per failure: exit code 1, `path:line: message`, output untouched."""

import resource
import time

import pytest
from conftest import GOOD_NOTICE, build, snapshot, write_site

BOMB = "---\n" + "\n".join(
    ["title: 炸弹", "category: guides", "date: 2024-05-15", "responsible: 张三",
     'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(8)]
) + "\n---\n正文\n"

CASES = {
    "yaml_syntax": ({"guides/bad.md": "---\ntitle: 好\ncategory: guides\ndate: [2024\nresponsible: 张三\n---\n"},
                    "guides/bad.md:4: YAML 语法错误：这一行的 [ 没有配对的 ]"),
    "missing_field": ({"guides/bad.md": "---\ntitle: 好\ncategory: guides\ndate: 2024-05-15\n---\n"},
                      "guides/bad.md:1: 缺少必填字段 responsible（责任人）"),
    "unknown_category": ({"guides/bad.md": GOOD_NOTICE.replace("category: guides", "category: news")},
                         "guides/bad.md:3: category（分类）「news」不是已有的分类，可用的分类：guides（办事指南）、results（办事结果）"),
    # A value spanning lines is quoted on the error's one line.
    "multiline_category": ({"guides/bad.md": GOOD_NOTICE.replace("category: guides", "category: |\n  news\n  more")},
                           "guides/bad.md:3: category（分类）「news more」不是已有的分类"),
    "impossible_date": ({"guides/bad.md": GOOD_NOTICE.replace("2024-05-15", "2024-13-45")},
                        "guides/bad.md:4: date（发布日期）：日期「2024-13-45」不存在：月份应在 1 到 12 之间"),
    "duplicate_url": ({"guides/same.md": GOOD_NOTICE, "more/same.md": GOOD_NOTICE},
                      "more/same.md:1: 网址 /guides/same/ 与 guides/same.md 重复"),
    "invalid_utf8": ({"guides/bad.md": GOOD_NOTICE.encode("utf-8") + b"\xc3\x28\n"},
                     "guides/bad.md:8: 文件不是有效的 UTF-8 编码"),
    "alias_bomb": ({"guides/bad.md": BOMB}, "guides/bad.md:7: 不允许使用 YAML 别名"),
    "bad_site_yaml": ({"site.yaml": "title: [\n"}, "site.yaml:1: YAML 语法错误：这一行的 [ 没有配对的 ]"),
    "attachment_escapes": ({"guides/bad.md": GOOD_NOTICE.replace("---\n正文", "attachments: [../../secret.txt]\n---\n正文")},
                           "guides/bad.md:6: 附件「../../secret.txt」在内容目录之外"),
    "attachment_missing": ({"guides/bad.md": GOOD_NOTICE.replace("---\n正文", "attachments:\n  - {file: 表.pdf, title: 表}\n---\n正文")},
                           "guides/bad.md:7: 附件「表.pdf」不存在"),
    "id_number": ({"guides/bad.md": GOOD_NOTICE + "\n联系人身份证号11010519491231002X。\n"},
                  "guides/bad.md:9: 含有疑似身份证号 1101**********002X"),
    "duplicate_index_number": ({"guides/a.md": GOOD_NOTICE.replace("---\n正文", "index_number: 2024-00001\n---\n正文"),
                                "guides/b.md": GOOD_NOTICE.replace("---\n正文", "索引号: 2024-00001\n---\n正文")},
                               "guides/b.md:6: 索引号 2024-00001 与 guides/a.md 重复"),
    "malformed_index_number": ({"guides/bad.md": GOOD_NOTICE.replace("---\n正文", "index_number: 2024 第1号\n---\n正文")},
                               "guides/bad.md:6: 索引号「2024 第1号」格式不对"),
    "superseded_by_nothing": ({"guides/bad.md": GOOD_NOTICE.replace("---\n正文", "status: 已废止\nsuperseded_by: no-such-notice\n---\n正文")},
                              "guides/bad.md:7: superseded_by（替代文件）「no-such-notice」找不到对应的公告"),
    "changes_not_mappings": ({"guides/bad.md": GOOD_NOTICE.replace("---\n正文", "changes: [2024-06-01]\n---\n正文")},
                             "guides/bad.md:6: changes（修订记录）第 1 项应该写成 {date: 2024-06-01, note: 修改了什么}"),
}


@pytest.fixture
def previous_output(tmp_path):
    """A good build whose output must survive every bad one."""
    content = write_site(tmp_path / "good", {"guides/ok.md": GOOD_NOTICE})
    output = tmp_path / "output"
    assert build(content, output) == 0
    return output


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_reported_and_output_untouched(case, tmp_path, previous_output, capsys):
    files, expected = CASES[case]
    content = write_site(tmp_path / "bad", {"guides/ok.md": GOOD_NOTICE, **files})
    before = snapshot(previous_output)
    assert build(content, previous_output) == 1
    err = capsys.readouterr().err
    assert expected in err
    assert "Traceback" not in err
    assert snapshot(previous_output) == before
    # Only the build cache may sit beside the output; no staging or retired folder is left.
    assert sorted(p.name for p in previous_output.parent.iterdir()) == [".gongkai-cache", "bad", "good", "output"]


def test_all_problems_of_all_files_are_reported_at_once(tmp_path, capsys):
    content = write_site(tmp_path / "c", {
        "a.md": GOOD_NOTICE.replace("guides", "news"),
        "b.md": "---\ntitle: x\n---\n",
        "c.md": b"\xff",
    })
    assert build(content, tmp_path / "out") == 1
    err = capsys.readouterr().err.splitlines()
    assert [line.split(":")[0] for line in err[:-1]] == ["a.md", "b.md", "b.md", "b.md", "c.md"]
    assert "发现 5 个问题" in err[-1]
    assert not (tmp_path / "out").exists()


def test_alias_bomb_fails_fast_with_little_memory(tmp_path, capsys):
    content = write_site(tmp_path / "c", {"bomb.md": BOMB})
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    assert build(content, tmp_path / "out") == 1
    assert time.perf_counter() - started < 1.0
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50_000  # KiB


def test_hostile_html_in_title_and_body_builds_inert(tmp_path):
    notice = GOOD_NOTICE.replace("合格的公告", '<img src=x onerror=alert(1)>"\'&').replace(
        "正文。", "<script>document.cookie</script><a href='javascript:x()'>链接</a><p onmouseover=\"y()\">p</p>")
    content = write_site(tmp_path / "c", {"guides/hostile.md": notice})
    assert build(content, tmp_path / "out") == 0
    html = (tmp_path / "out/guides/hostile/index.html").read_text()
    assert "&lt;img src=x onerror=alert(1)&gt;&#34;&#39;&amp;" in html
    for bad in ("<img src=x", "document.cookie", "javascript:", "onmouseover"):
        assert bad not in html


def test_notice_must_not_be_a_list(tmp_path, capsys):
    content = write_site(tmp_path / "c", {"a.md": "---\n- a\n- b\n---\n"})
    assert build(content, tmp_path / "out") == 1
    assert "a.md:2: front matter 应该是" in capsys.readouterr().err
