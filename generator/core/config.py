"""Load stage, configuration: `site.yaml` into a frozen, typed `SiteConfig`.

Unknown keys are errors, not silently ignored: a misspelt `per_pgae` must not
quietly fall back to a default.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from generator.core.cmsconfig import CmsConfig, check_cms
from generator.core.errors import BuildFailed, Diagnostic
from generator.core.limits import DEFAULT_MAX_NOTICE_KB
from generator.core.yamltree import YamlDoc, read_yaml_file

CONFIG_NAME = "site.yaml"
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# First path segments the site itself uses; a category may not take them.
RESERVED_KEYS = {"static", "page", "search", "catalogue", "archive", "pages", "feed.xml", "rss.xml"}


@dataclass(frozen=True)
class Category:
    """One column of the board; `key` is the URL segment, `name` what readers see."""

    key: str
    name: str
    description: str


@dataclass(frozen=True)
class SiteConfig:
    """Everything `site.yaml` may say, each with its default."""

    title: str  # shown in the header and the browser tab
    agency: str  # the default 发布机构 of every notice
    base_url: str  # absolute, ends with "/"; may carry a sub-path such as /mzzj/
    categories: tuple[Category, ...]  # navigation order
    language: str = "zh-CN"
    timezone: str = "Asia/Shanghai"  # dates without an offset are in this zone
    per_page: int = 20  # notices per category index page
    feed_limit: int = 50  # entries per feed
    board_limit: int = 8  # notices per category panel on the board
    theme: str | None = None  # a theme folder relative to the content folder
    agency_code: str | None = None  # 组织机构代码 or 统一社会信用代码, the head of every 索引号
    index_pattern: str | None = None  # None: {agency_code}/{year}-{serial:05d}, or {year}-{serial:05d}
    site_id_code: str = ""  # 网站标识码, for the SiteIDCode meta tag
    holidays: str | None = None  # a calendar file relative to the content folder (working-day checks)
    search: bool = True  # build the full-text index; test sites that never search switch it off to save time
    max_notice_kb: int = DEFAULT_MAX_NOTICE_KB  # a larger notice file is refused (5 MB)
    cms: CmsConfig | None = None  # the web editing page at /admin/; None: no such page (cmsconfig.py)

    @property
    def tz(self) -> ZoneInfo:
        """Return the site's zone object."""
        return ZoneInfo(self.timezone)

    @property
    def base_path(self) -> str:
        """Return the path part of base_url, e.g. `/mzzj/`."""
        return urlsplit(self.base_url).path

    def category(self, key: str) -> Category:
        """Return the category with this key."""
        return next(c for c in self.categories if c.key == key)


TEXT_KEYS = {"title", "agency", "language", "timezone", "base_url", "theme", "agency_code", "index_pattern",
             "site_id_code", "holidays"}
INT_KEYS = {"per_page": (1, 1000), "feed_limit": (1, 10000), "board_limit": (1, 100), "max_notice_kb": (1, 1024 * 1024)}
BOOL_KEYS = {"search"}
KNOWN_KEYS = TEXT_KEYS | set(INT_KEYS) | BOOL_KEYS | {"categories", "cms"}
REQUIRED_KEYS = ("title", "agency", "base_url", "categories")


def load_config(content_dir: Path) -> SiteConfig:
    """Read and check `site.yaml`; raise `BuildFailed` with every problem found."""
    path = content_dir / CONFIG_NAME
    if path.is_symlink() and content_dir.resolve() not in path.resolve().parents:
        raise BuildFailed([Diagnostic(CONFIG_NAME, 1, "site.yaml 是指向内容目录之外的符号链接，请把配置文件本身放进内容目录")])
    doc = read_yaml_file(path, CONFIG_NAME, "找不到 site.yaml：内容目录中必须有站点配置文件")
    config = _check(doc)
    if config.theme:
        theme = (content_dir / config.theme).resolve()
        if content_dir.resolve() not in theme.parents:
            raise BuildFailed([Diagnostic(
                CONFIG_NAME, doc.line(("theme",)) + 1,
                f"theme「{config.theme}」在内容目录之外：主题目录必须放在内容目录里，例如 theme: mytheme",
            )])
    return config


def _check(doc: YamlDoc) -> SiteConfig:
    """Turn parsed YAML into a `SiteConfig` or fail with all problems at once."""
    problems: list[Diagnostic] = []

    def report(path: tuple, message: str) -> None:
        problems.append(Diagnostic(CONFIG_NAME, doc.line(path) + 1, message))

    data = doc.data if isinstance(doc.data, dict) else {}
    if not isinstance(doc.data, dict):
        report((), "site.yaml 应该是「名称: 值」的列表，至少包含 title、agency、base_url 和 categories")
    for path, _first, _second in doc.duplicates:
        report(path, f"配置项 {path[-1]} 出现了两次，请删除其中一个")
    for key in sorted(set(data) - KNOWN_KEYS):
        report((key,), f"未知的配置项 {key}，可用的配置项：{'、'.join(sorted(KNOWN_KEYS))}")
    for key in REQUIRED_KEYS:
        if data.get(key) in (None, "", []):
            report((key,), f"缺少必填配置项 {key}")
    values: dict[str, Any] = {}
    for key in sorted(TEXT_KEYS & set(data)):
        if data[key] is not None and not isinstance(data[key], str):
            report((key,), f"配置项 {key} 应该是一段文字")
        elif data[key] is not None:
            values[key] = data[key].strip()
    for key, (low, high) in INT_KEYS.items():
        if key in data:
            raw = data[key]
            if not (isinstance(raw, str) and raw.isdigit() and low <= int(raw) <= high):
                report((key,), f"配置项 {key} 应该是 {low} 到 {high} 之间的整数，现在是「{raw}」")
            else:
                values[key] = int(raw)
    for key in sorted(BOOL_KEYS & set(data)):
        if data[key] not in ("true", "false"):
            report((key,), f"配置项 {key} 应该是 true 或 false，现在是「{data[key]}」")
        else:
            values[key] = data[key] == "true"
    if "base_url" in values:
        url = urlsplit(values["base_url"])
        if url.scheme not in ("http", "https") or not url.netloc:
            report(("base_url",), "base_url 必须是完整的网址，例如 https://gk.example.gov.cn/mzzj/")
        elif url.query or url.fragment:
            report(("base_url",), "base_url 不能带 ? 或 # 部分")
        elif not values["base_url"].endswith("/"):
            values["base_url"] += "/"
    if "timezone" in values:
        try:
            ZoneInfo(values["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            report(("timezone",), f"未知的时区「{values['timezone']}」，中国大陆请写 Asia/Shanghai")
    if "index_pattern" in values:
        try:
            values["index_pattern"].format(agency_code="X", year=2024, serial=1)
            if "{serial" not in values["index_pattern"] or "{year}" not in values["index_pattern"]:
                raise ValueError
        except (ValueError, KeyError, IndexError):
            report(("index_pattern",), "index_pattern 必须含 {year} 和 {serial}（可写 {serial:05d}），"
                   "只能用 {agency_code}、{year}、{serial}，例如 {agency_code}/{year}-{serial:05d}")
    categories = _check_categories(data.get("categories"), report)
    cms = check_cms(data.get("cms"), report)
    if cms is not None:
        values["cms"] = cms
    if problems:
        raise BuildFailed(problems)
    return SiteConfig(categories=categories, **values)


def _check_categories(raw: Any, report) -> tuple[Category, ...]:
    """Check the ordered category list: ASCII keys, unique keys and names."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        report(("categories",), "categories 应该是列表，每项包含 key、name 和 description")
        return ()
    result, seen = [], {}
    for index, item in enumerate(raw):
        path = ("categories", index)
        if not isinstance(item, dict):
            report(path, "每个分类应包含 key、name 和 description")
            continue
        for extra in sorted(set(item) - {"key", "name", "description"}):
            report(path + (extra,), f"分类中未知的项 {extra}，只能有 key、name 和 description")
        key, name = item.get("key"), item.get("name")
        description = item.get("description") or ""
        if not isinstance(key, str) or not KEY_PATTERN.match(key):
            report(path + ("key",), "分类的 key 用于网址，只能包含小写字母、数字和连字符，例如 guides")
            continue
        if key in RESERVED_KEYS:
            report(path + ("key",), f"分类 key「{key}」已被网站本身使用，请换一个")
            continue
        if not isinstance(name, str) or not name.strip():
            report(path + ("name",), f"分类 {key} 缺少 name（显示给读者的中文名称）")
            continue
        for label in (key, name):
            if label in seen:
                report(path, f"分类「{label}」重复，分类的 key 和名称都不能重复")
            seen[label] = index
        result.append(Category(key, name.strip(), str(description).strip()))
    return tuple(result)
