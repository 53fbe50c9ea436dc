"""Word documents for the import tests, written with python-docx as a clerk's Word would save them."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn

CENTER, RIGHT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT


def png(width: int = 4, height: int = 3) -> bytes:
    """Return a small valid PNG (a red rectangle)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def line(document, text: str, align=None, bold: bool = False):
    """Add one paragraph."""
    p = document.add_paragraph()
    p.add_run(text).bold = bold
    if align is not None:
        p.alignment = align
    return p


def tongzhi(path: Path, image_dir: Path) -> Path:
    """Write a 通知 as a 红头文件: 版头, title, 主送机关, body, 附件说明, 落款, 公开属性."""
    d = docx.Document()
    line(d, "星海市民族和宗教事务局文件", CENTER)
    line(d, "星民宗发〔2024〕12号", CENTER)
    line(d, "关于开展2024年宗教活动场所", CENTER, bold=True)
    line(d, "年度检查工作的通知", CENTER, bold=True)
    line(d, "各区、县（市）民族宗教事务局：")
    p = d.add_paragraph("为规范宗教活动场所管理，")
    p.add_run("经研究决定").bold = True
    p.add_run("开展年度检查。")
    p.add_run().add_break()
    p.add_run("请各单位认真组织。")
    d.add_paragraph("一、检查内容", style="Heading 1")
    d.add_paragraph("场所登记情况", style="List Number")
    d.add_paragraph("登记证书是否在有效期内", style="List Number 2")
    d.add_paragraph("证书原件核对", style="List Number 3")
    d.add_paragraph("财务管理情况", style="List Number")
    table = d.add_table(rows=4, cols=3)
    cells = [["区县", "场所数", "备注"], ["东城区", "12", "含新登记 2 处"], ["西城区", "8", ""], ["合计", "", "20"]]
    for r, row in enumerate(cells):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    table.cell(1, 2).merge(table.cell(2, 2))  # 备注 spans two rows
    table.cell(3, 0).merge(table.cell(3, 1))  # 合计 spans two columns
    table.cell(3, 0).text = "合计"
    line(d, "二、工作要求", bold=True)
    line(d, "（一）加强组织领导")
    line(d, "三、各单位于6月30日前报送检查结果。")
    image = image_dir / "seal.png"
    image.write_bytes(png())
    d.add_paragraph().add_run().add_picture(str(image))
    line(d, "附件：1．检查登记表")
    line(d, "2．场所名单")
    line(d, "星海市民族和宗教事务局", RIGHT)
    line(d, "2024年5月6日", RIGHT)
    line(d, "（此件公开发布）")
    d.save(path)
    return path


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def embed_file(document, data: bytes, name: str = "Microsoft_Excel_Worksheet1.xlsx") -> None:
    """Add a paragraph holding an embedded file, as Word's Insert › Object does."""
    part = Part(PackURI(f"/word/embeddings/{name}"), XLSX, data, document.part.package)
    rid = document.part.relate_to(part, RT.PACKAGE)
    run = document.add_paragraph("见下表：").add_run()
    run._r.append(parse_xml(
        f'<w:object xmlns:w="{W}" xmlns:o="urn:schemas-microsoft-com:office:office" '
        f'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<o:OLEObject Type="Embed" ProgID="Excel.Sheet.12" r:id="{rid}"/></w:object>'))


def add_footnote(document, paragraph, text: str) -> None:
    """Give a paragraph a footnote (python-docx writes none, so the part is made here)."""
    xml = (f'<w:footnotes xmlns:w="{W}"><w:footnote w:type="separator" w:id="-1"><w:p/></w:footnote>'
           f'<w:footnote w:id="1"><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:footnote></w:footnotes>')
    part = Part(PackURI("/word/footnotes.xml"),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
                xml.encode(), document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)
    paragraph.add_run()._r.append(OxmlElement("w:footnoteReference"))
    paragraph.runs[-1]._r[-1].set(qn("w:id"), "1")


def chinese_numbering(document) -> str:
    """Define WPS's usual 公文 numbering (一、 then （一） then 1.) and return its numId."""
    numbering = document.part.numbering_part.element
    levels = [("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3.")]
    xml = f'<w:abstractNum xmlns:w="{W}" w:abstractNumId="90">' + "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl>'
        for i, (fmt, text) in enumerate(levels)) + "</w:abstractNum>"
    numbering.insert(0, parse_xml(xml))
    numbering.append(parse_xml(f'<w:num xmlns:w="{W}" w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    return "90"


def numbered(document, text: str, num_id: str, level: int):
    """Add a paragraph numbered by the given numbering and level."""
    p = document.add_paragraph(text)
    p._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr xmlns:w="{W}"><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))
    return p


def add_link(document, paragraph, text: str, url: str) -> None:
    """Append a hyperlink to a paragraph, as Word's Insert › Link does."""
    rid = document.part.relate_to(url, RT.HYPERLINK, is_external=True)
    paragraph._p.append(parse_xml(
        f'<w:hyperlink xmlns:w="{W}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
        f'r:id="{rid}"><w:r><w:t>{text}</w:t></w:r></w:hyperlink>'))
