"""The QR codes of page addresses: the same symbols a general encoder makes, drawn as before, read back by a decoder."""

from itertools import groupby

import pytest
import segno
import segno.encoder
from qrdecode import decode_svg

from generator.site.qr import LABEL, qr_svg
from generator.site.qrencode import REFERENCE_LENGTHS, codewords, encode, encoded, layout, unmasked, version_for
from generator.site.qrmask import best_mask

# The most bytes each version holds at level M, from the standard's capacity table (ISO/IEC 18004 table 7).
CAPACITY = (14, 26, 42, 62, 84, 106, 122, 152, 180, 213, 251, 287, 331, 362, 412, 450, 504, 560, 624, 666,
            711, 779, 857, 911, 997, 1059, 1125, 1190, 1264, 1370, 1452, 1538, 1628, 1722, 1809, 1911, 1989, 2099,
            2213, 2331)


def _data(length: int, seed: int = 0) -> bytes:
    """Bytes of every value, different for every length, as an address never is but an encoder must take."""
    return bytes((i * 151 + length * 7 + seed) % 256 for i in range(length))


def _segno(data: bytes, mask: int | None) -> segno.QRCode:
    return segno.make(data, error="m", mode="byte", micro=False, mask=mask, boost_error=False)


@pytest.fixture
def standard_padding(monkeypatch):
    """Make segno pad as the standard says (7.4.10): no padding bits when the stream ends on a codeword boundary.

    segno 1.6.6 adds a zero codeword there (heuer/segno issues 123 and 148); a byte-mode stream
    always ends on one, so every symbol with room to spare would differ in its pad codewords.
    """
    monkeypatch.setattr(segno.encoder, "write_padding_bits",
                        lambda buff, version, length: buff.extend([0] * (-length % 8)))


def test_the_smallest_version_that_holds_the_address_is_chosen():
    assert [version_for(n) for n in CAPACITY] == list(range(1, 41))
    assert [version_for(n + 1) for n in CAPACITY[:-1]] == list(range(2, 41))
    with pytest.raises(ValueError, match="2332 bytes do not fit"):
        version_for(2332)


@pytest.mark.parametrize("version", range(1, 41))
def test_a_full_symbol_equals_segnos_with_every_mask(version):
    data = _data(CAPACITY[version - 1])  # no padding at all, where segno follows the standard
    for mask in range(8):
        ours = encode(data, mask)
        assert ours.size == 17 + 4 * version
        assert ours.rows() == [list(row) for row in _segno(data, mask).matrix], mask


@pytest.mark.parametrize("version", range(1, 41))
def test_a_padded_symbol_equals_segnos(version, standard_padding):
    smallest = CAPACITY[version - 2] + 1 if version > 1 else 1
    for length, mask in ((smallest, version % 8), ((smallest + CAPACITY[version - 1]) // 2, (version + 3) % 8)):
        data = _data(length, seed=version)
        assert encode(data, mask).rows() == [list(row) for row in _segno(data, mask).matrix], (length, mask)


def test_pad_codewords_follow_the_terminator_directly():
    data = b"https://gk.example.cn/a/"  # 24 bytes: version 2 (28 data codewords), two to pad
    words = codewords(data, 2)
    assert len(words) == layout(2).data_codewords == 28
    assert words[:2] == bytes([0x40 | len(data) >> 4, (len(data) & 15) << 4 | data[0] >> 4])  # mode 0100, length
    assert words[-2:] == b"\xec\x11"  # segno puts 0x00 before them
    assert words[-3] == (data[-1] & 15) << 4  # the last half byte, then the 4-bit terminator: 2 + 24 codewords


def test_the_printed_board_takes_the_mask_segno_picks_by_the_penalty_rules(standard_padding):
    addresses = [f"https://gk.example.gov.cn/mzzj/notices/n{i:06d}/" for i in range(0, 4000, 37)]
    addresses += ["https://gk.example.gov.cn/" + "gk-2025/" * n for n in range(0, 90, 7)]  # versions 2 to 13
    picks = [best_mask(url.encode()) for url in addresses]
    assert picks == [_segno(url.encode(), None).mask for url in addresses]
    assert len(set(picks)) >= 4  # the rules do choose: a fixed answer would fail here


def _drawn_the_old_way(matrix, label=LABEL):
    """Draw a matrix as qr_svg always has: runs of dark modules per row, four modules of quiet zone."""
    strokes = []
    for y, row in enumerate(matrix, start=4):
        x = 4
        for dark, run in groupby(row):
            length = len(list(run))
            if dark:
                strokes.append(f"M{x} {y}.5h{length}")
            x += length
    side = len(matrix) + 8
    return (f'<svg role="img" aria-label="{label}" viewBox="0 0 {side} {side}" class="qr-code">'
            f'<path stroke="#000" d="{"".join(strokes)}"/></svg>')


ADDRESSES = ["https://gk.example.gov.cn/", "https://bench.example.org/gk/notices/n000123/",
             "https://gk.example.gov.cn/mzzj/guides/religious-activity-venue-registration/",
             "https://gk.example.gov.cn/公开/通知公告/2025/关于开展民族团结进步创建工作的通知/",
             "https://gk.example.gov.cn/xz/?q=" + "0123456789abcdef" * 30]


@pytest.mark.parametrize("url", ADDRESSES)
def test_the_svg_keeps_its_form_and_a_phone_reads_the_address(url, standard_padding):
    expected = _segno(url.encode(), 0).matrix
    assert str(qr_svg(url)) == _drawn_the_old_way(expected)
    board = _segno(url.encode(), None).matrix  # the mask by the penalty rules
    label = "网上原文的二维码"
    assert str(qr_svg(url, label, best_mask=True)) == _drawn_the_old_way(board, label)
    assert decode_svg(str(qr_svg(url))) == [url]
    assert decode_svg(str(qr_svg(url, best_mask=True))) == [url]


def test_a_decoder_reads_codes_of_every_size_and_mask():
    for version in (1, 2, 3, 4, 5, 7, 9, 10, 14, 20, 27, 40):
        length = CAPACITY[version - 1] - version  # padded, a few bytes short of full
        address = ("https://gk.example.gov.cn/" + "公开栏/n-0123456789" * 200).encode()
        url = address[:length].decode("utf-8", "ignore")
        assert version_for(len(url.encode())) == version
        svg = str(qr_svg(url))
        assert decode_svg(svg) == [url], version
    url = "https://gk.example.gov.cn/mzzj/notices/n000123/"
    for mask in range(8):
        symbol = encode(url.encode(), mask)
        rows = symbol.rows()
        matrix = "".join(f"M{x + 4} {y + 4}.5h1" for y, row in enumerate(rows) for x, dark in enumerate(row) if dark)
        side = symbol.size + 8
        assert decode_svg(f'<svg viewBox="0 0 {side} {side}"><path d="{matrix}"/></svg>') == [url], mask


def test_codes_made_from_an_earlier_address_of_the_same_length_equal_segnos(standard_padding):
    """After the first address of a length, a code is that one's XOR what the differing bytes add: each
    must still be the symbol a general encoder makes, also once more lengths came than are remembered."""
    site = [f"https://gk.example.gov.cn/mzzj/notices/n{i:06d}/" for i in (7, 8, 1234, 999999, 500000)]
    site += [f"https://gk.example.gov.cn/mzzj/{c}/2025/{i:x}/" for c in ("guides", "budget") for i in (1, 255)]
    length = len(site[0].encode())
    unrelated = [bytes((i * 97 + 13) % 256 for i in range(length)), b"Z" * length]  # every byte differs
    many_lengths = [f"https://gk.example.gov.cn/{'x' * n}/".encode() for n in range(REFERENCE_LENGTHS + 10)]
    for data in [u.encode() for u in site] + unrelated + many_lengths + [u.encode() for u in site]:
        assert unmasked(data) == encoded(data)
        assert encode(data, 0).rows() == [list(row) for row in _segno(data, 0).matrix], data
    assert decode_svg(str(qr_svg(site[2]))) == [site[2]]
