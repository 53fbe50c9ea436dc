"""Privacy check: ID and bank-card numbers stop the build, masked in every message."""

import pytest
from conftest import GOOD_NOTICE, build, write_site
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pdfs import tiny_pdf

from generator.disclosure.privacy import (
    CANDIDATE,
    CARD_NUMBER,
    ID_NUMBER,
    MOBILE,
    find_numbers,
    is_id_number,
    passes_luhn,
)

ID = "11010519491231002X"  # the worked example of GB 11643
CARD = "4111111111111111"  # a Luhn-valid test card number


def notice(extra_meta: str = "", body: str = "正文。") -> str:
    return GOOD_NOTICE.replace("---\n正文。\n", f"{extra_meta}---\n{body}\n")


def test_id_check_digit_and_birth_date_decide():
    assert is_id_number(ID)
    assert not is_id_number(ID[:-1] + "1")  # wrong check character
    assert not is_id_number("110105194913310025")  # month 13
    assert passes_luhn(CARD) and not passes_luhn(CARD[:-1] + "2")


@pytest.mark.parametrize("text", [f"编号{ID[:-1]}1。", "1101**********002X", "4111********1111", "文号 20240515000001"])
def test_invalid_or_masked_numbers_pass(text):
    assert [f for f in find_numbers(text) if f[3] == "error"] == []


def test_id_in_body_fails_naming_line_and_masked(tmp_path, capsys):
    content = write_site(tmp_path / "c", {"guides/a.md": notice(body=f"第一行。\n\n身份证号：{ID}")})
    assert build(content, tmp_path / "out") == 1
    err = capsys.readouterr().err
    assert "guides/a.md:9: 含有疑似身份证号 1101**********002X" in err
    assert ID not in err and ID[4:14] not in err
    assert not (tmp_path / "out").exists()


def test_card_number_with_spaces_in_title_fails(tmp_path, capsys):
    spaced = " ".join(CARD[i:i + 4] for i in range(0, 16, 4))
    content = write_site(tmp_path / "c", {"guides/a.md": GOOD_NOTICE.replace("合格的公告", f"退款账号{spaced}")})
    assert build(content, tmp_path / "out") == 1
    err = capsys.readouterr().err
    assert "guides/a.md:2: 含有疑似银行卡号 4111********1111" in err and spaced not in err


def test_numbers_in_text_and_pdf_attachments_fail(tmp_path, capsys):
    content = write_site(tmp_path / "c", {
        "guides/a.md": notice("attachments: [list.csv, form.pdf]\n"),
        "guides/list.csv": f"姓名,证件号\n张某,{ID}\n",
        "guides/form.pdf": tiny_pdf(["Applicant ID:", ID]),
    })
    assert build(content, tmp_path / "out") == 1
    err = capsys.readouterr().err
    assert "guides/list.csv:2: 附件（公告 guides/a.md）含有疑似身份证号 1101**********002X" in err
    assert "guides/a.md:6: 附件 form.pdf 第 1 页含有疑似身份证号 1101**********002X" in err
    assert ID not in err


def test_privacy_reviewed_publishes_and_is_listed(tmp_path, capsys):
    content = write_site(tmp_path / "c", {"guides/a.md": notice("privacy_reviewed: 当事人书面同意公开\n", f"账号{CARD}")})
    assert build(content, tmp_path / "out") == 0
    assert "经隐私审查后公开：guides/a.md（当事人书面同意公开）" in capsys.readouterr().out
    assert CARD in (tmp_path / "out/guides/a/index.html").read_text()


def test_mobile_number_warns_only(tmp_path, capsys):
    content = write_site(tmp_path / "c", {"guides/a.md": notice(body="联系手机13912345678。")})
    assert build(content, tmp_path / "out") == 0
    assert "guides/a.md:7: 警告：含有手机号码 139****5678" in capsys.readouterr().err


def test_unpublished_notice_is_not_scanned(tmp_path):
    content = write_site(tmp_path / "c", {"guides/a.md": GOOD_NOTICE,
                                          "guides/b.md": notice("draft: true\n", f"身份证号{ID}")})
    assert build(content, tmp_path / "out") == 0


def test_standalone_pages_are_scanned_too(tmp_path, capsys):
    content = write_site(tmp_path / "c", {"guides/a.md": GOOD_NOTICE,
                                          "pages/contact.md": f"---\ntitle: 联系我们\n---\n电话：000-00000001\n\n户名账号：{CARD}\n"})
    assert build(content, tmp_path / "out") == 1
    assert "pages/contact.md:6: 含有疑似银行卡号 4111********1111" in capsys.readouterr().err


DIGITS = "0123456789１２３４５６７８９０٣"  # ASCII, full-width and Arabic-Indic digits all count as digits
# Runs of digits joined by what may split a card number, and what may stand beside one.
RUNS = st.builds(lambda runs, sep: sep.join(runs), st.lists(st.text(DIGITS, min_size=1, max_size=19), min_size=1, max_size=5),
                 st.sampled_from(["", " ", "-", "  ", "--"]))


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(st.one_of(RUNS, st.sampled_from(["1", " ", "-", "X", "x", "a", "号", "。", "\n"])), max_size=8).map("".join))
@example(f"身份证{ID}")
@example("卡号 4111 1111 1111 1111")
@example("卡号 ４１１１-１１１１-１１１１-１１１１-１")
@example("手机 13800138000。")
def test_the_quick_pre_scan_never_hides_a_number(text):
    """Texts without a candidate run of digits skip the three scans, so each match must have one."""
    if any(pattern.search(text) for pattern in (ID_NUMBER, CARD_NUMBER, MOBILE)):
        assert CANDIDATE.search(text)
