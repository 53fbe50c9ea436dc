"""--precompress: a .gz beside every text file, byte-identical from build to build."""

import gzip
import time

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


def test_an_edit_recompresses_only_the_files_it_changed(basic_site, tmp_path, monkeypatch):
    """Each twin is kept under the hash of its file: a rebuild compresses only what the edit changed."""
    from generator.build import precompress

    compressed, twinned = [], []
    real, twin = precompress.gzip.compress, precompress._twin
    monkeypatch.setattr(precompress.gzip, "compress", lambda data, *a, **k: compressed.append(data) or real(data, *a, **k))
    monkeypatch.setattr(precompress, "_twin", lambda path, *a: twinned.append(path.name) or twin(path, *a))
    output = tmp_path / "out"
    assert build(basic_site, output, "--precompress") == 0
    first = len(compressed)
    assert first > 20 and len(twinned) == first
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
    assert "robots.txt" not in twinned and len(compressed) <= len(twinned) < first // 2
    monkeypatch.undo()
    assert build(basic_site, tmp_path / "clean", "--precompress", "--no-cache") == 0
    assert snapshot(output) == snapshot(tmp_path / "clean")
