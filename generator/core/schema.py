"""Validate stage, the table: every front-matter field a notice may carry.

This one table drives validation, the alias lookup and docs/reference.md's field
table, so that the three can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    """One front-matter field: its name, how it is checked, and how editors may spell it."""

    name: str
    kind: str  # text | category | datetime | bool | disclosure | slug | tags | status | ref | period | changes | attachments | urls | genre | topic | names | interpretation
    required: bool
    label: str  # what readers and editors call it
    help: str  # one line for docs/reference.md and the editors' guide
    example: str
    aliases: tuple[str, ...] = ()


FIELDS: tuple[Field, ...] = (
    Field("title", "text", True, "标题", "公告标题，原样显示（不解释 HTML）", "关于开展2024年宗教活动场所年检的通知", ("标题",)),
    Field("category", "category", True, "分类", "分类的 key 或中文名称，见 site.yaml 的 categories", "guides 或 办事指南", ("分类",)),
    Field("date", "datetime", True, "发布日期", "发布时间；未写时区时按站点时区（Asia/Shanghai）；未到时间的公告不发布", "2024-05-15 或 2024-05-15 09:30", ("发布日期",)),
    Field("responsible", "text", True, "责任人", "对公开内容负责的人", "王丽", ("责任人",)),
    Field("department", "text", False, "发布机构", "默认为 site.yaml 的 agency", "星海市民族和宗教事务局宗教事务处", ("发布机构",)),
    Field("doc_number", "text", False, "发文字号", "发文字号；没有文号的不写，页面不显示这一行", "星民宗发〔2024〕12号", ("文号", "发文字号")),
    Field("issuer", "text", False, "发文机关", "制发文件的机关；默认为发布机构。转载其他机关的文件时写原发文机关", "星海市人民政府办公室", ("发文机关",)),
    Field("source", "text", False, "信息来源", "转载时写原出处，页面显示为信息来源", "浙江省民族宗教事务委员会网站", ("信息来源", "来源")),
    Field("topic", "topic", False, "主题分类", "主题分类；site.yaml 写了 topics 时只能用其中的名称", "民族事务", ("主题分类",)),
    Field("genre", "genre", False, "体裁分类", "体裁分类（公文种类），用 site.yaml 的 genres 中的名称；决定是否显示有效性", "通知", ("体裁分类", "公文种类")),
    Field("effective", "datetime", False, "生效日期", "文件开始施行的日期；这一天之前有效性显示为尚未生效（按构建时间）", "2024-07-01", ("生效日期", "施行日期")),
    Field("addressee", "text", False, "主送机关", "公文的主送机关，显示在正文之前", "各区、县（市）民族宗教工作部门", ("主送机关",)),
    Field("signatories", "names", False, "落款", "发文机关署名，可写多个（联合发文并排显示）；与成文日期一起右对齐显示在正文之后", "[星海市民族和宗教事务局, 星海市财政局]", ("落款", "署名")),
    Field("closing", "text", False, "附注", "落款之后的附注，例如（此件公开发布）", "（此件公开发布）", ("附注",)),
    Field("slug", "slug", False, "网址名", "网址中的名称，小写字母、数字和连字符，不超过 100 个字符；默认为文件名", "venue-annual-inspection-2024"),
    Field("summary", "text", False, "摘要", "默认取正文开头的句子（约 120 字以内）", "本局决定开展年检工作。"),
    Field("draft", "bool", False, "草稿", "true 时不发布（--drafts 预览时可见）", "true"),
    Field("disclosure", "disclosure", False, "公开方式", "public/主动公开（默认）、on-request/依申请公开、withheld/不予公开；只有主动公开的发布", "public"),
    Field("updated", "datetime", False, "更新日期", "最近一次实质性修改的时间，不得早于发布日期", "2024-06-01"),
    Field("tags", "tags", False, "标签", "关键词列表，或用逗号分隔的文字", "[宗教活动场所, 年检]"),
    Field("index_number", "text", False, "索引号", "政务公开索引号，一经公开不得改变；未写时按 site.yaml 的 index_pattern 临时编号，用 python build.py assign-index 写入", "11330000000000000X/2024-00012", ("索引号",)),
    Field("status", "status", False, "有效性", "有效/valid（默认）、已修改/amended、已废止/repealed、已失效/expired；已撤回/withdrawn 撤下公告，原网址只留撤回说明页（需写 withdrawal_reason）", "已废止", ("有效性", "状态")),
    Field("valid_until", "datetime", False, "有效期至", "过了这一天，有效性自动变为已失效（按构建时间）", "2026-12-31"),
    Field("superseded_by", "ref", False, "替代文件", "替代本文件的公告的 slug（或 分类/slug），两边页面互相链接", "xinghai-ethnic-unity-promotion-regulations"),
    Field("amends", "ref", False, "所修改文件", "本文件修改的公告的 slug（或 分类/slug），两边页面互相链接", "religious-affairs-regulations-key-points"),
    Field("notice_period", "period", False, "公示期", "公示的起止日期；页面按构建时间显示公示中或公示期满", "{start: 2024-05-15, end: 2024-05-22}", ("公示期",)),
    Field("changes", "changes", False, "修订记录", "修订记录列表，每项有 date 和 note；最新一次也是更新日期", "[{date: 2024-06-01, note: 更正联系电话}]", ("修订记录",)),
    Field("attachments", "attachments", False, "附件", "附件列表，路径相对于本公告文件，可写 {file, title}", "[附件1.pdf, {file: 表格.xlsx, title: 申请表}]", ("附件",)),
    Field("written", "datetime", False, "成文日期", "成文日期；发布晚于成文 20 个工作日以上时警告", "2024-05-06", ("成文日期",)),
    Field("pinned", "bool", False, "置顶", "true 时在首页和栏目第 1 页置顶", "true", ("置顶",)),
    Field("privacy_reviewed", "text", False, "隐私审查", "确认要公开身份证号或银行卡号时写明理由，否则构建失败", "经当事人书面同意公开"),
    Field("withdrawal_reason", "text", False, "撤回原因", "status 为已撤回时必填，显示在撤回说明页上", "内容有误，已重新发布", ("撤回原因",)),
    Field("redirect_from", "urls", False, "旧网址", "公告移动或改名后，旧网址列表；旧网址会自动跳转到新网址", "[guides/old-slug/]", ("aliases",)),
    Field("interprets", "ref", False, "所解读文件", "本篇是政策解读时，所解读文件的 slug（或 分类/slug）；文件页面列出它的解读，解读页面链接回文件", "religious-venue-financial-supervision-measures-2025", ("解读文件",)),
    Field("interpretation_kind", "interpretation", False, "解读形式", "文字解读（默认）、图文解读、视频解读或答记者问；只能与 interprets 一起写", "图文解读", ("解读形式",)),
    Field("repealed", "datetime", False, "废止日期", "文件废止的日期（status 为已废止时），年度报告据此统计本年废止件数；未写时取替代文件的发布日期", "2025-06-30", ("废止日期",)),
)

# 政策解读 comes in these forms (the kinds gov sites list beside a document).
INTERPRETATION_KINDS = ("文字解读", "图文解读", "视频解读", "答记者问")

BY_NAME = {f.name: f for f in FIELDS}
ALIASES = {alias: f.name for f in FIELDS for alias in (f.name, *f.aliases)}

TRUE_WORDS = {"true", "yes", "on", "是"}
FALSE_WORDS = {"false", "no", "off", "否"}

DISCLOSURE = {
    "public": "public", "主动公开": "public",
    "on-request": "on-request", "依申请公开": "on-request",
    "withheld": "withheld", "不予公开": "withheld",
}

# Canonical value -> the label readers see; one more status is one more line here.
STATUS_LABELS = {
    "valid": "有效",
    "amended": "已修改",
    "repealed": "已废止",
    "expired": "已失效",
    "withdrawn": "已撤回",
}
STATUS = {**{k: k for k in STATUS_LABELS}, **{v: k for k, v in STATUS_LABELS.items()}}
WITHDRAWN = "withdrawn"


def markdown_table() -> str:
    """Render the field table for docs/reference.md (a test keeps the two in step)."""
    rows = ["| 字段 | 中文别名 | 必填 | 含义 | 示例 |", "| --- | --- | --- | --- | --- |"]
    for f in FIELDS:
        aliases = "、".join(f.aliases) or "—"
        rows.append(f"| `{f.name}` | {aliases} | {'是' if f.required else '否'} | {f.help} | `{f.example}` |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(markdown_table())
