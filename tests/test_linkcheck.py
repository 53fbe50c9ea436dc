"""--check builds in a throwaway folder and fails on every internal link that leads nowhere."""

from conftest import GOOD_NOTICE, build, run_inline, snapshot, write_site

LINKS = GOOD_NOTICE.replace("正文。", """正文。

见[附件](../../files/missing.pdf)和[乙](../beta/)。

![图](pic.png) [站外](https://example.com/x) [锚点](#top) [邮件](mailto:a@example.org)
""")


def test_every_broken_link_is_reported_with_page_and_line(tmp_path):
    content = write_site(tmp_path / "content", {"guides/a.md": LINKS})
    output = tmp_path / "output"
    result = run_inline("--check", "--content", str(content), "--output", str(output))
    assert result.returncode == 1
    # A file the body names beside the notice is checked with the notice itself, before any page is made.
    assert result.stderr.splitlines()[:-1] == [
        "guides/a.md:11: 正文引用的文件「pic.png」不存在：在 guides/ 中没有找到它（路径从 a.md 所在的文件夹算起），"
        "请检查文件名（包括扩展名和大小写），或把文件放进去",
    ]
    (content / "guides/pic.png").write_bytes(b"png")
    result = run_inline("--check", "--content", str(content), "--output", str(output))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[:-1] == [
        "guides/a.md:9: 页面 guides/a/index.html 中的链接 ../../files/missing.pdf 指向的文件不存在，请改正链接或补上该文件",
        "guides/a.md:9: 页面 guides/a/index.html 中的链接 ../beta/ 指向的文件不存在，请改正链接或补上该文件",
    ]
    assert not output.exists(), "a check never writes the output folder"
    assert [p.name for p in tmp_path.iterdir()] == ["content"]


def test_a_link_to_an_existing_page_passes_and_check_leaves_output_alone(tmp_path):
    content = write_site(tmp_path / "content", {
        "guides/a.md": GOOD_NOTICE.replace("正文。", "见[乙](../b/)、[栏目](../)、[首页](../../)。"),
        "guides/b.md": GOOD_NOTICE,
    })
    output = tmp_path / "output"
    assert build(content, output) == 0
    before = snapshot(output)
    assert build(content, output, "--check") == 0
    assert snapshot(output) == before


def test_the_sample_site_has_no_broken_link():
    result = run_inline("--check")
    assert result.returncode == 0, result.stderr
