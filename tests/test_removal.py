"""Removal is deliberate: published URLs are recorded, and one may go only by withdrawal or redirect."""

import json

import pytest
from conftest import GOOD_NOTICE, build, run_inline, snapshot, write_site

MOVED = GOOD_NOTICE.replace("category: guides", "category: results")


def _site(tmp_path, files):
    return write_site(tmp_path / "content", files)


def test_moving_a_notice_with_redirect_from_keeps_the_old_url_answering(tmp_path):
    content = _site(tmp_path, {"guides/ok.md": GOOD_NOTICE})
    output = tmp_path / "output"
    assert build(content, output) == 0
    (content / "guides/ok.md").unlink()
    (content / "results/ok.md").parent.mkdir()
    (content / "results/ok.md").write_text(MOVED.replace("---\n正文", "redirect_from: [guides/ok/]\n---\n正文"),
                                           encoding="utf-8")
    assert build(content, output) == 0
    page = (output / "guides/ok/index.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=../../results/ok/">' in page
    assert '<link rel="canonical" href="https://example.org/xz/results/ok/">' in page
    assert '<a href="../../results/ok/">合格的公告</a>' in page
    assert "<script" not in page
    assert (output / "results/ok/index.html").is_file()
    manifest = json.loads((output / ".gongkai-manifest.json").read_text(encoding="utf-8"))
    assert manifest == {"urls": ["guides/ok/", "results/ok/"]}


def test_a_published_url_that_would_vanish_fails_check_and_build_and_names_it(tmp_path):
    content = _site(tmp_path, {"guides/ok.md": GOOD_NOTICE, "guides/other.md": GOOD_NOTICE})
    output, live = tmp_path / "output", tmp_path / "live-manifest.json"
    assert build(content, output, "--manifest", str(live), "--first-publication") == 0
    before = snapshot(output)
    (content / "guides/ok.md").rename(content / "guides/renamed.md")
    for extra in (["--check"], []):
        result = run_inline(*extra, "--manifest", str(live), "--content", str(content), "--output", str(output))
        assert result.returncode == 1
        assert result.stderr.splitlines()[0] == (
            "live-manifest.json:1: 网址 /guides/ok/ 曾经发布过，本次构建后将不复存在：若公告已移动或改名，"
            "请在新公告中加上 redirect_from: [guides/ok/]；若要撤下，请保留文件并写上 status: 已撤回 和 "
            "withdrawal_reason（撤回原因）")
        assert snapshot(output) == before


def test_renaming_a_notice_only_built_locally_is_free(tmp_path):
    # The output folder's manifest records a local build, not what the public site published.
    content = _site(tmp_path, {"guides/notice-20241115.md": GOOD_NOTICE})
    output = tmp_path / "output"
    assert build(content, output) == 0
    (content / "guides/notice-20241115.md").rename(content / "guides/office-hours.md")
    for extra in (["--check"], []):
        result = run_inline(*extra, "--content", str(content), "--output", str(output))
        assert result.returncode == 0, result.stderr
        assert "曾经发布过" not in result.stderr
    assert (output / "guides/office-hours/index.html").is_file()
    assert not (output / "guides/notice-20241115").exists()


def test_a_withdrawn_notice_leaves_a_stub_with_its_reason_and_nothing_else(tmp_path):
    content = _site(tmp_path, {"guides/ok.md": GOOD_NOTICE, "guides/other.md": GOOD_NOTICE})
    output = tmp_path / "output"
    assert build(content, output) == 0
    (content / "guides/ok.md").write_text(GOOD_NOTICE.replace(
        "---\n正文", "状态: 已撤回\n撤回原因: 数据有误，已另行发布更正\n---\n正文"), encoding="utf-8")
    assert build(content, output) == 0
    stub = (output / "guides/ok/index.html").read_text(encoding="utf-8")
    assert "已撤回" in stub and "撤回原因：数据有误，已另行发布更正" in stub
    assert "正文。" not in stub
    for listing in ("index.html", "guides/index.html", "feed.xml", "rss.xml", "sitemap.xml", "guides/feed.xml"):
        assert "guides/ok/" not in (output / listing).read_text(encoding="utf-8"), listing
    assert "guides/ok/" in (output / ".gongkai-manifest.json").read_text(encoding="utf-8")
    live = output / ".gongkai-manifest.json"
    result = run_inline("--check", "--manifest", str(live), "--content", str(content), "--output", str(output))
    assert result.returncode == 0


def test_withdrawal_needs_a_reason_and_status_a_known_value(tmp_path):
    content = _site(tmp_path, {
        "guides/a.md": GOOD_NOTICE.replace("---\n正文", "status: withdrawn\n---\n正文"),
        "guides/b.md": GOOD_NOTICE.replace("---\n正文", "status: 作废\n---\n正文"),
    })
    result = run_inline("--check", "--content", str(content))
    assert result.returncode == 1
    assert result.stderr.splitlines()[:2] == [
        "guides/a.md:6: status 为已撤回时必须写明撤回原因，例如 withdrawal_reason: 内容有误，已重新发布",
        "guides/b.md:6: status（有效性）「作废」无效，可用的值：valid（有效）、amended（已修改）、repealed（已废止）、expired（已失效）、withdrawn（已撤回）",
    ]


def test_redirect_from_accepts_full_and_rooted_urls_and_refuses_a_live_page(tmp_path):
    content = _site(tmp_path, {
        "guides/a.md": GOOD_NOTICE.replace("---\n正文", "aliases: [https://example.org/xz/guides/old/, /xz/guides/older/index.html]\n---\n正文"),
        "guides/b.md": GOOD_NOTICE.replace("---\n正文", "redirect_from: guides/a/\n---\n正文"),
        "guides/c.md": GOOD_NOTICE.replace("---\n正文", "redirect_from: [../etc/]\n---\n正文"),
    })
    result = run_inline("--check", "--content", str(content))
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "guides/c.md:6: redirect_from（旧网址）「../etc/」不是本站的网址，请写成 分类/网址名/ 的形式，例如 guides/old-slug/")
    (content / "guides/c.md").unlink()
    result = run_inline("--check", "--content", str(content))
    assert result.stderr.splitlines()[0] == (
        "guides/b.md:6: redirect_from 中的旧网址 /guides/a/ 仍被一个现有页面使用，不能再跳转：请删去这一项")
    (content / "guides/b.md").unlink()
    output = tmp_path / "output"
    assert build(content, output) == 0
    assert (output / "guides/old/index.html").is_file() and (output / "guides/older/index.html").is_file()


def test_the_manifest_lists_only_published_notices_and_ci_can_keep_it_elsewhere(basic_site, tmp_path):
    kept = tmp_path / "ci/manifest.json"
    assert build(basic_site, tmp_path / "one", "--manifest", str(kept), "--first-publication") == 0
    urls = json.loads(kept.read_text(encoding="utf-8"))["urls"]
    assert urls == ["guides/alpha/", "guides/beta/", "guides/gamma/", "results/batch-1/"]
    assert kept.read_bytes() == (tmp_path / "one/.gongkai-manifest.json").read_bytes()
    # A fresh machine has no output folder; the kept manifest still guards the published URLs.
    (basic_site / "guides/beta.md").unlink()
    result = run_inline("--check", "--manifest", str(kept), "--content", str(basic_site),
                     "--output", str(tmp_path / "fresh"))
    assert result.returncode == 1 and "网址 /guides/beta/ 曾经发布过" in result.stderr


def test_a_withdrawn_notice_that_is_not_public_leaves_no_trace(tmp_path):
    withdrawn = "status: 已撤回\nwithdrawal_reason: 撤回\n"
    content = _site(tmp_path, {
        "guides/ok.md": GOOD_NOTICE,
        "guides/secret.md": GOOD_NOTICE.replace("---\n正文", withdrawn + "disclosure: 不予公开\n---\n正文"),
        "guides/later.md": GOOD_NOTICE.replace("2024-05-15", "2099-01-01").replace("---\n正文", withdrawn + "---\n正文"),
    })
    output = tmp_path / "output"
    assert build(content, output) == 0
    for path, data in snapshot(output).items():
        assert b"secret" not in data and b"later" not in data and "secret" not in path and "later" not in path


@pytest.mark.parametrize(("held", "found"), [
    ("<html><body>502 Bad Gateway</body></html>", "内容不是 JSON（开头是「<html><body>502 Bad Gateway</body></html>」，可能是下载失败时得到的错误页）"),
    ("", "文件是空的"),
    ("[1, 2, 3]", "JSON 中没有网址列表 urls（应为 {\"urls\": [\"…\", …]}）"),
    ('{"urls": 5}', "JSON 中没有网址列表 urls（应为 {\"urls\": [\"…\", …]}）"),
    (None, "这是一个目录，不是已发布网址清单文件"),
    ("absent", "文件不存在；若网站从未发布过，请加 --first-publication"),
])
def test_a_manifest_that_is_not_one_stops_the_build_instead_of_guarding_nothing(tmp_path, held, found):
    content = _site(tmp_path, {"guides/ok.md": GOOD_NOTICE, "guides/other.md": GOOD_NOTICE})
    output, live = tmp_path / "output", tmp_path / "live-manifest.json"
    assert build(content, output, "--manifest", str(live), "--first-publication") == 0
    before = snapshot(output)
    (content / "guides/ok.md").unlink()  # a removal the manifest exists to catch
    live.unlink()
    if held is None:
        live.mkdir()
    elif held != "absent":
        live.write_text(held, encoding="utf-8")
    for extra in (["--check"], []):
        result = run_inline(*extra, "--manifest", str(live), "--content", str(content), "--output", str(output))
        assert result.returncode == 1, result.stdout
        assert "Traceback" not in result.stderr
        assert result.stderr.splitlines()[0] == (
            f"{live}:1: --manifest 指定的已发布网址清单不可用：{found}。为防止已发布的网址被误删，构建已停止；请重新下载线上的清单后再构建")
    assert snapshot(output) == before
    if held is not None and held != "absent":
        assert live.read_text(encoding="utf-8") == held
