"""The command line as editors and CI run it: exit codes and the summary."""

from conftest import GOOD_NOTICE, run_cli, write_site


def test_summary_counts_published_and_held_back(tmp_path):
    content = write_site(tmp_path / "c", {
        "guides/a.md": GOOD_NOTICE,
        "guides/b.md": GOOD_NOTICE + "",
        "guides/d.md": GOOD_NOTICE.replace("responsible", "draft: true\nresponsible"),
    })
    (content / "guides/b.md").write_text(GOOD_NOTICE.replace("2024-05-15", "2099-01-01"), encoding="utf-8")
    result = run_cli("--content", str(content), "--output", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("发布 1 篇公告，未发布 2 篇（草稿 1，未到发布时间 1），写入 ")
    assert "个文件，用时" in result.stdout


def test_invalid_content_exits_1_without_traceback(tmp_path):
    content = write_site(tmp_path / "c", {"guides/a.md": "---\ntitle: x\n---\n"})
    result = run_cli("--content", str(content), "--output", str(tmp_path / "out"), "--check")
    assert result.returncode == 1
    assert result.stderr.splitlines()[0].startswith("guides/a.md:1: 缺少必填字段")
    assert "Traceback" not in result.stderr


def test_bad_usage_exits_2(tmp_path):
    assert run_cli("--no-such-option").returncode == 2
    result = run_cli("--content", str(tmp_path / "missing"))
    assert result.returncode == 2 and "不存在" in result.stderr


def test_version():
    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout.startswith("gongkai ")
