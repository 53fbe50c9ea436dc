"""Read back a QR code that gongkai drew as SVG, the way a phone would: as pixels, through a real decoder."""

import re

import zxingcpp

SCALE = 8  # pixels per module


def decode_svg(svg: str) -> list[str]:
    """Paint the SVG's path of dark modules into a grey image and return what the decoder reads in it."""
    size = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1))
    grid = [[255] * size for _ in range(size)]
    x = y = 0.0
    for command, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", re.search(r' d="([^"]+)"', svg).group(1)):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:  # h: a run of dark modules on the row whose middle is y
            for step in range(int(float(a))):
                grid[int(y)][int(x) + step] = 0
            x += float(a)
    pixels = b"".join(bytes(v for v in row for _ in range(SCALE)) * SCALE for row in grid)
    image = memoryview(pixels).cast("B", shape=[size * SCALE, size * SCALE])
    return [found.text for found in zxingcpp.read_barcodes(image)]


def svgs_in(html: str) -> list[str]:
    """Return every QR code SVG in a page."""
    return re.findall(r'<svg [^>]*class="qr-code".*?</svg>', html, flags=re.S)
