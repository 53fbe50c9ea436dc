"""Render stage, QR codes: a page's address as an inline SVG, for 扫一扫在手机打开 and the printed board.

Made while rendering, not with the views, so a page that comes from the cache costs nothing:
at 10,000 notices, making every code up front cost seconds a build.
"""

from __future__ import annotations

from itertools import groupby

import segno
from markupsafe import Markup

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
    code = segno.make(url, error="m", micro=False, mask=None if best_mask else FIXED_MASK)
    return Markup(
        f'<svg role="img" aria-label="{Markup.escape(label)}" viewBox="0 0 {len(code.matrix) + 2 * QUIET_ZONE}'
        f' {len(code.matrix) + 2 * QUIET_ZONE}" class="qr-code"><path stroke="#000" d="{_path(code.matrix)}"/></svg>')


def _path(matrix) -> str:
    """Draw each row's runs of dark modules as one-module-thick horizontal strokes.

    Written here rather than by segno's SVG writer, which took a third of a code's time.
    """
    parts = []
    for y, row in enumerate(matrix, start=QUIET_ZONE):
        x = QUIET_ZONE
        for dark, run in groupby(row):
            length = sum(1 for _ in run)
            if dark:
                parts.append(f"M{x} {y}.5h{length}")
            x += length
    return "".join(parts)
