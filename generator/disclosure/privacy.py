"""Validate stage, privacy: stop a build that would publish an ID or bank-card number.

防止不该公开的乱公开: a resident ID number (GB 11643) or a bank-card number
(Luhn) in a published notice fails the build; a notice can be published
deliberately with `privacy_reviewed: reason`. Numbers are shown masked in
every message, so the check itself never spreads them into CI logs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from generator.core.errors import Diagnostic
from generator.core.model import Notice
from generator.disclosure.attachments import Attachment

ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
CARD_NUMBER = re.compile(r"(?<![0-9A-Za-z])(?:\d{16,19}|\d{4}(?:[ -]\d{4}){3}(?:[ -]?\d{1,3})?)(?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")
# Every number above has 11 digits in a row or two groups of 4 split by a space or
# hyphen; one scan for that clears almost every text before the three scans (the
# leading digit outside the group lets `re` jump from digit to digit).
CANDIDATE = re.compile(r"\d(?:\d{10}|\d{3}[ -]\d{4})")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
TEXT_SUFFIXES = {".txt", ".csv", ".md"}


def is_id_number(text: str) -> bool:
    """Check an 18-character resident ID: a real birth date and the GB 11643 check character."""
    try:
        born = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return False
    if not 1900 <= born.year <= 2100:
        return False
    total = sum(int(d) * w for d, w in zip(text[:17], ID_WEIGHTS))
    return ID_CHECK[total % 11] == text[17].upper()


def passes_luhn(digits: str) -> bool:
    """Check the Luhn digit that every bank card number carries."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def mask(number: str, keep: int = 4) -> str:
    """Hide all but the first and last `keep` characters."""
    return number[:keep] + "*" * (len(number) - 2 * keep) + number[-keep:]


def find_numbers(text: str) -> Iterator[tuple[int, str, str, str]]:
    """Yield (offset, kind, masked number, severity) for every suspect number in a text."""
    if not CANDIDATE.search(text):
        return
    ids = set()
    for match in ID_NUMBER.finditer(text):
        if is_id_number(match.group()):
            ids.add(match.start())
            yield match.start(), "身份证号", mask(match.group()), "error"
    for match in CARD_NUMBER.finditer(text):
        digits = re.sub(r"[ -]", "", match.group())
        if match.start() not in ids and 16 <= len(digits) <= 19 and passes_luhn(digits):
            yield match.start(), "银行卡号", mask(digits), "error"
    for match in MOBILE.finditer(text):
        yield match.start(), "手机号码", match.group()[:3] + "****" + match.group()[-4:], "warning"


def scan_text(text: str, path: str, first_line: int, where: str = "") -> list[Diagnostic]:
    """Report every suspect number of one text; `first_line` is the file line of its start."""
    problems = []
    for offset, kind, masked, severity in find_numbers(text):
        line = first_line + text.count("\n", 0, offset)
        if severity == "error":
            message = (f"{where}含有疑似{kind} {masked}：请删除或打码（如 {masked}）后再发布；"
                       "确需公开的，在 front matter 写 privacy_reviewed: 理由")
        else:
            message = f"{where}含有手机号码 {masked}：请确认可以公开"
        problems.append(Diagnostic(path, line, message, severity))
    return problems


def scan_notice(notice: Notice, attachments: list[Attachment], fields: list[Diagnostic] | None = None) -> list[Diagnostic]:
    """Scan a published notice: title, metadata, body and the readable text of its attachments.

    `fields` is what scan_fields found earlier, when the caller kept it.
    """
    problems = scan_fields(notice) if fields is None else list(fields)
    for attachment in attachments:
        for page, text in _readable_text(attachment.source):
            if page is None:  # a text file: point at its own line
                problems += scan_text(text, attachment.rel, 1, f"附件（公告 {notice.path}）")
            else:
                problems += scan_text(text.replace("\n", " "), notice.path, notice.line_of("attachments"),
                                      f"附件 {attachment.name} 第 {page} 页")
    if notice.privacy_reviewed:
        return [p for p in problems if p.severity != "error"]
    return problems


def scan_fields(notice: Notice) -> list[Diagnostic]:
    """Scan the notice's own text, which depends on its file alone (so the result can be kept)."""
    problems = []
    fields = [("title", notice.title), ("responsible", notice.responsible), ("department", notice.department),
              ("doc_number", notice.doc_number), ("summary", notice.summary), ("index_number", notice.index_number),
              ("tags", " ".join(notice.tags)), ("changes", " ".join(c.note for c in notice.changes)),
              ("attachments", " ".join(a.title or "" for a in notice.attachments))]
    for name, value in fields:
        if value:
            problems += scan_text(value, notice.path, notice.line_of(name))
    problems += scan_text(notice.body, notice.path, notice.body_line)
    return problems


def _readable_text(path: Path) -> Iterator[tuple[int | None, str]]:
    """Yield the text of an attachment: (None, text) for a text file, (page, text) per PDF page."""
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        yield None, path.read_bytes().decode("utf-8", errors="replace")
    elif suffix == ".pdf":
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError

        try:
            for number, page in enumerate(PdfReader(path).pages, start=1):
                yield number, page.extract_text() or ""
        except (PyPdfError, ValueError, KeyError, OSError):
            return  # an unreadable PDF cannot be checked; it is published as the editor gave it
