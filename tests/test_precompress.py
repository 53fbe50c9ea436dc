"""--precompress: a .gz beside every text file, byte-identical from build to build."""

import concurrent.futures
import gzip
import re
import threading
import time

import deflate
import pytest
from conftest import build, snapshot


def test_every_text_file_gets_an_identical_gzip_twin(basic_site, tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    assert build(basic_site, first, "--precompress") == 0
    files = snapshot(first)
    texts = [p for p in files if p.rsplit(".", 1)[-1] in {"html", "xml", "css", "js", "json", "txt", "svg", "csv"}]
    assert {"index.html", "feed.xml", "robots.txt", ".gongkai-manifest.json", "catalogue.csv"} <= set(texts)
    assert any(p.startswith("static/css/") for p in texts) and any(p.startswith("static/js/") for p in texts)
    for path in texts:
        assert gzip.decompress(files[path + ".gz"]) == files[path], path
        assert files[path + ".gz"][4:8] == b"\0\0\0\0", "gzip header must carry no time"
    assert not [p for p in files if p.endswith(".gz.gz")]
    assert build(basic_site, second, "--precompress") == 0
    assert snapshot(second) == files


def test_without_the_option_no_gz_is_written(built_basic):
    assert not list(built_basic.rglob("*.gz"))


def test_an_edit_recompresses_only_the_files_it_changed(basic_site, tmp_path, monkeypatch):
    """Each twin is kept under the hash of its file: a rebuild compresses only what the edit changed."""
    import hashlib

    from generator.build import precompress

    compressed, twinned = [], []  # the files compressed, and the files read and hashed to find their twin
    real = precompress.deflate.gzip_compress
    monkeypatch.setattr(precompress.deflate, "gzip_compress",
                        lambda data, *a, **k: compressed.append(data) or real(data, *a, **k))
    monkeypatch.setattr(precompress, "hashlib", type("Hashing", (), {
        "sha256": staticmethod(lambda data: twinned.append(data) or hashlib.sha256(data))}))
    output = tmp_path / "out"
    assert build(basic_site, output, "--precompress") == 0
    first = len(compressed)
    # Rendered pages are compressed by the worker that rendered them: only the other files are read back.
    assert first > 20 and 0 < len(twinned) < first // 2
    assert not any(b"<html" in data for data in twinned)
    compressed.clear()
    twinned.clear()
    alpha = basic_site / "guides/alpha.md"
    alpha.write_text(alpha.read_text(encoding="utf-8") + "\n补充的一段。\n", encoding="utf-8")
    time.sleep(0.02)
    assert build(basic_site, output, "--precompress") == 0
    assert 0 < len(compressed) < first // 2
    assert any("补充的一段" in data.decode("utf-8", "replace") for data in compressed)
    assert not any(b"User-agent" in data for data in compressed)  # robots.txt did not change
    # The touch-up keeps the twins of the files it kept: the others are not even read again.
    assert not any(b"User-agent" in data for data in twinned) and len(compressed) <= len(twinned) < first // 2
    monkeypatch.undo()
    assert build(basic_site, tmp_path / "clean", "--precompress", "--no-cache") == 0
    assert snapshot(output) == snapshot(tmp_path / "clean")


def _search_on(site):
    yaml = site / "site.yaml"
    yaml.write_text(re.sub(r"(?m)^search: false.*\n", "", yaml.read_text(encoding="utf-8")), encoding="utf-8")
    return site


def _texts(files):
    return [p for p in files if p.rsplit(".", 1)[-1] in {"html", "xml", "css", "js", "json", "txt", "svg", "csv"}]


@pytest.mark.parametrize("search", [False, True], ids=["search-off", "search-on"])
def test_twins_made_by_threads_are_libdeflate_of_their_own_file_whatever_the_thread_count(
        basic_site, tmp_path, monkeypatch, search):
    """Threads compress the files (with search on, the pages while the index is built, then the index's own):
    each twin must be libdeflate's compression of its own file, none missing, and the same site whether one thread or
    four made it, with the cache or without."""
    from generator.build import precompress

    content = _search_on(basic_site) if search else basic_site
    monkeypatch.setattr(precompress, "AHEAD", 1)  # few files under way: results arrive out of order more often
    outputs = {}
    for name, count, extra in (("one", 1, ()), ("four", 4, ()), ("uncached", 4, ("--no-cache",))):
        monkeypatch.setattr(precompress, "threads", lambda count=count: count)
        assert build(content, tmp_path / name, "--precompress", *extra) == 0
        outputs[name] = snapshot(tmp_path / name)
    files = outputs["four"]
    texts = _texts(files)
    assert len(texts) > 30
    assert any(p.startswith("pagefind/") for p in texts) == search
    for path in texts:
        assert files[path + ".gz"] == deflate.gzip_compress(files[path], precompress.LEVEL), path
    assert sorted(p for p in files if p.endswith(".gz")) == sorted(p + ".gz" for p in texts)
    assert outputs["one"] == files and outputs["uncached"] == files


def test_a_twin_that_cannot_be_written_fails_the_build_with_the_file_named(basic_site, tmp_path, monkeypatch, capsys):
    """A failing compression in a thread ends the build with a one-line error; the site before stays."""
    from generator.build import precompress

    output = tmp_path / "out"
    assert build(basic_site, output, "--precompress") == 0
    before = snapshot(output)
    alpha = basic_site / "guides/alpha.md"
    alpha.write_text(alpha.read_text(encoding="utf-8") + "\n磁盘满了之前的一段。\n", encoding="utf-8")
    real = precompress.deflate.gzip_compress

    def full_disk(data, *args, **kwargs):
        if "磁盘满了之前".encode() in data:
            raise OSError(28, "No space left on device")
        return real(data, *args, **kwargs)

    monkeypatch.setattr(precompress.deflate, "gzip_compress", full_disk)
    capsys.readouterr()
    assert _within(20, lambda: build(basic_site, output, "--precompress")) == 1
    err = capsys.readouterr().err
    # The first file in the site's order that holds the paragraph (its feed lists the notice's text), and
    # no other: each of the failing files after it would say the same.
    assert err.startswith("feed.xml:1: 无法写入它的压缩副本（No space left on device）；") and err.count("压缩副本") == 1
    assert "Traceback" not in err
    assert snapshot(output) == before
    assert not [t for t in threading.enumerate() if t.name.startswith(("gzip", "precompress"))]


def test_with_search_on_a_failing_index_stops_the_compression_begun_beside_it(basic_site, tmp_path, monkeypatch,
                                                                             capsys):
    """The pages are compressed while the index is built; when the indexer fails, the build waits for that
    compression, reports the indexer's error and leaves the site before in place."""
    from generator.build import precompress, sitesteps
    from generator.core.errors import BuildFailed, Diagnostic

    content, output = _search_on(basic_site), tmp_path / "out"
    assert build(content, output, "--precompress") == 0
    before = snapshot(output)
    alpha = content / "guides/alpha.md"
    alpha.write_text(alpha.read_text(encoding="utf-8") + "\n又一段。\n", encoding="utf-8")

    def failing_index(site, cache=None, files=None, link=None, begin=None, blobs=None, linked=None, ahead=None):
        begin()  # the kept shards are in place: the compression starts, then the indexer fails
        raise BuildFailed([Diagnostic("site.yaml", 1, "生成搜索索引失败（测试）")])

    real = precompress.deflate.gzip_compress
    monkeypatch.setattr(sitesteps, "index_site", failing_index)
    monkeypatch.setattr(precompress.deflate, "gzip_compress",
                        lambda *a, **k: time.sleep(0.05) or real(*a, **k))  # still busy
    capsys.readouterr()
    assert _within(20, lambda: build(content, output, "--precompress")) == 1
    assert "site.yaml:1: 生成搜索索引失败（测试）" in capsys.readouterr().err
    assert snapshot(output) == before
    assert not [t for t in threading.enumerate() if t.name.startswith(("gzip", "precompress"))]


def _within(seconds, work):
    """Run work in a thread and return its result, failing the test if it has not ended in time (a hang)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(work).result(timeout=seconds)


def test_a_full_build_lists_the_twins_and_shard_files_it_linked_without_reading_them_back(basic_site, tmp_path,
                                                                                          monkeypatch):
    """The site's step output is kept for the next identical site: files linked from a blob are listed by it."""
    from generator.incremental.cache import Cache

    stored, real = [], Cache.store_page
    monkeypatch.setattr(Cache, "store_page", lambda self, key, data: stored.append(key) or real(self, key, data))
    output = tmp_path / "out"
    assert build(_search_on(basic_site), output, "--precompress") == 0
    site_keys = [key for key in stored if key.startswith("site:") and not key.startswith("site:shard:")
                 and key.count(":") == 2]
    read_back = [key.rsplit(":", 1)[1] for key in site_keys]
    assert not [rel for rel in read_back if rel.endswith(".gz") or "/fragment/" in rel], read_back
    assert "pagefind/shards.json" in read_back  # written by the indexer itself, so read
    monkeypatch.undo()
    assert build(basic_site, tmp_path / "clean", "--precompress", "--no-cache") == 0
    assert snapshot(output) == snapshot(tmp_path / "clean")
