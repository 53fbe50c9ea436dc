"""Benchmark peer: the same corpus as a Hugo site, ready for Pagefind.

It gets what gongkai builds: one page per notice, paginated category indexes
of 20, a home page, and feeds, with the smallest templates that do so, so the
comparison measures the generators rather than their themes. A notice page
marks for Pagefind what gongkai's does (its title and body as the indexed
text, the title and date as metadata, the category and year as filters), so
that Pagefind over Hugo's output indexes the same pages the same way.
"""

from __future__ import annotations

import re
from pathlib import Path

from corpus import CATEGORIES

_FRONT = re.compile(r"^---\n(.*?)\n---\n", re.S)

HUGO_CONFIG = """\
baseURL = "https://bench.example.org/gk/"
title = "基准测试政务公开栏"
languageCode = "zh-CN"
paginate = 20
disableKinds = ["taxonomy", "term"]
[services.rss]
limit = 50
"""
HUGO_LAYOUTS = {
    "_default/baseof.html": """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<title>{{ .Title }} - {{ .Site.Title }}</title></head><body>
<nav>{{ range .Site.Sections }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ end }}</nav>
<main>{{ block "main" . }}{{ end }}</main></body></html>
""",
    "_default/single.html": """{{ define "main" }}<h1 data-pagefind-body data-pagefind-meta="title">{{ .Title }}</h1>
<table><tr><th>分类</th><td data-pagefind-filter="category">{{ .CurrentSection.Title }}</td></tr>
<tr><th>发布日期</th><td><time data-pagefind-meta="date" data-pagefind-filter="year:{{ .Date.Format "2006" }}">{{ .Date.Format "2006-01-02 15:04" }}</time></td></tr>
<tr><th>文号</th><td>{{ .Params.doc_number }}</td><th>责任人</th><td>{{ .Params.responsible }}</td></tr></table>
<div data-pagefind-body>{{ .Content }}</div>
{{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}{{ end }}
""",
    "_default/list.html": """{{ define "main" }}<h1>{{ .Title }}</h1><ul>
{{ range (.Paginate .Pages).Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>
<time>{{ .Date.Format "2006-01-02" }}</time><p>{{ .Summary | plainify | truncate 120 }}</p></li>{{ end }}</ul>
{{ with .Paginator }}{{ if .HasPrev }}<a href="{{ .Prev.URL }}">上一页</a>{{ end }}
{{ if .HasNext }}<a href="{{ .Next.URL }}">下一页</a>{{ end }}{{ end }}{{ end }}
""",
    "index.html": """{{ define "main" }}<ul>{{ range first 10 .Site.RegularPages.ByDate.Reverse }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
""",
}

def _split(text: str) -> tuple[dict[str, str], str]:
    match = _FRONT.match(text)
    assert match, "the corpus always has front matter"
    meta = dict(line.split(": ", 1) for line in match.group(1).splitlines())
    return meta, text[match.end():]


def notices(corpus: Path):
    """Yield (category, file stem, front matter, body) for every notice of a corpus."""
    for path in sorted(corpus.rglob("*.md")):
        meta, body = _split(path.read_text(encoding="utf-8"))
        yield path.parent.name, path.stem, meta, body


def write_hugo(corpus: Path, site: Path) -> Path:
    """Write a Hugo site for the corpus; return its content file of notice `stem` for edits."""
    (site / "content").mkdir(parents=True, exist_ok=True)
    (site / "config.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for rel, text in HUGO_LAYOUTS.items():
        (site / "layouts" / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / "layouts" / rel).write_text(text, encoding="utf-8")
    for key, name in CATEGORIES:
        (site / "content" / key).mkdir(exist_ok=True)
        (site / "content" / key / "_index.md").write_text(f"---\ntitle: {name}\n---\n", encoding="utf-8")
    for key, stem, meta, body in notices(corpus):
        date = meta["date"].replace(" ", "T") + ":00+08:00"
        front = (f"---\ntitle: \"{meta['title']}\"\ndate: {date}\nresponsible: {meta['responsible']}\n"
                 f"doc_number: \"{meta['doc_number']}\"\n---\n")
        (site / "content" / key / f"{stem}.md").write_text(front + body, encoding="utf-8")
    return site
