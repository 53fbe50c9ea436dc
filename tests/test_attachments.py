"""附件: copied beside the notice, listed with format and size; never taken from outside the content folder."""

import os

from conftest import GOOD_NOTICE, build, write_site
from pdfs import tiny_pdf


def with_attachments(meta: str) -> str:
    return GOOD_NOTICE.replace("---\n正文。\n", f"{meta}---\n正文。\n")


def test_attachments_are_copied_and_listed(tmp_path):
    pdf = tiny_pdf(["Application form"])
    content = write_site(tmp_path / "c", {
        "guides/a.md": with_attachments("attachments:\n  - {file: files/form.pdf, title: 申请表}\n  - 清单.txt\n"),
        "guides/files/form.pdf": pdf,
        "guides/清单.txt": "材料一\n" * 300,
    })
    assert build(content, tmp_path / "out") == 0
    folder = tmp_path / "out/guides/a"
    assert (folder / "form.pdf").read_bytes() == pdf
    html = (folder / "index.html").read_text()
    assert f'<a href="../../guides/a/form.pdf" download>申请表</a>（PDF，{len(pdf)} B）' in html
    assert '>清单</a>（TXT，2.9 KB）'  # 3,000 bytes in html


def test_symlink_leading_outside_is_refused_without_showing_its_content(tmp_path, capsys):
    secret = tmp_path / "secret.txt"
    secret.write_text("机密内容不可外泄", encoding="utf-8")
    content = write_site(tmp_path / "c", {"guides/a.md": with_attachments("attachments: [link.txt]\n")})
    os.symlink(secret, content / "guides/link.txt")
    assert build(content, tmp_path / "out") == 1
    err = capsys.readouterr().err
    assert "guides/a.md:6: 附件「link.txt」在内容目录之外" in err and "机密" not in err


def test_absolute_path_is_refused(tmp_path, capsys):
    content = write_site(tmp_path / "c", {"guides/a.md": with_attachments("attachments: [/etc/hostname]\n")})
    assert build(content, tmp_path / "out") == 1
    assert "guides/a.md:6: 附件「/etc/hostname」是绝对路径" in capsys.readouterr().err


def test_attachment_of_a_draft_is_not_published(tmp_path):
    content = write_site(tmp_path / "c", {
        "guides/a.md": GOOD_NOTICE,
        "guides/b.md": with_attachments("draft: true\nattachments: [b.txt]\n"),
        "guides/b.txt": "草稿附件",
    })
    assert build(content, tmp_path / "out") == 0
    assert not list((tmp_path / "out").rglob("b.txt"))


def test_an_image_a_body_names_that_links_outside_the_content_folder_is_refused(tmp_path, capsys):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not for publication")
    content = write_site(tmp_path / "content", {
        "guides/ok.md": GOOD_NOTICE.replace("正文。", "正文。\n\n![图](pic.png)\n\n![上级](../../../secret.png)")})
    (content / "guides/pic.png").symlink_to(secret)
    output = tmp_path / "output"
    assert build(content, output) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        "guides/ok.md:9: 正文引用的文件「pic.png」在内容目录之外（.. 或符号链接）：附件必须放在内容目录中")
    (content / "guides/pic.png").unlink()
    (content / "guides/ok.md").write_text(GOOD_NOTICE.replace("正文。", "正文。\n\n![上级](../../../secret.png)"),
                                          encoding="utf-8")
    assert build(content, output) == 0  # a path that climbs out names another page, never a file to copy
    assert not any(b"not for publication" in p.read_bytes() for p in output.rglob("*") if p.is_file())


def test_a_file_in_the_notice_s_own_folder_is_found_by_its_name(tmp_path):
    content = write_site(tmp_path / "c", {
        "guides/a.md": with_attachments("attachments: [申请表.pdf, 清单.txt]\n"),
        "guides/a/申请表.pdf": b"%PDF-1.4 form",
        "guides/清单.txt": "beside the notice wins",
        "guides/a/清单.txt": "in its folder",
    })
    assert build(content, tmp_path / "out") == 0
    assert (tmp_path / "out/guides/a/申请表.pdf").read_bytes() == b"%PDF-1.4 form"
    assert (tmp_path / "out/guides/a/清单.txt").read_text(encoding="utf-8") == "beside the notice wins"


def test_a_notice_folder_that_leads_outside_is_refused(tmp_path, capsys):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.txt").write_text("机密内容不可外泄", encoding="utf-8")
    content = write_site(tmp_path / "c", {"guides/a.md": with_attachments("attachments: [x.txt]\n")})
    os.symlink(outside, content / "guides/a")
    assert build(content, tmp_path / "out") == 1
    err = capsys.readouterr().err
    assert "guides/a.md:6: 附件「x.txt」在内容目录之外" in err and "机密" not in err
