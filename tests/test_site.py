"""The built fixture site: the facts a reader would notice."""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from conftest import build


class Links(HTMLParser):
    """Collect href and src values, and the text of elements with an id we care about."""

    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def links_of(path: Path) -> list[str]:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.links


def resolve(output: Path, page: Path, link: str) -> Path | None:
    """Return the file a relative link on `page` points at, or None for external links."""
    if urlsplit(link).scheme or link.startswith("#"):
        return None
    base = "/" + page.relative_to(output).as_posix()
    target = unquote(urlsplit(urljoin(base, link)).path).lstrip("/")
    path = output / target
    return path / "index.html" if target == "" or target.endswith("/") else path


def test_every_internal_link_resolves(built_basic):
    pages = [p for p in built_basic.rglob("*.html") if p.name != "404.html"]
    assert len(pages) == 16  # 9, the catalogue, the archive and its three years, one standalone page, search
    for page in pages:
        for link in links_of(page):
            target = resolve(built_basic, page, link)
            assert target is None or target.is_file(), f"{page}: {link}"


def test_404_links_from_the_base_path(built_basic):
    links = links_of(built_basic / "404.html")
    assert "/gk/" in links and "/gk/guides/" in links
    assert all(not link.startswith("../") for link in links)


def test_category_pagination(built_basic):
    page1 = (built_basic / "guides/index.html").read_text()
    page2 = (built_basic / "guides/page/2/index.html").read_text()
    assert "甲事项办事指南" in page1 and "乙事项办事指南" in page1 and "丙事项" not in page1
    assert "丙事项" in page2 and "第 2 页，共 2 页" in page2
    assert 'href="../guides/page/2/" rel="next"' in page1 and 'rel="prev"' not in page1
    assert 'href="../../../guides/" rel="prev"' in page2 and 'rel="next"' not in page2
    assert "本栏目暂无公开信息" in (built_basic / "empty/index.html").read_text()


def test_notice_page_has_metadata_table_and_neighbours(built_basic):
    html = (built_basic / "guides/beta/index.html").read_text()
    table = html[html.index('<table class="notice-meta">'): html.index("</table>")]
    cells = dict(re.findall(r'<th scope="row">(.+?)</th><td>(.*?)</td>', table))
    assert re.sub("<.*?>", "", cells["分类"]) == "办事指南"
    assert cells["发布机构"] == "测试市测试局"
    assert re.sub("<.*?>", "", cells["发布日期"]) == "2024-05-15"
    assert re.sub("<.*?>", "", cells["更新日期"]) == "2024-06-01 10:00"
    assert cells["责任人"] == "李四" and "文号" not in cells and "发文字号" not in cells  # no number, no row
    assert 'href="../../guides/alpha/" rel="prev">甲事项办事指南' in html
    assert 'href="../../guides/gamma/" rel="next">丙事项' in html
    assert "打印" in html and 'media="print"' in html


def test_board_shows_latest_and_a_panel_per_category(built_basic):
    html = (built_basic / "index.html").read_text()
    latest = html[html.index('id="latest-heading"'): html.index('<div class="panels">')]
    assert latest.index("甲事项") < latest.index("第一批审核结果公示") < latest.index("丙事项")
    assert "查看全部办事指南（3 条）" in html and "查看全部空栏目（0 条）" in html
    guides_panel = html[html.index('id="panel-guides"'): html.index('id="panel-results"')]
    assert guides_panel.count("<li>") == 2  # board_limit


def test_hostile_title_and_body_are_inert(built_basic):
    html = (built_basic / "guides/gamma/index.html").read_text()
    assert "丙事项 &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; 其他" in html
    body = html[html.index('<div class="notice-body'):]
    assert "<script>" not in body and "javascript:" not in body and "onclick" not in body
    scripts = re.findall(r"<script[^>]*>", html)
    assert len(scripts) == 2 and all(re.fullmatch(r'<script src="\.\./\.\./static/js/\w+\.[0-9a-f]{10}\.js"( defer)?>', s)
                                     for s in scripts)  # only the theme's own files


def test_hidden_notices_leave_no_trace(built_basic):
    for path in built_basic.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for marker in ("秘密".encode(), b"secret-draft", b"secret-future", b"secret-withheld"):
                assert marker not in data, f"{marker!r} in {path}"


def test_previews_show_a_banner(tmp_path, basic_site):
    output = tmp_path / "preview"
    assert build(basic_site, output, "--drafts", "--future") == 0
    assert "草稿预览" in (output / "results/secret-draft/index.html").read_text()
    assert "定时预览" in (output / "results/secret-future/index.html").read_text()
    assert not (output / "results/secret-withheld").exists()


def test_sitemap_and_robots(built_basic):
    sitemap = (built_basic / "sitemap.xml").read_text()
    locs = re.findall(r"<loc>(.+?)</loc>", sitemap)
    assert len(locs) == 15 and len(set(locs)) == 15
    assert "https://example.org/gk/guides/page/2/" in locs and all(l.startswith("https://example.org/gk/") for l in locs)
    assert "Sitemap: https://example.org/gk/sitemap.xml" in (built_basic / "robots.txt").read_text()


def test_theme_assets_are_named_by_content(built_basic):
    css = sorted(p.name for p in (built_basic / "static/css").iterdir())
    assert all(re.fullmatch(r"(site|print)\.[0-9a-f]{10}\.css", name) for name in css)
