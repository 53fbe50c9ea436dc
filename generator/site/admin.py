"""Render stage, editing page: `/admin/`, a web form for notices made from the field schema.

The form is Decap CMS, served from the site itself (no CDN: many agency
networks have no internet access). Its configuration is generated here from
`core/schema.py`'s FIELDS, the same table that validates notices, so a field
added there appears in the form with its label, widget and hint, and the form
can never ask for a field the build would refuse. The page exists only when
`site.yaml` has a `cms:` section (or in the local mode of `serve --cms`).
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

from generator.core.cmsconfig import PROXY, CmsConfig
from generator.core.config import CONFIG_NAME, SiteConfig
from generator.core.errors import BuildFailed, Diagnostic
from generator.core.schema import DISCLOSURE, FIELDS, INTERPRETATION_KINDS, STATUS_LABELS, Field
from generator.load.standalone import FIELDS as PAGE_FIELDS
from generator.load.standalone import PAGES_DIR
from generator.load.validate import SLUG_PATTERN
from generator.site.render import Page

ADMIN = "admin/"
BUNDLE = "decap-cms.js"
# The project's node_modules (package.json pins the version); a source tree has it beside generator/.
BUNDLE_DIRS = (Path(__file__).resolve().parents[2] / "node_modules" / "decap-cms" / "dist",
               Path.cwd() / "node_modules" / "decap-cms" / "dist")
# The kinds of schema field the form knows a widget for; a field of another kind gets a text box.
WIDGET_KINDS = {"text", "category", "datetime", "bool", "disclosure", "slug", "tags", "status", "ref", "period",
                "changes", "attachments", "urls", "genre", "topic", "names", "interpretation"}
DISCLOSURE_LABELS = {"public": "主动公开", "on-request": "依申请公开", "withheld": "不予公开"}
DATE_ONLY = {"format": "YYYY-MM-DD", "date_format": "YYYY-MM-DD", "time_format": False}
DATE_TIME = {"format": "YYYY-MM-DD HH:mm", "date_format": "YYYY-MM-DD", "time_format": "HH:mm"}


def plan_admin(config: SiteConfig) -> tuple[list[Page], dict[str, Path]]:
    """List the editing page, its configuration and the CMS's files; nothing without `cms:`."""
    if config.cms is None:
        return [], {}
    bundle = find_bundle()
    files = {f"{ADMIN}{p.name}": p for p in sorted(bundle.glob("*decap-cms.js"))}
    pages = [
        Page(f"{ADMIN}index.html", "admin.html", {"policy": policy(config.cms), "script": BUNDLE,
                                                  "title": config.title}),
        Page(f"{ADMIN}config.yml", "admin.yml", {"config_text": json.dumps(
            cms_config(config), ensure_ascii=False, indent=2)}),
        Page(f"{ADMIN}admin.js", "admin.js"),  # accessible names Decap leaves out
        Page(f"{ADMIN}admin.css", "admin.css"),  # contrast
    ]
    return pages, files


def bundle_folder() -> Path | None:
    """Return the folder of Decap CMS's built files, installed by `npm ci`; None when there is none."""
    return next((folder for folder in BUNDLE_DIRS if (folder / BUNDLE).is_file()), None)


def find_bundle() -> Path:
    """Find Decap CMS's built files; fail with the fix when they are missing."""
    folder = bundle_folder()
    if folder is not None:
        return folder
    raise BuildFailed([Diagnostic(CONFIG_NAME, 1, "site.yaml 配置了 cms，但找不到网页编辑器的程序文件 "
                                  f"node_modules/decap-cms/dist/{BUNDLE}：请在项目目录运行 npm ci 后重新构建")])


def policy(cms: CmsConfig) -> str:
    """Return the editing page's Content-Security-Policy: the site's own files and the forge's API.

    Decap CMS checks its configuration with a schema validator that compiles
    its checks into functions ('unsafe-eval'), styles itself with inline style
    elements (CSS-in-JS) and shows uploaded images from blob: URLs before they
    are saved; it runs no inline script and loads nothing from a CDN. The
    public pages keep their stricter policy.
    """
    origins = sorted({_origin(u) for u in (cms.api, cms.base_url) if u})
    connect = " ".join(["'self'", *origins])
    images = "'self' data: blob:" + (" https://avatars.githubusercontent.com" if cms.backend == "github" else "")
    return (f"default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src {images}; "
            f"font-src 'self' data:; connect-src {connect} blob:; media-src 'self' blob:; frame-src 'self' blob:; "
            "object-src 'none'; base-uri 'self'; form-action 'self'")


def cms_config(config: SiteConfig) -> dict:
    """Return Decap CMS's configuration: one collection per category, one for the standalone pages."""
    cms = config.cms
    folder = cms.content_dir.strip("/")
    prefix = f"{folder}/" if folder not in ("", ".") else ""  # "." : the content folder is the repository
    result: dict = {"locale": "zh_Hans", "backend": backend(cms), "omit_empty_optional_fields": True,
                    "media_folder": f"{prefix}uploads", "public_folder": "uploads", "collections": []}
    if cms.editorial_workflow and cms.backend != PROXY:
        result["publish_mode"] = "editorial_workflow"
    for category in config.categories:
        result["collections"].append({
            "name": category.key, "label": category.name, "label_singular": "公告",
            "description": category.description, "folder": f"{prefix}{category.key}", "create": True,
            "extension": "md", "format": "yaml-frontmatter", "slug": "{{fields.slug}}",
            "identifier_field": "title", "summary": "{{title}}（{{date}}）", "sortable_fields": ["date", "title"],
            "editor": {"preview": False},  # Decap's preview is not the site's; `serve` shows the real page
            # attachments go into a folder named after the notice, beside it, as `import` puts them;
            # the notice names them alone, which the build finds there (disclosure/attachments.py)
            "media_folder": "{{filename}}", "public_folder": "",
            "fields": [widget(f, config, category.key) for f in FIELDS] + [BODY],
        })
    result["collections"].append({
        "name": PAGES_DIR, "label": "独立页面", "label_singular": "页面", "folder": f"{prefix}{PAGES_DIR}",
        "create": True, "extension": "md", "format": "yaml-frontmatter", "slug": "{{fields.slug}}",
        "identifier_field": "title", "media_folder": "{{filename}}", "public_folder": "", "editor": {"preview": False},
        "fields": [
            {"name": "title", "label": PAGE_FIELDS["title"], "widget": "string", "required": True},
            {"name": "slug", "label": PAGE_FIELDS["slug"], "widget": "string", "required": True,
             "pattern": [SLUG_PATTERN.pattern, "只能用小写字母、数字和连字符，例如 contact"],
             "hint": "网址中的名称，也是文件名"},
            {"name": "order", "label": PAGE_FIELDS["order"], "widget": "number", "value_type": "int",
             "required": False, "hint": "数字小的排在前面，默认 100"},
            {"name": "nav", "label": PAGE_FIELDS["nav"], "widget": "boolean", "required": False, "default": False,
             "hint": "政府信息公开指南、政府信息公开制度等规定栏目选“是”"},
            BODY,
        ],
    })
    return result


BODY = {"name": "body", "label": "正文", "widget": "markdown", "modes": ["raw"],
        "hint": "用 Markdown 书写：## 小标题、列表、表格（| 列 | 列 |）都可以用"}


def backend(cms: CmsConfig) -> dict:
    """Return Decap's backend section for the forge, or the local proxy."""
    if cms.backend == PROXY:
        return {"name": "proxy", "proxy_url": cms.api_root, "branch": cms.branch}
    result = {"name": cms.backend, "repo": cms.repo, "branch": cms.branch, "squash_merges": True,
              "cms_label_prefix": "gongkai/"}
    if cms.api_root:
        result["api_root"] = cms.api_root
    for key in ("base_url", "auth_endpoint", "app_id"):
        if getattr(cms, key):
            result[key] = getattr(cms, key)
    if cms.app_id and cms.backend == "gitlab":
        result["auth_type"] = "pkce"
    return result


def widget(field: Field, config: SiteConfig, category: str) -> dict:
    """Return one field's form widget: its label, whether required, its hint and kind of input."""
    entry: dict = {"name": field.name, "label": field.label, "required": field.required, "hint": field.help}
    kind = field.kind
    if kind == "category":
        entry.update(widget="select", default=category,
                     options=[{"label": c.name, "value": c.key} for c in config.categories])
    elif kind == "datetime":
        entry.update(widget="datetime", picker_utc=False, **(DATE_TIME if ":" in field.example else DATE_ONLY))
        if field.required:
            entry["default"] = "{{now}}"
    elif kind == "bool":
        entry.update(widget="boolean", default=False)
    elif kind == "disclosure":
        values = sorted(set(DISCLOSURE.values()), key=list(DISCLOSURE_LABELS).index)
        entry.update(widget="select", default="public",
                     options=[{"label": DISCLOSURE_LABELS[v], "value": v} for v in values])
    elif kind == "status":
        entry.update(widget="select", default="valid",
                     options=[{"label": label, "value": value} for value, label in STATUS_LABELS.items()])
    elif kind == "slug":
        # The file name comes from it, so the form needs it even though a file may leave it out (an empty
        # one is refused by the local proxy and would name a file ".md" on a forge).
        entry.update(widget="string", required=True,
                     pattern=[SLUG_PATTERN.pattern, "只能用小写字母、数字和连字符，例如 venue-inspection-2024"])
        entry["hint"] += "；也是文件名，新建后不要再改。修改没有网址名的旧公告时，填它的文件名（不含 .md）"
    elif kind == "interpretation":  # the forms a 政策解读 takes
        entry.update(widget="select", options=list(INTERPRETATION_KINDS))
    elif kind == "genre":  # the 体裁分类 site.yaml allows
        entry.update(widget="select", options=[g.name for g in config.genres])
    elif kind == "topic" and config.topics:  # the 主题分类 site.yaml allows; without a list, any words
        entry.update(widget="select", options=list(config.topics))
    elif kind in ("tags", "urls", "names"):
        entry.update(widget="list")
    elif kind == "period":
        # Decap checks the parts of an object even when the object is optional and left empty;
        # the build still refuses a period with only one end.
        entry.update(widget="object", collapsed=True, fields=[
            {"name": "start", "label": "开始日期", "widget": "datetime", "picker_utc": False, "required": False,
             **DATE_ONLY},
            {"name": "end", "label": "结束日期", "widget": "datetime", "picker_utc": False, "required": False,
             **DATE_ONLY}])
    elif kind == "changes":
        entry.update(widget="list", summary="{{fields.date}} {{fields.note}}", fields=[
            {"name": "date", "label": "日期", "widget": "datetime", "picker_utc": False, **DATE_ONLY},
            {"name": "note", "label": "说明", "widget": "string"}])
    elif kind == "attachments":
        entry.update(widget="list", summary="{{fields.title}}", fields=[
            {"name": "file", "label": "文件", "widget": "file", "choose_url": False},
            {"name": "title", "label": "名称", "widget": "string", "required": False}])
    else:
        entry["widget"] = "text" if field.name in ("summary", "privacy_reviewed", "withdrawal_reason") else "string"
    if field.required and entry.get("widget") == "select" and "default" not in entry:
        entry["default"] = entry["options"][0]
    return entry


def _origin(url: str) -> str:
    """Return scheme://host[:port] of an address."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


