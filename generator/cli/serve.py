"""Preview server: serve the output folder on 127.0.0.1 under the site's base path.

The site links relatively, but 404.html links from the base path, so the local
server mounts the site where the real one will be (e.g. /mzzj/). In watch mode
it adds a small live-reload script to every HTML response on the way out; the
files on disk, which are the published site, never contain it.
"""

from __future__ import annotations

import errno
import functools
import http.server
import json
import os
import sys
from pathlib import Path

from generator.cli.watch import LiveState
from generator.core.errors import UsageError

LIVE_PREFIX = "/__gongkai/"
LIVE_SCRIPT = (Path(__file__).resolve().parent / "live.js").read_bytes()


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serve files below the base path; everything else is redirected or a 404 page."""

    base_path = "/"
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".yml": "text/yaml"}  # admin/config.yml
    live: LiveState | None = None

    def translate_path(self, path: str) -> str:
        clean = path.split("?", 1)[0].split("#", 1)[0]
        if clean.startswith(self.base_path):
            return super().translate_path("/" + clean[len(self.base_path):])
        return super().translate_path("/.gongkai-not-found")

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        clean = self.path.split("?", 1)[0]
        if self.base_path != "/" and (clean in ("/", "") or clean + "/" == self.base_path):
            self.send_response(302)
            self.send_header("Location", self.base_path)
            self.end_headers()
            return
        if self.live is not None and self._live_get():
            return
        super().do_GET()

    def _live_get(self) -> bool:
        """Answer the live-reload endpoints and HTML pages (with the script added); False for the rest."""
        clean = self.path.split("?", 1)[0]
        if clean == LIVE_PREFIX + "status":
            self._send(200, "application/json", json.dumps(self.live.snapshot(), ensure_ascii=False).encode())
            return True
        if clean == LIVE_PREFIX + "live.js":
            self._send(200, "text/javascript; charset=utf-8", LIVE_SCRIPT)
            return True
        if not clean.endswith((".html", "/")) or "/admin/" in clean:  # a reload would lose the form being filled
            return False
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
        try:
            with open(path, "rb") as page:
                body = page.read()
        except OSError:
            return False  # a 404, answered by send_error
        self._send(200, "text/html; charset=utf-8", self._with_script(body))
        return True

    def _with_script(self, body: bytes) -> bytes:
        """Add the live-reload script before </body>."""
        tag = f'<script src="{LIVE_PREFIX}live.js" data-status="{LIVE_PREFIX}status"></script>'.encode()
        at = body.rfind(b"</body>")
        return body[:at] + tag + body[at:] if at >= 0 else body + tag

    def _send(self, code: int, kind: str, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code == 404 and page.is_file():
            body = page.read_bytes()
            self._send(404, "text/html; charset=utf-8", self._with_script(body) if self.live else body)
            return
        super().send_error(code, message, explain)

    def log_message(self, format: str, *args) -> None:  # quiet: the terminal is for build messages
        pass


PORTS_TRIED = 10  # a busy port moves the preview to the next free one of these


def bind_server(output: Path, base_path: str, port: int,
                live: LiveState | None = None) -> tuple[http.server.ThreadingHTTPServer, int]:
    """Serve on `port`, or on the next free port when another program (often an earlier preview) holds it."""
    for candidate in range(port, port + PORTS_TRIED):
        try:
            server = make_server(output, base_path, candidate, live)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                continue
            raise UsageError(f"无法使用端口 {candidate}（{exc.strerror}）：请用 --port 换一个 1024 以上的端口，"
                             "例如 python build.py serve --port 8100") from None
        if candidate != port:
            print(f"端口 {port} 已被占用（可能另一个预览还开着：回到那个窗口按 Ctrl+C 可以停止它），"
                  f"本次预览改用端口 {candidate}", file=sys.stderr, flush=True)
        return server, candidate
    raise UsageError(f"端口 {port} 到 {port + PORTS_TRIED - 1} 都被占用：请关掉其他预览，"
                     "或用 --port 指定另一个端口，例如 python build.py serve --port 8100")


def make_server(output: Path, base_path: str, port: int,
                live: LiveState | None = None) -> http.server.ThreadingHTTPServer:
    """Create a server for `output` mounted at `base_path` on 127.0.0.1:`port`; `live` adds live reload."""
    handler = type("Handler", (_Handler,), {"base_path": base_path, "live": live})
    factory = functools.partial(handler, directory=str(output))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), factory)
    server.daemon_threads = True
    return server
