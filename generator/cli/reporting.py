"""`build.py report`: draft the year's 政府信息公开工作年度报告 as a draft notice in the report category.

The draft follows the 2021 format (国办公开办函〔2021〕30号) section by section. Section 二's
first table is counted from the published notices (yearcount.py), with a comment block naming
every notice behind each number; the numbers the notices cannot know (行政许可, 行政处罚,
行政强制, 收费, section 三's applications, section 四's reviews and suits) are tables with
empty cells, each marked 待填写; sections 三 and 四 keep the format's merged headings
(reportform.py). The file is written once and never overwritten: the clerk edits it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from generator.build.published import read_published
from generator.cli.reportform import application_table, review_table
from generator.core.errors import Diagnostic, UsageError
from generator.disclosure.yearcount import PLACEHOLDER, Row, count_year, reconcile

TO_FILL = f"<!-- {PLACEHOLDER}：本表的数字由承办处室统计后填入空格 -->"
TO_FILL_CELLS = f"<!-- {PLACEHOLDER}：本表的数字由承办处室统计后填入每个空单元格（td 标记之间），没有的填 0 -->"
# PLACEHOLDER is a valid value, so the draft keeps every build working; a build warns if it is published.


def report_parser() -> argparse.ArgumentParser:
    """Describe `build.py report`."""
    p = argparse.ArgumentParser(prog="build.py report",
                                description="按《政府信息公开工作年度报告格式》起草某一年的年度报告（草稿），第二部分的规章和规范性文件数字从已发布的公告统计。")
    p.add_argument("--year", type=int, required=True, help="报告年度，例如 2025")
    p.add_argument("--content", type=Path, default=Path("content"), help="内容目录（默认 content/）")
    p.add_argument("--responsible", default=PLACEHOLDER, help=f"责任人（默认写“{PLACEHOLDER}”，发布前必须改掉）")
    return p


def report(argv: list[str], now: datetime) -> int:
    """Write the draft report of one year; exit 0 done (1 and 2 are raised for paperwork.py to map)."""
    args = report_parser().parse_args(argv)
    if not args.content.is_dir():
        raise UsageError(f"内容目录 {args.content} 不存在")
    published = read_published(args.content, now)
    config = published.config
    if config.report_category is None:
        raise UsageError("site.yaml 中没有 report_category：请写明年度报告所在的分类，例如 report_category: annual-reports")
    if not 2000 <= args.year <= published.now.year:
        raise UsageError(f"--year {args.year} 不在 2000 到 {published.now.year} 年之间")
    notices = published.collection.notices
    rows = count_year(notices, config, args.year)
    # 现行有效 = 上年现行有效 + 本年制发 − 本年废止: the notices that break it are named, here and in the draft.
    unreconciled = [problem for before, now in zip(count_year(notices, config, args.year - 1), rows)
                    for problem in reconcile(before, now, args.year, notices, config)]
    path = args.content / config.report_category / f"{args.year}-annual-information-disclosure-report.md"
    text = draft_text(config.agency, args.year, published.now.date().isoformat(), config.report_category,
                      args.responsible, rows, unreconciled)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        raise UsageError(f"文件 {path} 已存在，不会覆盖；要重新起草请先改名或删除它") from None
    made = "；".join(f"{r.label}本年制发 {len(r.made)} 件、废止 {len(r.repealed)} 件、现行有效 {len(r.in_force)} 件"
                    for r in rows)
    for problem in unreconciled:
        print(problem.format(), file=sys.stderr)
    print(f"已起草 {path.relative_to(args.content).as_posix()}（草稿）：{made}。请填写标有“待填写”的部分，改为发布后删除 draft: true")
    return 0


def draft_text(agency: str, year: int, today: str, category: str, responsible: str, rows: list[Row],
               unreconciled: Sequence[Diagnostic] = ()) -> str:
    """Compose the draft: front matter, then sections 一 to 六 of the 2021 format."""
    title = f"{agency}{year}年政府信息公开工作年度报告"
    lines = [
        "---",
        f"title: {json.dumps(title, ensure_ascii=False)}",
        f"category: {category}",
        f"date: {today}",
        f"responsible: {json.dumps(responsible, ensure_ascii=False)}" + ("  # 必填：对公开内容负责的人" if responsible == PLACEHOLDER else ""),
        "draft: true  # 审核定稿后删除这一行，报告即随下次构建发布",
        "tags: [政府信息公开, 年度报告]",
        "---",
        f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《中华人民共和国政府信息公开工作年度报告格式》"
        f"（国办公开办函〔2021〕30号）编制，统计期限为{year}年1月1日至12月31日。",
        "",
        "## 一、总体情况",
        "",
        "<!-- 待填写：综述本机关主动公开、依申请公开、政府信息管理、平台建设、监督保障等方面的工作 -->",
        "",
        "## 二、主动公开政府信息情况",
        "",
        _explanation(year, rows, unreconciled),
        "",
        "**第二十条第（一）项**",
        "",
        "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |",
        "| --- | --- | --- | --- |",
        *(f"| {r.label} | {len(r.made)} | {len(r.repealed)} | {len(r.in_force)} |" for r in rows),
        "",
        *_blank_table("第二十条第（五）项", ("信息内容", "本年处理决定数量"), ("行政许可",)),
        *_blank_table("第二十条第（六）项", ("信息内容", "本年处理决定数量"), ("行政处罚", "行政强制")),
        *_blank_table("第二十条第（八）项", ("信息内容", "本年收费金额（单位：万元）"), ("行政事业性收费",)),
        "## 三、收到和处理政府信息公开申请情况",
        "",
        TO_FILL_CELLS,
        "",
        application_table(),
        "",
        "## 四、政府信息公开行政复议、行政诉讼情况",
        "",
        TO_FILL_CELLS,
        "",
        review_table(),
        "",
        "## 五、存在的主要问题及改进情况",
        "",
        "<!-- 待填写：上一年度问题的整改情况，本年度存在的主要问题和改进措施 -->",
        "",
        "## 六、其他需要报告的事项",
        "",
        "<!-- 待填写：收取信息处理费的情况，以及本机关认为需要报告的其他事项；没有的写“无” -->",
        "",
    ]
    return "\n".join(lines)


def _blank_table(caption: str, head: tuple[str, ...], rows: tuple[str, ...]) -> list[str]:
    """Write a table whose number cells are left empty for the clerk, marked 待填写."""
    return [TO_FILL, "", f"**{caption}**", "", "| " + " | ".join(head) + " |", "|" + " --- |" * len(head),
            *("| " + row + " |" + "  |" * (len(head) - 1) for row in rows), ""]


def _explanation(year: int, rows: list[Row], unreconciled: Sequence[Diagnostic]) -> str:
    """Name every notice behind the counted numbers, in a comment the published page does not show."""
    lines = [f"<!-- 统计说明（build.py report 生成，发布后不显示）：下表第一部分按本站已发布的公告统计，统计截止{year}年12月31日。"]
    for r in rows:
        lines.append(f"{r.label}，本年制发 {len(r.made)} 件：" + _names(r.made))
        lines.append(f"{r.label}，本年废止 {len(r.repealed)} 件：" + (
            "；".join(f"{n.path}《{_safe(n.title)}》（{day.isoformat()} 废止，依据：{how}）" for n, day, how in r.repealed)
            or "无"))
        lines.append(f"{r.label}，现行有效 {len(r.in_force)} 件：" + _names(r.in_force))
        if r.unknown:
            lines.append(f"{r.label}，已废止但不知废止日期、未计入的 {len(r.unknown)} 件（请在文件中写 repealed 日期）："
                         + _names(r.unknown))
    for problem in unreconciled:
        lines.append(f"数字对不上：{problem.path}：{_safe(problem.message)}")
    lines.append("-->")
    return "\n".join(lines)


def _names(notices: list) -> str:
    """List notices by file and title, or say 无."""
    return "；".join(f"{n.path}《{_safe(n.title)}》" for n in notices) or "无"


def _safe(text: str) -> str:
    """Keep a title from ending the comment it is quoted in."""
    return text.replace("--", "—").replace(">", "＞")
