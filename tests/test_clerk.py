"""A clerk's day: the guide's commands typed as written, and the mistakes a Chinese keyboard makes.

Every command here runs `python3 build.py` as the editors' guide shows it, with
the Python found on PATH rather than the test's own, since that Python usually
lacks the dependencies that `make build` put into .venv.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from conftest import GOOD_NOTICE, ROOT, write_site

PYTHON = shutil.which("python3") or shutil.which("python")


def clerk(*args: str, cwd: Path = ROOT, python: list[str] | None = None) -> subprocess.CompletedProcess:
    """Run `python3 build.py …` in a plain shell environment, as a clerk types it."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "GONGKAI_REEXEC")}
    return subprocess.run([*(python or [PYTHON]), str(ROOT / "build.py"), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=180)


def notice(front: str, body: str = "正文。\n") -> str:
    """Return a notice file with the given front-matter lines."""
    return f"---\n{front}---\n{body}"


GOOD_FRONT = "title: 合格的公告\ncategory: guides\ndate: 2024-05-15\nresponsible: 张三\n"


def check(tmp_path: Path, files: dict[str, str]) -> subprocess.CompletedProcess:
    """Write a small site and run `python3 build.py --check` on it."""
    content = write_site(tmp_path / "content", files)
    return clerk("--check", "--content", str(content), "--output", str(tmp_path / "output"))


# 1. Commands that work as written


def test_the_guides_build_command_works_with_the_python_on_path(tmp_path):
    content = write_site(tmp_path / "content", {"guides/ok.md": GOOD_NOTICE})
    result = clerk("--content", str(content), "--output", str(tmp_path / "output"))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.startswith("发布 1 篇公告")


def test_build_py_new_works_even_when_the_shells_python_lacks_the_dependencies(tmp_path):
    content = write_site(tmp_path / "content", {"guides/ok.md": GOOD_NOTICE})
    # -S: no site-packages at all, the clerk's bare system Python; build.py runs again with .venv's
    result = clerk("new", "--content", str(content), "--category", "guides", "--title", "关于x的通知",
                   python=[PYTHON, "-S"])
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("已新建 guides/notice-")
    assert "Traceback" not in result.stderr


def test_without_dependencies_or_venv_it_says_to_run_make_build_in_chinese(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "build.py", project / "build.py")
    shutil.copytree(ROOT / "generator", project / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    result = subprocess.run([PYTHON, "-S", "build.py", "new", "--category", "guides", "--title", "x"],
                            cwd=project, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("build.py: 缺少运行所需的程序包 ")
    assert "请先在项目目录运行一次 make build" in result.stderr


# 3. YAML mistakes at their own line, in Chinese


def test_a_full_width_colon_is_named_at_its_own_line(tmp_path):
    result = check(tmp_path, {"guides/a.md": notice(GOOD_FRONT.replace("title: 合格的公告", "标题：关于调整办公时间的通知"))})
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "guides/a.md:2: 「标题」后面是全角冒号「：」：请改成半角冒号加一个空格，写成 标题: 关于调整办公时间的通知"
        "（切换到英文输入法输入冒号）")


def test_four_full_width_colons_give_four_errors_on_their_lines(tmp_path):
    front = "标题：关于通知\n分类：guides\n发布日期：2024-05-15\n责任人：张三\n"
    result = check(tmp_path, {"guides/a.md": notice(front)})
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert [line.split(": ", 1)[0] for line in lines[:4]] == [f"guides/a.md:{n}" for n in (2, 3, 4, 5)]
    assert all("全角冒号" in line for line in lines[:4])
    assert lines[4] == "构建失败：发现 4 个问题，输出目录未作任何改动。"


@pytest.mark.parametrize(("front", "line", "message"), [
    (GOOD_FRONT.replace("responsible", "\u3000responsible"), 5,
     "这一行开头有全角空格「　」：请删掉它，字段名顶格写（下一级缩进用两个半角空格）"),
    (GOOD_FRONT.replace("date", "\tdate"), 4,
     "这一行用制表符（TAB）缩进，YAML 只认半角空格：请删掉行首的 TAB，字段名顶格写，下一级用两个空格缩进"),
    (GOOD_FRONT.replace("responsible: ", "responsible:\u3000"), 5, "冒号后面是全角空格「　」：请改成一个半角空格"),
    (GOOD_FRONT.replace("title: ", "title:"), 2, "「title:」后面少了空格：半角冒号后面要加一个空格，写成 title: 合格的公告"),
    (GOOD_FRONT.replace("title: 合格的公告", 'title: "关于办公时间的通知'), 2,
     "YAML 语法错误：值开头的引号 \" 没有配对的结束引号：请在值的末尾补上 \"，例如 title: \"通知：关于……\""),
    (GOOD_FRONT + "tags: [婚姻登记, 办公时间\n", 6,
     "YAML 语法错误：这一行的 [ 没有配对的 ]：请在列表末尾补上 ]，例如 tags: [婚姻登记, 办公时间]"),
    (GOOD_FRONT.replace("title: 合格的公告", "title: 通知: 关于办公时间"), 2,
     "YAML 语法错误：这一行的冒号用法不对：值里有冒号时请给整个值加引号，例如 title: \"通知：关于……\"；"
     "下一级字段要比上一级多缩进两个空格"),
], ids=["full-width-space", "tab", "full-width-space-after-colon", "no-space", "quote", "bracket", "colon-in-value"])
def test_each_typing_mistake_is_named_once_at_its_line_in_chinese(tmp_path, front, line, message):
    result = check(tmp_path, {"guides/a.md": notice(front)})
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"guides/a.md:{line}: {message}",
                                          "构建失败：发现 1 个问题，输出目录未作任何改动。"]


@pytest.mark.parametrize(("text", "line", "fence"), [
    ("—-\n" + GOOD_FRONT + "---\n正文\n", 1, "—-"),
    ("---\n" + GOOD_FRONT + "___\n正文\n", 6, "___"),
    ("---\n" + GOOD_FRONT + "－－－\n正文\n", 6, "－－－"),
])
def test_a_fence_that_only_looks_like_three_dashes_is_named(tmp_path, text, line, fence):
    result = check(tmp_path, {"guides/a.md": text})
    assert result.returncode == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"guides/a.md:{line}: 「{fence}」") or first.startswith(f"guides/a.md:{line}: 第一行「{fence}」")
    assert "不是三个半角减号" in first and "---" in first


def test_no_english_parser_text_reaches_the_clerk(tmp_path):
    result = check(tmp_path, {"guides/a.md": notice(GOOD_FRONT + "tags: [a, {b: c]\n"),
                              "guides/b.md": notice(GOOD_FRONT + "tags:\n  - x\n - y\n"),
                              "guides/c.md": notice(GOOD_FRONT + "summary: @x\n")})
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert [line.split(": ", 1)[0] for line in lines[:3]] == ["guides/a.md:6", "guides/b.md:8", "guides/c.md:6"]
    for line in lines:
        assert not any(word in line for word in ("expected", "mapping", "scanning", "found", "while", "parsing")), line
        assert line.startswith("构建失败") or "YAML 语法错误：" in line


# 4. `#` in a value


def test_a_hash_in_a_title_is_an_error_that_says_to_quote(tmp_path):
    result = check(tmp_path, {"guides/a.md": notice(GOOD_FRONT.replace("合格的公告", "关于办公时间的通知 #2"))})
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "guides/a.md:2: title（标题）中「#2」会被当作注释丢掉，只剩下「关于办公时间的通知」：请给整个值加引号，"
        "例如 title: \"关于办公时间的通知 #2\"")


def test_a_title_that_starts_with_a_hash_is_explained_not_called_missing(tmp_path):
    result = check(tmp_path, {"guides/a.md": notice(GOOD_FRONT.replace("合格的公告", "#重要# 关于办公时间的通知"))})
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "guides/a.md:2: title（标题）的值以 # 开头，YAML 把 # 之后的整行当作注释，值就成了空的：请给整个值加引号，"
        "例如 title: \"#重要# 关于办公时间的通知\"",
        "构建失败：发现 1 个问题，输出目录未作任何改动。"]


def test_comments_after_non_text_fields_and_quoted_hashes_stay_allowed(tmp_path):
    front = ('title: "关于办公时间的通知 #2"\ncategory: guides   # 分类\ndate: 2024-05-15 # 发布日期\n'
             "responsible: 张三\nindex_number: 2024-00001  # 自动写入\n")
    result = check(tmp_path, {"guides/a.md": notice(front)})
    assert result.returncode == 0, result.stderr


# 2. A local preview never blocks the clerk


def test_new_build_rename_build_works_for_a_notice_never_published(tmp_path):
    content = write_site(tmp_path / "content", {"guides/ok.md": GOOD_NOTICE})
    output = str(tmp_path / "output")
    made = clerk("new", "--content", str(content), "--category", "guides", "--title", "关于调整办公时间的通知")
    assert made.returncode == 0, made.stderr
    created = content / made.stdout.split()[1].split("，")[0]
    created.write_text(created.read_text(encoding="utf-8").replace("responsible: ", "responsible: 张三"),
                       encoding="utf-8")
    assert clerk("--content", str(content), "--output", output).returncode == 0
    created.rename(created.with_name("office-hours.md"))
    for extra in (["--check"], []):
        result = clerk(*extra, "--content", str(content), "--output", output)
        assert result.returncode == 0, result.stderr
        assert "曾经发布过" not in result.stderr


# 5. Nothing skipped in silence


def test_files_meant_as_notices_but_not_read_get_a_warning_each(tmp_path):
    content = write_site(tmp_path / "content", {
        "guides/ok.md": GOOD_NOTICE, "guides/big.MD": GOOD_NOTICE, "guides/notepad.md.txt": GOOD_NOTICE,
        "guides/long.markdown": GOOD_NOTICE, "guides/plain.txt": GOOD_NOTICE, "guides/readme.txt": "附件说明\n"})
    result = clerk("--content", str(content), "--output", str(tmp_path / "output"))
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if "不会被当作公告读取" in line]
    assert lines == [
        "guides/big.MD:1: 警告：文件名以 .MD 结尾，不会被当作公告读取，也不会发布：如果它是公告，请改名为 big.md"
        "（扩展名只认小写的 .md）",
        "guides/long.markdown:1: 警告：文件名以 .markdown 结尾，不会被当作公告读取，也不会发布："
        "如果它是公告，请改名为 long.md（扩展名只认小写的 .md）",
        "guides/notepad.md.txt:1: 警告：文件名以 .md.txt 结尾，不会被当作公告读取，也不会发布："
        "如果它是公告，请改名为 notepad.md（记事本保存时会加上 .txt，另存为时把保存类型选为“所有文件”）",
        "guides/plain.txt:1: 警告：文件名以 .txt 结尾，不会被当作公告读取，也不会发布："
        "如果它是公告，请改名为 plain.md（记事本保存时会加上 .txt，另存为时把保存类型选为“所有文件”）",
    ]
    assert result.stdout.startswith("发布 1 篇公告")


def test_an_image_beside_the_notice_is_published_beside_its_page(tmp_path):
    body = "正文。\n\n![办公时间表](时间表.png)\n\n下载：[申请表](forms/申请表.xlsx)\n"
    content = write_site(tmp_path / "content", {"guides/ok.md": notice(GOOD_FRONT, body),
                                                "guides/时间表.png": "png", "guides/forms/申请表.xlsx": "xlsx"})
    output = tmp_path / "output"
    result = clerk("--content", str(content), "--output", str(output))
    assert result.returncode == 0, result.stderr
    assert (output / "guides/ok/时间表.png").read_text() == "png"
    assert (output / "guides/ok/forms/申请表.xlsx").read_text() == "xlsx"
    assert clerk("--check", "--content", str(content), "--output", str(output)).returncode == 0


def test_a_missing_image_fails_the_build_at_the_line_of_the_reference(tmp_path):
    body = "正文。\n\n见下图。\n![办公时间表](时间表.PNG)\n"
    content = write_site(tmp_path / "content", {"guides/ok.md": notice(GOOD_FRONT, body), "guides/时间表.png": "png"})
    result = clerk("--content", str(content), "--output", str(tmp_path / "output"))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "guides/ok.md:10: 正文引用的文件「时间表.PNG」不存在：在 guides/ 中没有找到它（路径从 ok.md 所在的文件夹算起），"
        "请检查文件名（包括扩展名和大小写），或把文件放进去",
        "构建失败：发现 1 个问题，输出目录未作任何改动。"]
    assert not (tmp_path / "output").exists()


def test_a_broken_link_is_named_at_the_line_of_the_link_not_of_the_same_words_before_it(tmp_path):
    body = "办理地点见 ../hall/ 页面。\n\n第二段。\n\n详见[大厅](../hall/)。\n"
    content = write_site(tmp_path / "content", {"guides/ok.md": notice(GOOD_FRONT, body)})
    result = clerk("--check", "--content", str(content))
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "guides/ok.md:11: 页面 guides/ok/index.html 中的链接 ../hall/ 指向的文件不存在，请改正链接或补上该文件")


# 6. The preview's smaller traps


def _serve(tmp_path: Path, content: Path, port: int, log: Path) -> subprocess.Popen:
    """Start `python3 build.py serve` on a port, its terminal written to `log`."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "GONGKAI_REEXEC")}
    handle = log.open("w", encoding="utf-8")
    return subprocess.Popen([PYTHON, str(ROOT / "build.py"), "serve", "--port", str(port), "--content", str(content),
                             "--output", str(tmp_path / "output")], cwd=tmp_path, env=env,
                            stdout=handle, stderr=subprocess.STDOUT, text=True)


def _wait_for(check, timeout: float = 30.0):
    """Poll until `check` gives something true."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = check()
        except OSError:
            result = None
        if result:
            return result
        time.sleep(0.1)
    pytest.fail("the preview did not get there in time")


def test_a_busy_port_moves_the_preview_to_the_next_and_says_so_in_chinese(tmp_path):
    import socket
    import urllib.request

    from nginxsite import free_port

    content = write_site(tmp_path / "content", {"guides/ok.md": GOOD_NOTICE})
    port = free_port()
    with socket.socket() as busy:  # another program, or an earlier preview, holds the port
        busy.bind(("127.0.0.1", port))
        busy.listen()
        log = tmp_path / "serve.log"
        process = _serve(tmp_path, content, port, log)
        try:
            _wait_for(lambda: "预览地址" in log.read_text(encoding="utf-8"))
            text = log.read_text(encoding="utf-8")
            assert "Traceback" not in text and "Errno" not in text
            moved = [line for line in text.splitlines() if line.startswith(f"端口 {port} 已被占用")]
            assert moved and moved[0].endswith("本次预览改用端口 %d" % (port + 1)), text
            # /xz without its final slash leads to the site, as the real server's folder does
            with urllib.request.urlopen(f"http://127.0.0.1:{port + 1}/xz") as response:
                assert response.status == 200 and response.url.endswith("/xz/")
        finally:
            process.terminate()
            process.wait(timeout=10)


def test_a_preview_prints_each_problem_once(tmp_path):
    content = write_site(tmp_path / "content", {"guides/ok.md": GOOD_NOTICE})
    from nginxsite import free_port

    log = tmp_path / "serve.log"
    process = _serve(tmp_path, content, free_port(), log)
    try:
        _wait_for(lambda: "预览地址" in log.read_text(encoding="utf-8"))
        (content / "guides/ok.md").write_text(GOOD_NOTICE.replace("title: 合格的公告", "标题：合格的公告"),
                                              encoding="utf-8")
        _wait_for(lambda: "构建失败" in log.read_text(encoding="utf-8"))
        time.sleep(2.0)  # a retry, if any, has run by now
        text = log.read_text(encoding="utf-8")
        assert text.count("guides/ok.md:2: 「标题」后面是全角冒号") == 1, text
        assert text.count("构建失败") == 1
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_date_far_in_the_future_is_a_warning_naming_the_file(tmp_path):
    content = write_site(tmp_path / "content", {
        "guides/ok.md": GOOD_NOTICE, "guides/typo.md": GOOD_NOTICE.replace("2024-05-15", "2062-05-15")})
    result = clerk("--content", str(content), "--output", str(tmp_path / "output"))
    assert result.returncode == 0, result.stderr
    assert ("guides/typo.md:4: 警告：发布日期 2062-05-15 在一年以后，这篇公告要到那时才会发布：如果年份写错了，请改正；"
            "确实要定时发布的，可以不管这条提醒") in result.stderr.splitlines()


def test_a_copied_index_number_is_blamed_on_the_copy_with_the_fix(tmp_path):
    original = GOOD_NOTICE.replace("---\n正文", "index_number: 2024-00001\n---\n正文")
    copy = original.replace("2024-05-15", "2024-06-01").replace("合格的公告", "复制的公告")
    # the copy sorts first by name, yet the published original keeps its number
    content = write_site(tmp_path / "content", {"guides/z-original.md": original, "guides/a-copy.md": copy})
    result = clerk("--check", "--content", str(content))
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "guides/a-copy.md:6: 索引号 2024-00001 与 guides/z-original.md 重复，索引号必须唯一：这一篇发布在后（可能是复制来的），"
        "请删掉这一行索引号，再运行 python build.py assign-index 写入新的索引号")


# 7. The guide's commonest mistakes are the messages the build really gives

GUIDE_NOTICE = ("---\ntitle: 关于调整办公时间的通知\ncategory: guides\ndate: 2024-05-15\nresponsible: 王丽\n"
                "index_number: 2024-00001\n---\n正文。\n")
# One site per row of the guide's table, in its order; the row's mistake is made here as it is described there.
COMMONEST = [
    ({"guides/a.md": GUIDE_NOTICE.replace("title: ", "标题：")}, "guides/a.md:2"),
    ({"guides/a.md": GUIDE_NOTICE.replace("responsible", "\u3000responsible")}, "guides/a.md:5"),
    ({"guides/a.md": GUIDE_NOTICE.replace("responsible", "\tresponsible")}, "guides/a.md:5"),
    ({"guides/a.md": GUIDE_NOTICE.replace("的通知", "的通知 #2")}, "guides/a.md:2"),
    ({"guides/a.md": GUIDE_NOTICE.replace("title: ", "title: #重要# ")}, "guides/a.md:2"),
    ({"guides/a.md": GUIDE_NOTICE.replace("title: ", 'title: "')}, "guides/a.md:2"),
    ({"guides/a.md": GUIDE_NOTICE.replace("---\n正文", "—-\n正文")}, "guides/a.md:7"),
    ({"guides/a.md": GUIDE_NOTICE, "guides/b.md.txt": GUIDE_NOTICE.replace("00001", "00002")}, "guides/b.md.txt:1"),
    ({"guides/a.md": GUIDE_NOTICE.replace("正文。", "正文。\n\n![办公时间表](时间表.png)")}, "guides/a.md:10"),
    ({"guides/a.md": GUIDE_NOTICE, "guides/b.md": GUIDE_NOTICE.replace("2024-05-15", "2024-06-01")}, "guides/b.md:6"),
]


def _guide_rows() -> list[str]:
    """Return the message column of the guide's table of the commonest mistakes."""
    guide = (ROOT / "docs/editing.md").read_text(encoding="utf-8")
    section = guide.split("### 最常见的十个错误", 1)[1].split("\n#", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith(("| 写错", "| ---"))]
    return [row.split(" | ")[1].strip("`") for row in rows]


def test_the_guide_lists_ten_mistakes_with_the_messages_the_build_gives(tmp_path):
    rows = _guide_rows()
    assert len(rows) == len(COMMONEST) == 10
    for number, ((files, where), documented) in enumerate(zip(COMMONEST, rows)):
        content = write_site(tmp_path / f"site{number}", files)
        result = clerk("--check", "--content", str(content), "--output", str(tmp_path / f"out{number}"))
        warning = documented.startswith("警告：")
        assert result.returncode == (0 if warning else 1), result.stderr
        assert f"{where}: {documented}" in result.stderr.splitlines(), (documented, result.stderr)


def test_a_copied_index_number_is_blamed_on_the_notice_the_public_site_has_not_published(tmp_path):
    original = GOOD_NOTICE.replace("2024-05-15", "2024-06-01").replace("---\n正文", "index_number: 2024-00001\n---\n正文")
    copy = original.replace("2024-06-01", "2024-05-01").replace("合格的公告", "复制的公告")  # back-dated copy
    content = write_site(tmp_path / "content", {"guides/original.md": original, "guides/copy.md": copy})
    live = tmp_path / "live-manifest.json"
    live.write_text('{"urls": ["guides/original/"]}', encoding="utf-8")
    result = clerk("--check", "--manifest", str(live), "--content", str(content))
    assert result.returncode == 1
    assert result.stderr.splitlines()[0].startswith(
        "guides/copy.md:6: 索引号 2024-00001 与 guides/original.md 重复，索引号必须唯一：这一篇发布在后")


def test_a_command_typed_incompletely_is_answered_in_chinese(tmp_path):
    result = clerk("new", "--title", "关于办公时间的通知")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        'build.py new: 缺少参数 --category，例如 python build.py new --category guides --title "关于……的通知"')
    result = clerk("serve", "--port", "八千")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == "build.py serve: 参数 --port 的值「八千」无效"
