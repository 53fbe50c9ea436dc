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

from generator.core.errors import BuildFailed, Diagnostic
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


def read_manifest(path: Path) -> set[str]:
    """Read a manifest, or say in one line what was found instead (ManifestProblem)."""
    try:
        text = path.read_bytes().decode("utf-8")
    except IsADirectoryError:
        raise ManifestProblem("这是一个目录，不是已发布网址清单文件") from None
    except FileNotFoundError:
        raise ManifestProblem("文件不存在") from None
    except OSError as exc:
        raise ManifestProblem(f"无法读取（{exc.strerror}）") from None
    except UnicodeDecodeError:
        raise ManifestProblem("内容不是 UTF-8 文本") from None
    if not text.strip():
        raise ManifestProblem("文件是空的")
    try:
        data = json.loads(text)
    except ValueError:
        start = " ".join(text.split())[:60]
        raise ManifestProblem(f"内容不是 JSON（开头是「{start}」，可能是下载失败时得到的错误页）") from None
    if not isinstance(data, dict) or not isinstance(data.get("urls"), list) or not all(
            isinstance(u, str) for u in data["urls"]):
        raise ManifestProblem("JSON 中没有网址列表 urls（应为 {\"urls\": [\"…\", …]}）")
    return set(data["urls"])


class ManifestProblem(Exception):
    """What a file given as the manifest holds instead of one."""


def previous_manifest(given: Path | None, first_publication: bool = False) -> tuple[set[str], str]:
    """Read the public site's manifest, given on the command line; nothing to guard without one.

    Only the live site knows what was published. The output folder's own copy
    is whatever the last local build made, often a preview of notices nobody
    has published yet, so renaming one of those must stay free. CI fetches the
    live manifest and passes it with --manifest (deployment.md). A file given
    that is not a manifest is an error, never "nothing was published": a
    failed download would otherwise let published URLs vanish. Only a first
    publication may go without the file, and it must say so.
    """
    if given is None:
        return set(), MANIFEST
    if first_publication and not given.exists():
        return set(), given.name
    try:
        return read_manifest(given), given.name
    except ManifestProblem as exc:
        missing = "；若网站从未发布过，请加 --first-publication" if not given.exists() else ""
        raise BuildFailed([Diagnostic(
            str(given), 1, f"--manifest 指定的已发布网址清单不可用：{exc}{missing}。"
            "为防止已发布的网址被误删，构建已停止；请重新下载线上的清单后再构建")]) from None


def vanished(previous: set[str], manifest_name: str, current: set[str]) -> list[Diagnostic]:
    """Name every URL that was published before and would be gone after this build."""
    return [Diagnostic(
        manifest_name, 1,
        f"网址 /{url} 曾经发布过，本次构建后将不复存在：若公告已移动或改名，请在新公告中加上 "
        f"redirect_from: [{url}]；若要撤下，请保留文件并写上 status: 已撤回 和 withdrawal_reason（撤回原因）",
    ) for url in sorted(previous - current)]


def fetch(content: Path, target: Path) -> int:
    """Download the live site's manifest for CI; return the exit code.

    200 with a valid manifest: written to `target`. 404: the site was never published, and no
    file is left, which `build.py --first-publication` accepts. Anything else stops CI (exit 1):
    a failed download must never pass for "nothing was published".
    """
    from urllib.error import HTTPError, URLError
    from urllib.request import urlopen

    from generator.core.config import load_config
    from generator.core.files import write_atomically

    try:
        url = load_config(content).base_url + MANIFEST
    except BuildFailed as exc:
        print("\n".join(d.format() for d in exc.diagnostics), file=sys.stderr)
        return 1
    try:
        with urlopen(url, timeout=60) as answer:  # noqa: S310 - the site's own base_url
            data = answer.read()
    except HTTPError as exc:
        if exc.code == 404:
            target.unlink(missing_ok=True)
            print(f"{url} 不存在（HTTP 404）：网站尚未发布过，按首次发布构建")
            return 0
        print(f"无法取得已发布网址清单 {url}（HTTP {exc.code}）：为防止已发布的网址被误删，停止构建", file=sys.stderr)
        return 1
    except (URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        print(f"无法取得已发布网址清单 {url}（{reason}）：为防止已发布的网址被误删，停止构建", file=sys.stderr)
        return 1
    partial = target.with_name(target.name + ".download")
    partial.write_bytes(data)
    try:
        urls = read_manifest(partial)
    except ManifestProblem as exc:
        print(f"{url} 取回的不是已发布网址清单：{exc}；为防止已发布的网址被误删，停止构建", file=sys.stderr)
        return 1
    finally:
        partial.unlink(missing_ok=True)
    write_atomically(target, data)
    print(f"已取得线上的已发布网址清单：{len(urls)} 个网址")
    return 0


if __name__ == "__main__":
    # For CI: `url CONTENT` prints where the live site serves its manifest; `fetch CONTENT FILE` downloads it.
    from generator.core.config import load_config

    if sys.argv[1:2] == ["url"] and len(sys.argv) == 3:
        print(load_config(Path(sys.argv[2])).base_url + MANIFEST)
    elif sys.argv[1:2] == ["fetch"] and len(sys.argv) == 4:
        sys.exit(fetch(Path(sys.argv[2]), Path(sys.argv[3])))
    else:
        sys.exit("usage: python -m generator.disclosure.manifest url CONTENT_DIR\n"
                 "       python -m generator.disclosure.manifest fetch CONTENT_DIR FILE")
