"""Render stage, QR codes: a page's address as an inline SVG, for 扫一扫在手机打开 and the printed board.

Made while rendering, not with the views, so a page that comes from the cache costs nothing:
at 10,000 notices, making every code up front cost seconds a build.
"""

from __future__ import annotations

import segno
from markupsafe import Markup

LABEL = "本页网址的二维码"


def qr_svg(url: str, label: str = LABEL) -> Markup:
    """Return the QR code of `url` as an SVG element that scales with its box (CSS sets the size).

    Error level M survives a smudged print; the quiet zone of four modules is kept, since a
    phone cannot find a code that touches the text around it.
    """
    code = segno.make(url, error="m", micro=False)
    svg = code.svg_inline(scale=1, border=4, omitsize=True, svgclass="qr-code", lineclass=None, title=None)
    # An image with a name, for screen readers and axe-core; the address itself is printed beside it.
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{Markup.escape(label)}" ', 1))
