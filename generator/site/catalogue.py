"""Render stage, 政务公开目录: the catalogue page, and the same table as JSON and CSV for reuse.

The CSV starts with a byte-order mark because spreadsheet programs on Chinese
Windows read BOM-less CSV as GBK and show the Chinese as garbage.

Readers narrow the catalogue by 主题分类 or 体裁分类 with links, which work
without JavaScript: each value that notices carry has a page of its own,
`catalogue/topic/<value>/` or `catalogue/genre/<value>/`, listing only its
notices. One page per value of one facet, never per combination, so the pages
together hold each row at most twice; with JavaScript the catalogue's own
filter narrows by both facets in place.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from dataclasses import dataclass

from generator.core.config import SiteConfig
from generator.site.render import Page, page_path
from generator.site.views import CategoryView, NoticeView

COLUMNS = ("索引号", "标题", "文号", "发布机构", "发布日期", "有效性", "分类", "主题分类", "体裁分类", "网址")
# Programs reading the JSON get ASCII keys; people reading the CSV get the column names they know.
JSON_KEYS = dict(zip(COLUMNS, ("index_number", "title", "doc_number", "department", "date", "status", "category",
                               "topic", "genre", "url")))


ROW_KEYS = ("index_number", "title", "doc_number", "department", "date", "status_label", "category_name", "topic",
            "genre", "url")
CATALOGUE_PAGE = "catalogue/index.html"  # its context holds every row; a title touch-up starts from it (touchup.py)
CATALOGUE_PAGES = (CATALOGUE_PAGE, "catalogue.json", "catalogue.csv")  # every page made from the rows
FACETS = (("topic", "主题分类"), ("genre", "体裁分类"))  # row key, what readers call it
FACET_ROOTS = tuple(f"catalogue/{name}/" for name, _ in FACETS)  # a page per value below each
_UNSAFE = re.compile(r"[^\w-]+")  # not in a URL's folder name: all but letters (汉字 too), digits, - and _
SLUG_LIMIT = 40  # characters: a topic is free text, and a folder name may hold only 255 bytes (85 汉字)


class _CataloguePaths:
    """The catalogue's pages by path: the three fixed ones and every facet page."""

    def __contains__(self, path: str) -> bool:
        return path in CATALOGUE_PAGES or path.startswith(FACET_ROOTS)


# How builds and touch-ups key them (cache.PageKeys): by value, and with the rows kept once.
CATALOGUE_KEYING = {"by_value": _CataloguePaths(), "kept": frozenset({CATALOGUE_PAGE})}


@dataclass(frozen=True)
class FacetLink:
    """One value of a facet as the catalogue offers it: a link to its page, with its count."""

    facet: str  # topic | genre
    value: str
    url: str
    count: int


@dataclass(frozen=True)
class CatalogueText:
    """The catalogue as JSON or CSV, made only when a page prints it.

    Making both texts on every build cost half a second at 10,000 notices,
    though the files nearly always come from the cache; the key needs only
    the rows.
    """

    kind: str  # json | csv
    head: dict
    groups: list[tuple]  # catalogue_groups
    base_url: str

    def __str__(self) -> str:
        cells = [(*(row[k] for k in ROW_KEYS[:-1]), self.base_url + row["url"])
                 for _, rows, _ in self.groups for row in rows]
        if self.kind == "json":
            return _json_text(self.head, [dict(zip(JSON_KEYS.values(), c)) for c in cells])
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        writer.writerows(cells)
        return "\ufeff" + out.getvalue()


def _row(notice: NoticeView) -> dict[str, str]:
    """Describe one notice as a catalogue row (ROW_KEYS, in the order of COLUMNS), and nothing more.

    Pages are keyed by what their context holds (cache.py): with whole views
    in it, an edit to any body rewrote a table that does not show bodies.
    """
    # 有效性 is left empty where it means nothing (公示, 办事结果, 年报: site.yaml), as on the notice's page.
    row = dict(zip(ROW_KEYS, (notice.index_number, notice.title, notice.doc_number or "", notice.department,
                              notice.date[:10], notice.status_label if notice.shows_validity else "",
                              notice.category_name, notice.topic or "", notice.genre or "", notice.url)))
    # 政策解读 beside its document, both ways: (what the link is, title, url); shown on the HTML page only.
    row["pairs"] = [(kind, title, link) for title, link, kind in notice.relations.get("interpreted_by", ())] + \
        [("解读", title, link) for title, link, _ in notice.relations.get("interprets", ())]
    return row


def catalogue_groups(by_category: dict[str, list[NoticeView]], categories: tuple[CategoryView, ...]) -> list[tuple]:
    """Pair each category with its notices' rows and its newest publish date."""
    return [(c, [_row(n) for n in by_category[c.key]], _newest(by_category[c.key]))
            for c in categories]


def _newest(notices: list[NoticeView]) -> str | None:
    """Return the newest publish day of a category's notices (they come newest first)."""
    return notices[0].date[:10] if notices else None


def plan_catalogue(config: SiteConfig, groups: list[tuple]) -> list[Page]:
    """List the catalogue page and a page per 主题分类 and 体裁分类 value, all readable without JavaScript."""
    topics, genres = config.filter_values({row["topic"] for _, rows, _ in groups for row in rows} - {""},
                                          {row["genre"] for _, rows, _ in groups for row in rows} - {""})
    # Each facet's rows by value and category, in one pass: a page per value must not read every row again.
    narrowed = {name: {value: [] for value in values} for (name, _), values in zip(FACETS, (topics, genres))}
    for c, rows, _ in groups:
        for name, by_value in narrowed.items():
            kept: dict[str, list[dict]] = {}
            for row in rows:
                if row[name]:
                    kept.setdefault(row[name], []).append(row)
            for value, matching in kept.items():
                by_value[value].append((c, matching, matching[0]["date"]))
    facets = [(name, label, [FacetLink(name, value, f"catalogue/{name}/{slug}/",
                                       sum(len(matching) for _, matching, _ in narrowed[name][value]))
                             for value, slug in facet_slugs(values).items()])
              for (name, label), values in zip(FACETS, (topics, genres)) if values]
    pages = [Page(CATALOGUE_PAGE, "catalogue.html",
                  {"groups": groups, "topics": topics, "genres": genres, "facets": facets, "facet": None})]
    for name, label, links in facets:
        for link in links:
            pages.append(Page(page_path(link.url), "catalogue.html",
                              {"groups": narrowed[name][link.value], "topics": [], "genres": [], "facets": facets,
                               "facet": (label, link)}))
    return pages


def facet_slugs(values: list[str]) -> dict[str, str]:
    """Name each value's folder after the value itself (民族事务), its punctuation as hyphens
    (财政、金融、审计 → 财政-金融-审计), so that the address says what it lists, cut to SLUG_LIMIT
    characters; a name taken by an earlier value gets -2, -3."""
    slugs: dict[str, str] = {}
    used: set[str] = set()
    for value in values:
        base = _UNSAFE.sub("-", unicodedata.normalize("NFKC", value)).strip("-").lower()
        base = base[:SLUG_LIMIT].rstrip("-") or "-"
        slug, number = base, 2
        while slug in used:
            slug, number = f"{base}-{number}", number + 1
        used.add(slug)
        slugs[value] = slug
    return slugs


def retitle(groups: list[tuple], titles: dict[str, str]) -> None:
    """Give the rows of the notices at these URLs their new titles."""
    for _, rows, _ in groups:
        for row in rows:
            if row["url"] in titles:
                row["title"] = titles[row["url"]]


def plan_catalogue_data(config: SiteConfig, groups: list[tuple]) -> list[Page]:
    """List the catalogue as JSON and as CSV, for reuse in other programs."""
    head = {"site": config.title, "agency": config.agency,
            "categories": [{"key": c.key, "name": c.name, "description": c.description, "count": len(items),
                            "newest": newest, "url": config.base_url + c.url, "group": c.group_name}
                           for c, items, newest in groups]}
    return [
        Page(CATALOGUE_PAGES[1], "catalogue.json", {"json_text": CatalogueText("json", head, groups, config.base_url)}),
        Page(CATALOGUE_PAGES[2], "catalogue.csv", {"csv_text": CatalogueText("csv", head, groups, config.base_url)}),
    ]


def _json_text(head: dict, notices: list[dict]) -> str:
    """Write the catalogue as JSON with one notice per line.

    Readable and diffable like indented JSON, but each line comes from the
    encoder's C code: indenting 10,000 notices ran the pure-Python encoder.
    """
    fields = [f'  "{key}": ' + json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True).replace("\n", "\n  ")
              for key, value in head.items()]
    lines = [json.dumps(n, ensure_ascii=False, sort_keys=True) for n in notices]
    fields.append('  "notices": [' + ("\n    " + ",\n    ".join(lines) + "\n  ]" if lines else "]"))
    return "{\n" + ",\n".join(sorted(fields)) + "\n}"
