"""Write stage, search part: build the Pagefind full-text index inside the staging folder.

The index is part of the site, so it is made before the staging folder is
swapped in: readers never see pages without their index or an index of pages
that are gone. Only what notice pages mark with `data-pagefind-body` is
indexed, and hidden notices have no page, so they cannot enter it.

Pages are handed to Pagefind one by one in sorted order through its Python API, not found by
its own walk of the folder: Pagefind numbers pages in the order it meets them, and a folder's
order differs between file systems (ext4 hashes names, tmpfs lists the newest first), so the
same site gave different index bytes on each.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import threading
from pathlib import Path

from generator.build.pagefind_order import canonicalise
from generator.core.errors import BuildFailed, Diagnostic

BUNDLE = "pagefind"  # folder below the site root, linked from the search page


def index_site(site: Path) -> int:
    """Index the staged site with the Chinese-segmenting Pagefind build; return the files it added."""
    before = _count_files(site)
    try:
        _index(site)
    except (OSError, ValueError, RuntimeError, KeyError) as exc:  # raised inside the staging block: the old site stays
        detail = str(exc).strip().splitlines()[-1:] or [type(exc).__name__]
        raise BuildFailed([Diagnostic("site.yaml", 1, f"生成搜索索引失败（Pagefind：{detail[0]}）；请重新运行 make build "
                                      "安装 requirements.txt 中的 pagefind[extended]，或在 site.yaml 中设置 search: false")])
    canonicalise(site / BUNDLE)  # Pagefind's own output differs from run to run
    return _count_files(site) - before


def _index(site: Path) -> None:
    """Add every HTML page in sorted order to a Pagefind service, then have it write the bundle.

    Pagefind's own Python client reads one answer every tenth of a second, a thousand seconds for
    ten thousand pages; this talks its service protocol directly (requests and answers are base64
    JSON, each ended by a comma), one request at a time so the order stays the one given.
    """
    from pagefind.service import get_executable

    executable = get_executable()
    if executable is None:
        raise RuntimeError("找不到 pagefind 程序")
    with subprocess.Popen([str(executable), "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL) as service:
        talk = _Service(service)
        index = talk.ask({"type": "NewIndex", "config": None}, "NewIndex")["index_id"]
        pages = _pages(site)
        feeder = threading.Thread(target=talk.send_all, args=((  # read one page at a time, in the feeder
            {"type": "AddFile", "index_id": index, "url": _url(rel), "file_path": None,
             "file_contents": (site / rel).read_text(encoding="utf-8")} for rel in pages),))
        feeder.start()
        try:
            talk.answers(len(pages), "IndexedFile")
        finally:
            feeder.join()
        # The bundle comes back in the answer and is written here: the service answers WriteFiles
        # before its files are complete, and one it was still writing was cut short at its exit.
        files = talk.ask({"type": "GetFiles", "index_id": index}, "GetFiles")["files"]
        service.stdin.close()
    bundle = site / BUNDLE
    for file in sorted(files, key=lambda f: f["path"]):
        target = bundle / file["path"]
        if bundle.resolve() not in target.resolve().parents:
            raise ValueError(f"Pagefind 给出了索引目录之外的文件 {file['path']}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(base64.b64decode(file["content"]))


class _Service:
    """One conversation with `pagefind --service`."""

    def __init__(self, process: subprocess.Popen):
        self.process, self.sent, self.pending = process, 0, bytearray()

    def ask(self, payload: dict, answer: str) -> dict:
        """Send one request and return the answer's payload, which must be of the type expected."""
        self.send_all([payload])
        return self.answers(1, answer)

    def send_all(self, payloads) -> None:
        """Send requests in order without waiting for their answers."""
        try:
            for payload in payloads:
                self.sent += 1
                request = json.dumps({"message_id": self.sent, "payload": payload}, ensure_ascii=False)
                self.process.stdin.write(base64.b64encode(request.encode("utf-8")) + b",")
            self.process.stdin.flush()
        except BrokenPipeError:
            pass  # the service died: answers() says so

    def answers(self, count: int, answer: str) -> dict:
        """Read `count` answers, each of the type expected; return the last one's payload."""
        body: dict = {}
        for _ in range(count):
            body = self._answer(answer)
        return body

    def _answer(self, answer: str) -> dict:
        """Read one answer: the index's files come as one answer of many megabytes, read in chunks."""
        end = self.pending.find(b",")
        while end < 0:
            chunk = self.process.stdout.read1(1 << 20)
            if not chunk:
                raise RuntimeError("Pagefind 意外退出")
            start = len(self.pending)
            self.pending += chunk  # a bytearray: appending does not copy what came before
            end = self.pending.find(b",", start)
        message = bytes(self.pending[:end])
        del self.pending[: end + 1]
        reply = json.loads(base64.b64decode(message))
        body = reply.get("payload") or {}
        if body.get("type") != answer:
            raise RuntimeError(str(body.get("message") or body))
        return body


def _pages(site: Path) -> list[str]:
    """List the site's HTML files, relative and sorted, the bundle's own left out."""
    found = []
    for folder, dirs, files in os.walk(site):
        rel = os.path.relpath(folder, site)
        if rel == BUNDLE:
            dirs.clear()
            continue
        found += [name if rel == "." else f"{rel}/{name}".replace(os.sep, "/") for name in files
                  if name.endswith(".html")]
    return sorted(found)


def _url(rel: str) -> str:
    """Give a page the URL Pagefind's own walk gives it: the folder of an index.html."""
    return "/" + (rel[: -len("index.html")] if rel == "index.html" or rel.endswith("/index.html") else rel)


def _count_files(folder: Path) -> int:
    """Count the files below a folder."""
    return sum(1 for p in folder.rglob("*") if p.is_file())
