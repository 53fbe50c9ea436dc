"""Collect stage, 有效性 and 公示期: what a notice's status is at build time, and its links to others.

Both statuses depend on the build time `now`, which is passed in and never read
here; this is why a site with open 公示 must be rebuilt every day. Two statuses
come from the clock alone: a valid document past its `valid_until` has expired
(已失效), and one whose 生效日期 (`effective`) is still to come is not yet in
force (尚未生效) until the first build on or after that day.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from generator.core.dates import Stamp
from generator.core.errors import Diagnostic
from generator.core.model import Notice
from generator.core.schema import STATUS_LABELS

PERIOD_OPEN, PERIOD_CLOSED, PERIOD_UPCOMING = "公示中", "公示期满", "即将公示"
# Computed from `effective`, never written: a clerk who could write it would leave it there after the day came.
PENDING = "pending"
COMPUTED_LABELS = {PENDING: "尚未生效"}
REFERENCE_FIELDS = {"superseded_by": "替代文件", "amends": "所修改文件", "interprets": "所解读文件"}
RELATION_KINDS = ("superseded_by", "supersedes", "amends", "amended_by", "interprets", "interpreted_by")
INTERPRETATION_RELATIONS = ("interprets", "interpreted_by")  # their links also carry the 解读形式


def resolve(ref: str, notices: list[Notice]) -> list[Notice]:
    """Return the notices a `slug` or `category/slug` names (more than one means ambiguous)."""
    if "/" in ref:
        return [n for n in notices if n.url == ref + "/"]
    return [n for n in notices if n.slug == ref]


def check_references(notices: list[Notice]) -> list[Diagnostic]:
    """Report every superseded_by / amends that names no notice, several, or the notice itself."""
    problems = []
    for notice in notices:
        for name, label in REFERENCE_FIELDS.items():
            ref = getattr(notice, name)
            if ref is None:
                continue
            found = resolve(ref, notices)
            line = notice.line_of(name)
            if not found:
                problems.append(Diagnostic(notice.path, line, f"{name}（{label}）「{ref}」找不到对应的公告，"
                                           "请写另一篇公告的 slug（文件名）或 分类/slug"))
            elif len(found) > 1:
                choices = "、".join(n.url.rstrip("/") for n in found)
                problems.append(Diagnostic(notice.path, line, f"{name}（{label}）「{ref}」对应多篇公告，请写成 分类/slug：{choices}"))
            elif found[0] is notice:
                problems.append(Diagnostic(notice.path, line, f"{name}（{label}）不能指向本公告自己"))
            elif name == "superseded_by" and notice.status == "valid":
                problems.append(Diagnostic(notice.path, line, "已写 superseded_by，但 status 仍是有效："
                                           "被替代的文件一般应写 status: 已废止", "warning"))
    return problems


def _past(stamp: Stamp, now: datetime, tz: ZoneInfo) -> bool:
    """Say whether a stamp is over: a date without a time lasts until the end of that day."""
    if stamp.has_time:
        return now > stamp.moment
    return now.astimezone(tz).date() > stamp.moment.astimezone(tz).date()


def _begun(stamp: Stamp, now: datetime, tz: ZoneInfo) -> bool:
    """Say whether a stamp has come: a date without a time comes at the start of that day."""
    if stamp.has_time:
        return now >= stamp.moment
    return now.astimezone(tz).date() >= stamp.moment.astimezone(tz).date()


def effective_status(notice: Notice, now: datetime, tz: ZoneInfo) -> str:
    """Return the status key at build time: a valid notice past valid_until has expired by itself, and one
    whose 生效日期 has not come is not yet in force."""
    if notice.status == "valid" and notice.valid_until and _past(notice.valid_until, now, tz):
        return "expired"
    if notice.status == "valid" and notice.effective and not _begun(notice.effective, now, tz):
        return PENDING
    return notice.status


def status_label(key: str) -> str:
    """Return what readers see for a status key."""
    return COMPUTED_LABELS.get(key) or STATUS_LABELS[key]


def period_state(notice: Notice, now: datetime, tz: ZoneInfo) -> str | None:
    """Return 公示中, 公示期满 or 即将公示 at build time, or None without a 公示期."""
    if notice.notice_period is None:
        return None
    start, end = notice.notice_period
    if _past(end, now, tz):
        return PERIOD_CLOSED
    return PERIOD_OPEN if _begun(start, now, tz) else PERIOD_UPCOMING


def relations(notices: tuple[Notice, ...]) -> dict[str, dict[str, list[Notice]]]:
    """Link published notices both ways: superseded_by/supersedes, amends/amended_by, interprets/interpreted_by."""
    links: dict[str, dict[str, list[Notice]]] = {
        n.path: {kind: [] for kind in RELATION_KINDS} for n in notices}
    for notice in notices:
        for name, back in (("superseded_by", "supersedes"), ("amends", "amended_by"), ("interprets", "interpreted_by")):
            ref = getattr(notice, name)
            found = resolve(ref, list(notices)) if ref else []
            if len(found) == 1:  # a target that is not published stays unlinked and unnamed
                links[notice.path][name].append(found[0])
                links[found[0].path][back].append(notice)
    return links
