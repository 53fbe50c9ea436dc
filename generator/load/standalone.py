"""Load and validate stage, standalone pages: Markdown under `content/pages/` shown at `/<slug>/`.

These are the pages every 公开栏 links from its footer (信息公开指南, 依申请公开,
联系我们): no category, no date, no feed entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from generator.core.config import RESERVED_KEYS, SiteConfig
from generator.core.errors import Diagnostic
from generator.load.sources import parse_source
from generator.load.validate import SLUG_PATTERN

PAGES_DIR = "pages"
FIELDS = {"title": "标题", "slug": "网址名", "order": "页脚中的顺序"}


@dataclass(frozen=True)
class StandalonePage:
    """One page of `content/pages/`."""

    path: str
    title: str
    slug: str
    order: int
    body: str
    body_line: int

    @property
    def url(self) -> str:
        """Return the page's path below the site root."""
        return f"{self.slug}/"


def read_pages(content_dir: Path, config: SiteConfig) -> tuple[list[StandalonePage], list[Diagnostic]]:
    """Read every `pages/*.md`; a page may not take a category's URL or another page's."""
    folder = content_dir / PAGES_DIR
    pages, problems = [], []
    taken = {c.key: f"分类 {c.key}" for c in config.categories} | {k: "网站本身" for k in RESERVED_KEYS}
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        rel = f"{PAGES_DIR}/{path.name}"
        try:
            data = path.read_bytes()
        except OSError as exc:
            problems.append(Diagnostic(rel, 1, f"无法读取文件（{exc.strerror}），请检查文件权限"))
            continue
        source, found = parse_source(data, rel)
        problems += found
        if source is None:
            continue
        for key in sorted(set(source.meta) - set(FIELDS)):
            problems.append(Diagnostic(rel, source.line_of(key), f"独立页面不能有字段 {key}，只能有 title、slug 和 order"))
        title, slug, order = (source.meta.get(k) for k in ("title", "slug", "order"))
        slug = slug or PurePosixPath(rel).stem
        if not isinstance(title, str) or not title.strip():
            problems.append(Diagnostic(rel, source.line_of("title"), "缺少必填字段 title（标题），例如 title: 联系我们"))
            continue
        if not isinstance(slug, str) or not SLUG_PATTERN.match(slug):
            problems.append(Diagnostic(rel, source.line_of("slug"), f"「{slug}」不能用作网址：请用小写字母、数字和连字符，例如 contact"))
            continue
        if slug in taken:
            problems.append(Diagnostic(rel, source.line_of("slug"), f"网址 /{slug}/ 已被{taken[slug]}使用，请换一个 slug"))
            continue
        if order is not None and not (isinstance(order, str) and order.isdigit()):
            problems.append(Diagnostic(rel, source.line_of("order"), "order 应该是整数，例如 1"))
            continue
        taken[slug] = rel
        pages.append(StandalonePage(rel, " ".join(title.split()), slug, int(order or 100), source.body, source.body_line))
    pages.sort(key=lambda p: (p.order, p.slug))
    return pages, problems
