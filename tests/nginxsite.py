"""A real nginx serving a built site with deploy/nginx.conf, for the HTTP tests and `make bench-serve`.

Only `listen` and `root` of the shipped file change, so what is tested is
what administrators copy. Everything nginx writes stays inside `prefix`.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "deploy" / "nginx.conf"
MIME_TYPES = Path("/etc/nginx/mime.types")  # Debian's nginx package ships it here


def free_port() -> int:
    """Ask the kernel for a loopback port nobody listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_block(root: Path, port: int) -> str:
    """Return the example server block with only its port and document root changed."""
    text = EXAMPLE.read_text(encoding="utf-8")
    text, listens = re.subn(r"^(\s*)listen 80;$", rf"\g<1>listen 127.0.0.1:{port};", text, flags=re.M)
    text, roots = re.subn(r"^(\s*)root /srv/gongkai;$", rf"\g<1>root {root};", text, flags=re.M)
    assert listens == 1 and roots == 1, "deploy/nginx.conf must keep one `listen 80;` and one `root /srv/gongkai;`"
    return text


def main_config(prefix: Path, root: Path, port: int) -> str:
    """Wrap the server block in the few main-level lines a private nginx needs."""
    temp = "\n".join(f"    {kind}_temp_path {prefix}/temp/{kind};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read files in a private tmp folder
    return (f"{user}worker_processes 1;\npid {prefix}/nginx.pid;\nerror_log {prefix}/error.log;\n"
            f"events {{ worker_connections 512; }}\n"
            f"http {{\n    include {MIME_TYPES};\n    default_type application/octet-stream;\n"
            f"    access_log off;\n{temp}\n{server_block(root, port)}}}\n")


@contextmanager
def running_nginx(root: Path, prefix: Path) -> Iterator[str]:
    """Run nginx in the foreground on a free loopback port; yield its origin, stop it afterwards."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    port = free_port()
    (prefix / "temp").mkdir(parents=True, exist_ok=True)
    conf = prefix / "nginx.conf"
    conf.write_text(main_config(prefix, root, port), encoding="utf-8")
    process = subprocess.Popen([binary, "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log"),
                                "-g", "daemon off;"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"nginx stopped: {process.stdout.read().decode()}"
                                   f"{(prefix / 'error.log').read_text() if (prefix / 'error.log').exists() else ''}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
