"""`build.py report`, the prescribed tables: sections 三 and 四 of the 2021 format as HTML tables.

The format (国办公开办函〔2021〕30号) draws both tables with merged headings: section 三 has
three levels of row labels (三、本年度办理结果 › （三）不予公开 › 1.属于国家秘密) and two levels
of applicant columns (法人或其他组织 over five kinds), section 四 has one row of fifteen numbers
under 行政复议 and the two kinds of 行政诉讼. A Markdown table has one header row and no merged
cells, so these two are written as HTML tables (rowspan and colspan survive the sanitiser), one
row a line, with an empty <td></td> for every number the clerk fills in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

# The top-left cell of section 三: the form says how its rows add up.
BALANCE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
APPLICANT_GROUP = "法人或其他组织"
ORGANISATIONS = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
APPLICANTS = ("自然人", *ORGANISATIONS, "总计")  # the seven number columns, left to right
RESULTS = "三、本年度办理结果"
# The outcomes under 三、本年度办理结果: a heading alone, or a heading with its numbered kinds.
OUTCOMES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("（一）予以公开", ()),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ()),
    ("（三）不予公开", ("1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”",
                      "4.保护第三方合法权益", "5.属于三类内部事务信息", "6.属于四类过程性信息",
                      "7.属于行政执法案卷", "8.属于行政查询事项")),
    ("（四）无法提供", ("1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确")),
    ("（五）不予处理", ("1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
                      "5.要求行政机关确认或重新出具已获取信息")),
    ("（六）其他处理", ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                      "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他")),
    ("（七）总计", ()),
)
NEW, CARRIED, LEFT = "一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "四、结转下年度继续办理"
REVIEW, SUIT = "行政复议", "行政诉讼"
SUIT_KINDS = ("未经复议直接起诉", "复议后起诉")
RESULT_COLUMNS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")


def application_rows() -> list[str]:
    """Name every number row of section 三, top to bottom, as one string per row (levels joined by ›)."""
    rows = [NEW, CARRIED]
    for outcome, kinds in OUTCOMES:
        if kinds:
            rows.extend(f"{RESULTS}›{outcome}›{kind}" for kind in kinds)
        else:
            rows.append(f"{RESULTS}›{outcome}")
    return [*rows, LEFT]


def application_table(numbers: Mapping[str, Sequence[str]] | None = None) -> str:
    """Write section 三's table; `numbers` maps a row (as application_rows names it) to its seven cells."""
    numbers = numbers or {}

    def cells(row: str) -> str:
        values = numbers.get(row, ("",) * len(APPLICANTS))
        return "".join(f"<td>{escape(v)}</td>" for v in values)

    spanned = sum(len(kinds) or 1 for _, kinds in OUTCOMES)
    lines = [
        "<table>",
        "<thead>",
        f'<tr><td colspan="3" rowspan="3">{BALANCE}</td><th colspan="{len(APPLICANTS)}">申请人情况</th></tr>',
        f'<tr><th rowspan="2">自然人</th><th colspan="{len(ORGANISATIONS)}">{APPLICANT_GROUP}</th>'
        '<th rowspan="2">总计</th></tr>',
        "<tr>" + "".join(f"<th>{name}</th>" for name in ORGANISATIONS) + "</tr>",
        "</thead>",
        "<tbody>",
        f'<tr><th colspan="3">{NEW}</th>{cells(NEW)}</tr>',
        f'<tr><th colspan="3">{CARRIED}</th>{cells(CARRIED)}</tr>',
    ]
    first = f'<th rowspan="{spanned}">{RESULTS}</th>'
    for outcome, kinds in OUTCOMES:
        if not kinds:
            lines.append(f'<tr>{first}<th colspan="2">{outcome}</th>{cells(f"{RESULTS}›{outcome}")}</tr>')
            first = ""
            continue
        for number, kind in enumerate(kinds):
            head = f'<th rowspan="{len(kinds)}">{outcome}</th>' if number == 0 else ""
            lines.append(f"<tr>{first}{head}<th>{kind}</th>{cells(f'{RESULTS}›{outcome}›{kind}')}</tr>")
            first = ""
    lines += [f'<tr><th colspan="3">{LEFT}</th>{cells(LEFT)}</tr>', "</tbody>", "</table>"]
    return "\n".join(lines)


def review_columns() -> list[str]:
    """Name section 四's fifteen number columns, left to right (levels joined by ›)."""
    return [*(f"{REVIEW}›{c}" for c in RESULT_COLUMNS),
            *(f"{SUIT}›{kind}›{c}" for kind in SUIT_KINDS for c in RESULT_COLUMNS)]


def review_table(numbers: Sequence[str] | None = None) -> str:
    """Write section 四's table: three heading rows over one row of fifteen numbers."""
    values = numbers or ("",) * len(review_columns())
    width = len(RESULT_COLUMNS)
    return "\n".join([
        "<table>",
        "<thead>",
        f'<tr><th colspan="{width}">{REVIEW}</th><th colspan="{width * len(SUIT_KINDS)}">{SUIT}</th></tr>',
        "<tr>" + "".join(f'<th rowspan="2">{c}</th>' for c in RESULT_COLUMNS)
        + "".join(f'<th colspan="{width}">{kind}</th>' for kind in SUIT_KINDS) + "</tr>",
        "<tr>" + "".join(f"<th>{c}</th>" for _ in SUIT_KINDS for c in RESULT_COLUMNS) + "</tr>",
        "</thead>",
        "<tbody>",
        "<tr>" + "".join(f"<td>{escape(v)}</td>" for v in values) + "</tr>",
        "</tbody>",
        "</table>",
    ])
