"""Search over the sharded index in the browser finds what one index over the same pages finds.

Pagefind leaves out a word of a query that its index lacks, so a shard that lacks one word of
several matches pages by the others alone, where one index over the whole site matches none
(Pagefind's own API over the merged shards finds more); the search page keeps to the shards that
hold every word, and finds what one index finds, on the sample site and on a site of shards of
a few pages each, with and without filters.

Each site is served on a real local server with, beside its shards, one Pagefind bundle built over
all its notice pages at once (the index gongkai made before it had shards). The search page is asked
through its address, as a reader does; the single bundle through Pagefind's own API on the same page.
"""

from __future__ import annotations

import json
import re
import shutil
import threading
from pathlib import Path
from urllib.parse import urlencode

import pytest
from conftest import SITE_YAML, build, write_site
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from test_search_index import WORDS, generated_notices

from generator.build import search
from generator.build.pagefind_order import canonicalise
from generator.cli.serve import make_server

ONE = "one-index"  # the single bundle's folder, beside the site's own


def with_one_index(site: Path) -> int:
    """Index every notice page of a built site into one bundle; return how many shards the site has."""
    pages = tuple(sorted(rel for shard in search.plan_shards(site) for rel in shard.pages))
    search._index(site, pages, site / ONE, "all")
    canonicalise(site / ONE)
    return len(json.loads((site / "pagefind/shards.json").read_text(encoding="utf-8"))["shards"])


@pytest.fixture(scope="module")
def served(tmp_path_factory, sample_output):
    """Serve copies of the sample site and of a generated site of many small shards, each with one index."""
    root = tmp_path_factory.mktemp("shards")
    sample = root / "sample"
    shutil.copytree(sample_output, sample)
    content = write_site(root / "content", generated_notices(40), SITE_YAML.replace("search: false", "search: true"))
    generated = root / "generated"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "SHARD_PAGES", 3)
        assert build(content, generated) == 0
    sites, servers = {}, []
    for name, folder, base in (("sample", sample, "/mzzj/"), ("generated", generated, "/xz/")):
        shards = with_one_index(folder)
        server = make_server(folder, base, 0)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        sites[name] = (f"http://127.0.0.1:{server.server_address[1]}{base}", base, shards)
    yield sites
    for server in servers:
        server.shutdown()
        server.server_close()


def found_by_search_page(driver, url: str, query: dict) -> tuple[int, list[str]]:
    """Search through the search page, as a reader does; return the count it gives and its result links' paths."""
    driver.get(url + "search/?" + urlencode(query))
    WebDriverWait(driver, 20).until(
        lambda d: (lambda t: t and "正在搜索" not in t)(d.find_element(By.CSS_SELECTOR, "[data-search-status]").text))
    status = driver.find_element(By.CSS_SELECTOR, "[data-search-status]").text
    assert "无法使用" not in status, status
    count = int(re.search(r"找到 (\d+) 条", status).group(1)) if "没有找到" not in status else 0
    return count, [a.get_attribute("pathname") for a in driver.find_elements(By.CSS_SELECTOR, ".search-results h2 a")]


SEARCH = """
    const [script, root, word, filters, done] = arguments;
    (async () => {
      const pagefind = await import(script);
      if (root) { await pagefind.options({ baseUrl: root }); }
      const found = await pagefind.search(word, { filters });
      return Promise.all(found.results.map(async (r) => (await r.data()).url));
    })().then(done, (error) => done(["error: " + error]));
"""


def found_by_api(driver, script: str, root: str | None, query: dict) -> list[str]:
    """Search with Pagefind's API on the page loaded, with the same word and filters; return every URL found."""
    filters = {k: v for k, v in query.items() if k != "q"}
    return sorted(driver.execute_async_script(SEARCH, script, root, query.get("q"), filters))


SAMPLE_QUERIES = [{"q": "复印"}, {"q": "窗口"}, {"q": "窗口", "category": "服务承诺"}, {"q": "申请", "year": "2025"},
                  {"genre": "公示", "topic": "宗教事务"}, {"genre": "公示"}, {"q": "zqxjvw"}]
GENERATED_QUERIES = ([{"q": word} for word in WORDS[:4]] + [{"q": WORDS[4], "category": "办事指南"}]
                     + [{"q": f"{WORDS[0]} {WORDS[3]}"}, {"q": f"{WORDS[1]}，{WORDS[6]}", "year": "2022"}]
                     + [{"q": WORDS[5], "year": "2023"}, {"q": "市民", "category": "办事结果", "year": "2022"},
                        {"year": "2024", "category": "办事结果"}])


@pytest.mark.parametrize("name, queries", [("sample", SAMPLE_QUERIES), ("generated", GENERATED_QUERIES)])
def test_shards_find_the_notices_one_index_finds(page, served, name, queries):
    url, base, shards = served[name]
    assert shards >= (2 if name == "sample" else 10)
    counts, raw_extra = [], []
    for query in queries:
        count, shown = found_by_search_page(page, url, query)
        one = found_by_api(page, f"{base}{ONE}/pagefind.js", base, query)
        assert count == len(one) and len(shown) == min(count, 20) and set(shown) <= set(one), query
        if name == "generated" and len(query.get("q", "").split()) > 1:  # what the narrowing is for
            first = page.execute_async_script(
                "fetch(arguments[0]).then(r => r.json()).then(j => arguments[1](j.shards[0]))",
                base + "pagefind/shards.json")
            merged = found_by_api(page, f"{base}pagefind/{first}/pagefind.js", None, query)
            raw_extra.append(len(set(merged) - set(one)))
        counts.append(len(one))
    assert sum(1 for c in counts if c) >= len(queries) - 1, counts  # the queries find notices; one sample query none
    if name == "generated":  # Pagefind's own merge finds more here: the site tests the narrowing
        assert any(raw_extra), raw_extra


def test_the_shards_load_as_the_search_page_opens_and_the_search_waits_for_enter(page, served, monkeypatch):
    """With one bundle per shard a search begins with a request or two per shard: they are made as the
    search page opens, while the reader types, so that Enter finds them done."""
    from selenium.webdriver.common.keys import Keys

    from generator.cli import serve

    url, base, shards = served["generated"]
    asked = []
    monkeypatch.setattr(serve._Handler, "log_message", lambda handler, *args: asked.append(handler.path))
    page.execute_cdp_cmd("Network.clearBrowserCache", {})
    page.get(url + "search/")
    WebDriverWait(page, 20).until(lambda d: sum("/pagefind-entry.json" in p for p in asked) == shards)
    assert sum(p.endswith(".pf_meta") for p in asked) == shards
    assert not [p for p in asked if "/index/" in p or "/fragment/" in p]  # nothing searched yet
    assert not page.find_elements(By.CSS_SELECTOR, ".search-results li")
    page.find_element(By.CSS_SELECTOR, "#search-q").send_keys(WORDS[0], Keys.ENTER)
    WebDriverWait(page, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".search-results li"))
    assert "找到" in page.find_element(By.CSS_SELECTOR, "[data-search-status]").text
    assert sum("/pagefind-entry.json" in p for p in asked) == shards  # loaded once, not again for the search
