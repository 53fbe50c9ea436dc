"""deploy/nginx.conf with Debian's nginx, over real HTTP, serving the sample site under /mzzj/."""

import gzip
import http.client
from urllib.parse import urljoin, urlsplit

import pytest
from conftest import GOOD_NOTICE, ROOT, SITE_YAML, build, write_site
from nginxsite import running_nginx

from generator.build.linkcheck import LinkCollector

CSP = "default-src 'none'; script-src 'self'"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The sample site built with --precompress into ROOT/mzzj, served by nginx."""
    work = tmp_path_factory.mktemp("nginx")
    assert build(ROOT / "content", work / "www/mzzj", "--precompress") == 0
    with running_nginx(work / "www", work / "prefix") as origin:
        yield origin, work / "www/mzzj"


def get(origin: str, path: str, **headers) -> tuple[http.client.HTTPResponse, bytes]:
    """GET one path without following redirects or decoding."""
    parts = urlsplit(origin)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


@pytest.mark.parametrize("path, needle", [
    ("/mzzj/", "星海市民族和宗教事务局政务公开栏"),
    ("/mzzj/results/page/2/", "第 2 页"),
    ("/mzzj/guides/religious-activity-venue-registration/", "星海市宗教活动场所登记办事指南"),
])
def test_pages_are_served_with_security_headers_and_a_short_lifetime(site, path, needle):
    origin, _ = site
    response, body = get(origin, path)
    assert response.status == 200
    assert response.getheader("Content-Type") == "text/html; charset=utf-8"
    assert needle in body.decode("utf-8")
    assert response.getheader("Content-Security-Policy").startswith(CSP)
    assert "unsafe-inline" not in response.getheader("Content-Security-Policy")
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("Referrer-Policy") == "strict-origin-when-cross-origin"
    assert response.getheader("Cache-Control") == "max-age=300"


def test_a_folder_url_without_slash_redirects_to_the_pretty_url(site):
    response, _ = get(site[0], "/mzzj/guides")
    assert response.status == 301 and response.getheader("Location") == "/mzzj/guides/"


@pytest.mark.parametrize("path, kind", [
    ("/mzzj/feed.xml", "application/atom+xml"),
    ("/mzzj/guides/feed.xml", "application/atom+xml"),
    ("/mzzj/rss.xml", "application/rss+xml"),
    ("/mzzj/sitemap.xml", "application/xml"),
])
def test_feeds_have_their_own_content_types(site, path, kind):
    response, body = get(*site[:1], path)
    assert response.status == 200 and response.getheader("Content-Type") == f"{kind}; charset=utf-8"
    assert body.startswith(b"<?xml")


def test_a_missing_page_gets_the_404_page_with_status_404(site):
    origin, output = site
    response, body = get(origin, "/mzzj/guides/no-such-notice/")
    assert response.status == 404
    assert body == (output / "404.html").read_bytes()
    assert response.getheader("Content-Security-Policy").startswith(CSP)
    assert get(origin, "/mzzj/.gongkai-output")[0].status == 404


def test_precompressed_files_are_sent_to_clients_that_accept_gzip(site):
    origin, output = site
    response, body = get(origin, "/mzzj/", **{"Accept-Encoding": "gzip"})
    assert response.getheader("Content-Encoding") == "gzip" and response.getheader("Vary") == "Accept-Encoding"
    assert gzip.decompress(body) == (output / "index.html").read_bytes()
    response, body = get(origin, "/mzzj/")
    assert response.getheader("Content-Encoding") is None and body == (output / "index.html").read_bytes()


def test_hashed_assets_are_cached_for_good_and_the_manifest_is_public(site):
    origin, output = site
    css = next(p for p in (output / "static/css").glob("site.*.css"))
    response, _ = get(origin, f"/mzzj/static/css/{css.name}", **{"Accept-Encoding": "gzip"})
    assert response.status == 200 and response.getheader("Content-Type") == "text/css; charset=utf-8"
    assert response.getheader("Content-Encoding") == "gzip"
    assert response.getheader("Cache-Control") == "max-age=315360000"
    response, body = get(origin, "/mzzj/.gongkai-manifest.json")
    assert response.status == 200 and b"guides/religious-activity-venue-registration/" in body


def test_every_link_on_the_board_resolves(site):
    origin, _ = site
    _, body = get(origin, "/mzzj/")
    links = LinkCollector()
    links.feed(body.decode("utf-8"))
    board = origin + "/mzzj/"
    internal = {urljoin(board, link).split("#")[0] for link in links.links}
    internal = sorted(u for u in internal if u.startswith(board))
    assert len(internal) > 20
    for url in internal:
        response, _ = get(origin, urlsplit(url).path)
        assert response.status == 200, url


def test_a_moved_notice_is_reached_from_its_old_url(tmp_path):
    site_yaml = SITE_YAML.replace("https://example.org/xz/", "https://gk.example.gov.cn/mzzj/")
    content = write_site(tmp_path / "content", {"guides/ok.md": GOOD_NOTICE}, site_yaml)
    output = tmp_path / "www/mzzj"
    assert build(content, output) == 0
    (content / "guides/ok.md").rename(content / "moved.md")
    (content / "moved.md").write_text(GOOD_NOTICE.replace("category: guides", "category: results").replace(
        "---\n正文", "redirect_from: [guides/ok/]\n---\n正文"), encoding="utf-8")
    assert build(content, output, "--precompress") == 0
    with running_nginx(tmp_path / "www", tmp_path / "prefix") as origin:
        response, body = get(origin, "/mzzj/guides/ok/")
        assert response.status == 200
        links = LinkCollector()
        links.feed(body.decode("utf-8"))
        target = urlsplit(urljoin(origin + "/mzzj/guides/ok/", links.links[0])).path
        assert target == "/mzzj/results/moved/"
        response, body = get(origin, target)
        assert response.status == 200 and "合格的公告" in body.decode("utf-8")


def test_the_editing_page_gets_its_own_policy_and_the_rest_keeps_the_strict_one(tmp_path):
    yaml = SITE_YAML.replace("https://example.org/xz/", "https://gk.example.gov.cn/mzzj/")
    yaml += "cms:\n  backend: github\n  repo: mzj/gongkai\n"
    content = write_site(tmp_path / "c", {"guides/a.md": GOOD_NOTICE}, yaml)
    assert build(content, tmp_path / "www/mzzj") == 0
    with running_nginx(tmp_path / "www", tmp_path / "prefix") as origin:
        page, body = get(origin, "/mzzj/admin/")
        config, _ = get(origin, "/mzzj/admin/config.yml")
        notice, _ = get(origin, "/mzzj/guides/a/")
    assert page.status == 200 and b"decap-cms.js" in body
    assert page.getheader("Content-Security-Policy") == "frame-ancestors 'none'"
    assert page.getheader("X-Content-Type-Options") == "nosniff"
    assert config.getheader("Content-Type").startswith("text/yaml")
    assert notice.getheader("Content-Security-Policy").startswith(CSP)
