"""Render stage, body part: bare web addresses and e-mail addresses become links.

Notices copied from Word or other sites carry addresses as plain text
(`详见 https://www.example.gov.cn/…` or `邮箱：mzzj@example.gov.cn`); readers
expect to click them. An address ends where Chinese text or punctuation
starts, and trailing ASCII punctuation belongs to the sentence, not to it.

Phone numbers are left as text: the phone browsers readers dial from
recognise them already, and a pattern strict enough not to catch dates,
文号 and amounts would miss many of the ways numbers are written.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.util import AtomicString

URL = r"(?<![A-Za-z0-9@/.\-])(?:https?://|www\.)[A-Za-z0-9\-._~:/?#@!$&'()*+,;=%]+"
EMAIL = r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
_TRAILING = ".,;:!?'\")*"


class BareLinkProcessor(InlineProcessor):
    """Turn an address in running text into a link to it; never inside a link already."""

    ANCESTOR_EXCLUDES = ("a",)

    def __init__(self, pattern: str, kind: str, md) -> None:
        super().__init__(pattern, md)
        self.kind = kind

    def handleMatch(self, m, data):  # noqa: N802
        text = m.group(0)
        if self.kind == "email":
            if m.start(0) > 0 and data[m.start(0) - 1] in "/:":
                return None, None, None  # part of a URL: user@host in a link is the URL pattern's
            href = "mailto:" + text
        else:
            while text and text[-1] in _TRAILING and not (text[-1] == ")" and text.count("(") >= text.count(")")):
                text = text[:-1]
            if len(text) <= len("https://"):
                return None, None, None
            href = text if "://" in text else "https://" + text
        el = etree.Element("a", {"href": href})
        el.text = AtomicString(text)
        return el, m.start(0), m.start(0) + len(text)


class BareLinkExtension(Extension):
    """Bare addresses as links, after every other inline pattern had its turn."""

    def extendMarkdown(self, md) -> None:  # noqa: N802
        md.inlinePatterns.register(BareLinkProcessor(URL, "url", md), "bare_url", 8)
        md.inlinePatterns.register(BareLinkProcessor(EMAIL, "email", md), "bare_email", 7)


def makeExtension(**kwargs) -> BareLinkExtension:  # noqa: N802
    """Let python-markdown load the extension by its module name."""
    return BareLinkExtension(**kwargs)
