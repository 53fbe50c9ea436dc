"""Preview, editing: the local mode of the web editing page, Decap's proxy writing into the working copy.

`build.py serve --cms` runs decap-server (installed by `npm ci`, pinned in
package.json) on 127.0.0.1 beside the preview server. The editing page then
reads and writes the files of the content folder directly, without a forge
and without signing in, so a clerk can try the form on one machine; the
preview rebuilds on every save as it does for any edit.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

from generator.core.errors import UsageError

# The project's node_modules (package.json pins the version), or the working folder's for an installed gongkai.
PROXY_SCRIPTS = tuple(root / "node_modules" / "decap-server" / "dist" / "index.js"
                      for root in (Path(__file__).resolve().parents[2], Path.cwd()))


def start_proxy(content: Path, port: int) -> tuple[subprocess.Popen, str]:
    """Start decap-server for the content folder's parent on 127.0.0.1; return it and its API address."""
    node = shutil.which("node")
    script = next((path for path in PROXY_SCRIPTS if path.is_file()), None)
    if node is None or script is None:
        raise UsageError("本机编辑模式需要 Node.js 和 decap-server：请安装 Node.js，在项目目录运行 npm ci 后重试")
    env = {**os.environ, "PORT": str(port), "BIND_HOST": "127.0.0.1", "MODE": "fs", "LOG_LEVEL": "warn",
           "GIT_REPO_DIRECTORY": str(content.resolve().parent)}
    process = subprocess.Popen([node, str(script)], env=env, cwd=content.resolve().parent,
                               stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent)
    url = f"http://127.0.0.1:{port}/api/v1"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise UsageError(f"decap-server 未能启动（端口 {port} 可能已被占用）：请用 --cms-port 换一个端口")
        try:
            request = urllib.request.Request(url, data=b'{"action":"info"}', headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=1):
                return process, url
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise UsageError("decap-server 在 20 秒内没有响应")


def _die_with_parent() -> None:
    """Have Linux stop the proxy when this command dies, however it dies (elsewhere: stop_proxy does)."""
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def stop_proxy(process: subprocess.Popen) -> None:
    """Stop the proxy this command started."""
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
