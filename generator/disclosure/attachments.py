"""Validate stage, 附件: check that every attachment is a file inside the content folder.

Paths come from editors, so they are checked like untrusted input: no absolute
paths, no `..` that climbs out, no symbolic link that leads outside. Messages
name the path as written and never show anything read from a file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from generator.core.errors import Diagnostic
from generator.core.model import Notice

FORMATS = {".pdf": "PDF", ".doc": "DOC", ".docx": "DOCX", ".xls": "XLS", ".xlsx": "XLSX", ".csv": "CSV",
           ".txt": "TXT", ".md": "TXT", ".zip": "ZIP", ".ofd": "OFD", ".wps": "WPS", ".et": "ET",
           ".jpg": "JPG", ".jpeg": "JPG", ".png": "PNG"}


@dataclass(frozen=True)
class Attachment:
    """A checked attachment: where it is, what it is called beside the notice page, how it is shown."""

    source: Path
    rel: str  # relative to the content folder, for messages
    name: str  # file name beside the notice page
    title: str
    format: str  # PDF, DOCX …
    size: int  # bytes

    @property
    def size_text(self) -> str:
        """Format the size the way readers expect (`1.2 MB`)."""
        if self.size >= 1024 * 1024:
            return f"{self.size / 1024 / 1024:.1f} MB"
        if self.size >= 1024:
            return f"{self.size / 1024:.1f} KB"
        return f"{self.size} B"


def check_attachments(notices: list[Notice], content_dir: Path) -> tuple[dict[str, list[Attachment]], list[Diagnostic]]:
    """Resolve every notice's attachments; report each that escapes, is missing or clashes."""
    root = Path(os.path.realpath(content_dir))
    found: dict[str, list[Attachment]] = {}
    problems = []
    for notice in notices:
        items, names = [], set()
        for ref in notice.attachments:
            def report(message: str) -> None:
                problems.append(Diagnostic(notice.path, ref.line, f"附件「{ref.file}」{message}"))

            resolved = _resolve(notice, ref.file, root, report)
            if resolved is None:
                continue
            written, rel, real = resolved
            name = written.name
            if name in names or name == "index.html":
                report("与另一个附件同名：同一公告的附件文件名不能重复")
                continue
            names.add(name)
            items.append(_attachment(real, rel, name, ref.title or written.stem, written.suffix))
        found[notice.path] = items
    return found, problems


def check_body_files(notices: list[Notice], content_dir: Path) -> tuple[dict[str, list[Attachment]], list[Diagnostic]]:
    """Resolve the images and files each body names by a relative path; report each one missing.

    They are copied beside the page under the path written, so the link works as written.
    """
    root = Path(os.path.realpath(content_dir))
    found: dict[str, list[Attachment]] = {}
    problems = []
    for notice in notices:
        items = []
        for ref in notice.body_files:
            def report(message: str) -> None:
                problems.append(Diagnostic(notice.path, ref.line, f"正文引用的文件「{ref.file}」{message}"))

            resolved = _resolve(notice, ref.file, root, report)
            if resolved is not None and ref.file != "index.html":
                written, rel, real = resolved
                items.append(_attachment(real, rel, ref.file, written.stem, written.suffix))
        if items:
            found[notice.path] = items
    return found, problems


def _resolve(notice: Notice, file: str, root: Path, report) -> tuple[PurePosixPath, str, Path] | None:
    """Find a file named relative to a notice inside the content folder, or report why not."""
    written = PurePosixPath(file.replace("\\", "/"))
    if written.is_absolute() or file[1:2] == ":":
        report("是绝对路径：请写相对于本公告文件的路径，例如 附件1.pdf")
        return None
    rel, real = _locate(root, PurePosixPath(notice.path).parent / written)
    if not real.is_file() and not rel.startswith("../") and rel != "..":
        # or in the notice's own folder, where the editing page and `import` put its files
        own_rel, own = _locate(root, PurePosixPath(notice.path).with_suffix("") / written)
        if own.is_file():
            rel, real = own_rel, own
    if rel.startswith("../") or rel == ".." or not real.is_relative_to(root):
        report("在内容目录之外（.. 或符号链接）：附件必须放在内容目录中")
        return None
    if not real.is_file():
        folder = PurePosixPath(rel).parent.as_posix()
        where = "内容目录的最上层" if folder == "." else f"{folder}/"
        report(f"不存在：在 {where} 中没有找到它（路径从 {PurePosixPath(notice.path).name} 所在的文件夹算起），"
               "请检查文件名（包括扩展名和大小写），或把文件放进去")
        return None
    try:  # found but unreadable: said here, at the reference's line, not as a failure while copying
        with open(real, "rb"):
            pass
    except OSError as exc:
        report(f"无法读取（{exc.strerror}）：请检查文件权限")
        return None
    return written, rel, real


def _locate(root: Path, path: PurePosixPath) -> tuple[str, Path]:
    """Return a path's normalised form below the content folder and the real file it names."""
    rel = os.path.normpath(path).replace(os.sep, "/")
    return rel, Path(os.path.realpath(root / rel))


def _attachment(real: Path, rel: str, name: str, title: str, suffix: str) -> Attachment:
    """Describe a checked file for the page."""
    suffix = suffix.lower()
    return Attachment(real, rel, name, title, FORMATS.get(suffix, suffix[1:].upper() or "文件"), real.stat().st_size)
