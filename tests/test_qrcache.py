"""QR codes are drawn once per page address and kept in the build cache, for pages rendered again."""

import sqlite3

from conftest import GOOD_NOTICE, ROOT, build, write_site

from generator.incremental.cache import FOLDER_NAME, code_name
from generator.site import qr
from generator.site.qr import LABEL

FILES = {f"guides/n{i}.md": GOOD_NOTICE.replace("合格的公告", f"公告{i}") for i in range(3)}
BASE = "https://example.org/xz/"


def _theme(root):
    """A user theme whose notice template differs from the default by a comment: every notice page renders again."""
    template = (ROOT / "themes/default/templates/notice.html").read_text(encoding="utf-8")
    (root / "templates").mkdir(parents=True)
    (root / "templates/notice.html").write_text(template + "{# changed #}\n", encoding="utf-8")
    return root


def _pages(output):
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in sorted(output.rglob("*.html"))}


def _rows(tmp_path):
    with sqlite3.connect(tmp_path / FOLDER_NAME / "cache.sqlite") as db:
        return dict(db.execute("SELECT key, svg FROM qr"))


def _refuse(*args, **kwargs):
    raise AssertionError("a QR code was drawn again")


def test_pages_rendered_again_take_their_codes_from_the_cache(tmp_path, monkeypatch):
    content = write_site(tmp_path / "content", FILES)
    output = tmp_path / "out"
    assert build(content, output) == 0
    assert sorted(_rows(tmp_path)) == sorted(code_name(f"{BASE}guides/n{i}/", LABEL) for i in range(3))
    monkeypatch.setattr(qr, "encode", _refuse)
    assert build(content, output, "--theme", str(_theme(tmp_path / "theme"))) == 0
    monkeypatch.undo()
    assert build(content, tmp_path / "fresh", "--no-cache") == 0
    assert _pages(output) == _pages(tmp_path / "fresh")


def test_a_damaged_code_is_drawn_again(tmp_path):
    content = write_site(tmp_path / "content", FILES)
    assert build(content, tmp_path / "out") == 0
    key = code_name(f"{BASE}guides/n1/", LABEL)
    good = _rows(tmp_path)[key]
    with sqlite3.connect(tmp_path / FOLDER_NAME / "cache.sqlite") as db:
        db.execute("UPDATE qr SET svg = replace(svg, 'M4 4', 'M5 4') WHERE key = ?", (key,))  # one stroke moved
    assert _rows(tmp_path)[key] != good
    assert build(content, tmp_path / "out", "--theme", str(_theme(tmp_path / "theme"))) == 0
    assert build(content, tmp_path / "fresh", "--no-cache") == 0
    assert _pages(tmp_path / "out") == _pages(tmp_path / "fresh")
    assert _rows(tmp_path)[key] == good  # drawn again and kept


def test_the_codes_of_pages_gone_are_deleted(tmp_path):
    content = write_site(tmp_path / "content", FILES)
    assert build(content, tmp_path / "out") == 0
    (content / "guides/n2.md").unlink()
    assert build(content, tmp_path / "out") == 0
    assert set(_rows(tmp_path)) == {code_name(f"{BASE}guides/n{i}/", LABEL) for i in range(2)}
    assert not list((tmp_path / FOLDER_NAME).glob("qr-drawn-*"))  # what the processes drew is all in the table
