"""Render stage, QR codes: the mask the standard's penalty rules pick, for the printed board.

Any of the eight masks gives a code every reader decodes; the penalty rules (ISO/IEC 18004
7.8.3) prefer the one with the fewest long runs, blocks of one colour, finder look-alikes and
the dark share nearest a half, which scanners find easiest. Notice pages take a fixed mask
(qr.py says why); the printed board, a few sheets, takes the best. The symbol is judged as
segno judges it, with the format and version modules still light, so both pick the same mask.
"""

from __future__ import annotations

import re
from functools import cache

from generator.site.qrencode import MASKS, constant_part, unmasked

LONG_RUN = re.compile(rb"\x00{5,}|\xff{5,}")  # five or more modules of one colour in a row or column
FINDER_LIKE = b"\xff\x00\xff\xff\xff\x00\xff"  # dark, light, three dark, light, dark: 1:1:3:1:1


def best_mask(data: bytes) -> int:
    """Return the mask with the lowest penalty for the code of `data`, the lowest-numbered among equals."""
    version, modules = unmasked(data)
    size = 17 + 4 * version
    scores = [penalty(size, modules ^ constant_part(version, mask, info=False)) for mask in MASKS]
    return scores.index(min(scores))


def penalty(size: int, modules: int) -> int:
    """Score a matrix (qrencode's form) by the four penalty rules: the lower, the easier to scan."""
    stride = size + 1
    flat = modules.to_bytes(2 * size * stride, "big")[::2]  # a byte a module, 0xFF dark, with the light column
    lines = [flat[y * stride:y * stride + size] for y in range(size)] + [flat[x::stride] for x in range(size)]
    runs = sum(len(run) - 2 for run in LONG_RUN.findall(b"\x01".join(lines)))  # 3 for five, one more each beyond
    ones = int.from_bytes(flat, "big") & _lowest_bits(size)
    same_right = ~(ones ^ ones << 8)  # a module the colour of the next in its row, in the lowest bit of its byte
    same_below = ~(ones ^ ones << 8 * stride)
    blocks = 3 * (same_right & same_right << 8 * stride & same_below & _block_corners(size)).bit_count()
    finders = 40 * sum(_finder_likes(line) for line in lines)
    share = 10 * (abs(20 * flat.count(0xFF) - 10 * size * size) // (size * size))  # each 5 % away from a half
    return runs + blocks + finders + share


def _finder_likes(line: bytes) -> int:
    """Count the finder look-alikes in a row or column with four light modules (or the edge) on one side."""
    count, at = 0, line.find(FINDER_LIKE)
    while at != -1:
        if not any(line[max(at - 4, 0):at]) or not any(line[at + 7:at + 11]):
            count += 1
            at = line.find(FINDER_LIKE, at + 7)
        else:
            at = line.find(FINDER_LIKE, at + 4)
    return count


@cache
def _lowest_bits(size: int) -> int:
    """Return the lowest bit of every module's byte, the light column's too."""
    return int.from_bytes(b"\x01" * size * (size + 1), "big")


@cache
def _block_corners(size: int) -> int:
    """Return the lowest bit of the byte of every module that is the top-left of a 2 x 2 block inside the symbol."""
    row = b"\x01" * (size - 1) + b"\x00\x00"
    return int.from_bytes(row * (size - 1) + b"\x00" * (size + 1), "big")
