"""The search index built into the output: only published notices' titles and bodies, never navigation."""

import gzip
import json
import re
import time

import pytest
from conftest import ROOT, SITE_YAML, build, snapshot, write_site

from generator.build import search
from generator.build.pagefind_order import canonicalise, read_data


def search_site(basic_site):
    """Switch the fixture site's search index back on."""
    yaml = basic_site / "site.yaml"
    yaml.write_text(re.sub(r"(?m)^search: false.*\n", "", yaml.read_text(encoding="utf-8")), encoding="utf-8")
    return basic_site


def fragments(output, bundles="pagefind/*/"):
    """Decode every indexed page Pagefind wrote, in every shard."""
    found = []
    for path in sorted(output.glob(f"{bundles}fragment/*")):
        raw = gzip.decompress(path.read_bytes())
        assert raw.startswith(b"pagefind_dcd")
        found.append(json.loads(raw[len(b"pagefind_dcd"):]))
    return found


def test_index_holds_published_notices_only(tmp_path, basic_site):
    output = tmp_path / "out"
    assert build(search_site(basic_site), output) == 0
    pages = fragments(output)
    assert sorted(p["url"] for p in pages) == ["/guides/alpha/", "/guides/beta/", "/guides/gamma/",
                                                "/results/batch-1/"]
    alpha = next(p for p in pages if p["url"] == "/guides/alpha/")
    assert alpha["meta"]["title"] == "甲事项办事指南" and alpha["meta"]["date"] == "2024-05-15 09:30"
    # The shard's name is a filter of the index (for queries of several words), not of the page.
    assert alpha["filters"] == {"category": ["办事指南"], "shard": ["2024"], "year": ["2024"]}
    plain = alpha["content"].replace("\u200b", "")
    assert "申请人应当提前准备材料" in plain
    # Navigation, metadata table and footer stay out of the index.
    for chrome in ("栏目导航", "办事结果", "发布机构", "责任人", "主办", "订阅"):
        assert chrome not in plain
    # Nothing hidden, in any file of the bundle once decompressed.
    for path in (output / "pagefind").rglob("*.pf_*"):
        data = gzip.decompress(path.read_bytes())
        for marker in ("秘密".encode(), b"secret-draft", b"secret-future", b"secret-withheld"):
            assert marker not in data, f"{marker!r} in {path}"


def test_each_bundle_holds_what_the_search_page_loads_and_not_pagefinds_own_interfaces(tmp_path, basic_site):
    output = tmp_path / "out"
    assert build(search_site(basic_site), output) == 0
    bundle = output / "pagefind/2024"
    names = {path.name for path in bundle.iterdir()}
    assert {"pagefind.js", "pagefind-worker.js", "pagefind-entry.json"} <= names
    assert any(name.startswith("wasm.") for name in names), names
    assert not [name for name in names if "-ui." in name or "highlight" in name], names
    # What pagefind.js fetches by name is there (the search pages' browser tests run a search).
    loader = (bundle / "pagefind.js").read_text(encoding="utf-8")
    assert "pagefind-worker.js" in loader and "-ui." not in loader


def test_chinese_text_is_segmented_into_words(tmp_path, basic_site):
    output = tmp_path / "out"
    assert build(search_site(basic_site), output) == 0
    alpha = next(p for p in fragments(output) if p["url"] == "/guides/alpha/")
    # The extended Pagefind build puts word breaks between Chinese words; the plain one would not.
    assert "\u200b申请\u200b人\u200b" in alpha["content"] or "\u200b申请人\u200b" in alpha["content"]


def test_index_is_byte_identical_across_builds(tmp_path, basic_site):
    site = search_site(basic_site)
    outputs = []
    for name in ("one", "two"):
        assert build(site, tmp_path / name) == 0
        outputs.append(snapshot(tmp_path / name))
    assert any(name.startswith("pagefind/2024/filter/") for name in outputs[0])
    assert outputs[0] == outputs[1]
    # Pagefind itself writes filter values in a random order; the build sorts them.
    for path in (tmp_path / "one/pagefind").glob("*/filter/*"):
        name, values = read_data(path)
        assert name in ("category", "shard", "year") and [v[0] for v in values] == sorted(v[0] for v in values)


def test_fixture_sites_can_skip_the_index(built_basic):
    assert not (built_basic / "pagefind").exists()
    assert (built_basic / "search/index.html").is_file()


# A generated site spread over years and categories; with a small shard cap it makes many shards.
WORDS = ("公积金", "营业执照", "社会保障卡", "不动产登记", "居住证", "医疗保险", "残疾人补贴", "养老服务")


def generated_notices(count: int = 24) -> dict[str, str]:
    """Write `count` published notices over four years and two categories, each naming two of WORDS,
    and three hidden ones (draft, not yet due, 不予公开) whose text is marked secret."""
    files = {}
    for number in range(count):
        category = "guides" if number % 3 else "results"
        year = 2021 + (number * 7) % 4
        words = (WORDS[number % len(WORDS)], WORDS[(number * 5 + 3) % len(WORDS)])
        files[f"{category}/n{number:02d}.md"] = (
            f"---\ntitle: 第{number}号{words[0]}事项公告\ncategory: {category}\n"
            f"date: {year}-0{1 + number % 9}-1{number % 10}\nresponsible: 张三\n---\n"
            f"申请{words[0]}的市民，请携带身份证明办理{words[1]}相关手续。\n")
    for slug, extra in (("draft", "draft: true"), ("future", "date: 2099-01-01"), ("withheld", "disclosure: 不予公开")):
        date = "" if extra.startswith("date") else "date: 2023-03-03\n"
        files[f"guides/secret-{slug}.md"] = (f"---\ntitle: 秘密{slug}公积金\ncategory: guides\n{date}{extra}\n"
                                             f"responsible: 张三\nslug: secret-{slug}\n---\n秘密正文公积金secret-{slug}。\n")
    return files


@pytest.fixture
def sharded(tmp_path, monkeypatch):
    """The generated site with search on, a cap of three notices a shard, and a list of the shards indexed."""
    content = write_site(tmp_path / "content", generated_notices(), SITE_YAML.replace("search: false", "search: true"))
    monkeypatch.setattr(search, "SHARD_PAGES", 3)
    indexed, index = [], search._Service.index
    monkeypatch.setattr(search._Service, "index",
                        lambda service, read, pages, bundle, shard: indexed.append(shard)
                        or index(service, read, pages, bundle, shard))
    time.sleep(0.02)  # a build trusts no file changed in the file-system clock tick it began
    return content, indexed


def shards_of(output):
    """Map each shard named in shards.json to the URLs its fragments hold."""
    names = json.loads((output / "pagefind/shards.json").read_text(encoding="utf-8"))["shards"]
    return {name: sorted(f["url"] for f in fragments(output / "pagefind" / name, "")) for name in names}


def test_each_shard_is_a_year_or_a_part_of_one_and_no_hidden_notice_is_in_any(sharded, tmp_path):
    content, indexed = sharded
    output = tmp_path / "out"
    assert build(content, output) == 0
    shards = shards_of(output)
    assert sorted(indexed) == sorted(shards) and len(shards) >= 6
    urls = [url for pages in shards.values() for url in pages]
    assert sorted(urls) == sorted(f"/{rel[:-3]}/" for rel in generated_notices() if "secret" not in rel)
    for name, pages in shards.items():
        # A year over the cap is split by a hash of each URL: the parts hold about the cap.
        year, _, part = name.partition("-")
        assert 1 <= len(pages) <= (3 if not part else 6), name
        for url in pages:
            page = (output / url.strip("/") / "index.html").read_text(encoding="utf-8")
            assert f'data-pagefind-filter="year:{year}"' in page
    assert all("-" in name for name in shards)  # six notices a year, over the cap of three
    for path in (output / "pagefind").rglob("*.pf_*"):
        data = gzip.decompress(path.read_bytes())
        assert b"secret-" not in data and "秘密".encode() not in data, path


def test_an_edit_indexes_its_own_shard_again_and_the_cache_gives_the_others(sharded, tmp_path):
    content, indexed = sharded
    output = tmp_path / "out"
    assert build(content, output, "--precompress") == 0
    before = shards_of(output)
    indexed.clear()
    edited = content / "guides/n05.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("相关手续", "相关手续和公积金"), encoding="utf-8")
    time.sleep(0.02)
    assert build(content, output, "--precompress") == 0
    owner = next(name for name, pages in before.items() if "/guides/n05/" in pages)
    assert indexed == [owner]
    assert build(content, tmp_path / "clean", "--precompress", "--no-cache") == 0
    assert snapshot(output) == snapshot(tmp_path / "clean")
    # A warm cache into an empty output indexes nothing.
    indexed.clear()
    assert build(content, tmp_path / "again", "--precompress") == 0
    assert indexed == [] and snapshot(tmp_path / "again") == snapshot(tmp_path / "clean")


def test_an_edit_leaves_the_other_shards_in_place_and_an_edit_back_takes_the_old_shard_from_the_cache(
        sharded, tmp_path, monkeypatch, capsys):
    """The touch-up indexes the edited shard before it stages the site and leaves every other shard as the last
    site has it, without asking the cache for it; undoing the edit gives the first site's index again."""
    content, indexed = sharded
    output = tmp_path / "out"
    assert build(content, output, "--precompress") == 0
    first = snapshot(output)
    asked, site_files = [], search.Cache.site_files
    monkeypatch.setattr(search.Cache, "site_files", lambda cache, key, *a, **k: asked.append(key)
                        or site_files(cache, key, *a, **k))
    edited = content / "guides/n05.md"
    text = edited.read_text(encoding="utf-8")
    for turn, now in enumerate((text.replace("相关手续", "相关手续和公积金"), text)):
        indexed.clear()
        edited.write_text(now, encoding="utf-8")
        time.sleep(0.02)
        capsys.readouterr()
        assert build(content, output, "--precompress", "-v") == 0
        assert "局部更新" in capsys.readouterr().out
        owner = next(name for name, pages in shards_of(output).items() if "/guides/n05/" in pages)
        page = next(f for f in fragments(output / "pagefind" / owner, "") if "/guides/n05/" in f["url"])
        assert ("公积金" in page["content"].replace("\u200b", "")) == (turn == 0)
        if turn == 0:  # indexed anew; no other shard looked up
            assert indexed == [owner] and asked == []
        else:  # the first site's shard, still in the cache: linked from it, the others left in place
            assert indexed == [] and len(asked) == 1
    assert snapshot(output) == first


def test_a_deleted_or_hidden_notice_leaves_the_index(sharded, tmp_path):
    content, indexed = sharded
    output = tmp_path / "out"
    assert build(content, output) == 0
    before = shards_of(output)
    (content / "guides/n05.md").unlink()
    hidden = content / "results/n06.md"
    hidden.write_text(hidden.read_text(encoding="utf-8").replace("responsible:", "draft: true\nresponsible:"),
                      encoding="utf-8")
    time.sleep(0.02)
    indexed.clear()
    assert build(content, output) == 0
    after = shards_of(output)
    urls = {url for pages in after.values() for url in pages}
    assert "/guides/n05/" not in urls and "/results/n06/" not in urls
    # A shard that lost a page is indexed again (its neighbours' pages changed too); the others come from the cache.
    assert {name for name, pages in after.items() if before.get(name) != pages} <= set(indexed) < set(after)
    assert build(content, tmp_path / "clean", "--no-cache") == 0
    assert snapshot(output) == snapshot(tmp_path / "clean")


def test_a_damaged_cached_shard_is_indexed_again_with_a_warning(sharded, tmp_path, capsys):
    content, indexed = sharded
    output = tmp_path / "out"
    assert build(content, output) == 0
    entry = output / "pagefind" / shards_of(output).popitem()[0] / "pagefind-entry.json"
    blob = next(p for p in (tmp_path / ".gongkai-cache/blobs").rglob("*") if p.is_file()
                and p.stat().st_ino == entry.stat().st_ino)
    blob.chmod(0o644)
    blob.write_bytes(b'{"version":"1.5.2","languages":{}}')
    indexed.clear()
    capsys.readouterr()
    assert build(content, tmp_path / "again") == 0
    assert len(indexed) == 1
    assert "搜索索引分片" in capsys.readouterr().err
    assert build(content, tmp_path / "clean", "--no-cache") == 0
    assert snapshot(tmp_path / "again") == snapshot(tmp_path / "clean")


def test_each_pagefind_service_indexes_many_shards_with_the_bytes_of_a_fresh_one(sharded, tmp_path, monkeypatch):
    content, indexed = sharded
    started, start = [], search._Service.start
    monkeypatch.setattr(search._Service, "start", classmethod(lambda cls: started.append(1) or start()))
    output = tmp_path / "out"
    assert build(content, output, "--no-cache") == 0
    shards = shards_of(output)
    assert len(indexed) == len(shards) >= 6 and len(started) <= search.lanes()
    # The last shard a service indexed, indexed again by a service of its own, gives the same bundle.
    last = indexed[-1]
    pages = tuple(sorted(p.relative_to(output).as_posix() for p in output.rglob("index.html")
                         if f"/{p.parent.relative_to(output).as_posix()}/" in shards[last]))
    assert len(pages) == len(shards[last])
    search._index(output, pages, tmp_path / "fresh", last)
    canonicalise(tmp_path / "fresh")
    assert snapshot(tmp_path / "fresh") == snapshot(output / "pagefind" / last)


class Counting:
    """search._marked, counting the pages it is asked about."""

    def __init__(self, marked):
        self.marked, self.asked = marked, 0

    def __call__(self, data):
        self.asked += 1
        return self.marked(data)


def test_a_build_reads_only_the_pages_it_has_not_seen_before(sharded, tmp_path, monkeypatch):
    content, indexed = sharded
    output = tmp_path / "out"
    counting = Counting(search._marked)
    monkeypatch.setattr(search, "_marked", counting)
    assert build(content, output, "--precompress") == 0
    pages = sum(1 for _ in output.rglob("*.html"))
    assert counting.asked >= pages  # the first build reads every page it indexes or leaves out
    counting.asked = 0
    edited = content / "guides/n05.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("相关手续", "相关手续和公积金"), encoding="utf-8")
    time.sleep(0.02)
    assert build(content, output, "--precompress") == 0
    # The edited notice's page, and the few lists showing its summary, are new; the rest are known by inode.
    assert 1 <= counting.asked <= 2 * 6 and counting.asked < pages / 4
    # A damaged memo means reading everything again, not a wrong index.
    memo = tmp_path / ".gongkai-cache" / search.MEMO
    assert memo.is_file()
    memo.write_text("{not json", encoding="utf-8")
    edited.write_text(edited.read_text(encoding="utf-8").replace("和公积金", "和住房公积金"), encoding="utf-8")
    time.sleep(0.02)
    assert build(content, output, "--precompress") == 0
    assert build(content, tmp_path / "clean", "--precompress", "--no-cache") == 0
    assert snapshot(output) == snapshot(tmp_path / "clean")
    page = next(p for p in fragments(output) if p["url"] == "/guides/n05/")
    assert "住房公积金" in page["content"].replace("\u200b", "")


def test_a_full_build_keys_its_shards_by_the_blob_names_of_its_pages_without_hashing_them(sharded, tmp_path,
                                                                                          monkeypatch):
    """A staged page is a link to a blob named by its hash: the shards' keys are those of the pages' bytes."""
    import hashlib

    content, _ = sharded
    hashed, output = [], tmp_path / "out"
    with monkeypatch.context() as patched:
        patched.setattr(search, "hashlib", type("Hashing", (), {
            "sha256": staticmethod(lambda data: hashed.append(data) or hashlib.sha256(data))}))
        assert build(content, output) == 0
    assert not [data for data in hashed if b"<html" in data]
    planned = search.plan_shards(output)  # the same pages, each read and hashed
    assert len(planned) >= 6
    keys = {shard.name: shard.key for shard in planned}
    kept = _cache_keys(tmp_path / ".gongkai-cache")
    assert set(keys.values()) <= {key.split(":")[2] for key in kept if key.startswith("site:shard:")}


def _cache_keys(folder):
    """The keys of every file the cache keeps."""
    import contextlib
    import sqlite3

    with contextlib.closing(sqlite3.connect(folder / "cache.sqlite")) as db:
        return [row[0] for row in db.execute("SELECT key FROM page")]


def test_the_render_workers_are_gone_before_the_index_begins(sharded, tmp_path, monkeypatch):
    """Idle workers hold the build's memory (1 GB each at 100,000 notices) and are not needed by the index:
    while Pagefind's services index, no render worker may still be alive."""
    import multiprocessing

    from generator.build import sitesteps

    content, indexed = sharded
    alive, real = [], sitesteps.index_site

    def index_site(*args, **kwargs):
        alive.append([child.name for child in multiprocessing.active_children()])
        return real(*args, **kwargs)

    monkeypatch.setattr(sitesteps, "index_site", index_site)
    assert build(content, tmp_path / "out", "--jobs", "2") == 0  # two jobs fork the render workers
    assert alive == [[]]
    assert indexed  # the index was built, by the real indexer


def test_pagefind_reads_only_the_marked_part_of_a_notice_page_and_indexes_it_as_the_whole_page(tmp_path,
                                                                                                monkeypatch):
    output = tmp_path / "out"
    assert build(ROOT / "content", output, "--no-cache") == 0
    shards = search.plan_shards(output)
    assert len(shards) >= 3
    for shard in shards:
        for rel in shard.pages:
            page = (output / rel).read_text(encoding="utf-8")
            given = search._for_pagefind(page, shard.name)
            # The site's header, navigation and the QR code are left out; what Pagefind reads is kept.
            assert "<nav" not in given and "<svg" not in given and len(given) < len(page) / 2, rel
            assert given.count("data-pagefind-") == page.count("data-pagefind-") + 1, rel
    # Given whole pages (no page has the marks), Pagefind writes the very same bundles.
    monkeypatch.setattr(search, "REGION", ("<!--nowhere-->", "<!--/nowhere-->"))
    for shard in shards:
        search._index(output, shard.pages, tmp_path / "whole" / shard.name, shard.name)
        canonicalise(tmp_path / "whole" / shard.name)
    indexed = {rel: data for rel, data in snapshot(output / "pagefind").items() if rel != search.SHARDS}
    assert snapshot(tmp_path / "whole") == indexed


@pytest.mark.parametrize("change", [
    ('<header class="site">', '<header class="site"><img src="/logo.png" alt="徽标">'),  # Pagefind's image
    ("</main>", "<h1>另一个标题</h1></main>"),  # Pagefind's title, where the page names none
    ("</main>", '<p data-pagefind-filter="topic">交通</p></main>'),
    ("<!--/search-->", "<!--/search--><!--search-->"),
])
def test_a_page_with_something_pagefind_reads_outside_the_marks_is_given_whole(change):
    page = ('<!DOCTYPE html>\n<html lang="zh-CN"><head><title>公告</title></head><body><header class="site">'
            '</header><main><!--search--><h1 data-pagefind-body>公告</h1><!--/search--></main></body></html>')
    assert search._for_pagefind(page, "2024").startswith('<!DOCTYPE html>\n<html lang="zh-CN"><head><meta ')
    assert "<header" not in search._for_pagefind(page, "2024")
    changed = page.replace(*change)
    assert search._for_pagefind(changed, "2024") == changed.replace(
        "<head>", '<head><meta data-pagefind-filter="shard[content]" content="2024">')


def test_an_edits_plan_comes_from_the_last_plan_and_equals_one_made_from_the_pages(sharded, tmp_path,
                                                                                     monkeypatch):
    """The memo of the last plan is trusted only while no page has changed its year or the pages their set."""
    from generator.incremental.cache import Cache

    content, _ = sharded
    output = tmp_path / "out"
    assert build(content, output, "--no-cache") == 0
    cache = Cache(tmp_path / "memo")
    first = search.plan_shards(output, cache)
    page = output / "guides/n05/index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("相关手续", "相关手续和公积金"), encoding="utf-8")
    with monkeypatch.context() as patched:  # the memo fits: no page is grouped again
        patched.setattr(search, "_page_facts", lambda *a: pytest.fail("planned from every page"))
        edited = search.plan_shards(output, cache)
    assert edited == search.plan_shards(output)
    changed = [a.name for a, b in zip(first, edited) if a.key != b.key]
    assert len(changed) == 1 and "guides/n05/index.html" in next(s.pages for s in edited if s.name == changed[0])
    # A page that moves to another year's shard, and a page that is gone, send the plan back to the pages.
    year = re.search(r'data-pagefind-filter="year:(\d{4})"', page.read_text(encoding="utf-8")).group(1)
    page.write_text(page.read_text(encoding="utf-8").replace(f"year:{year}", "year:1999"), encoding="utf-8")
    moved = search.plan_shards(output, cache)
    assert moved == search.plan_shards(output) and "1999" in [s.name for s in moved]
    (output / next(rel for s in moved for rel in s.pages if rel != "guides/n05/index.html")).unlink()
    assert search.plan_shards(output, cache) == search.plan_shards(output)
    cache.close()


def test_a_shard_indexed_ahead_from_a_page_edited_through_the_output_is_not_kept(sharded, tmp_path, capsys):
    """Output pages are hard links to the cache's blobs. The touch-up starts Pagefind before it has checked
    that they hold their bytes; when one was edited in place, nothing indexed from it may reach the cache,
    or the full way that follows would take that shard from it (its key names the pages' old hashes)."""
    content, _ = sharded
    output = tmp_path / "out"
    assert build(content, output, "--precompress") == 0
    owner = next(pages for pages in shards_of(output).values() if "/guides/n05/" in pages)
    neighbour = output / next(url for url in owner if url != "/guides/n05/").strip("/") / "index.html"
    text = neighbour.read_text(encoding="utf-8")
    word = next(w for w in WORDS if w in text)
    with open(neighbour, "r+b") as page:  # the same inode: its blob changes too
        page.write(text.replace(word, "篡" * len(word)).encode("utf-8"))
    edited = content / "guides/n05.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("相关手续", "相关手续和公积金"), encoding="utf-8")
    time.sleep(0.02)
    capsys.readouterr()
    assert build(content, output, "--precompress", "-v") == 0
    assert "输出目录中的文件被直接修改过" in capsys.readouterr().out
    assert not [f for f in fragments(output) if "篡" in f["content"]]
    assert build(content, tmp_path / "clean", "--precompress", "--no-cache") == 0
    assert snapshot(output) == snapshot(tmp_path / "clean")


@pytest.mark.parametrize("trusted", [True, False])
def test_shards_indexed_ahead_reach_the_cache_only_once_the_pages_are_trusted(sharded, tmp_path, trusted):
    from concurrent.futures import Future

    from generator.core.errors import BuildFailed
    from generator.incremental.cache import Cache

    content, _ = sharded
    output = tmp_path / "out"
    assert build(content, output, "--no-cache") == 0
    pages = {p.relative_to(output).as_posix(): str(p) for p in output.rglob("*.html")
             if not p.relative_to(output).as_posix().startswith("pagefind/")}
    cache, verdict = Cache(tmp_path / "cache"), Future()
    ahead = search.index_ahead(cache, pages, {}, verdict)
    verdict.set_result(trusted)
    try:
        made = ahead.made.result()
    except BuildFailed:  # stopped at the next page it read: the build that went the full way does not ask
        made = None
    kept = [key for key in cache.used_since(0) if key.startswith("site:shard:")]
    if trusted:
        assert sorted(made) == sorted(ahead.indexing) and len(made) >= 6 and kept
    else:
        assert not made and kept == []
    cache.close()
