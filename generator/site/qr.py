"""Render stage, QR codes: a page's address as an inline SVG, for 扫一扫在手机打开 and the printed board.

Made while rendering, not with the views, so a page that comes from the cache costs nothing:
at 10,000 notices, making every code up front cost seconds a build.
"""

from __future__ import annotations

from functools import cache

from markupsafe import Markup

from generator.site.qrencode import encode
from generator.site.qrmask import best_mask as _best_mask

LABEL = "本页网址的二维码"
FIXED_MASK = 0  # the checkerboard: it breaks runs of one colour in both directions, which readers stumble on
QUIET_ZONE = 4  # modules of white around the code, as the standard asks


def qr_svg(url: str, label: str = LABEL, best_mask: bool = False) -> Markup:
    """Return the QR code of `url` as an SVG element that scales with its box (CSS sets the size).

    Error level M survives a smudged print; the quiet zone of four modules is kept, since a
    phone cannot find a code that touches the text around it. Any of the eight mask patterns
    gives a code every reader decodes; trying all eight for the one with the fewest awkward
    patterns took 5 ms a code, four times the rest of a notice page, so pages on screen take
    a fixed one and only the printed board (`best_mask`), a few sheets, pays for the search.
    """
    data = url.encode("utf-8")
    mask = _best_mask(data) if best_mask else FIXED_MASK
    code = encode(data, mask)
    side = code.size + 2 * QUIET_ZONE
    return Markup(
        f'<svg role="img" aria-label="{Markup.escape(label)}" viewBox="0 0 {side} {side}" class="qr-code">'
        f'<path stroke="#000" d="{_path(code.size, code.modules)}"/></svg>')


def _path(size: int, modules: int) -> str:
    """Draw each row's runs of dark modules as one-module-thick horizontal strokes, all in C loops.

    Each module of the matrix (two bytes, 0xFFFF when dark) is ANDed with its own label, the
    bytes (row + 1, column + 1), so splitting at the zero byte pairs of light modules leaves one
    piece per run that names where it starts and how long it is; each piece is then looked
    up in the strokes drawn before. A loop over the modules in Python cost four times as much.
    """
    labelled = (modules & _labels(size)).to_bytes(2 * size * (size + 1), "big")
    return "".join(map(_STROKES.__getitem__, filter(None, labelled.split(b"\0\0"))))


@cache
def _labels(size: int) -> int:
    """Return every module's label, (row + 1, column + 1), and zero for the light module after each row."""
    rows = (b"".join(bytes((y + 1, x + 1)) for x in range(size)) + b"\0\0" for y in range(size))
    return int.from_bytes(b"".join(rows), "big")


class _Strokes(dict):
    """The stroke of each run seen, by its labels: drawn once per process, looked up after."""

    def __missing__(self, run: bytes) -> str:
        stroke = self[run] = f"M{run[1] - 1 + QUIET_ZONE} {run[0] - 1 + QUIET_ZONE}.5h{len(run) // 2}"
        return stroke


_STROKES = _Strokes()
