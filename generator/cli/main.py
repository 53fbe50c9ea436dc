"""Command line: arguments in, exit code out (0 built, 1 invalid content, 2 bad usage, 3 the machine stopped it)."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from generator import __version__
from generator.build.output import STAGING_SUFFIX, check_cache_dir, check_output_dir
from generator.build.pipeline import build
from generator.cli.annotations import github_annotation, on_github
from generator.cli.args import Parser
from generator.cli.progress import bar_for
from generator.core.errors import BuildFailed, EnvironmentProblem, UsageError
from generator.core.options import UNCHANGED, WAY_LABELS, Options, Report
from generator.disclosure.collect import HELD_BACK_LABELS

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def parser() -> argparse.ArgumentParser:
    """Describe the build command line."""
    p = Parser(prog="build.py", description="把 Markdown 公告生成政务公开栏静态网站。",
               epilog="预览：python build.py serve [--port 8000]；纸质公开栏：python build.py print；"
                      "年度报告草稿：python build.py report --year 2025")
    _common(p)
    p.add_argument("--check", action="store_true",
                   help="只检查内容并在临时目录试构建、检查站内链接，不写输出目录（用于合并请求检查）")
    p.add_argument("--precompress", action="store_true", help="为每个文本文件另写一份 .gz，供 nginx gzip_static 使用")
    p.add_argument("--strict", action="store_true",
                   help="空白栏目、超期未更新的栏目和缺少或迟发的政策解读也算错误，构建失败（用于 CI）")
    p.add_argument("--manifest", type=Path, default=None,
                   help="线上网站的已发布网址清单：构建前读取（文件必须存在且有效）、成功后写回；不给则不检查网址是否消失")
    p.add_argument("--first-publication", action="store_true",
                   help="网站首次发布：--manifest 指定的文件可以不存在")
    p.add_argument("--version", action="version", version=f"gongkai {__version__}")
    return p


def serve_parser() -> argparse.ArgumentParser:
    """Describe `build.py serve`."""
    p = Parser(prog="build.py serve", description="构建并在本机预览网站。")
    _common(p)
    p.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    p.add_argument("--cms", action="store_true",
                   help="同时启动网页编辑的本机模式：在 /admin/ 用表单编辑公告，直接保存到内容目录（需要 npm ci）")
    p.add_argument("--cms-port", type=int, default=8081, help="本机编辑模式代理的端口（默认 8081）")
    p.set_defaults(check=False, precompress=False, manifest=None, first_publication=False, strict=False)
    return p


def _common(p: argparse.ArgumentParser) -> None:
    """Add the options every command shares."""
    p.add_argument("--content", type=Path, default=Path("content"), help="内容目录（默认 content/）")
    p.add_argument("--output", type=Path, default=Path("output"), help="输出目录（默认 output/）")
    p.add_argument("--theme", type=Path, default=None, help="自定义主题目录，覆盖默认主题的同名文件")
    p.add_argument("--drafts", action="store_true", help="本地预览：包含草稿，并在页面上标明")
    p.add_argument("--future", action="store_true", help="本地预览：包含未到发布时间的公告，并在页面上标明")
    p.add_argument("--cache", type=Path, default=None, help="构建缓存目录（默认为输出目录旁的 .gongkai-cache/，可随时删除）")
    p.add_argument("--no-cache", dest="use_cache", action="store_false", help="不读也不写构建缓存，全部重新生成")
    p.add_argument("--jobs", type=int, default=None, help="并行进程数（默认：网站较大时使用全部 CPU 核心）")
    p.add_argument("--no-wait", dest="wait", action="store_false",
                   help="另一个构建正在使用同一输出目录或缓存时不等待，立即以退出码 3 结束")
    p.add_argument("-v", "--verbose", action="store_true", help="另外说明本次构建的方式（未改变、局部更新或完整构建）及原因")


def options_from(args: argparse.Namespace) -> Options:
    """Check the folders named on the command line and turn them into build options."""
    if not args.content.is_dir():
        raise UsageError(f"内容目录 {args.content} 不存在")
    if args.theme is not None and not (args.theme / "templates").is_dir() and not (args.theme / "static").is_dir():
        raise UsageError(f"主题目录 {args.theme} 中没有 templates/ 或 static/")
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs 必须是正整数")
    if not args.check:
        check_output_dir(args.output, args.content, args.theme, PROJECT_ROOT)
        if args.use_cache and args.cache is not None:
            check_cache_dir(args.cache, args.output, args.content)
    return Options(content=args.content, output=args.output, theme=args.theme,
                   check=args.check, drafts=args.drafts, future=args.future,
                   precompress=args.precompress, manifest=args.manifest, strict=args.strict,
                   first_publication=args.first_publication,
                   cache=args.cache, use_cache=args.use_cache, jobs=args.jobs, wait=args.wait)


def summary(report: Report, check: bool) -> str:
    """Say in one line what the build did."""
    held = sum(report.held_back.values())
    reasons = "，".join(f"{HELD_BACK_LABELS[k]} {v}" for k, v in sorted(report.held_back.items()))
    held_text = f"未发布 {held} 篇（{reasons}）" if held else "未发布 0 篇"
    files = f"检查了 {report.files} 个文件，未写入" if check else f"写入 {report.files} 个文件"
    if report.way == UNCHANGED:
        files = f"内容、主题和配置自上次构建以来均未改变，输出目录的 {report.files} 个文件保持原样"
    cached = f"（{report.cached} 个页面取自缓存）" if report.cached and report.way != UNCHANGED else ""
    return f"发布 {report.published} 篇公告，{held_text}，{files}{cached}，用时 {report.seconds:.2f} 秒"


def main(argv: list[str] | None = None, now: datetime | None = None) -> int:
    """Run one build (or the preview server) and map its outcome to an exit code."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["serve"]:
        return serve(serve_parser().parse_args(argv[1:]))
    if argv[:1] in (["print"], ["report"]):
        from generator.cli.paperwork import paperwork

        return paperwork(argv, now or datetime.now(timezone.utc))
    if argv[:1] in (["new"], ["assign-index"], ["import"]):
        from generator.cli.editing import edit

        return edit(argv, now or datetime.now(timezone.utc))
    args = parser().parse_args(argv)
    try:
        options = options_from(args)
    except UsageError as exc:
        print(f"build.py: {exc}", file=sys.stderr)
        return 2
    return run_build(options, now, args.verbose)


class MachineFailure(str):
    """The text of a build that the machine stopped, not the content (exit code 3)."""


def run_build(options: Options, now: datetime | None = None, verbose: bool = False) -> int:
    """Build once, print the problems or the summary, and return the exit code."""
    error, _ = build_and_tell(options, now, verbose)
    return 0 if error is None else 3 if isinstance(error, MachineFailure) else 1


def _waiting(folder: Path) -> None:
    print(f"另一个构建正在使用 {folder}，等待它结束……（加 --no-wait 则不等待、立即退出）", file=sys.stderr, flush=True)


def build_and_tell(options: Options, now: datetime | None = None, verbose: bool = False,
                   tell_failure: bool = True, built: Callable[[Report], None] | None = None) -> tuple[str | None, str]:
    """Build once and print the outcome; return the problems as text (None on success) and the warnings.

    The preview retries a build that failed right after a save without telling, so that a
    problem reaches the terminal once (`tell_failure`); it learns from `built` what a good build left to do.
    """
    bar = bar_for(sys.stderr)
    try:
        report = build(options, now or datetime.now(timezone.utc), progress=bar, waiting=_waiting)
    except EnvironmentProblem as exc:
        if bar is not None:
            bar.close()
        print(f"build.py: {exc}", file=sys.stderr, flush=True)
        return MachineFailure(str(exc)), ""
    except BuildFailed as exc:
        if bar is not None:
            bar.close()
        lines = [diagnostic.format() for diagnostic in exc.diagnostics]
        lines.append(f"构建失败：发现 {len(exc.diagnostics)} 个问题，输出目录未作任何改动。")
        if tell_failure:
            print("\n".join(lines), file=sys.stderr, flush=True)
            if on_github():  # the same problems again, as annotations on the pull request's lines
                for diagnostic in exc.diagnostics:
                    print(github_annotation(diagnostic, options.content), flush=True)
        return "\n".join(lines), ""
    if bar is not None:
        bar.close()
    for warning in report.warnings:
        print(warning.format(), file=sys.stderr)
        if on_github():
            print(github_annotation(warning, options.content), flush=True)
    print(summary(report, options.check), flush=True)
    if verbose:
        print(f"构建方式：{WAY_LABELS[report.way]}。原因：{report.why}", flush=True)
    if report.late:
        print(f"成文后超过 20 个工作日才发布：{'、'.join(report.late)}", flush=True)
    if report.stale:
        print(f"栏目更新：{len(report.stale)} 个栏目空白或超期未更新（加 --strict 时视为错误）：{'；'.join(report.stale)}",
              flush=True)
    if report.reviewed:
        print(f"经隐私审查后公开：{'、'.join(report.reviewed)}", flush=True)
    if built is not None:
        built(report)
    return None, "\n".join(warning.format() for warning in report.warnings)


def serve(args: argparse.Namespace) -> int:
    """Build, serve the output on 127.0.0.1, and rebuild on every change until interrupted (with --cms, the proxy too)."""
    proxy = None
    try:
        options = dataclasses.replace(options_from(args), serving=True)
        if args.cms:
            from generator.cli.cmsproxy import start_proxy

            proxy, proxy_url = start_proxy(options.content, args.cms_port)
            options = dataclasses.replace(options, cms_proxy=proxy_url)
    except UsageError as exc:
        print(f"build.py: {exc}", file=sys.stderr)
        return 2
    try:
        return _serve(args, options)
    finally:
        if proxy is not None:
            from generator.cli.cmsproxy import stop_proxy

            stop_proxy(proxy)


def _serve(args: argparse.Namespace, options: Options) -> int:
    """Serve and rebuild until interrupted."""
    from generator.build.pipeline import theme_dir
    from generator.cli.catchup import SearchCatchUp
    from generator.cli.serve import bind_server
    from generator.cli.watch import LiveState, Watcher
    from generator.core.config import load_config
    from generator.incremental.cache import default_folder
    from generator.site.theme import DEFAULT_THEME

    live = LiveState()
    catch_up = SearchCatchUp(options)
    options = dataclasses.replace(options, defer_search=True)  # the preview shows pages first (SearchCatchUp)
    error, warnings = build_and_tell(options, verbose=args.verbose, built=catch_up.note)
    if error is not None:
        live.failed(error)  # keep serving: the editor fixes the file and the page recovers
    else:
        live.warnings = warnings or None
    try:
        config = load_config(options.content)
        base_path = config.base_path
        folders = [options.content, theme_dir(options, config) or options.content]
    except BuildFailed:
        base_path, folders = "/", [options.content, options.theme or options.content]
    folders.append(DEFAULT_THEME)
    watcher = Watcher(folders, lambda tell: build_and_tell(options, verbose=args.verbose, tell_failure=tell,
                                                           built=catch_up.note), live,
                      ignored=(options.output, options.output.with_name(options.output.name + STAGING_SUFFIX),
                               options.cache or default_folder(options.output)), catch_up=catch_up)
    try:
        server, port = bind_server(options.output, base_path, args.port, live)
    except UsageError as exc:
        print(f"build.py: {exc}", file=sys.stderr)
        return 2
    watcher.start()
    print(f"预览地址：http://127.0.0.1:{port}{base_path}（修改内容后自动重新构建并刷新浏览器；按 Ctrl+C 停止）",
          flush=True)
    if options.cms_proxy:
        print(f"网页编辑：http://127.0.0.1:{port}{base_path}admin/（本机模式，保存即写入内容目录）", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        watcher.stop()
        server.server_close()
    return 0
