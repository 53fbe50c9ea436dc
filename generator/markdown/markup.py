"""Render stage, body part: Markdown into sanitised HTML and a plain-text summary.

The sanitiser runs after Markdown, on everything Markdown produced, so raw
HTML in a notice can never carry a live script, handler or javascript: link.
A plain body (plainmarkdown.py) skips both: it can hold no tag, entity or
link, and its HTML is what they would have made of it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

import nh3
from markdown.extensions.toc import slugify_unicode

from generator.markdown import fastmarkdown, plainmarkdown
from generator.markdown.plainmarkdown import TABLE_WRAP

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd",
    "blockquote", "pre", "code", "em", "strong", "del", "s", "sup", "sub", "a", "img",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "div", "span",
    "abbr", "kbd", "mark", "small",
}
ALLOWED_ATTRIBUTES = {
    "*": {"class", "title", "lang"},
    "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
    "li": {"id"}, "sup": {"id"},  # footnote anchors
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "div": {"tabindex", "role", "aria-label"},  # a table's scrolling region (wrap_tables), these values only
}
# The only values the attributes of a table's region may take (TABLE_WRAP): nothing else becomes focusable.
_REGION_VALUES = {"tabindex": "0", "role": "region", "aria-label": "表格"}
# Plain python-markdown with these options is the reference the fast engine must equal byte for byte.
MARKDOWN_OPTIONS = {
    "extensions": ["tables", "fenced_code", "footnotes", "sane_lists", "toc", "attr_list", "generator.markdown.cjk",
                   "generator.markdown.links"],
    "extension_configs": {
        "toc": {"slugify": slugify_unicode},
        "footnotes": {"BACKLINK_TITLE": "返回正文"},
    },
    "output_format": "html",
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
SENTENCE_END = "。！？!?；"
SUMMARY_LIMIT = 120
# Alignment as python-markdown's tables write it, and as editors and word processors spell it in raw HTML.
_ALIGN = re.compile(r"""\s(?:style\s*=\s*(["']?)\s*text-align\s*:\s*|align\s*=\s*(["']?))(left|right|center)"""
                    r"""(?:\s*;?\s*\1|\2)(?=[\s/>])""", re.I)
_TABLE_OPEN = re.compile(r"<table\b")

_H1 = re.compile(r"<(/?)h1\b")
_FOOTNOTE_REF = re.compile(r'<sup id="fnref[^"]*">.*?</sup>', re.S)
_TAG = re.compile(r"<[^>]+>")
_EXTERNAL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:|[/\\]{2})", re.I)  # a scheme, or //host (or \\host)
_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
_TABLE_BLOCK = re.compile(r"<table\b.*?</table>", re.S)
_CAPTION = re.compile(r"<caption[^>]*>(.*?)</caption>", re.S)
_ADDRESSEE = re.compile(r"[^。！？；]{2,60}[：:]")  # a 主送机关 line: short, no sentence, ends in a colon


@dataclass(frozen=True)
class Body:
    """A notice body ready for templates."""

    html: str | "StoredHtml"
    summary: str


class StoredHtml:
    """A body's HTML that stays in the cache until a template prints it.

    Holding the HTML of every notice for the whole build would cost gigabytes
    at 100,000 notices, and fingerprinting it would hash it all again; the
    body's key names the HTML exactly (it is made from that body by this
    code), so it stands for the HTML in page keys. Templates use it as a
    string: printing, `| safe`, escaping in feeds, `| length`, slicing.
    """

    __slots__ = ("key", "_read")

    def __init__(self, key: str, read: Callable[[str], str]):
        self.key = key
        self._read = read

    def __str__(self) -> str:
        return self._read(self.key)

    def __len__(self) -> int:
        return len(str(self))

    def __getitem__(self, index):
        return str(self)[index]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StoredHtml) and other.key == self.key

    def __hash__(self) -> int:
        return hash(self.key)

    def __reduce__(self):
        return (_stored_html_key, (self.key,))  # a fingerprint holds the key, never the reader


def _stored_html_key(key: str) -> str:
    return key


class Converter:
    """One Markdown engine per build, reset between documents.

    The engine is built when a body first needs it: building it costs a tenth of a second, and a
    rebuild after an edit to a plain body (plainmarkdown.py) never does.
    """

    def __init__(self, plain: bool = True) -> None:
        self._plain = plain  # take plainmarkdown's way where it can (False only to check it against the full way)
        self._md: fastmarkdown.Markdown | None = None
        self._cleaner: nh3.Cleaner | None = None

    def convert(self, text: str, summary: str | None = None) -> Body:
        """Render a body to safe HTML; derive the summary from it unless one is given."""
        safe = plainmarkdown.render(text) if self._plain else None
        if safe is None:
            if self._md is None:
                self._md = fastmarkdown.Markdown(**MARKDOWN_OPTIONS)
                # Built once: nh3.clean would turn these sets into a new sanitiser on every call.
                self._cleaner = nh3.Cleaner(tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                                            attribute_filter=_local_images)
            self._md.reset()
            raw = self._md.convert(text)
            raw = _ALIGN.sub(lambda m: f' class="align-{m.group(3).lower()}"', raw)  # keep alignment without inline styles
            raw = _H1.sub(r"<\1h2", raw)  # the notice title is the page's only h1
            if "<table" in raw:
                raw = wrap_tables(raw)  # before the sanitiser, which has the last word on what a page holds
            safe = self._cleaner.clean(raw)
        return Body(safe, summary if summary is not None else summarise(safe))


def wrap_tables(fragment: str) -> str:
    """Put every table in a region of its own that scrolls sideways when the table is wider than the screen."""
    return _TABLE_OPEN.sub(TABLE_WRAP + "<table", fragment).replace("</table>", "</table></div>")


def _local_images(tag: str, attribute: str, value: str) -> str | None:
    """Drop an image source on another server: every asset is local (readers' visits are nobody else's
    business, and the Content-Security-Policy would block it anyway); the alt text still shows.
    Keep a region's attributes only with the values a table's region has."""
    if attribute in _REGION_VALUES:
        return value if value == _REGION_VALUES[attribute] else None
    if tag == "img" and attribute == "src" and _EXTERNAL.match(value):
        return None
    return value


def plain_text(fragment: str) -> str:
    """Strip tags and entities from a sanitised HTML fragment."""
    return " ".join(html.unescape(_TAG.sub("", fragment)).split())


def summarise(body_html: str) -> str:
    """Take the body's first sentences, cut at a Chinese sentence end, about 120 characters at most."""
    main = _FOOTNOTE_REF.sub("", body_html.split('<div class="footnote">', 1)[0])
    table = _TABLE_BLOCK.search(main) if "<table" in main else None
    if table:
        main = _TABLE_BLOCK.sub("", main)  # a flattened table reads as noise, not as a summary
    paragraphs, after_first = [], 0
    for paragraph in _PARAGRAPH.finditer(main):
        paragraphs.append(plain_text(paragraph.group(1)))
        after_first += len(paragraphs[-1]) if len(paragraphs) > 1 else 0
        if after_first > SUMMARY_LIMIT:
            break  # the summary is cut from what came so far, whether the first paragraph stays or not
    if len(paragraphs) > 1 and _ADDRESSEE.fullmatch(paragraphs[0]):
        paragraphs = paragraphs[1:]  # 各区、县（市）民宗局： says to whom, not what
    text = "".join(paragraphs) or plain_text(main)  # lists and headings; of a table-only notice, its heading
    if not text and table:
        caption = _CAPTION.search(table.group(0))
        text = plain_text(caption.group(1)) if caption else ""  # else the build asks for a summary (bodycheck.py)
    if len(text) <= SUMMARY_LIMIT:
        return text
    head = text[:SUMMARY_LIMIT]
    cut = max(head.rfind(mark) for mark in SENTENCE_END)
    if cut >= 20:
        return head[: cut + 1]
    return head.rstrip() + "……"
