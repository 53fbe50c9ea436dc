"""Render stage, QR codes: a page's address as an inline SVG, for 扫一扫在手机打开 and the printed board.

Made while rendering, not with the views, so a page that comes from the cache costs nothing:
at 10,000 notices, making every code up front cost seconds a build.
"""

from __future__ import annotations

import segno
from markupsafe import Markup

LABEL = "本页网址的二维码"
FIXED_MASK = 0  # the checkerboard: it breaks runs of one colour in both directions, which readers stumble on


def qr_svg(url: str, label: str = LABEL, best_mask: bool = False) -> Markup:
    """Return the QR code of `url` as an SVG element that scales with its box (CSS sets the size).

    Error level M survives a smudged print; the quiet zone of four modules is kept, since a
    phone cannot find a code that touches the text around it. Any of the eight mask patterns
    gives a code every reader decodes; trying all eight for the one with the fewest awkward
    patterns took 5 ms a code, four times the rest of a notice page, so pages on screen take
    a fixed one and only the printed board (`best_mask`), a few sheets, pays for the search.
    """
    code = segno.make(url, error="m", micro=False, mask=None if best_mask else FIXED_MASK)
    svg = code.svg_inline(scale=1, border=4, omitsize=True, svgclass="qr-code", lineclass=None, title=None)
    # An image with a name, for screen readers and axe-core; the address itself is printed beside it.
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{Markup.escape(label)}" ', 1))
