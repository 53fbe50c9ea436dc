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


def decode_pdf_page(page) -> list[str]:
    """Read the QR codes Chromium printed on a PDF page (pypdf), from the strokes it kept of each SVG path.

    Chromium keeps the path in module units under the figure's own transform: `x y m` then
    `x2 y l` for each run of dark modules, ended by `S`.
    """
    data = page.get_contents().get_data().decode("latin-1")
    found = []
    for figure in re.findall(r"/Figure <<[^>]*>>BDC(.*?)\n(?:S|EMC)\n", data, flags=re.S):
        runs = re.findall(r"^([\d.]+) ([\d.]+) m\n([\d.]+) [\d.]+ l$", figure, flags=re.M)
        if not runs:
            continue
        size = int(max(float(x2) for _, _, x2 in runs)) + 4  # the quiet zone beyond the last module
        path = "".join(f"M{x} {y}h{float(x2) - float(x):g}" for x, y, x2 in runs)
        found += decode_svg(f'<svg viewBox="0 0 {size} {size}"><path d="{path}"/></svg>')
    return found
