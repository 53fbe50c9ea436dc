"""Render stage, 政务公开目录: the catalogue page, and the same table as JSON and CSV for reuse.

The CSV starts with a byte-order mark because spreadsheet programs on Chinese
Windows read BOM-less CSV as GBK and show the Chinese as garbage.
"""

from __future__ import annotations

import csv
import io
import json

from .config import SiteConfig
from .render import Page
from .views import CategoryView, NoticeView

COLUMNS = ("索引号", "标题", "文号", "发布机构", "发布日期", "有效性", "分类", "网址")
# Programs reading the JSON get ASCII keys; people reading the CSV get the column names they know.
JSON_KEYS = dict(zip(COLUMNS, ("index_number", "title", "doc_number", "department", "date", "status", "category", "url")))


def _row(notice: NoticeView, config: SiteConfig) -> dict[str, str]:
    """Describe one notice as a catalogue row."""
    return {"索引号": notice.index_number, "标题": notice.title, "文号": notice.doc_number or "",
            "发布机构": notice.department, "发布日期": notice.date[:10], "有效性": notice.status_label,
            "分类": notice.category_name, "网址": config.base_url + notice.url}


def _groups(by_category: dict[str, list[NoticeView]], categories: tuple[CategoryView, ...]) -> list[tuple]:
    """Pair each category with its notices and its newest publish date."""
    return [(c, by_category[c.key], by_category[c.key][0].date[:10] if by_category[c.key] else None)
            for c in categories]


def plan_catalogue(config: SiteConfig, by_category: dict[str, list[NoticeView]],
                   categories: tuple[CategoryView, ...]) -> list[Page]:
    """List the catalogue page, readable without JavaScript."""
    return [Page("catalogue/index.html", "catalogue.html", {"groups": _groups(by_category, categories)})]


def plan_catalogue_data(config: SiteConfig, by_category: dict[str, list[NoticeView]],
                        categories: tuple[CategoryView, ...]) -> list[Page]:
    """List the catalogue as JSON and as CSV, for reuse in other programs."""
    groups = _groups(by_category, categories)
    rows = [_row(n, config) for _, items, _ in groups for n in items]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    data = {"site": config.title, "agency": config.agency,
            "categories": [{"key": c.key, "name": c.name, "description": c.description, "count": len(items),
                            "newest": newest, "url": config.base_url + c.url} for c, items, newest in groups]}
    return [
        Page("catalogue.json", "catalogue.json",
             {"json_text": _json_text(data, [{JSON_KEYS[k]: v for k, v in row.items()} for row in rows])}),
        Page("catalogue.csv", "catalogue.csv", {"csv_text": "\ufeff" + out.getvalue()}),
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
