"""--precompress: a .gz beside every text file, byte-identical from build to build."""

import gzip

from conftest import build, snapshot


def test_every_text_file_gets_an_identical_gzip_twin(basic_site, tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    assert build(basic_site, first, "--precompress") == 0
    files = snapshot(first)
    texts = [p for p in files if p.rsplit(".", 1)[-1] in {"html", "xml", "css", "js", "json", "txt", "svg"}]
    assert {"index.html", "feed.xml", "robots.txt", ".gongkai-manifest.json"} <= set(texts)
    assert any(p.startswith("static/css/") for p in texts) and any(p.startswith("static/js/") for p in texts)
    for path in texts:
        assert gzip.decompress(files[path + ".gz"]) == files[path], path
        assert files[path + ".gz"][4:8] == b"\0\0\0\0", "gzip header must carry no time"
    assert not [p for p in files if p.endswith(".gz.gz")]
    assert build(basic_site, second, "--precompress") == 0
    assert snapshot(second) == files


def test_without_the_option_no_gz_is_written(built_basic):
    assert not list(built_basic.rglob("*.gz"))
