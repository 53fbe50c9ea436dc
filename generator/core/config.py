"""Load stage, configuration: `site.yaml` into a frozen, typed `SiteConfig`.

Unknown keys are errors, not silently ignored: a misspelt `per_pgae` must not
quietly fall back to a default.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
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
class Interval:
    """How long a column may go without a new notice, as written in site.yaml (14d, 2w, 6m, 1y)."""

    count: int
    unit: str  # d | w | m | y

    @property
    def text(self) -> str:
        """Say it in Chinese, for messages."""
        return f"{self.count}{INTERVAL_UNITS[self.unit]}"


INTERVAL_UNITS = {"d": "天", "w": "周", "m": "个月", "y": "年"}
INTERVAL_PATTERN = re.compile(r"^([1-9][0-9]{0,3})([dwmy])$")
# 通知公告、政策文件类栏目 must have something new within 6 months (国办秘函〔2019〕19号).
DEFAULT_UPDATE_WITHIN = Interval(6, "m")


@dataclass(frozen=True)
class Category:
    """One column of the board; `key` is the URL segment, `name` what readers see."""

    key: str
    name: str
    description: str
    validity: bool = True  # its notices show 有效性 (off for 公示, 办事结果, 年报: nothing there is "in force")
    indent: bool | None = None  # body paragraphs start with a two-character indent (None: as the site says)
    group: str | None = None  # the key of the group it belongs to (e.g. 法定主动公开内容), or None
    update_within: Interval | None = DEFAULT_UPDATE_WITHIN  # None: standing content (部门职责), never overdue
    line: int = field(default=1, compare=False)  # its line in site.yaml, for messages about the column


@dataclass(frozen=True)
class Genre:
    """One 体裁分类 (公文种类): the name readers see, and whether notices of it show 有效性."""

    name: str
    validity: bool | None = None  # None: as the notice's category says


# The fifteen kinds of 《党政机关公文处理工作条例》 and the genres disclosure boards add to them.
DEFAULT_GENRES = (
    *(Genre(name) for name in ("决议", "决定", "命令", "公报", "公告", "通告", "意见", "通知", "通报", "报告",
                               "请示", "批复", "议案", "函", "纪要", "规划", "计划", "方案", "办法", "规定", "其他")),
    *(Genre(name, False) for name in ("公示", "办事指南", "年度报告", "统计数据", "工作动态", "解读")),
)


@dataclass(frozen=True)
class Group:
    """A parent column over several categories, shown in navigation, breadcrumbs and the catalogue."""

    key: str  # its page's URL segment
    name: str
    description: str = ""

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
    indent: bool = True  # body paragraphs start with a two-character indent, as 公文 do; a category may say otherwise
    genres: tuple[Genre, ...] = DEFAULT_GENRES  # the 体裁分类 a notice's genre may name
    topics: tuple[str, ...] = ()  # the 主题分类 a notice's topic may name; empty: any
    cms: CmsConfig | None = None  # the web editing page at /admin/; None: no such page (cmsconfig.py)

    groups: tuple[Group, ...] = ()  # parent columns; a category names its group by key
    report_category: str | None = None  # the category of the 政府信息公开年报 (build.py report)
    rule_genres: tuple[str, ...] = ("规章",)  # genres counted as 规章 in the annual report
    normative_genres: tuple[str, ...] = ("行政规范性文件",)  # genres counted as 行政规范性文件
    interpretation_genres: tuple[str, ...] = ("行政规范性文件",)  # a document of these genres needs a 解读
    interpretation_within: int = 3  # working days after its document by which a 解读 must be published

    def genre(self, name: str) -> Genre | None:
        """Return the genre of this name, or None."""
        return next((g for g in self.genres if g.name == name), None)

    def shows_validity(self, category: str, genre: str | None) -> bool:
        """Tell whether notices of this category and genre show 有效性: the genre's word wins, then the category's."""
        found = self.genre(genre) if genre else None
        if found is not None and found.validity is not None:
            return found.validity
        return self.category(category).validity

    def filter_values(self, topics: set[str], genres: set[str]) -> tuple[list[str], list[str]]:
        """Order the 主题分类 and 体裁分类 that notices carry as site.yaml lists them, for filters to offer."""
        topic_order = {name: index for index, name in enumerate(self.topics)}
        genre_order = {genre.name: index for index, genre in enumerate(self.genres)}
        return (sorted(topics, key=lambda t: (topic_order.get(t, len(topic_order)), t)),
                sorted(genres, key=lambda g: (genre_order.get(g, len(genre_order)), g)))

    def indents(self, category: str) -> bool:
        """Tell whether body paragraphs of this category start with a two-character indent."""
        own = self.category(category).indent
        return self.indent if own is None else own

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

    def group(self, key: str | None) -> Group | None:
        """Return the group with this key, or None."""
        return next((g for g in self.groups if g.key == key), None)


TEXT_KEYS = {"title", "agency", "language", "timezone", "base_url", "theme", "agency_code", "index_pattern",
             "site_id_code", "holidays"}
INT_KEYS = {"per_page": (1, 1000), "feed_limit": (1, 10000), "board_limit": (1, 100), "max_notice_kb": (1, 1024 * 1024),
            "interpretation_within": (1, 100)}
BOOL_KEYS = {"search", "indent"}
LIST_KEYS = {"rule_genres", "normative_genres", "interpretation_genres"}
KNOWN_KEYS = TEXT_KEYS | set(INT_KEYS) | BOOL_KEYS | LIST_KEYS | {"categories", "groups", "report_category", "genres", "topics", "cms"}
REQUIRED_KEYS = ("title", "agency", "base_url", "categories")
CATEGORY_FLAGS = {"validity", "indent"}
CATEGORY_KEYS = {"key", "name", "description", "group", "update_within"} | CATEGORY_FLAGS


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
    for key in sorted(LIST_KEYS & set(data)):
        raw = data[key]
        raw = [] if raw is None else [raw] if isinstance(raw, str) else raw
        if not isinstance(raw, list) or not all(isinstance(v, str) and v.strip() for v in raw):
            report((key,), f"配置项 {key} 应该是文字列表，例如 [行政规范性文件]")
        else:
            values[key] = tuple(v.strip() for v in raw)
    groups = _check_groups(data.get("groups"), report)
    categories = _check_categories(data.get("categories"), report, {g.key for g in groups},
                                   lambda path: doc.line(path) + 1)
    taken = {c.key for c in categories} | {c.name for c in categories}
    for index, group in enumerate(groups):
        if group.key in taken or group.name in taken:
            report(("groups", index), f"分组「{group.name}」与分类的 key 或名称重复，请换一个")
    report_category = data.get("report_category")
    if report_category is not None:
        if report_category not in {c.key for c in categories}:
            report(("report_category",), f"report_category「{report_category}」不是 categories 中的分类 key")
        else:
            values["report_category"] = report_category
    if "genres" in data:
        values["genres"] = _check_genres(data["genres"], report)
    if "topics" in data:
        values["topics"] = _check_topics(data["topics"], report)
    cms = check_cms(data.get("cms"), report)
    if cms is not None:
        values["cms"] = cms
    if problems:
        raise BuildFailed(problems)
    return SiteConfig(categories=categories, groups=groups, **values)


def _check_groups(raw: Any, report) -> tuple[Group, ...]:
    """Check the parent columns: ASCII keys for their URLs, unique keys and names."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        report(("groups",), "groups 应该是列表，每项包含 key、name，可写 description")
        return ()
    result, seen = [], set()
    for index, item in enumerate(raw):
        path = ("groups", index)
        if not isinstance(item, dict):
            report(path, "每个分组应包含 key 和 name，例如 {key: fdzdgknr, name: 法定主动公开内容}")
            continue
        for extra in sorted(set(item) - {"key", "name", "description"}):
            report(path + (extra,), f"分组中未知的项 {extra}，只能有 key、name 和 description")
        key, name = item.get("key"), item.get("name")
        if not isinstance(key, str) or not KEY_PATTERN.match(key) or key in RESERVED_KEYS:
            report(path + ("key",), "分组的 key 用于网址，只能包含小写字母、数字和连字符且不能是网站保留的名称，例如 fdzdgknr")
            continue
        if not isinstance(name, str) or not name.strip():
            report(path + ("name",), f"分组 {key} 缺少 name（显示给读者的中文名称）")
            continue
        if key in seen or name in seen:
            report(path, f"分组「{name}」重复，分组的 key 和名称都不能重复")
            continue
        seen |= {key, name}
        result.append(Group(key, name.strip(), str(item.get("description") or "").strip()))
    return tuple(result)


def parse_interval(text: str) -> Interval | None:
    """Read 14d, 2w, 6m or 1y; None for anything else."""
    match = INTERVAL_PATTERN.match(text.strip())
    return Interval(int(match.group(1)), match.group(2)) if match else None


def _check_categories(raw: Any, report, groups: set[str] = frozenset(), line_of=lambda path: 1) -> tuple[Category, ...]:
    """Check the ordered category list: ASCII keys, unique keys and names, known groups, intervals."""
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
        for extra in sorted(set(item) - CATEGORY_KEYS):
            report(path + (extra,), f"分类中未知的项 {extra}，只能有 {'、'.join(sorted(CATEGORY_KEYS))}")
        flags = {}
        for flag in sorted(CATEGORY_FLAGS & set(item)):
            if item[flag] not in ("true", "false"):
                report(path + (flag,), f"分类的 {flag} 应该是 true 或 false，现在是「{item[flag]}」")
            else:
                flags[flag] = item[flag] == "true"
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
        group = item.get("group")
        if group is not None and group not in groups:
            choices = "、".join(sorted(groups)) or "（还没有定义 groups）"
            report(path + ("group",), f"分类 {key} 的 group「{group}」不是 groups 中的分组 key，可选：{choices}")
            continue
        within = item.get("update_within", None)
        interval = DEFAULT_UPDATE_WITHIN
        if within is not None:
            interval = None if within == "none" else parse_interval(within) if isinstance(within, str) else None
            if interval is None and within != "none":
                report(path + ("update_within",), f"分类 {key} 的 update_within「{within}」无法识别："
                       "写 14d（天）、2w（周）、6m（月）、1y（年），常设内容（如部门职责）写 none")
                continue
        result.append(Category(key, name.strip(), str(description).strip(), group=group, update_within=interval,
                               line=line_of(path), **flags))
    return tuple(result)


def _check_genres(raw: Any, report) -> tuple[Genre, ...]:
    """Check the 体裁分类 list: names, or {name, validity}; each name once."""
    if not isinstance(raw, list) or not raw:
        report(("genres",), "genres 应该是体裁分类的列表，例如 [通知, 公告, {name: 公示, validity: false}]")
        return DEFAULT_GENRES
    result, seen = [], set()
    for index, item in enumerate(raw):
        path = ("genres", index)
        name, validity = item, None
        if isinstance(item, dict):
            name, validity = item.get("name"), item.get("validity")
            for extra in sorted(set(item) - {"name", "validity"}):
                report(path + (extra,), f"体裁分类中未知的项 {extra}，只能有 name 和 validity")
        if not isinstance(name, str) or not name.strip():
            report(path, "每个体裁分类应是一个名称，或写成 {name: 公示, validity: false}")
            continue
        if validity not in (None, "true", "false"):
            report(path + ("validity",), f"体裁分类的 validity 应该是 true 或 false，现在是「{validity}」")
            continue
        if name.strip() in seen:
            report(path, f"体裁分类「{name.strip()}」重复")
        seen.add(name.strip())
        result.append(Genre(name.strip(), None if validity is None else validity == "true"))
    return tuple(result)


def _check_topics(raw: Any, report) -> tuple[str, ...]:
    """Check the 主题分类 list: names, each once."""
    if not isinstance(raw, list) or not all(isinstance(t, str) and t.strip() for t in raw):
        report(("topics",), "topics 应该是主题分类名称的列表，例如 [民族事务, 宗教事务, 综合政务]")
        return ()
    names = tuple(t.strip() for t in raw)
    for index, name in enumerate(names):
        if name in names[:index]:
            report(("topics", index), f"主题分类「{name}」重复")
    return names
