"""Preview server: serve the output folder on 127.0.0.1 under the site's base path.

The site links relatively, but 404.html links from the base path, so the local
server mounts the site where the real one will be (e.g. /mzzj/).
"""

from __future__ import annotations

import functools
import http.server
from pathlib import Path


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serve files below the base path; everything else is redirected or a 404 page."""

    base_path = "/"

    def translate_path(self, path: str) -> str:
        clean = path.split("?", 1)[0].split("#", 1)[0]
        if clean.startswith(self.base_path):
            return super().translate_path("/" + clean[len(self.base_path):])
        return super().translate_path("/.gongkai-not-found")

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        if self.path in ("/", "") and self.base_path != "/":
            self.send_response(302)
            self.send_header("Location", self.base_path)
            self.end_headers()
            return
        super().do_GET()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code == 404 and page.is_file():
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def log_message(self, format: str, *args) -> None:  # quiet: the terminal is for build messages
        pass


def make_server(output: Path, base_path: str, port: int) -> http.server.ThreadingHTTPServer:
    """Create a server for `output` mounted at `base_path` on 127.0.0.1:`port`."""
    handler = type("Handler", (_Handler,), {"base_path": base_path})
    factory = functools.partial(handler, directory=str(output))
    return http.server.ThreadingHTTPServer(("127.0.0.1", port), factory)
