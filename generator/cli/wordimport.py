"""Import, mapping: a Word 公文 into a notice file, its images and embedded files beside it.

docxbody.py reads the document; this module recognises the parts of a 公文
(GB/T 9704) around the body: 发文机关标志, 发文字号, title, 主送机关, 附件说明,
落款 with the 成文日期, the 公开属性 line （此件公开发布） and the 版记. Parts that
have a front-matter field go there; the others stay in the body as plain
paragraphs, all placed by `body_parts`, the one function to change when the
公文 layout gives them fields. Nothing is dropped: what could not be mapped
is kept in the body and named in the report.
"""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from docx.opc.exceptions import PackageNotFoundError

from generator.cli.docxbody import Block, Document, escape_line, read_docx
from generator.cli.scaffold import category_key, load_notices, next_index_number, notice_path
from generator.core.config import load_config
from generator.core.errors import Diagnostic, UsageError, errors_in
from generator.disclosure.checks import check_all
from generator.disclosure.privacy import scan_notice
from generator.load.sources import read_sources
from generator.load.validate import validate_all

DOC_NUMBER = re.compile(r"[\u4e00-\u9fff\w]{1,20}[〔［\[【(（]\d{4}[〕］\]】)）]\s*第?\d{1,5}号")
CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0, "Ｏ": 0, "O": 0}
DATE = re.compile(r"^(\d{4}|[〇○零ＯO一二三四五六七八九]{4})\s*年\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月"
                  r"\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*日$")
PUBLICITY = re.compile(r"^[（(]\s*此件(公开发布|主动公开|依申请公开|不予公开|不公开)\s*[）)]$")
PUBLICITY_VALUES = {"公开发布": "public", "主动公开": "public", "依申请公开": "on-request",
                    "不予公开": "withheld", "不公开": "withheld"}
ATTACHMENT_NOTE = re.compile(r"^附\s*件\s*[：:]")
CN_HEADING = re.compile(r"^[一二三四五六七八九十]{1,3}、\S")
CN_SUBHEADING = re.compile(r"^[（(][一二三四五六七八九十]{1,3}[）)]\S")
NOTE_ITEM = re.compile(r"^\d{1,2}\s*[.．、]")
IMPRINT = re.compile(r"^(抄\s*送\s*[：:]|.*\d{4}\s*年.*印\s*发$)")
REFUSED = {".doc": "Word 97-2003 文档（.doc）", ".wps": "WPS 文字文档（.wps）", ".pdf": "PDF 文件",
           ".wpt": "WPS 模板", ".dot": "Word 模板", ".rtf": "RTF 文档", ".odt": "OpenDocument 文档"}


@dataclass
class Gongwen:
    """The recognised parts of one 公文, and the body between them."""

    title: str = ""
    doc_number: str = ""
    issuer: str = ""  # the 发文机关标志 without 文件
    head: list[str] = field(default_factory=list)  # head lines that are neither 机关标志 nor 文号
    addressee: str = ""  # 主送机关
    body: list[Block] = field(default_factory=list)
    attachment_note: list[str] = field(default_factory=list)  # 附件说明, one line per item
    signatories: list[str] = field(default_factory=list)  # 落款: the issuing agencies, one a line
    written_line: str = ""  # 成文日期 as written
    written: str = ""  # the same as YYYY-MM-DD
    publicity: str = ""  # （此件公开发布） as written
    genre: str = ""  # the 体裁分类 the title ends with (通知, 公告 …), when site.yaml has it
    disclosure: str = ""  # its value for the disclosure field
    imprint: list[str] = field(default_factory=list)  # 版记: 抄送, 印发


class ImportFailed(Exception):
    """The file cannot be imported; the message says why and what to do, in Chinese."""


def recognise(blocks: list[Block], title: str | None = None) -> Gongwen:
    """Split the blocks into the 公文 parts and the body between them."""
    g = Gongwen()
    i, end = 0, len(blocks)
    texts = [b.text.strip() for b in blocks]
    # 版头: everything up to a short line with the 发文字号, within the first lines and before any sentence
    number_at = None
    for k in range(min(end, 6)):
        if blocks[k].kind != "paragraph" or texts[k].endswith("。"):
            break
        if len(texts[k]) <= 40 and DOC_NUMBER.search(texts[k]):
            number_at = k
            break
    if number_at is not None:
        before = [t for t in texts[:number_at] if t]
        for text in before:  # the 发文机关标志 (…文件, or the agency's name alone), then 份号, 密级 …
            if not g.issuer and (text.endswith("文件") or len(before) == 1):
                g.issuer = re.sub(r"\s*文件$", "", text)
            else:
                g.head.append(text)
        number = DOC_NUMBER.search(texts[number_at])
        g.doc_number = re.sub(r"\s+", "", number.group(0))
        rest = (texts[number_at][: number.start()] + texts[number_at][number.end():]).strip()
        if rest:  # 签发人 of a 上行文
            g.head.append(rest)
        i = number_at + 1
    elif end and blocks[0].kind == "paragraph" and texts[0].endswith("文件") and blocks[0].align == "center" \
            and len(texts[0]) <= 40:
        g.issuer, i = texts[0][:-2].strip(), 1
    if title is not None:
        g.title = title
    else:
        while i < end and blocks[i].kind in ("paragraph", "heading") and \
                (blocks[i].align == "center" or blocks[i].style == "title") and texts[i] and \
                not (g.title and texts[i].startswith(("（", "("))):  # a 题注 under the title stays in the body
            g.title += texts[i]
            i += 1
        if not g.title and i < end and blocks[i].kind == "paragraph" and len(texts[i]) <= 80 and "。" not in texts[i]:
            g.title, i = texts[i], i + 1
    if i < end and blocks[i].kind == "paragraph" and re.search(r"[：:]$", texts[i]) and len(texts[i]) <= 120 \
            and not ATTACHMENT_NOTE.match(texts[i]):
        g.addressee, i = texts[i], i + 1
    while end > i and blocks[end - 1].kind == "paragraph" and IMPRINT.match(texts[end - 1]):
        g.imprint.insert(0, texts[end - 1])
        end -= 1
    if end > i and PUBLICITY.match(texts[end - 1]):
        g.publicity = texts[end - 1]
        g.disclosure = PUBLICITY_VALUES[PUBLICITY.match(texts[end - 1]).group(1)]
        end -= 1
    if end > i and blocks[end - 1].kind == "paragraph" and DATE.match(texts[end - 1].replace(" ", "")):
        g.written_line = texts[end - 1]
        g.written = _iso_date(texts[end - 1])
        end -= 1
        while end > i and blocks[end - 1].kind in ("paragraph", "image") and blocks[end - 1].align in ("right", "center") \
                and len(texts[end - 1]) <= 40:
            g.signatories.insert(0, blocks[end - 1].markdown if blocks[end - 1].kind == "image" else texts[end - 1])
            end -= 1
    note = next((k for k in range(end - 1, i - 1, -1) if blocks[k].kind == "paragraph" and ATTACHMENT_NOTE.match(texts[k])), None)
    if note is not None and all(blocks[k].kind == "paragraph" and NOTE_ITEM.match(texts[k]) for k in range(note + 1, end)):
        g.attachment_note = texts[note:end]
        end = note
    g.body = blocks[i:end]
    return g


@dataclass
class Placement:
    """Where the 公文 parts go: front-matter fields, Markdown before and after the body, and what to report."""

    fields: list[tuple[str, str]]  # (name, YAML value)
    before: list[str]
    after: list[str]
    kept: list[str]  # parts that stay in the body, for the report


def place_parts(g: Gongwen) -> Placement:
    """Put each recognised 公文 part in its field, or in the body where it has none.

    The one place that decides this: 主送机关, 落款, 成文日期 and 附注 have fields of
    the 公文 layout, which renders them around the body; 附件说明 (it names files
    the document does not hold), the 签发人 and 份号 of the head, the 版记 and a
    seal's picture have none, so they stay in the body and are reported.
    """
    fields, before, after, kept = [], [], [], []
    if g.issuer:
        fields.append(("issuer", _quote(g.issuer)))
    if g.doc_number:
        fields.append(("doc_number", _quote(g.doc_number)))
    if g.genre:
        fields.append(("genre", _quote(g.genre)))
    if g.addressee:
        fields.append(("addressee", _quote(re.sub(r"[：:]$", "", g.addressee))))
    names = [line for line in g.signatories if not line.startswith("![")]
    if names:
        fields.append(("signatories", "[" + ", ".join(_quote(n) for n in names) + "]"))
    if g.written:
        fields.append(("written", g.written))
    if g.publicity:
        fields.append(("closing", _quote(g.publicity)))
    if g.disclosure:
        fields.append(("disclosure", g.disclosure))
    if g.head:
        before += [escape_line(line) for line in g.head]
        kept.append(f"版头「{'；'.join(g.head)}」")
    if g.attachment_note:
        after.append("<br>".join(escape_line(line) for line in g.attachment_note))
        kept.append(f"附件说明「{_short(' '.join(g.attachment_note))}」：文中所列附件请另行放到公告旁边，写进 attachments")
    seals = [line for line in g.signatories if line.startswith("![")]
    if seals:
        after += seals
        kept.append(f"落款处的图片 {len(seals)} 张（印章）")
    if g.imprint:
        after += [escape_line(line) for line in g.imprint]
        kept.append(f"版记「{'；'.join(g.imprint)}」")
    return Placement(fields, before, after, kept)


def compose(g: Gongwen, doc: Document, fields: dict[str, str]) -> tuple[str, list[str], list[str]]:
    """Write the notice file's text; return it with the fields filled from the document and the parts kept."""
    placed = place_parts(g)
    body = placed.before + _body_markdown(g.body) + placed.after
    lines = ["---", f"title: {_quote(g.title)}"]
    for name, value in fields.items():
        if name == "responsible" and not value:  # the hint on its own line, as `new` writes it
            lines.append("# 必填：在下一行冒号后写对公开内容负责的人")
        lines.append(f"{name}: {value}")
    lines += [f"{name}: {value}" for name, value in placed.fields]
    files = [f for f in doc.files if not f.image]  # images are shown in the body, which publishes them
    if files:
        lines.append("attachments:")
        lines += [f"  - {{file: {_quote(f.name)}, title: {_quote(f.title)}}}" for f in files]  # in <slug>/
    lines.append("---")
    text = "\n".join(lines) + "\n" + "\n\n".join(body) + "\n"
    if doc.footnotes:
        text += "\n" + "\n".join(doc.footnotes) + "\n"
    mapped = ["title"] + [name for name, _ in placed.fields] + (["attachments"] if files else [])
    return text, mapped, placed.kept


def import_docx(source: Path, content: Path, now: datetime, category: str | None, responsible: str,
                slug: str | None = None, title: str | None = None
                ) -> tuple[Path, list[str], list[str], list[Diagnostic]]:
    """Import one .docx; return the notice's path, the fields it filled, the parts kept in the body and its problems."""
    doc = open_docx(source)
    if not any(b.text.strip() for b in doc.blocks):
        raise ImportFailed(f"{source}: 文档中没有文字，无法导入：请确认选对了文件，公告正文不能为空")
    g = recognise(doc.blocks, title)
    if not g.title:
        raise ImportFailed(f"{source}: 没有找到标题（居中的标题段落）：请在 Word 中把标题设为居中，或用 --title 指定标题")
    config, notices = load_notices(content)
    if category is None:
        choices = "、".join(f"{c.key}（{c.name}）" for c in config.categories)
        raise UsageError(f"请用 --category 指定分类，可用的分类：{choices}")
    key = category_key(config, category)
    today = now.astimezone(config.tz)
    path = notice_path(content, notices, key, today, slug)
    if path.exists() or path.with_suffix("").exists():
        raise UsageError(f"文件 {path} 或目录 {path.with_suffix('')} 已存在，不会覆盖；请用 --slug 换一个名称")
    fields = {
        "category": key,
        "date": f"{today:%Y-%m-%d}",
        "responsible": _quote(responsible) if responsible.strip() else "",
        "index_number": next_index_number(notices, config, today),
    }
    g.genre = next((genre.name for genre in sorted(config.genres, key=lambda x: -len(x.name))
                    if g.title.endswith(genre.name)), "")
    text, mapped, report = compose(g, doc, fields)
    report += doc.notes
    path.parent.mkdir(parents=True, exist_ok=True)
    if doc.files:
        folder = path.with_suffix("")
        folder.mkdir()
        for f in doc.files:
            (folder / f.name).write_bytes(f.data)
    with path.open("x", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    return path, mapped, report, problems_of(content, path.relative_to(content).as_posix())


def open_docx(source: Path) -> Document:
    """Read the file as a Word document, or say in Chinese why it cannot be one."""
    suffix = source.suffix.lower()
    if suffix in REFUSED:
        raise ImportFailed(f"{source}: 不能直接导入{REFUSED[suffix]}：请在 Word 或 WPS 中打开它，"
                           "“另存为” Word 文档（.docx）后再导入")
    if suffix != ".docx":
        raise ImportFailed(f"{source}: 只能导入 Word 文档（.docx）：请在 Word 或 WPS 中另存为 .docx 后再导入")
    if not source.is_file():
        raise UsageError(f"文件 {source} 不存在")
    if not zipfile.is_zipfile(source):
        raise ImportFailed(f"{source}: 不是有效的 Word 文档（.docx），文件可能已损坏或只是改了扩展名："
                           "请在 Word 或 WPS 中打开，另存为 .docx 后再导入")
    try:
        return read_docx(source)
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise ImportFailed(f"{source}: 无法按 Word 文档读取（{type(exc).__name__}）：请在 Word 或 WPS 中打开，"
                           "另存为 .docx 后再导入") from None


def problems_of(content: Path, rel: str) -> list[Diagnostic]:
    """Check the content as a build does (fields, 索引号, attachments, privacy) and keep the new notice's errors."""
    config = load_config(content)
    sources, problems = read_sources(content, config.max_notice_kb)
    notices, invalid = validate_all(sources, config)
    disclosure, spanning = check_all(notices, config, content, lambda notice: True)
    private = [d for n in notices if n.path == rel for d in scan_notice(n, disclosure.attachments.get(rel, []))]
    return [d for d in errors_in(problems + invalid + spanning + private) if d.path == rel]


def _gongwen_heading(block: Block) -> str | None:
    """Return `## 一、…` or `### （一）…` for a short paragraph numbered as a 公文 heading, else None.

    公文 mark their first two levels with 一、 and （一） in plain paragraphs rather than heading
    styles; a numbered paragraph that is a whole sentence stays a paragraph.
    """
    text = block.text.strip()
    if block.kind != "paragraph" or len(text) > 40 or text.endswith(("。", "；", "：", ":", "，")):
        return None
    if CN_HEADING.match(text):
        return f"## {escape_line(text)}"
    if CN_SUBHEADING.match(text):
        return f"### {escape_line(text)}"
    return None


def _body_markdown(blocks: list[Block]) -> list[str]:
    """Join blocks into Markdown paragraphs; consecutive list items form one list.

    A list is indented by how deep each item sits below the items before it, not by Word's level
    alone: a list that starts at Word's third level (under numbered headings) starts at the margin,
    where four spaces more would make a code block.
    """
    out: list[str] = []
    levels: list[int] = []  # Word levels of the open items, outermost first
    for index, block in enumerate(blocks):
        heading = _gongwen_heading(block)
        if heading is not None:
            out.append(heading)
            continue
        if block.kind != "list":
            out.append(block.markdown)
            continue
        if not (index and blocks[index - 1].kind == "list"):
            levels = []
        while levels and levels[-1] > block.level:
            levels.pop()
        if not levels or levels[-1] < block.level:
            levels.append(block.level)
        item = "    " * (len(levels) - 1) + block.markdown
        if index and blocks[index - 1].kind == "list":
            out[-1] += "\n" + item
        else:
            out.append(item)
    return out


def _iso_date(text: str) -> str:
    """Turn 2024年5月6日 or 二〇二四年五月六日 into 2024-05-06."""
    year, month, day = DATE.match(text.replace(" ", "")).groups()
    return f"{_number(year, digits=True):04d}-{_number(month):02d}-{_number(day):02d}"


def _number(text: str, digits: bool = False) -> int:
    """Read an Arabic number, a year in Chinese digits (二〇二四) or a count up to 31 (二十六)."""
    if text.isdigit():
        return int(text)
    if digits:
        return int("".join(str(CN_DIGITS[c]) for c in text))
    tens, _, ones = text.partition("十")
    if "十" not in text:
        return CN_DIGITS[text]
    return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[ones] if ones else 0)


def _quote(text: str) -> str:
    """Quote a front-matter value so YAML reads it back as the same string."""
    return json.dumps(text, ensure_ascii=False)


def _short(text: str) -> str:
    """Shorten a text for a report line."""
    return text if len(text) <= 40 else text[:40] + "…"
