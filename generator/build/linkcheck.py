"""Check stage: every internal link, asset and attachment of a built site must resolve to a file.

It reads the site as written to disk, not the pages in memory, so it sees
exactly what a web server would serve: theme files, hashed names and all.
"""

from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

LINK_ATTRIBUTES = {"href", "src", "poster", "data"}


class LinkCollector(HTMLParser):
    """Collect the link-bearing attributes of one page (meta refresh targets too)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "link" and values.get("rel") in ("canonical", "alternate"):
            return  # absolute by design, pointing at the public site
        for name, value in attrs:
            if name in LINK_ATTRIBUTES and value:
                self.links.append(value)
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            _, _, target = (values.get("content") or "").partition("url=")
            if target:
                self.links.append(target.strip())


def broken_links(site: Path, base_path: str) -> list[tuple[str, str]]:
    """Return (page, link) for each internal link of an HTML page that names no file of the site."""
    broken = []
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site).as_posix()
        parser = LinkCollector()
        parser.feed(page.read_text(encoding="utf-8"))
        for link in dict.fromkeys(parser.links):  # each link once per page, in order
            target = _target(rel, link, base_path)
            if target is not None and not _exists(site, target):
                broken.append((rel, link))
    return broken


def _target(page: str, link: str, base_path: str) -> str | None:
    """Resolve a link to a path below the site root; None for links that leave the site."""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or not parts.path:
        return None  # another site, mailto:, data:, or only a #fragment
    path = unquote(parts.path)
    if path.startswith("/"):
        if not path.startswith(base_path):
            return "\0"  # rooted outside the site's sub-path: cannot resolve
        resolved = path[len(base_path):]
    else:
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
        if resolved == ".":
            resolved = ""
        elif resolved.startswith(".."):
            return "\0"
    return resolved + ("/" if path.endswith("/") and resolved else "")


def _exists(site: Path, target: str) -> bool:
    """Say whether a server would find a file for this path (a folder means its index.html)."""
    if "\0" in target:
        return False
    path = site / target
    return path.is_file() or (path / "index.html").is_file()
