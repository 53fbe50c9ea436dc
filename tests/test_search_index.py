"""The search index built into the output: only published notices' titles and bodies, never navigation."""

import gzip
import json
import re

from conftest import build, snapshot

from generator.build.pagefind_order import read_data


def search_site(basic_site):
    """Switch the fixture site's search index back on."""
    yaml = basic_site / "site.yaml"
    yaml.write_text(re.sub(r"(?m)^search: false.*\n", "", yaml.read_text(encoding="utf-8")), encoding="utf-8")
    return basic_site


def fragments(output):
    """Decode every indexed page Pagefind wrote."""
    found = []
    for path in sorted(output.glob("pagefind/*/fragment/*")):
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
    assert alpha["filters"] == {"category": ["办事指南"], "year": ["2024"]}
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
        assert name in ("category", "year") and [v[0] for v in values] == sorted(v[0] for v in values)


def test_fixture_sites_can_skip_the_index(built_basic):
    assert not (built_basic / "pagefind").exists()
    assert (built_basic / "search/index.html").is_file()
