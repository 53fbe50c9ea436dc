"""Choose the way a build goes: nothing changed, a touch-up, or the full way; and say why.

The three ways give the same bytes (test_incremental.py and test_touchup.py compare them with
clean builds); they differ in how much they read and render. The choice is made here, in one
place, from a look at the input files taken before anything else is read, so that `build.py -v`
can tell an editor why a build took the time it took.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from generator.build.intake import result_salt
from generator.core.config import SiteConfig
from generator.core.options import FULL, TOUCH_UP, UNCHANGED, Options
from generator.disclosure.manifest import MANIFEST
from generator.incremental.cache import default_folder, was_cut_short
from generator.incremental.shortcut import (
    Record,
    changed_since,
    file_clock,
    fingerprint,
    read_record,
    same_clock,
    still_valid,
)
from generator.site.theme import DEFAULT_THEME


@dataclass(frozen=True)
class Inputs:
    """This build's look at its input files, and what the last build recorded of its own."""

    folder: Path  # the cache folder
    clock: int  # the file system's clock when this build began
    digest: str  # shortcut.fingerprint's hash of options, code and every input file's status
    newest: int  # the newest ctime among the input files
    statuses: dict[str, tuple[int, ...]]  # every input file and folder -> its status now
    record: Record | None  # the last build's, None when there is none
    cut_short: bool  # a build was cut short since the last one finished


@dataclass(frozen=True)
class Way:
    """How this build goes, and why, in words for the editor."""

    kind: str  # options.UNCHANGED, TOUCH_UP or FULL
    why: str


def look(options: Options, theme: Path | None, cms_bundle: Path | None = None) -> Inputs | None:
    """Note the clock, then the status of every input file (the editing page's CMS files too, when the
    site has one); None when this build keeps no cache."""
    if options.check or not options.use_cache:
        return None
    folder = options.cache or default_folder(options.output)
    clock = file_clock(folder)  # before the walk: a file changed during it is then newer than the clock
    digest, newest, statuses = fingerprint([options.content, theme, DEFAULT_THEME, cms_bundle], options)
    return Inputs(folder, clock, digest, newest, statuses, read_record(folder), was_cut_short(folder))


def choose_way(options: Options, config: SiteConfig, inputs: Inputs | None, now: datetime) -> Way:
    """Pick the cheapest way that gives the bytes a clean build would, with the reason the others were not."""
    if options.check:
        return Way(FULL, "--check 在临时目录中完整构建并检查站内链接")
    if inputs is None:
        return Way(FULL, "未使用构建缓存（--no-cache）")
    record = inputs.record
    if record is None:
        return Way(FULL, "缓存中没有上次构建的记录（首次构建，或缓存已被删除）")
    if still_valid(record, inputs.digest, now, options.output) and _same_manifest(options):
        return Way(UNCHANGED, "内容、主题、配置和选项自上次构建以来均未改变，时钟也未跨过任何公告的时间点")
    if inputs.cut_short:
        return Way(FULL, "上一次构建没有完成，缓存须重新整理")
    if changed_since(record.newest_ctime_ns, record.started_ns):
        return Way(FULL, "上次构建开始后仍有文件被修改，上次的记录不可作为依据")
    if record.salt != result_salt(config):
        return Way(FULL, "site.yaml 或 gongkai 本身已改变")
    if not same_clock(record, now):
        return Way(FULL, "时钟跨过了午夜或某篇公告的时间点（发布、有效期、公示期）")
    return Way(TOUCH_UP, "只有公告文件改变：若只改了正文或标题，只重新生成显示它们的页面")


def _same_manifest(options: Options) -> bool:
    """Say whether CI's copy of the manifest is the one in the output, so the shortcut writes nothing."""
    if options.manifest is None:
        return True
    try:
        return options.manifest.read_bytes() == (options.output / MANIFEST).read_bytes()
    except OSError:
        return False
