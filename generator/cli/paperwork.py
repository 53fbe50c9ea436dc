"""Command line of `print` (the paper board as a PDF) and `report` (the annual report's draft)."""

from __future__ import annotations

import argparse
from datetime import date, datetime
from pathlib import Path

from generator.build.paper import Selection, board_html, print_pdf, select
from generator.build.published import read_published
from generator.cli.args import refused
from generator.core.errors import BuildFailed, UsageError
from generator.site.theme import load_theme


def print_parser() -> argparse.ArgumentParser:
    """Describe `build.py print`."""
    p = argparse.ArgumentParser(prog="build.py print",
                                description="把已发布的公告排成 A4 公文版式的 PDF，供张贴在公开栏：每篇附二维码、索引号和打印日期。")
    p.add_argument("--content", type=Path, default=Path("content"), help="内容目录（默认 content/）")
    p.add_argument("--output", type=Path, default=Path("公开栏.pdf"), help="PDF 文件（默认 公开栏.pdf）")
    p.add_argument("--theme", type=Path, default=None, help="自定义主题目录（可覆盖 templates/paper.html）")
    p.add_argument("--category", nargs="+", default=[], metavar="KEY", help="只打印这些分类（key 或中文名称）")
    p.add_argument("--since", default=None, metavar="YYYY-MM-DD", help="只打印这一天及以后发布的公告")
    p.add_argument("--open-notices", action="store_true", help="只打印正在公示的公告")
    return p


def paperwork(argv: list[str], now: datetime) -> int:
    """Run `print` or `report`; exit 0 done, 1 invalid content, 2 bad usage."""
    try:
        if argv[0] == "print":
            return _print(print_parser().parse_args(argv[1:]), now)
        from generator.cli.reporting import report

        return report(argv[1:], now)
    except (UsageError, BuildFailed) as exc:
        return refused(exc, "没有写入任何文件")


def _print(args: argparse.Namespace, now: datetime) -> int:
    """Print the chosen notices to one PDF."""
    if not args.content.is_dir():
        raise UsageError(f"内容目录 {args.content} 不存在")
    since = None
    if args.since is not None:
        try:
            since = date.fromisoformat(args.since)
        except ValueError:
            raise UsageError(f"--since「{args.since}」不是日期，请写成 2026-01-01") from None
    published = read_published(args.content, now)
    keys = {c.key: c.key for c in published.config.categories} | {c.name: c.key for c in published.config.categories}
    unknown = [c for c in args.category if c not in keys]
    if unknown:
        raise UsageError(f"没有分类「{'、'.join(unknown)}」，可选：{'、'.join(c.key for c in published.config.categories)}")
    theme = args.theme or (args.content / published.config.theme if published.config.theme else None)
    views = select(published, Selection(tuple(keys[c] for c in args.category), since, args.open_notices))
    print_pdf(board_html(published, views, load_theme(theme)), args.output)
    opened = sum(1 for v in views if v.period_state == "公示中")
    print(f"已写入 {args.output}：{len(views)} 篇公告（其中正在公示 {opened} 篇），打印日期 {published.now.date().isoformat()}")
    return 0
