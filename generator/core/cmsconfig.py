"""Load stage, configuration: the `cms:` section of `site.yaml`, which turns on the web editing page.

Off by default: without `cms:` the site has no `/admin/`. With it, the build
writes the editing page for the chosen forge (GitHub, GitLab, Gitea), whose
saves become pull requests when `editorial_workflow` is on (the default).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

BACKENDS = ("github", "gitlab", "gitea")
PROXY = "proxy"  # the local mode: a proxy on this machine writes into the working copy
DEFAULT_API = {"github": "https://api.github.com", "gitlab": "https://gitlab.com/api/v4"}
TEXT = ("backend", "repo", "branch", "api_root", "base_url", "auth_endpoint", "app_id", "content_dir")
BOOL = ("editorial_workflow",)


@dataclass(frozen=True)
class CmsConfig:
    """Where the editing page reads and writes notices."""

    backend: str  # github | gitlab | gitea, or proxy for the local mode
    repo: str = ""  # owner/name on the forge
    branch: str = "main"
    api_root: str = ""  # the forge's API; needed for Gitea and self-hosted GitLab
    base_url: str = ""  # the OAuth service that signs clerks in (GitHub, Gitea)
    auth_endpoint: str = ""
    app_id: str = ""  # the OAuth application's id (GitLab and Gitea sign-in without a secret)
    content_dir: str = "content"  # the content folder's path inside the repository
    editorial_workflow: bool = True  # a save becomes a pull request that CI checks before a reviewer merges (not Gitea)

    @property
    def api(self) -> str:
        """Return the forge API's address."""
        return self.api_root or DEFAULT_API.get(self.backend, "")


def check_cms(raw: Any, report: Callable[[tuple, str], None]) -> CmsConfig | None:
    """Check the `cms:` mapping; report each problem with its key and return None when any."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        report(("cms",), "cms 应该包含 backend 和 repo，例如 cms: {backend: gitlab, repo: mzj/gongkai}")
        return None
    ok = True
    for key in sorted(set(raw) - set(TEXT) - set(BOOL)):
        report(("cms", key), f"cms 中未知的项 {key}，可用的项：{'、'.join(TEXT + BOOL)}")
        ok = False
    values: dict[str, Any] = {}
    for key in TEXT:
        if key in raw and raw[key] is not None:
            if not isinstance(raw[key], str) or not raw[key].strip():
                report(("cms", key), f"cms 的 {key} 应该是一段文字")
                ok = False
            else:
                values[key] = raw[key].strip()
    for key in BOOL:
        if key in raw:
            if raw[key] not in ("true", "false"):
                report(("cms", key), f"cms 的 {key} 应该是 true 或 false，现在是「{raw[key]}」")
                ok = False
            else:
                values[key] = raw[key] == "true"
    if values.get("backend") not in BACKENDS:
        report(("cms", "backend"), f"cms 的 backend 应该是 {'、'.join(BACKENDS)} 之一（代码托管平台）")
        ok = False
    if "/" not in values.get("repo", "").strip("/"):
        report(("cms", "repo"), "cms 缺少 repo：写代码仓库的「所有者/名称」，例如 repo: mzj/gongkai")
        ok = False
    if values.get("backend") == "gitea" and values.get("editorial_workflow"):
        report(("cms", "editorial_workflow"), "Decap CMS 的 Gitea 后端不支持审核流程：请删去 editorial_workflow，"
               "并把 branch 设为单独的分支（例如 cms），由审核人从该分支发起合并请求")
        ok = False
    elif values.get("backend") == "gitea":
        values["editorial_workflow"] = False  # saves are commits to `branch`
    if values.get("backend") == "gitea" and "api_root" not in values:
        report(("cms", "backend"), "backend 为 gitea 时必须写 api_root，例如 https://git.example.gov.cn/api/v1")
        ok = False
    for key in ("api_root", "base_url"):
        url = urlsplit(values.get(key, "https://x"))
        if url.scheme not in ("http", "https") or not url.netloc:
            report(("cms", key), f"cms 的 {key} 必须是完整的网址，例如 https://git.example.gov.cn")
            ok = False
    if ".." in values.get("content_dir", "").split("/") or values.get("content_dir", "").startswith("/"):
        report(("cms", "content_dir"), "cms 的 content_dir 是内容目录在仓库中的相对路径，例如 content")
        ok = False
    return CmsConfig(**values) if ok else None


def local_cms(proxy_url: str, content_dir: str) -> CmsConfig:
    """Return the local mode's settings: the content folder (inside the proxy's folder), written through the proxy."""
    return CmsConfig(PROXY, api_root=proxy_url, content_dir=content_dir, editorial_workflow=False)
