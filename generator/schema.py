"""Validate stage, the table: every front-matter field a notice may carry.

This one table drives validation, the alias lookup and the README's field
table, so that the three can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    """One front-matter field: its name, how it is checked, and how editors may spell it."""

    name: str
    kind: str  # text | category | datetime | bool | disclosure | slug | tags | status | urls
    required: bool
    label: str  # what readers and editors call it
    help: str  # one line for the README and the editors' guide
    example: str
    aliases: tuple[str, ...] = ()


FIELDS: tuple[Field, ...] = (
    Field("title", "text", True, "标题", "公告标题，原样显示（不解释 HTML）", "关于开展2024年宗教活动场所年检的通知", ("标题",)),
    Field("category", "category", True, "分类", "分类的 key 或中文名称，见 site.yaml 的 categories", "guides 或 办事指南", ("分类",)),
    Field("date", "datetime", True, "发布日期", "发布时间；未写时区时按站点时区（Asia/Shanghai）；未到时间的公告不发布", "2024-05-15 或 2024-05-15 09:30", ("发布日期",)),
    Field("responsible", "text", True, "责任人", "对公开内容负责的人", "王丽", ("责任人",)),
    Field("department", "text", False, "发布机构", "默认为 site.yaml 的 agency", "星海市民族和宗教事务局宗教事务处", ("发布机构",)),
    Field("doc_number", "text", False, "文号", "发文字号", "星民宗发〔2024〕12号", ("文号",)),
    Field("slug", "slug", False, "网址名", "网址中的名称，小写字母、数字和连字符；默认为文件名", "venue-annual-inspection-2024"),
    Field("summary", "text", False, "摘要", "默认取正文开头的句子（约 120 字以内）", "本局决定开展年检工作。"),
    Field("draft", "bool", False, "草稿", "true 时不发布（--drafts 预览时可见）", "true"),
    Field("disclosure", "disclosure", False, "公开方式", "public/主动公开（默认）、on-request/依申请公开、withheld/不予公开；只有主动公开的发布", "public"),
    Field("updated", "datetime", False, "更新日期", "最近一次实质性修改的时间，不得早于发布日期", "2024-06-01"),
    Field("tags", "tags", False, "标签", "关键词列表，或用逗号分隔的文字", "[宗教活动场所, 年检]"),
    Field("status", "status", False, "状态", "已撤回/withdrawn：撤下公告，原网址只留一页撤回说明（需写 withdrawal_reason）", "已撤回", ("状态",)),
    Field("withdrawal_reason", "text", False, "撤回原因", "status 为已撤回时必填，显示在撤回说明页上", "内容有误，已重新发布", ("撤回原因",)),
    Field("redirect_from", "urls", False, "旧网址", "公告移动或改名后，旧网址列表；旧网址会自动跳转到新网址", "[guides/old-slug/]", ("aliases",)),
)

BY_NAME = {f.name: f for f in FIELDS}
ALIASES = {alias: f.name for f in FIELDS for alias in (f.name, *f.aliases)}

TRUE_WORDS = {"true", "yes", "on", "是"}
FALSE_WORDS = {"false", "no", "off", "否"}

DISCLOSURE = {
    "public": "public", "主动公开": "public",
    "on-request": "on-request", "依申请公开": "on-request",
    "withheld": "withheld", "不予公开": "withheld",
}

# Every accepted spelling of `status` -> its canonical value; the one place to add values.
STATUS = {
    "withdrawn": "withdrawn", "已撤回": "withdrawn",
}
WITHDRAWN = "withdrawn"


def markdown_table() -> str:
    """Render the field table for the README (a test keeps the README in step with it)."""
    rows = ["| 字段 | 中文别名 | 必填 | 含义 | 示例 |", "| --- | --- | --- | --- | --- |"]
    for f in FIELDS:
        aliases = "、".join(f.aliases) or "—"
        rows.append(f"| `{f.name}` | {aliases} | {'是' if f.required else '否'} | {f.help} | `{f.example}` |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(markdown_table())
