"""Render stage, body part: python-markdown without the work it does in vain on Chinese prose.

A notice body is mostly Chinese paragraphs in which no inline pattern (emphasis,
links, code, entities, raw HTML, escapes, line breaks) can match, yet
python-markdown tries each of its fifteen patterns on every text, and the toc
extension serialises every heading and builds a table of contents nobody reads.
The processors here skip exactly that work and nothing else: every shortcut is
taken only when the regular path provably gives the same tree, so the HTML is
byte for byte what plain python-markdown makes (tests/test_fastmarkdown.py
checks that against random Markdown).

What a pattern must consume is read with the parser of `re` itself, a module private
to CPython (`re._parser`, public as `sre_parse` until 3.11): guessing from the pattern's
text would be wrong for escapes and classes. Should a Python lack it, every pattern runs
on every text, as in plain python-markdown: slower, the same bytes; tests/test_fastmarkdown.py
fails loudly on such a Python so that the loss is seen, not suffered.
"""

from __future__ import annotations

import functools
import html
import re

import markdown
from markdown.blockparser import BlockParser
from markdown.blockprocessors import (
    BlockQuoteProcessor,
    HashHeaderProcessor,
    HRProcessor,
    ReferenceProcessor,
    SetextHeaderProcessor,
)
from markdown.extensions.footnotes import FootnoteBlockProcessor
from markdown.extensions.tables import TableProcessor
from markdown.extensions.toc import TocExtension, TocTreeprocessor, remove_fnrefs, render_inner_html, strip_tags, unique
from markdown.treeprocessors import InlineProcessor
from markdown.util import AtomicString

try:  # the parser of `re` itself: what a pattern can match is read, not guessed
    from re import _constants as sre
    from re import _parser as sre_parse

    _REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
except (ImportError, AttributeError):  # a Python whose `re` is built otherwise: no pattern is skipped
    sre = sre_parse = None
    _REPEATS = ()
_WIDEST_RANGE = 256  # a class wider than this is no useful trigger
# In a heading's text these would change its serialised form (escapes, stashed
# HTML, placeholders of entities and footnotes); without them it is its own inner HTML.
_HEADING_SPECIAL = re.compile("[&<>\x02\x03]")
# Each of these block processors leaves a block alone unless it holds one of these
# characters: their tests (or, for definitions, their runs, which put the block
# back) look for a pattern of markdown/blockprocessors.py that consumes one (HR's
# three), and a table's first row needs a pipe. Most paragraphs hold none of them.
BLOCK_NEEDS = {
    TableProcessor: "|",
    HashHeaderProcessor: "#",
    SetextHeaderProcessor: "=-",
    HRProcessor: "-_*",
    BlockQuoteProcessor: ">",
    ReferenceProcessor: "[",
    FootnoteBlockProcessor: "[",
}


def required_chars(regex: re.Pattern[str]) -> frozenset[str] | None:
    """Return characters of which every match of `regex` consumes at least one, or None if unknown.

    A text without any of them cannot match, so the pattern need not run on it. None when the
    parser of `re` is missing or its tree is not the shape read here: the pattern then always runs.
    """
    if sre_parse is None or regex.flags & re.IGNORECASE:
        return None
    try:
        return _sequence(sre_parse.parse(regex.pattern, regex.flags))
    except (AttributeError, TypeError, ValueError, re.error):
        return None


def _sequence(items) -> frozenset[str] | None:
    """Every element of a sequence must match, so any one element's requirement will do; take the rarest."""
    found = [chars for chars in map(_item, items) if chars]
    # Whitespace and newlines fill Chinese prose's line ends, punctuation does not.
    return min(found, key=lambda chars: (any(c.isspace() for c in chars), len(chars)), default=None)


def _item(item) -> frozenset[str] | None:
    op, arg = item
    if op is sre.LITERAL:
        return frozenset(chr(arg))
    if op is sre.IN:
        return _char_class(arg)
    if op is sre.SUBPATTERN:
        _group, add_flags, _del_flags, inner = arg
        return None if add_flags & re.IGNORECASE else _sequence(inner)
    if op is sre.ATOMIC_GROUP:
        return _sequence(arg)
    if op in _REPEATS:
        low, _high, inner = arg
        return _sequence(inner) if low >= 1 else None
    if op is sre.BRANCH:
        branches = [_sequence(branch) for branch in arg[1]]
        if any(chars is None for chars in branches):
            return None
        return frozenset().union(*branches)
    return None  # anchors, lookarounds, `.`, back-references, negations: no requirement known


def _char_class(members) -> frozenset[str] | None:
    chars: set[str] = set()
    for op, arg in members:
        if op is sre.LITERAL:
            chars.add(chr(arg))
        elif op is sre.RANGE and arg[1] - arg[0] < _WIDEST_RANGE:
            chars.update(map(chr, range(arg[0], arg[1] + 1)))
        else:  # NEGATE, categories, wide ranges
            return None
    return frozenset(chars)


@functools.lru_cache(maxsize=None)
def _trigger(chars: frozenset[str] | None) -> re.Pattern[str] | None:
    if chars is None:
        return None
    return re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]")


class FastInlineProcessor(InlineProcessor):
    """The inline processor, trying a pattern only on text that holds a character it must consume."""

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(md)
        self._required: dict[re.Pattern[str], frozenset[str] | None] = {}
        self._table: list[tuple[object, re.Pattern[str] | None]] = []
        self._any: re.Pattern[str] | None = None

    def run(self, tree, ancestors=None):
        # Read the registry once per document, as the base class would on every text.
        required = [self._required_for(pattern.getCompiledRegExp()) for pattern in self.inlinePatterns]
        self._table = [(pattern, _trigger(chars)) for pattern, chars in zip(self.inlinePatterns, required)]
        self._any = None if None in required else _trigger(frozenset().union(*required))
        return super().run(tree, ancestors)

    def _required_for(self, regex: re.Pattern[str]) -> frozenset[str] | None:
        if regex not in self._required:
            self._required[regex] = required_chars(regex)
        return self._required[regex]

    # The base class calls its private __handleInline on self, so this is the name to override
    # (Markdown is pinned: should the name change, the plain method runs and only speed is lost).
    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802, N803
        if isinstance(data, AtomicString) or (self._any is not None and not self._any.search(data)):
            return data
        table, start = self._table, 0
        while patternIndex < len(table):
            pattern, trigger = table[patternIndex]
            if trigger is not None and not trigger.search(data, start):
                matched, start = False, 0  # what applying it would return: no match can start at or after `start`
            else:
                data, matched, start = self._InlineProcessor__applyPattern(pattern, data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data


class FastTocProcessor(TocTreeprocessor):
    """The toc processor for heading ids only: plain headings are named without serialising them,
    and the table of contents is built only when a `[TOC]` marker is there to take it."""

    def run(self, doc) -> None:
        if self.use_anchors or self.use_permalinks not in (False, None) or self._has_marker(doc):
            return super().run(doc)
        used_ids = {el.attrib["id"] for el in doc.iter() if "id" in el.attrib}
        counters: dict[str, int] = {}
        for el in doc.iter():
            if isinstance(el.tag, str) and self.header_rgx.match(el.tag):
                self.set_level(el)
                if "id" not in el.attrib:
                    el.attrib["id"] = unique(self.slugify(html.unescape(self._name(el)), self.sep), used_ids, counters)
                el.attrib.pop("data-toc-label", None)
        return None

    def _has_marker(self, doc) -> bool:
        # The base class replaces an element whose text is the marker; without one its div is thrown away.
        return bool(self.marker) and any(el.text and el.text.strip() == self.marker for el in doc.iter())

    def _name(self, heading) -> str:
        text = heading.text or ""
        if len(heading) or _HEADING_SPECIAL.search(text):
            return strip_tags(render_inner_html(remove_fnrefs(heading), self.md))
        return " ".join(text.split())


class FastBlockParser(BlockParser):
    """The block parser, not asking a processor about a block that lacks every character its test needs."""

    def parseBlocks(self, parent, blocks: list[str]) -> None:  # noqa: N802
        # The same loop as the base class's, with the registry read once per call instead of once per block.
        processors = [(processor, _needs(type(processor))) for processor in self.blockprocessors]
        while blocks:
            for processor, needs in processors:
                if needs is not None and not needs.search(blocks[0]):
                    continue  # it would leave the block alone
                if processor.test(parent, blocks[0]):
                    if processor.run(parent, blocks) is not False:
                        break


@functools.lru_cache(maxsize=None)
def _needs(kind: type) -> re.Pattern[str] | None:
    needs = BLOCK_NEEDS.get(kind)  # exact classes only: a subclass may test differently
    return None if needs is None else _trigger(frozenset(needs))


class Markdown(markdown.Markdown):
    """python-markdown as configured, with the fast processors in place of its own at the same priorities."""

    def __init__(self, **options) -> None:
        super().__init__(**options)
        # The block processors hold this parser, so it changes class in place rather than being rebuilt.
        self.parser.__class__ = FastBlockParser
        self.treeprocessors.register(FastInlineProcessor(self), "inline", 20)
        for extension in self.registeredExtensions:
            if type(extension) is TocExtension:  # a subclass may bring its own processor
                self.treeprocessors.register(FastTocProcessor(self, extension.getConfigs()), "toc", 5)
        self._block_tags = frozenset(self.block_level_elements)

    def is_block_level(self, tag) -> bool:
        # Asked for every element of every document; a set answers what the list did, faster.
        return isinstance(tag, str) and tag.lower().rstrip("/") in self._block_tags
