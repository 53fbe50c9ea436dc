"""Load stage: the files a notice's body points at by a relative path (`![](图片.png)`, `[表](表.xlsx)`).

An editor puts the picture beside the notice and writes its name, as in any
Markdown editor. The page is published one folder deeper (`guides/x.md`
becomes `guides/x/index.html`), so these files are found here with their lines,
checked and copied beside the page like attachments (disclosure/attachments.py).
"""

from __future__ import annotations

import re
from posixpath import normpath
from urllib.parse import unquote

from generator.core.model import AttachmentRef

# Files a body may show or offer for download; pages of the site (`../other/`) are links, not files.
FILE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp", ".pdf", ".doc", ".docx", ".xls",
                 ".xlsx", ".csv", ".txt", ".zip", ".rar", ".7z", ".ofd", ".wps", ".et", ".ppt", ".pptx"}
INLINE = re.compile(r"\]\(\s*(<[^>\n]+>|[^)\s]+)")  # [text](target …) and ![alt](target …)
DEFINITION = re.compile(r"^ {0,3}\[[^\]\n]+\]:\s*(<[^>\n]+>|\S+)")  # [id]: target
HTML_SOURCE = re.compile(r"""\b(?:src|href)\s*=\s*["']([^"'\n]+)["']""", re.IGNORECASE)
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def body_file_refs(body: str, body_line: int) -> tuple[AttachmentRef, ...]:
    """Return each relative file path the body refers to, once, with the file line of its first use."""
    if "](" not in body and "]:" not in body and ("=" not in body or not HTML_SOURCE.search(body)):
        return ()  # most notices point at no file: a look or two at the whole body, not three per line
    found: dict[str, AttachmentRef] = {}
    fence = None
    for offset, line in enumerate(body.split("\n")):
        opening = FENCE.match(line)
        if opening:  # code blocks show Markdown, they do not use it
            marker = opening.group(1)[0]
            fence = None if fence == marker else (fence or marker)
            continue
        if fence:
            continue
        targets = [m.group(1) for pattern in (INLINE, HTML_SOURCE) for m in pattern.finditer(line)]
        definition = DEFINITION.match(line)
        if definition:
            targets.append(definition.group(1))
        for target in targets:
            path = local_file(target)
            if path and path not in found:
                found[path] = AttachmentRef(path, None, body_line + offset)
    return tuple(found.values())


def local_file(target: str) -> str | None:
    """Return the path of a link target that names a file beside the notice or below its folder, else None."""
    target = target.strip("<>").split("#", 1)[0].split("?", 1)[0]
    if not target or SCHEME.match(target) or target.startswith(("/", "\\")):
        return None
    path = unquote(target).replace("\\", "/")
    if not any(path.lower().endswith(suffix) for suffix in FILE_SUFFIXES):
        return None
    path = normpath(path)
    if path == ".." or path.startswith("../"):  # another page's files: the link check follows those
        return None
    return path
