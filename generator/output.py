"""Write stage: build into a staging folder beside the output and swap it in at once.

The previous output stays exactly as it was until the new site is complete;
a folder gongkai did not create is never deleted.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import filecmp
import os
import shutil
from pathlib import Path

from .errors import UsageError
from .faults import pause_at

MARKER = ".gongkai-output"  # says "gongkai made this folder and may replace it"
STAGING_SUFFIX = ".gongkai-staging"
RETIRED_SUFFIX = ".gongkai-retired"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def check_output_dir(output: Path, content: Path, theme: Path | None, project_root: Path) -> None:
    """Refuse an output folder that holds, or is, something gongkai must never delete."""
    out = output.resolve()
    protected = {"内容目录（--content）": content.resolve(), "项目根目录": project_root.resolve()}
    if theme is not None:
        protected["主题目录（--theme）"] = theme.resolve()
    for label, place in protected.items():
        if out == place or out in place.parents:
            raise UsageError(f"拒绝使用 {output} 作为输出目录：它是{label}或其上级目录，构建会替换整个输出目录")
    if out == Path(out.anchor) or out == Path.home():
        raise UsageError(f"拒绝使用 {output} 作为输出目录：请指定一个专用的目录，例如 output/")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise UsageError(
            f"拒绝使用 {output} 作为输出目录：它不是空目录，也不是 gongkai 生成的（缺少 {MARKER}）；"
            "请换一个目录，或确认后手动清空它"
        )
    if out.exists() and not out.is_dir():
        raise UsageError(f"拒绝使用 {output} 作为输出目录：它是一个文件")


class Staging:
    """A fresh folder beside the output that becomes the output only when complete."""

    def __init__(self, output: Path):
        self.output = output.resolve()
        self.path = self.output.with_name(self.output.name + STAGING_SUFFIX)
        self.retired = self.output.with_name(self.output.name + RETIRED_SUFFIX)

    def __enter__(self) -> "Staging":
        self.output.parent.mkdir(parents=True, exist_ok=True)
        self.clean_leftovers()
        self.path.mkdir()
        (self.path / MARKER).write_text("gongkai\n", encoding="utf-8")
        return self

    def clean_leftovers(self) -> None:
        """Remove the staging and retired folders of a build that was killed."""
        for leftover in (self.path, self.retired):
            _remove_ours(leftover)

    def write(self, rel: str, data: bytes) -> None:
        """Write one file below the staging folder, refusing paths that leave it."""
        self._target(rel).write_bytes(data)
        pause_at("write")

    def _target(self, rel: str) -> Path:
        """Return where `rel` goes below the staging folder, its folder made, refusing paths that leave it."""
        target = self.path / rel
        if ".." in Path(rel).parts or Path(rel).is_absolute():
            raise ValueError(f"output path escapes the site: {rel}")
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def link(self, rel: str, source: Path) -> None:
        """Hard-link a finished file (a cache blob) into the staging folder, copying where links fail."""
        target = self._target(rel)
        try:
            os.link(source, target)
        except OSError:  # another file system, or one without hard links
            target.write_bytes(source.read_bytes())
        pause_at("write")

    def copy(self, rel: str, source: Path) -> None:
        """Copy a static file into the staging folder."""
        self.write(rel, source.read_bytes())

    def commit(self) -> None:
        """Put the staged site in place of the output in one step, then drop the old one."""
        pause_at("swap")
        if self.output.exists():
            if not _exchange(self.path, self.output):
                os.rename(self.output, self.retired)
                os.rename(self.path, self.output)
                _remove_ours(self.retired)
                return
            pause_at("swapped")
            _remove_ours(self.path)  # now holds the previous site
        else:
            os.rename(self.path, self.output)

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            _remove_ours(self.path)


def is_current(output: Path, files: dict[str, Path]) -> bool:
    """Say whether the output holds exactly these files, each the same file or the same bytes as its source."""
    if not (output / MARKER).is_file():
        return False
    found = set()
    for folder, _, names in os.walk(output):
        for name in names:
            found.add(os.path.relpath(os.path.join(folder, name), output).replace(os.sep, "/"))
    if found != set(files) | {MARKER}:
        return False
    for rel, source in files.items():
        if source is None:
            return False
        target = output / rel
        if not os.path.samefile(target, source) and not filecmp.cmp(target, source, shallow=False):
            return False
    return True


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically (Linux renameat2); False where the system cannot."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    if not hasattr(libc, "renameat2"):
        return False
    result = libc.renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def _remove_ours(path: Path) -> None:
    """Delete a staging or retired folder, but only one that carries gongkai's marker."""
    if path.is_dir() and ((path / MARKER).is_file() or not any(path.iterdir())):
        shutil.rmtree(path)
