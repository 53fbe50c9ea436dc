"""Render stage, QR codes: the module matrix of a page address, made mostly in C loops.

gongkai draws one kind of QR code only: byte mode (the UTF-8 bytes of an address), error
level M, a mask chosen by the caller, the smallest version (1 to 40) that holds the data. A
general encoder spent most of a millisecond per code on that (choosing modes, Reed-Solomon
division, placing and masking module by module), the largest single cost of a clean build.
Here everything that does not depend on the data is worked out once per version (and mask)
and process: Reed-Solomon becomes one table lookup and XOR per data codeword (it is linear),
placement one gather of the codewords' bits through a fixed index list, and the function
patterns, format and version information and mask one XOR with a constant matrix.

Padding follows ISO/IEC 18004 7.4.10: a bit stream that ends on a codeword boundary gets no
padding bits. (segno 1.6 adds a zero codeword there, heuer/segno issues 123 and 148, which
some decoders refuse; its symbols are otherwise the same as these.)

A matrix is one int of two bytes per module, 0xFFFF dark and 0 light, rows top to bottom,
each left to right and followed by one light module, so that a drawer can label every module
and split the rows into runs in C (qr.py), and a row's last run never joins the next row's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache, reduce
from operator import itemgetter, xor

# Error level M, per version 1-40: error correction codewords per block and number of blocks
# (ISO/IEC 18004, table 9). The codewords of a version are split into that many blocks, the
# shorter ones first, each with this many error correction codewords.
EC_PER_BLOCK = (10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
                26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28)
BLOCKS = (1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
          17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49)
LEVEL_M = 0b00  # the two error-level bits of the format information
MASKS = range(8)
PADDING = (0xEC, 0x11)  # the pad codewords that fill the data capacity, alternately


def _gf_tables() -> tuple[list[int], list[int]]:
    """Return the powers of 2 (twice over, so that sums of logarithms need no modulo) and their logarithms.

    GF(256) with the QR polynomial x^8 + x^4 + x^3 + x^2 + 1, where Reed-Solomon works.
    """
    exp, log, value = [0] * 512, [0] * 256, 1
    for power in range(255):
        exp[power] = exp[power + 255] = value
        log[value] = power
        value = (value << 1) ^ (0x11D if value & 0x80 else 0)
    return exp, log


_EXP, _LOG = _gf_tables()


def _gf_mul(a: int, b: int) -> int:
    """Multiply two elements of GF(256)."""
    return 0 if a == 0 or b == 0 else _EXP[_LOG[a] + _LOG[b]]


def _with_bch(value: int, generator: int) -> int:
    """Append to `value` the remainder of its BCH code (format and version information)."""
    degree = generator.bit_length() - 1
    remainder = value << degree
    while remainder.bit_length() > degree:
        remainder ^= generator << (remainder.bit_length() - generator.bit_length())
    return value << degree | remainder


def alignment_centres(version: int) -> list[int]:
    """Return the rows (and columns) of the alignment patterns' centres.

    Evenly spaced from the last one (seven modules from the far edge) back towards the
    timing pattern at 6, by the smallest even step that reaches it; version 32 has a step of
    26 where the rule would give 28, as the standard's table says.
    """
    if version == 1:
        return []
    count, last = version // 7 + 2, 17 + 4 * version - 7
    step = 26 if version == 32 else -(-(last - 6) // (2 * (count - 1))) * 2
    return [6] + [last - step * i for i in range(count - 2, -1, -1)]


@dataclass(frozen=True)
class Layout:
    """Where everything goes in a symbol of one version."""

    version: int
    size: int
    dark: frozenset[tuple[int, int]]  # (x, y) of the dark modules of the function patterns
    order: tuple[tuple[int, int], ...]  # (x, y) of the data region in the order bits are placed
    data_codewords: int  # codewords for data at level M


@cache
def layout(version: int) -> Layout:
    """Work out the function patterns, the placement order and the capacity of a version."""
    size = 17 + 4 * version
    dark: set[tuple[int, int]] = set()
    reserved: set[tuple[int, int]] = set()

    def put(x: int, y: int, is_dark: bool) -> None:
        reserved.add((x, y))
        (dark.add if is_dark else dark.discard)((x, y))

    for left, top in ((0, 0), (size - 7, 0), (0, size - 7)):  # finders with their light separators
        for dy in range(-1, 8):
            for dx in range(-1, 8):
                if 0 <= left + dx < size and 0 <= top + dy < size:
                    ring = max(abs(dx - 3), abs(dy - 3))
                    put(left + dx, top + dy, ring != 2 and ring != 4)
    for i in range(8, size - 8):  # timing patterns
        put(i, 6, i % 2 == 0)
        put(6, i, i % 2 == 0)
    centres = alignment_centres(version)
    corners = {(centres[0], centres[0]), (centres[0], centres[-1]), (centres[-1], centres[0])} if centres else set()
    for cy in centres:
        for cx in centres:
            if (cx, cy) in corners:  # would sit on a finder
                continue
            for dy in range(-2, 3):
                for dx in range(-2, 3):
                    put(cx + dx, cy + dy, max(abs(dx), abs(dy)) != 1)
    for x, y in _format_places(size):
        reserved.add((x, y))
    reserved.add((8, size - 8))  # the module beside the lower format copy, always dark (constant_part)
    if version >= 7:
        for x, y in _version_places(size):
            reserved.add((x, y))
            reserved.add((y, x))
    order = []
    right, upward = size - 1, True
    while right > 0:  # two columns at a time from the right, up then down, skipping the timing column
        if right == 6:
            right = 5
        for y in range(size - 1, -1, -1) if upward else range(size):
            order.extend((x, y) for x in (right, right - 1) if (x, y) not in reserved)
        right, upward = right - 2, not upward
    total = len(order) // 8
    return Layout(version, size, frozenset(dark), tuple(order),
                  total - BLOCKS[version - 1] * EC_PER_BLOCK[version - 1])


def _format_places(size: int) -> list[tuple[int, int]]:
    """Return where the 15 format bits go, bit 0 first: the copy by the top-left finder, then the other."""
    around = [(8, y) for y in (0, 1, 2, 3, 4, 5, 7, 8)] + [(x, 8) for x in (7, 5, 4, 3, 2, 1, 0)]
    split = [(size - 1 - i, 8) for i in range(8)] + [(8, size - 7 + i) for i in range(7)]
    return around + split


def _version_places(size: int) -> list[tuple[int, int]]:
    """Return where the 18 version bits go above the bottom-left finder, bit 0 first (the other copy is transposed)."""
    return [(i // 3, size - 11 + i % 3) for i in range(18)]


def version_for(length: int) -> int:
    """Return the smallest version that holds `length` bytes at level M, or raise ValueError."""
    for version in range(1, 41):
        count_bits = 8 if version < 10 else 16
        if 4 + count_bits + 8 * length <= 8 * layout(version).data_codewords:
            return version
    raise ValueError(f"{length} bytes do not fit in a QR code at error level M (at most 2331)")


_MASKS = (  # which modules of the data region each mask darkens where light and lightens where dark
    lambda x, y: (x + y) % 2 == 0,
    lambda x, y: y % 2 == 0,
    lambda x, y: x % 3 == 0,
    lambda x, y: (x + y) % 3 == 0,
    lambda x, y: (y // 2 + x // 3) % 2 == 0,
    lambda x, y: x * y % 2 + x * y % 3 == 0,
    lambda x, y: (x * y % 2 + x * y % 3) % 2 == 0,
    lambda x, y: ((x + y) % 2 + x * y % 3) % 2 == 0,
)
DARK = b"\xff\xff"  # one module of a matrix (see the module's docstring)
LIGHT = b"\0\0"
# Each byte value as eight bytes, 0xFF for each bit set, most significant first: the codewords bit by bit.
_SPREAD = [bytes(0xFF if value >> (7 - k) & 1 else 0 for k in range(8)) for value in range(256)]


@dataclass(frozen=True)
class Plan:
    """What a code of one version is made from, worked out once per version and process."""

    size: int
    blocks: tuple[tuple[int, int], ...]  # (start, end) of each block's data codewords
    ec: int  # error correction codewords per block
    remainders: dict[int, tuple[list[int], ...]]  # block length -> per data codeword, each value's error correction
    pick: Callable[[bytes], tuple[int, ...]]  # the bits of the codewords, a byte each -> the matrix, 2 bytes a module


@cache
def plan(version: int) -> Plan:
    """Work out the blocks, their Reed-Solomon tables and where each bit of the codewords lands.

    Reed-Solomon is linear: a block's error correction codewords are the XOR, over its data
    codewords, of what each alone would give, so a table per position and value (as one int
    of `ec` bytes) replaces the polynomial division. Blocks of one length share their tables.
    """
    shape = layout(version)
    ec, count = EC_PER_BLOCK[version - 1], BLOCKS[version - 1]
    total = len(shape.order) // 8
    short = total // count - ec  # data codewords of the shorter blocks, which come first
    lengths = [short + (b >= count - total % count) for b in range(count)]
    starts = [sum(lengths[:b]) for b in range(count)]
    generator = [1]  # the product of (x + a^i) for i below ec, highest power first
    for i in range(ec):
        generator = [c ^ _gf_mul(p, _EXP[i]) for c, p in zip(generator + [0], [0] + generator, strict=True)]
    below = generator[1:]  # x^ec is congruent to this modulo the generator
    remainders = {}
    for n in sorted(set(lengths)):
        powers = [below]  # x^(ec + k) mod generator, for k = 0 up to n - 1
        for _ in range(n - 1):
            top, rest = powers[-1][0], powers[-1][1:] + [0]
            powers.append([r ^ _gf_mul(top, g) for r, g in zip(rest, below, strict=True)])
        # The data codeword at index i stands for x^(n - 1 - i) before the block is multiplied by x^ec.
        remainders[n] = tuple([int.from_bytes(bytes(_gf_mul(v, c) for c in powers[n - 1 - i]), "big")
                               for v in range(256)] for i in range(n))
    # The codewords are placed interleaved: the first data codeword of every block, then the second,
    # ..., then the error correction codewords the same way. Where each comes from in block order:
    source = [starts[b] + i for i in range(short + 1) for b in range(count) if i < lengths[b]]
    source += [total - count * ec + b * ec + e for e in range(ec) for b in range(count)]
    light = total * 8  # the index of one light byte after the codewords' bits
    at = {}
    for place, (x, y) in enumerate(shape.order):
        at[x, y] = source[place // 8] * 8 + place % 8 if place < total * 8 else light
    picks = []
    for y in range(shape.size):
        for x in range(shape.size + 1):
            picks += [at.get((x, y), light)] * 2
    return Plan(shape.size, tuple((s, s + n) for s, n in zip(starts, lengths, strict=True)), ec,
                remainders, itemgetter(*picks))


@cache
def constant_part(version: int, mask: int, info: bool = True) -> int:
    """Return the modules that do not depend on the data: function patterns, the mask, format and version bits.

    Without `info` the format and version modules (and the dark one beside them) stay light,
    as they are while the penalty rules judge a mask (qrmask.py).
    """
    shape = layout(version)
    size = shape.size
    dark = set(shape.dark)
    if info:
        fmt = _with_bch(LEVEL_M << 3 | mask, 0b10100110111) ^ 0b101010000010010
        dark.update(place for i, place in enumerate(_format_places(size)) if fmt >> (i % 15) & 1)  # both copies
        dark.add((8, size - 8))
        if version >= 7:
            bits = _with_bch(version, 0b1111100100101)
            for i, (x, y) in enumerate(_version_places(size)):
                if bits >> i & 1:
                    dark.update(((x, y), (y, x)))
    flips = _MASKS[mask]
    dark.update((x, y) for x, y in shape.order if flips(x, y))  # the remainder modules after the last codeword too
    rows = (DARK if (x, y) in dark else LIGHT for y in range(size) for x in range(size + 1))
    return int.from_bytes(b"".join(rows), "big")


def codewords(data: bytes, version: int) -> bytes:
    """Return the data codewords: mode, length, the bytes, terminator and padding."""
    capacity = layout(version).data_codewords
    count_bits = 8 if version < 10 else 16
    used = 4 + count_bits + 8 * len(data)
    room = min(4, 8 * capacity - used)  # the terminator, cut short when the data nearly fills the symbol
    stream = (0b0100 << count_bits | len(data)) << 8 * len(data) | int.from_bytes(data, "big")
    stream <<= room + (-(used + room) % 8)
    head = stream.to_bytes((used + room + 7) // 8, "big")
    return head + bytes(PADDING[i % 2] for i in range(capacity - len(head)))


@dataclass(frozen=True)
class Symbol:
    """A finished QR code: its width in modules and its matrix as one int (see the module's docstring)."""

    size: int
    modules: int

    def rows(self) -> list[list[int]]:
        """Return the matrix as rows of 0 (light) and 1 (dark), for comparing and decoding."""
        flat = self.modules.to_bytes(2 * self.size * (self.size + 1), "big")[::2]
        return [[v & 1 for v in flat[y * (self.size + 1):(y + 1) * (self.size + 1) - 1]] for y in range(self.size)]


def encode(data: bytes, mask: int) -> Symbol:
    """Return the QR code of `data` in byte mode at error level M with `mask`, in the smallest version."""
    if mask not in MASKS:
        raise ValueError(f"mask {mask} is not one of 0 to 7")
    version, modules = unmasked(data)
    return Symbol(17 + 4 * version, modules ^ constant_part(version, mask))


def unmasked(data: bytes) -> tuple[int, int]:
    """Return the version for `data` and the modules its codewords set, before any mask, function patterns or format.

    For a given length these modules are a constant XOR a linear function of the data bytes (the
    codewords put the bytes at fixed bits, Reed-Solomon is linear, placement moves bits), so the
    code of an address differs from that of another address of the same length by the XOR of
    what each differing byte contributes. A site's addresses share all but a few bytes: from
    the first address of a length, each further one costs a few XORs, a tenth of encoding it.
    """
    reference = _REFERENCES.get(len(data))
    if reference is None:
        if len(_REFERENCES) >= REFERENCE_LENGTHS:
            _REFERENCES.clear()
        reference = _REFERENCES[len(data)] = (data, *encoded(data))
    known, version, modules = reference
    for place, (new, old) in enumerate(zip(data, known)):
        if new != old:
            modules ^= _contribution(len(data), place, new ^ old)
    return version, modules


REFERENCE_LENGTHS = 64  # addresses of a site come in a few dozen lengths; a hostile list of many costs no memory
_REFERENCES: dict[int, tuple[bytes, int, int]] = {}  # length -> an address of it, its version and modules


@lru_cache(maxsize=4096)  # at most 4096 codes of up to 63 KB (version 40); a site's addresses need a few hundred
def _contribution(length: int, place: int, value: int) -> int:
    """Return what the byte `value` at `place` adds (XOR) to the modules of any data of this length."""
    alone = bytearray(length)
    alone[place] = value
    return encoded(bytes(alone))[1] ^ _zeros(length)


@lru_cache(maxsize=64)
def _zeros(length: int) -> int:
    """Return the modules of data of this length that is all zero bytes: the constant part."""
    return encoded(bytes(length))[1]


def encoded(data: bytes) -> tuple[int, int]:
    """Encode `data` from scratch: the version and its unmasked modules (see unmasked)."""
    version = version_for(len(data))
    steps = plan(version)
    words = codewords(data, version)
    ec = [reduce(xor, map(list.__getitem__, steps.remainders[end - start], words[start:end]))
          for start, end in steps.blocks]
    stream = words + b"".join(value.to_bytes(steps.ec, "big") for value in ec)
    bits = b"".join(map(_SPREAD.__getitem__, stream)) + b"\0"
    return version, int.from_bytes(bytes(steps.pick(bits)), "big")
