"""Import, reading: a Word document (.docx) into Markdown blocks, images and embedded files.

Clerks write notices in Word or WPS. This module turns the document's body into
the Markdown an editor would have typed: headings, numbered and bulleted lists
by level, tables (merged cells as an HTML table, since Markdown tables cannot
merge), bold, line breaks, footnotes. Every paragraph keeps its alignment and
plain text, so that wordimport.py can recognise the 公文 parts around the
body. Images and embedded files become files to put beside the notice.
Nothing is dropped silently: what has no Markdown form is kept as text and
named in `Document.notes`.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

from generator.cli.docxstyles import (
    WRITTEN_FORMATS,
    Level,
    Styles,
    alignment,
    bold_run,
    number_text,
    numbering_levels,
    style_name,
    style_num_pr,
)

HEADING_STYLE = re.compile(r"^(?:Heading|标题)\s*(\d)$", re.I)
LIST_STYLE = re.compile(r"^List (Number|Bullet)(?: (\d))?$", re.I)
LINE_START = re.compile(r"^(\s*)(#|>|[-+*]\s|\d+[.)]\s|=+\s*$)")
MATH = "http://schemas.openxmlformats.org/officeDocument/2006/math"
# Elements whose runs are shown as if they stood in the paragraph itself.
CONTAINERS = {qn("w:ins"), qn("w:smartTag"), qn("w:sdt"), qn("w:sdtContent"), qn("w:fldSimple"), qn("w:customXml"),
              qn("w:moveTo")}
IMAGE_TYPES = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/bmp": ".bmp"}


@dataclass
class Block:
    """One top-level piece of the body, already in Markdown."""

    kind: str  # paragraph | heading | list | table | image
    markdown: str
    text: str = ""  # plain text, for recognising 公文 parts
    align: str = ""  # left | center | right | "" (not set)
    style: str = ""
    level: int = 0  # a list item's level in Word; its Markdown indentation is set when lists are joined


@dataclass
class File:
    """An image or embedded file of the document, to be written beside the notice."""

    name: str
    data: bytes
    title: str
    image: bool = False  # shown in the body where it stood; an embedded file is an attachment


@dataclass
class Document:
    """What a .docx holds, ready for the 公文 recognition."""

    blocks: list[Block]
    files: list[File]
    footnotes: list[str]  # Markdown footnote definitions, `[^1]: …`
    notes: list[str] = field(default_factory=list)  # content kept as plain text, for the report


class Reader:
    """Walk one document's XML in order; keeps the numbering and file counters."""

    def __init__(self, document):
        self.doc = document
        self.files: list[File] = []
        self.notes: list[str] = []
        self.footnote_ids: dict[str, int] = {}
        self.footnote_text = _footnotes(document)
        self.numbering = numbering_levels(document)
        self.counts: dict[str, list[int]] = {}  # numId -> the current number at each level
        self.styles = Styles(document)

    def read(self) -> Document:
        """Turn the whole body into blocks."""
        blocks: list[Block] = []
        for child in self.doc.element.body.iterchildren():
            if child.tag == qn("w:p"):
                block = self.paragraph(child)
                if block is not None:
                    blocks.append(block)
                for box in child.iter(qn("w:txbxContent")):
                    texts = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in box.iter(qn("w:p"))]
                    text = " ".join(t.strip() for t in texts if t.strip())
                    if text:
                        blocks.append(Block("paragraph", escape_line(text), text))
                        self.notes.append(f"文本框「{_short(text)}」已作为普通段落导入")
            elif child.tag == qn("w:tbl"):
                blocks.append(self.table(child))
            elif child.tag == qn("w:sdt"):  # content controls, e.g. a cover page: read their paragraphs
                for p in child.iter(qn("w:p")):
                    block = self.paragraph(p)
                    if block is not None:
                        blocks.append(block)
        footnotes = [f"[^{n}]: {self.footnote_text.get(fid, '')}" for fid, n in self.footnote_ids.items()]
        return Document(blocks, self.files, footnotes, self.notes)

    def paragraph(self, p) -> Block | None:
        """Convert one paragraph; None when it holds nothing to show."""
        text = self.inline(p, "md")
        plain = _plain(p)
        style = style_name(self.styles, p)
        align = alignment(self.styles, p)
        if not text.strip():
            return None
        markdown = text
        heading = HEADING_STYLE.match(style)
        if style.lower() in ("title", "标题") and plain.strip():
            return Block("heading", escape_line(plain.strip()), plain.strip(), "center", "title")
        if heading and plain.strip():
            level = min(int(heading.group(1)) + 1, 6)  # the notice title is the page's only h1
            return Block("heading", f"{'#' * level} {plain.strip()}", plain.strip(), align, style)
        listed = self.list_item(p, style)
        if isinstance(listed, str):  # a Chinese number, kept as text so the 公文 reads as written
            return Block("paragraph", escape_line(listed) + markdown.strip(), listed + plain.strip(), align, style)
        if listed is not None:
            ordered, level = listed
            marker = "1." if ordered else "-"
            return Block("list", f"{marker} {markdown.strip()}", plain.strip(), align, style, level)
        if "![" in markdown and not plain.strip():
            return Block("image", markdown.strip(), "", align, style)
        return Block("paragraph", markdown.strip(), plain.strip(), align, style)

    def list_item(self, p, style: str) -> tuple[bool, int] | str | None:
        """Return (ordered, level) for a list paragraph, the number itself where Markdown has no
        such list (一、, （一）, ①), or None for a paragraph without numbering."""
        num_pr = p.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        style_match = LIST_STYLE.match(style)
        if num_pr is None and style_match is None:
            num_pr = style_num_pr(self.styles, p)
            if num_pr is None:
                return None
        level = 0
        num_id = None
        if num_pr is not None:
            ilvl = num_pr.find(qn("w:ilvl"))
            if ilvl is not None:
                level = int(ilvl.get(qn("w:val"), "0"))
            num = num_pr.find(qn("w:numId"))
            num_id = num.get(qn("w:val")) if num is not None else None
            if num_id == "0":  # numbering switched off for this paragraph
                return None
        if style_match and style_match.group(2) and level == 0:
            level = int(style_match.group(2)) - 1
        definition = self.numbering.get((num_id, level)) or self.numbering.get((num_id, 0))
        if definition is None:
            bullet = style_match and style_match.group(1).lower() == "bullet"
            definition = Level("bullet" if bullet else "decimal")
        if definition.fmt in WRITTEN_FORMATS and num_id is not None:
            counts = self.counts.setdefault(num_id, [])
            del counts[level + 1:]
            while len(counts) <= level:
                counts.append((self.numbering.get((num_id, len(counts))) or Level()).start - 1)
            counts[level] += 1
            return number_text(definition, counts)
        return definition.fmt != "bullet", min(level, 8)

    def inline(self, element, mode: str) -> str:
        """Render the runs of a paragraph as Markdown (mode md) or HTML (mode html)."""
        return _join(self.pieces(element, mode), mode)

    def pieces(self, element, mode: str) -> list[tuple[str, bool]]:
        """Collect a paragraph's text in order as (text, bold); links, notes and files as markup."""
        out: list[tuple[str, bool]] = []
        for child in element:
            if child.tag == qn("w:r"):
                out += self.run_pieces(child, mode)
            elif child.tag == qn("w:hyperlink"):
                inner = _join(self.pieces(child, mode), mode)
                target = self.link_target(child)
                if target and inner:
                    safe = target.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
                    inner = f'<a href="{html.escape(safe)}">{inner}</a>' if mode == "html" else f"[{inner}]({safe})"
                out.append((f"\x01{inner}\x01", False))
            elif child.tag in (f"{{{MATH}}}oMath", f"{{{MATH}}}oMathPara"):
                text = "".join(t.text or "" for t in child.iter(f"{{{MATH}}}t"))
                out.append((text, False))
                self.notes.append(f"公式「{_short(text)}」已按文字导入，请核对")
            elif child.tag in CONTAINERS:  # tracked insertions, content controls, simple fields: their runs
                out += self.pieces(child, mode)
        return out

    def run_pieces(self, run, mode: str) -> list[tuple[str, bool]]:
        """Collect one run's text, breaks, footnote marks, images and embedded files."""
        out: list[tuple[str, bool]] = []
        bold = bold_run(run)
        for child in run:
            if child.tag == qn("w:t"):
                out.append((child.text or "", bold))
            elif child.tag in (qn("w:br"), qn("w:cr")) and child.get(qn("w:type")) in (None, "textWrapping"):
                out.append(("\n", False))
            elif child.tag == qn("w:tab"):
                out.append((" ", False))
            elif child.tag == qn("w:footnoteReference"):
                fid = child.get(qn("w:id"))
                number = self.footnote_ids.setdefault(fid, len(self.footnote_ids) + 1)
                out.append((f"\x01[^{number}]\x01", False))
            elif child.tag in (qn("w:drawing"), qn("w:pict"), qn("w:object")):
                out.append((f"\x01{self.embedded(child, mode)}\x01", False))
            elif child.tag.endswith("}AlternateContent"):  # newer drawings, with an older fallback
                choice = next(iter(child), None)
                if choice is not None:
                    out.append((f"\x01{self.embedded(choice, mode)}\x01", False))
        return out

    def link_target(self, hyperlink) -> str:
        """Return a hyperlink's address; "" for a link to a place inside the document."""
        rid = hyperlink.get(qn("r:id"))
        rel = self.doc.part.rels.get(rid) if rid else None
        return rel.target_ref if rel is not None and rel.is_external else ""

    def embedded(self, element, mode: str) -> str:
        """Save an image or embedded file; return the Markdown (or HTML) that shows or links it."""
        ole = next(element.iter("{urn:schemas-microsoft-com:office:office}OLEObject"), None)
        if ole is not None:
            part = self.doc.part.related_parts.get(ole.get(qn("r:id")))
            if part is None:
                return ""
            suffix = PurePosixPath(str(part.partname)).suffix.lower()
            n = sum(1 for f in self.files if f.name.startswith("附件")) + 1
            name = f"附件{n}{suffix}"
            if suffix == ".bin":
                self.notes.append(f"嵌入对象 {name} 的格式无法识别，已原样保存为附件，请核对")
            self.files.append(File(name, part.blob, f"附件{n}"))
            return f'<a href="{name}">{name}</a>' if mode == "html" else f"[{name}]({name})"
        blips = [b.get(qn("r:embed")) or b.get(qn("r:link")) for b in element.iter(qn("a:blip"))]
        blips += [i.get(qn("r:id")) for i in element.iter("{urn:schemas-microsoft-com:vml}imagedata")]
        for rid in blips:
            part = self.doc.part.related_parts.get(rid)
            if part is None:
                continue
            suffix = IMAGE_TYPES.get(part.content_type) or PurePosixPath(str(part.partname)).suffix.lower()
            n = sum(1 for f in self.files if f.name.startswith("图")) + 1
            described = next((d.get("descr") or "" for d in element.iter(qn("wp:docPr"))), "").strip()
            title = described or f"图{n}"
            name = f"图{n}{suffix}"
            self.files.append(File(name, part.blob, title, image=True))
            if mode == "html":
                return f'<img src="{name}" alt="{html.escape(title)}">'
            return f"![{_escape_text(title)}]({name})"
        return ""

    def table(self, tbl) -> Block:
        """Convert a table: a pipe table when no cell is merged, an HTML table otherwise."""
        grid: list[list[dict]] = []  # per row: cells with col, span, merge state, content
        for tr in tbl.iterchildren(qn("w:tr")):
            row, col = [], 0
            for tc in tr.iterchildren(qn("w:tc")):
                props = tc.find(qn("w:tcPr"))
                span, merge = 1, None
                if props is not None:
                    grid_span = props.find(qn("w:gridSpan"))
                    span = int(grid_span.get(qn("w:val"), "1")) if grid_span is not None else 1
                    v_merge = props.find(qn("w:vMerge"))
                    if v_merge is not None:
                        merge = v_merge.get(qn("w:val")) or "continue"
                paragraphs = [self.inline(p, "html").strip() for p in tc.iterchildren(qn("w:p"))]
                for inner in tc.iterchildren(qn("w:tbl")):  # a table in a cell: keep its text
                    paragraphs.append(html.escape(" ".join(_plain(p) for p in inner.iter(qn("w:p")))))
                    self.notes.append("表格中的嵌套表格已按文字导入")
                content = "<br>".join(p for p in paragraphs if p)
                row.append({"col": col, "span": span, "merge": merge, "html": content, "rows": 1})
                col += span
            grid.append(row)
        for r, row in enumerate(grid):  # count how far each vertical merge reaches down
            for cell in row:
                if cell["merge"] == "continue":
                    continue
                below = r + 1
                while below < len(grid) and any(c["col"] == cell["col"] and c["merge"] == "continue"
                                                for c in grid[below]):
                    cell["rows"] += 1
                    below += 1
        merged = any(c["span"] > 1 or c["merge"] for row in grid for c in row)
        plain = " ".join(c["html"] for row in grid for c in row)
        if not merged and grid and all(len(row) == len(grid[0]) for row in grid):
            return Block("table", _pipe_table(grid), plain)
        return Block("table", _html_table(grid), plain)


def read_docx(path) -> Document:
    """Read a .docx file (raises what python-docx raises on a file that is not one)."""
    return Reader(docx.Document(str(path))).read()


def escape_line(text: str) -> str:
    """Escape a line of plain text so Markdown shows it as written."""
    escaped = _escape_text(text)
    return LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped, count=1)


def _escape_text(text: str) -> str:
    """Escape Markdown's inline marks and HTML's < and &."""
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    return re.sub(r"([\\`*_\[\]|])", r"\\\1", text)


def _join(pieces: list[tuple[str, bool]], mode: str) -> str:
    """Merge runs of equal boldness and mark them up; \x01…\x01 pieces are markup already."""
    merged: list[list] = []
    for text, bold in pieces:
        if merged and merged[-1][1] == bold and not text.startswith("\x01") and not merged[-1][0].endswith("\x01"):
            merged[-1][0] += text
        else:
            merged.append([text, bold])
    out = []
    for text, bold in merged:
        if text.startswith("\x01"):
            out.append(text.strip("\x01"))
            continue
        lines = text.split("\n")
        escaped = [html.escape(line, quote=False) if mode == "html" else _escape_text(line) for line in lines]
        rendered = []
        for line in escaped:
            core = line.strip()
            if bold and core:
                lead, tail = line[: len(line) - len(line.lstrip())], line[len(line.rstrip()):]
                core = f"<strong>{core}</strong>" if mode == "html" else f"**{core}**"
                line = lead + core + tail
            rendered.append(line)
        out.append("<br>".join(rendered))
    joined = "".join(out)
    if mode == "md":
        joined = LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), joined, count=1)
    return joined


def _pipe_table(grid: list[list[dict]]) -> str:
    """Write a table without merged cells as a Markdown pipe table, the first row as its head."""
    def cells(row):
        return "| " + " | ".join(c["html"].replace("|", "&#124;") or " " for c in row) + " |"

    lines = [cells(grid[0]), "| " + " | ".join("---" for _ in grid[0]) + " |"]
    lines += [cells(row) for row in grid[1:]]
    return "\n".join(lines)


def _html_table(grid: list[list[dict]]) -> str:
    """Write a table with merged cells as HTML, which Markdown passes through and the sanitiser keeps."""
    lines = ["<table>"]
    for r, row in enumerate(grid):
        tag = "th" if r == 0 else "td"
        cells = []
        for cell in row:
            if cell["merge"] == "continue":
                continue
            attrs = (' scope="col"' if r == 0 else "") + \
                    (f' colspan="{cell["span"]}"' if cell["span"] > 1 else "") + \
                    (f' rowspan="{cell["rows"]}"' if cell["rows"] > 1 else "")
            cells.append(f"<{tag}{attrs}>{cell['html']}</{tag}>")
        lines.append(("<thead>" if r == 0 else "") + "<tr>" + "".join(cells) + "</tr>"
                     + ("</thead><tbody>" if r == 0 else ""))
    lines.append("</tbody></table>")
    return "\n".join(lines)


def _plain(p) -> str:
    """Return a paragraph's text as written, line breaks as spaces, text boxes left out."""
    parts = []
    for node in p.iter(qn("w:t"), qn("w:br"), qn("w:tab")):
        if _inside(node, "txbxContent") or _inside(node, "fallback"):
            continue
        parts.append(node.text or "" if node.tag == qn("w:t") else " ")
    return "".join(parts)


def _inside(node, local: str) -> bool:
    """Tell whether a node sits inside an element with this local name (text boxes, fallbacks)."""
    parent = node.getparent()
    while parent is not None:
        if parent.tag.rsplit("}", 1)[-1].lower() == local.lower():
            return True
        parent = parent.getparent()
    return False


def _footnotes(document) -> dict[str, str]:
    """Read the footnotes' text by id, so that references in the body keep their notes."""
    for rel in document.part.rels.values():
        if rel.reltype == RT.FOOTNOTES and not rel.is_external:
            from lxml import etree

            root = etree.fromstring(rel.target_part.blob)
            return {note.get(qn("w:id")): _escape_text(" ".join(
                "".join(t.text or "" for t in p.iter(qn("w:t"))).strip() for p in note.iter(qn("w:p")))).strip()
                for note in root.iterchildren(qn("w:footnote"))}
    return {}


def _short(text: str) -> str:
    """Shorten a text for a report line."""
    return text if len(text) <= 30 else text[:30] + "…"

