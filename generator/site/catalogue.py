"""Render stage, 政务公开目录: the catalogue page, and the same table as JSON and CSV for reuse.

The CSV starts with a byte-order mark because spreadsheet programs on Chinese
Windows read BOM-less CSV as GBK and show the Chinese as garbage.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

from generator.core.config import SiteConfig
from generator.site.render import Page
from generator.site.views import CategoryView, NoticeView

COLUMNS = ("索引号", "标题", "文号", "发布机构", "发布日期", "有效性", "分类", "主题分类", "体裁分类", "网址")
# Programs reading the JSON get ASCII keys; people reading the CSV get the column names they know.
JSON_KEYS = dict(zip(COLUMNS, ("index_number", "title", "doc_number", "department", "date", "status", "category",
                               "topic", "genre", "url")))


ROW_KEYS = ("index_number", "title", "doc_number", "department", "date", "status_label", "category_name", "topic",
            "genre", "url")
CATALOGUE_PAGE = "catalogue/index.html"  # its context holds every row; a title touch-up starts from it (touchup.py)
CATALOGUE_PAGES = (CATALOGUE_PAGE, "catalogue.json", "catalogue.csv")  # every page made from the rows
# How builds and touch-ups key them (cache.PageKeys): by value, and with the rows kept once.
CATALOGUE_KEYING = {"by_value": frozenset(CATALOGUE_PAGES), "kept": frozenset({CATALOGUE_PAGE})}


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
    return dict(zip(ROW_KEYS, (notice.index_number, notice.title, notice.doc_number or "", notice.department,
                               notice.date[:10], notice.status_label if notice.shows_validity else "",
                               notice.category_name, notice.topic or "", notice.genre or "", notice.url)))


def catalogue_groups(by_category: dict[str, list[NoticeView]], categories: tuple[CategoryView, ...]) -> list[tuple]:
    """Pair each category with its notices' rows and its newest publish date."""
    return [(c, [_row(n) for n in by_category[c.key]], _newest(by_category[c.key]))
            for c in categories]


def _newest(notices: list[NoticeView]) -> str | None:
    """Return the newest publish day of a category's notices (they come newest first)."""
    return notices[0].date[:10] if notices else None


def plan_catalogue(config: SiteConfig, groups: list[tuple]) -> list[Page]:
    """List the catalogue page, readable without JavaScript."""
    topics, genres = config.filter_values({row["topic"] for _, rows, _ in groups for row in rows} - {""},
                                          {row["genre"] for _, rows, _ in groups for row in rows} - {""})
    return [Page(CATALOGUE_PAGE, "catalogue.html", {"groups": groups, "topics": topics, "genres": genres})]


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
                            "newest": newest, "url": config.base_url + c.url} for c, items, newest in groups]}
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
