"""Command line of the editing commands `new` and `assign-index` (their logic is in scaffold.py)."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from generator.cli.args import Parser
from generator.cli.scaffold import assign_index, new_notice
from generator.core.errors import BuildFailed, UsageError


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


def edit(argv: list[str], now: datetime) -> int:
    """Run `new` or `assign-index`; exit 0 done, 1 invalid content, 2 bad usage."""
    try:
        if argv[0] == "new":
            args = new_parser().parse_args(argv[1:])
            _check_content(args.content)
            path = new_notice(args.content, args.category, args.title, now, args.slug, args.responsible)
            print(f"已新建 {path.relative_to(args.content).as_posix()}，请填写责任人和正文")
            return 0
        args = assign_parser().parse_args(argv[1:])
        _check_content(args.content)
        changed = assign_index(args.content, now)
    except UsageError as exc:
        print(f"build.py: {exc}", file=sys.stderr)
        return 2
    except BuildFailed as exc:
        for diagnostic in exc.diagnostics:
            print(diagnostic.format(), file=sys.stderr)
        print(f"内容有 {len(exc.diagnostics)} 个问题，请先改正；没有修改任何文件。", file=sys.stderr)
        return 1
    for path, number in changed:
        print(f"{path}: 索引号 {number}")
    print(f"为 {len(changed)} 篇公告写入了索引号")
    return 0


def _check_content(content: Path) -> None:
    """Refuse a content folder that does not exist."""
    if not content.is_dir():
        raise UsageError(f"内容目录 {content} 不存在")
