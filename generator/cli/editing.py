"""Command line of the editing commands `new`, `assign-index` (logic in scaffold.py) and `import` (wordimport.py)."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from generator.cli.args import Parser, refused
from generator.cli.scaffold import assign_index, new_notice
from generator.cli.wordimport import ImportFailed, import_docx
from generator.core.errors import BuildFailed, UsageError
from generator.core.schema import BY_NAME


def new_parser() -> argparse.ArgumentParser:
    """Describe `build.py new`."""
    p = Parser(prog="build.py new", example='python build.py new --category guides --title "关于……的通知"',
               description="新建一篇公告：写好今天的日期和下一个索引号。")
    p.add_argument("--content", type=Path, default=Path("content"), help="内容目录（默认 content/）")
    p.add_argument("--category", required=True, help="分类的 key 或中文名称")
    p.add_argument("--title", required=True, help="标题")
    p.add_argument("--slug", default=None, help="文件名和网址中的名称（默认 notice-年月日）")
    p.add_argument("--responsible", default="", help="责任人")
    return p


def assign_parser() -> argparse.ArgumentParser:
    """Describe `build.py assign-index`."""
    p = Parser(prog="build.py assign-index",
                                description="把临时索引号写入缺少索引号的公告文件，从此固定不变。")
    p.add_argument("--content", type=Path, default=Path("content"), help="内容目录（默认 content/）")
    return p


def import_parser() -> argparse.ArgumentParser:
    """Describe `build.py import`."""
    p = Parser(prog="build.py import", example="python build.py import 通知.docx --category documents --responsible 王丽",
               description="把 Word 文档（.docx）导入为一篇公告：正文转为 Markdown，"
                           "图片和嵌入的文件作为附件放在公告旁边，识别标题、文号、成文日期等。")
    p.add_argument("file", type=Path, help="Word 文档（.docx）；.doc、.wps 请先另存为 .docx")
    p.add_argument("--content", type=Path, default=Path("content"), help="内容目录（默认 content/）")
    p.add_argument("--category", default=None, help="分类的 key 或中文名称（必填；未写时在终端中询问）")
    p.add_argument("--responsible", default=None, help="责任人（必填；未写时在终端中询问）")
    p.add_argument("--slug", default=None, help="文件名和网址中的名称（默认 notice-年月日）")
    p.add_argument("--title", default=None, help="标题（默认取文档中居中的标题段落）")
    return p


def edit(argv: list[str], now: datetime) -> int:
    """Run `new`, `assign-index` or `import`; exit 0 done, 1 invalid content, 2 bad usage."""
    try:
        if argv[0] == "import":
            return run_import(import_parser().parse_args(argv[1:]), now)
        if argv[0] == "new":
            args = new_parser().parse_args(argv[1:])
            _check_content(args.content)
            path = new_notice(args.content, args.category, args.title, now, args.slug, args.responsible)
            print(f"已新建 {path.relative_to(args.content).as_posix()}，请填写责任人和正文")
            return 0
        args = assign_parser().parse_args(argv[1:])
        _check_content(args.content)
        changed = assign_index(args.content, now)
    except (UsageError, BuildFailed) as exc:
        return refused(exc, "没有修改任何文件")
    for path, number in changed:
        print(f"{path}: 索引号 {number}")
    print(f"为 {len(changed)} 篇公告写入了索引号")
    return 0


def _check_content(content: Path) -> None:
    """Refuse a content folder that does not exist."""
    if not content.is_dir():
        raise UsageError(f"内容目录 {content} 不存在")


def run_import(args: argparse.Namespace, now: datetime) -> int:
    """Import one Word document, say what was recognised and kept, and validate the notice."""
    _check_content(args.content)
    category = args.category if args.category is not None else _ask("分类（key 或中文名称）：")
    responsible = args.responsible if args.responsible is not None else (_ask("责任人：") or "")
    try:
        path, mapped, kept, problems = import_docx(args.file, args.content, now, category, responsible, args.slug,
                                                   args.title)
    except ImportFailed as exc:
        print(exc, file=sys.stderr)
        return 1
    rel = path.relative_to(args.content).as_posix()
    print(f"已导入 {rel}")
    print("从文档中识别出：" + "、".join(BY_NAME[name].label for name in mapped))
    if kept:
        print("以下内容没有对应的字段，已按原文保留在正文中，请核对：")
        for line in kept:
            print(f"  - {line}")
    for diagnostic in problems:
        print(diagnostic.format(), file=sys.stderr)
    if problems:
        print(f"导入的公告有 {len(problems)} 个问题，请在 {rel} 中改正后再构建。", file=sys.stderr)
        return 1
    return 0


def _ask(prompt: str) -> str | None:
    """Ask on the terminal for a value the command line did not give; None when nobody can answer."""
    if not sys.stdin.isatty():
        return None
    try:
        return input(prompt).strip() or None
    except EOFError:
        return None
