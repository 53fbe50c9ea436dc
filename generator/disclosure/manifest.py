"""Write stage, guard: the manifest of published URLs, so that no published notice silently vanishes.

People cite and bookmark notice URLs. Every build records the URLs it
published; a build given the live site's record (--manifest) compares against it and refuses to drop
one, unless the notice is withdrawn (a stub stays) or another notice carries
the old URL in `redirect_from`.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

from generator.core.errors import Diagnostic
from generator.core.model import Notice
from generator.disclosure.collect import Collection

MANIFEST = ".gongkai-manifest.json"  # inside the output folder; served with the site


def published_urls(collection: Collection, withdrawn: list[Notice], now: datetime) -> set[str]:
    """Return the URLs this build publishes for good: notices, withdrawal stubs and redirects.

    Previews (--drafts, --future) are left out, so a preview build never
    promises a URL that a real build would then have to keep.
    """
    live = [n for n in collection.notices if n.path not in collection.previewed]
    urls = {n.url for n in live} | {old for n in live for old in n.redirect_from}
    return urls | {n.url for n in withdrawn if not n.draft and n.date.moment <= now}


def manifest_bytes(urls: set[str]) -> bytes:
    """Serialise the published URLs, sorted, so that the same site gives the same bytes."""
    return (json.dumps({"urls": sorted(urls)}, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def read_manifest(path: Path) -> set[str] | None:
    """Read a previous manifest; None when there is none (a first build) or it is unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {u for u in data["urls"] if isinstance(u, str)}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def previous_manifest(given: Path | None) -> tuple[set[str], str]:
    """Read the public site's manifest, given on the command line; nothing to guard without one.

    Only the live site knows what was published. The output folder's own copy
    is whatever the last local build made, often a preview of notices nobody
    has published yet, so renaming one of those must stay free. CI fetches the
    live manifest and passes it with --manifest (deployment.md).
    """
    if given is not None:
        urls = read_manifest(given)
        if urls is not None:
            return urls, given.name
    return set(), MANIFEST


def vanished(previous: set[str], manifest_name: str, current: set[str]) -> list[Diagnostic]:
    """Name every URL that was published before and would be gone after this build."""
    return [Diagnostic(
        manifest_name, 1,
        f"网址 /{url} 曾经发布过，本次构建后将不复存在：若公告已移动或改名，请在新公告中加上 "
        f"redirect_from: [{url}]；若要撤下，请保留文件并写上 status: 已撤回 和 withdrawal_reason（撤回原因）",
    ) for url in sorted(previous - current)]


if __name__ == "__main__":
    # `python -m generator.disclosure.manifest url CONTENT`: where the live site serves its manifest, for CI.
    from generator.core.config import load_config

    if sys.argv[1:2] != ["url"] or len(sys.argv) != 3:
        sys.exit("usage: python -m generator.disclosure.manifest url CONTENT_DIR")
    print(load_config(Path(sys.argv[2])).base_url + MANIFEST)
