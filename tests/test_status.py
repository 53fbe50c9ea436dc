"""有效性, 公示期 and 修订记录: what readers see depends on the build time, which tests set."""

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

from conftest import GOOD_NOTICE, NOW, build, write_site

A = "{http://www.w3.org/2005/Atom}"


def notice(title: str, date: str, extra: str = "", slug_body: str = "正文。") -> str:
    return GOOD_NOTICE.replace("合格的公告", title).replace("2024-05-15", date).replace(
        "---\n正文。\n", f"{extra}---\n{slug_body}\n")


def page(output, url):
    return (output / url / "index.html").read_text(encoding="utf-8")


def test_repealed_notice_stays_online_linked_both_ways(tmp_path):
    content = write_site(tmp_path / "c", {
        "guides/old-rules.md": notice("旧办法", "2023-01-10", "status: repealed\nsuperseded_by: guides/new-rules\n"),
        "guides/new-rules.md": notice("新办法", "2025-03-01"),
    })
    assert build(content, tmp_path / "out") == 0
    old, new = page(tmp_path / "out", "guides/old-rules"), page(tmp_path / "out", "guides/new-rules")
    assert 'class="status-banner status-repealed"' in old and "本文件已废止" in old
    assert '<a href="../../guides/new-rules/">新办法</a>替代' in old
    assert '<th scope="row">本文件替代</th><td><a href="../../guides/old-rules/">旧办法</a>' in new
    assert '<th scope="row">已被替代为</th><td><a href="../../guides/new-rules/">新办法</a>' in old
    assert "已废止" in page(tmp_path / "out", "guides")  # the list marks it too
    assert "status-banner" not in new


def test_amends_links_both_ways(tmp_path):
    content = write_site(tmp_path / "c", {
        "guides/base.md": notice("原规定", "2023-01-10", "status: 已修改\n"),
        "guides/change.md": notice("修改决定", "2025-03-01", "amends: base\n"),
    })
    assert build(content, tmp_path / "out") == 0
    assert '已被<a href="../../guides/change/">修改决定</a>修改' in page(tmp_path / "out", "guides/base")
    assert '本文件修改</th><td><a href="../../guides/base/">原规定</a>' in page(tmp_path / "out", "guides/change")


def test_valid_until_expires_by_itself_at_build_time(tmp_path):
    content = write_site(tmp_path / "c", {"guides/a.md": notice("限期办法", "2024-01-10", "valid_until: 2026-11-27\n")})
    assert build(content, tmp_path / "before", now=NOW) == 0  # NOW is 2026-11-27 12:00 in Shanghai: the last day
    assert "<td>有效（有效期至 2026-11-27）</td>" in page(tmp_path / "before", "guides/a")
    later = datetime(2026, 11, 27, 16, 0, tzinfo=timezone.utc)  # 00:00 on the 28th in Shanghai
    assert build(content, tmp_path / "after", now=later) == 0
    assert "本文件已失效（有效期至 2026-11-27）" in page(tmp_path / "after", "guides/a")


def test_superseded_but_still_valid_warns(tmp_path, capsys):
    content = write_site(tmp_path / "c", {
        "guides/old.md": notice("旧办法", "2023-01-10", "superseded_by: new\n"),
        "guides/new.md": notice("新办法", "2025-03-01"),
    })
    assert build(content, tmp_path / "out") == 0
    assert "guides/old.md:6: 警告：已写 superseded_by，但 status 仍是有效" in capsys.readouterr().err


def test_upcoming_period_is_not_in_the_panel(tmp_path):
    content = write_site(tmp_path / "c", {"guides/a.md": notice("将公示", "2026-11-01", "notice_period: {start: 2026-12-01, end: 2026-12-08}\n")})
    assert build(content, tmp_path / "out", now=NOW) == 0
    assert '<strong class="period-state">即将公示</strong>' in page(tmp_path / "out", "guides/a")
    assert "正在公示" not in page(tmp_path / "out", ".")


def test_unpublished_target_is_neither_linked_nor_named(tmp_path):
    content = write_site(tmp_path / "c", {
        "guides/old.md": notice("旧办法", "2023-01-10", "status: repealed\nsuperseded_by: secret-plan\n"),
        "guides/secret-plan.md": notice("尚未发布的新办法", "2025-03-01", "draft: true\n"),
    })
    assert build(content, tmp_path / "out") == 0
    assert "尚未发布" not in page(tmp_path / "out", "guides/old")


def test_unknown_status_lists_the_choices(tmp_path, capsys):
    content = write_site(tmp_path / "c", {"guides/a.md": notice("甲", "2024-01-10", "status: 作废\n")})
    assert build(content, tmp_path / "out") == 1
    assert "guides/a.md:6: status（有效性）「作废」无效，可用的值：valid（有效）、amended（已修改）" in capsys.readouterr().err


def test_notice_period_open_then_closed(tmp_path):
    content = write_site(tmp_path / "c", {
        "guides/open.md": notice("拟命名名单公示", "2026-11-20", "notice_period: {start: 2026-11-20, end: 2026-12-31}\n"),
        "guides/closed.md": notice("年检结果公示", "2024-05-15", "notice_period: {start: 2024-05-15, end: 2024-05-22}\n"),
    })
    assert build(content, tmp_path / "out", now=NOW) == 0  # 2026-11-27 lies inside the first period
    out = tmp_path / "out"
    assert "2026-11-20 至 2026-12-31 <strong class=\"period-state\">公示中</strong>" in page(out, "guides/open")
    assert "2024-05-15 至 2024-05-22 <strong class=\"period-state\">公示期满</strong>" in page(out, "guides/closed")
    board = page(out, ".")
    panel = board.split('id="periods-heading"')[1].split("</section>")[0]
    assert "拟命名名单公示" in panel and "年检结果公示" not in panel
    assert build(content, tmp_path / "jan", now=datetime(2027, 1, 2, tzinfo=timezone.utc)) == 0
    assert "公示期满" in page(tmp_path / "jan", "guides/open")
    assert "正在公示" not in page(tmp_path / "jan", ".")


def test_period_end_before_start_is_an_error(tmp_path, capsys):
    content = write_site(tmp_path / "c", {"guides/a.md": notice("甲", "2024-01-10", "notice_period: {start: 2024-05-22, end: 2024-05-15}\n")})
    assert build(content, tmp_path / "out") == 1
    assert "guides/a.md:6: notice_period（公示期）的 end 早于 start" in capsys.readouterr().err


def test_changes_newest_first_and_drive_updated(tmp_path):
    changes = "changes:\n  - {date: 2024-06-01, note: 更正电话}\n  - {date: 2025-02-03, note: 更新材料清单}\n"
    content = write_site(tmp_path / "c", {"guides/a.md": notice("甲", "2024-05-15", changes)})
    assert build(content, tmp_path / "out") == 0
    html = page(tmp_path / "out", "guides/a")
    assert html.index("更新材料清单") < html.index("更正电话")
    assert '更新日期</th><td><time datetime="2025-02-03T00:00:00+08:00">2025-02-03</time>' in html
    entry = ET.parse(tmp_path / "out/feed.xml").getroot().find(A + "entry")
    assert entry.findtext(A + "updated") == "2025-02-03T00:00:00+08:00"
    assert entry.findtext(A + "published") == "2024-05-15T00:00:00+08:00"



def test_ambiguous_reference_asks_for_the_category(tmp_path, capsys):
    content = write_site(tmp_path / "c", {
        "guides/a.md": notice("甲", "2024-01-10", "status: repealed\nsuperseded_by: rules\n"),
        "guides/rules.md": notice("办法", "2025-01-10"),
        "results/rules.md": notice("办法", "2025-01-10").replace("category: guides", "category: results"),
    })
    assert build(content, tmp_path / "out") == 1
    assert "guides/a.md:7: superseded_by（替代文件）「rules」对应多篇公告，请写成 分类/slug：guides/rules、results/rules" in capsys.readouterr().err


def test_a_document_whose_effective_day_has_not_come_is_not_yet_in_force_and_then_is(tmp_path):
    content = write_site(tmp_path / "c", {"guides/fees.md": notice("收费标准调整办法", "2026-11-20", "生效日期: 2026-12-01\n")})
    output = tmp_path / "out"

    def shown() -> tuple[str, str, str, str, str]:
        html = page(output, "guides/fees")
        row = re.search(r'<th scope="row">有效性</th><td>([^<]*)</td>', html).group(1)
        banner = re.search(r'<p class="status-banner[^>]*>(.*?)</p>', html)
        catalogue = re.search(r"<td>([^<]*)</td></tr>", page(output, "catalogue").split("收费标准调整办法", 1)[1]).group(1)
        rows = list(csv.DictReader(io.StringIO((output / "catalogue.csv").read_text(encoding="utf-8-sig"))))
        data = json.loads((output / "catalogue.json").read_text(encoding="utf-8"))
        return row, banner and banner.group(1), catalogue, rows[0]["有效性"], data["notices"][0]["status"]

    assert build(content, output, now=NOW) == 0  # 2026-11-27 in Shanghai
    assert shown() == ("尚未生效", "本文件尚未生效，自 2026-12-01 起施行。", "尚未生效", "尚未生效", "尚未生效")
    assert '<span class="status status-pending">尚未生效</span>' in page(output, "guides")  # the column's list too
    eve = datetime(2026, 11, 30, 15, 59, tzinfo=timezone.utc)  # 23:59 on 30 November in Shanghai
    assert build(content, output, now=eve) == 0
    assert shown()[0] == "尚未生效"
    day = datetime(2026, 11, 30, 16, 0, tzinfo=timezone.utc)  # 00:00 on 1 December: the first build that day
    assert build(content, output, now=day) == 0  # the same output folder: the build must not think nothing changed
    assert shown() == ("有效", None, "有效", "有效", "有效")
    assert "status-pending" not in page(output, "guides")


def test_an_effective_time_of_day_counts_to_the_minute_and_other_statuses_stay(tmp_path):
    content = write_site(tmp_path / "c", {
        "guides/a.md": notice("定时施行的办法", "2026-11-20", "effective: 2026-11-27 13:00\n"),
        "guides/b.md": notice("已废止的办法", "2026-11-20", "effective: 2026-12-01\nstatus: 已废止\n"),
    })
    assert build(content, tmp_path / "before", now=NOW) == 0  # 12:00 in Shanghai
    assert "<td>尚未生效</td>" in page(tmp_path / "before", "guides/a")
    assert "<td>已废止</td>" in page(tmp_path / "before", "guides/b")  # what the clerk wrote is not overruled
    assert build(content, tmp_path / "after", now=datetime(2026, 11, 27, 5, 0, tzinfo=timezone.utc)) == 0
    assert "<td>有效</td>" in page(tmp_path / "after", "guides/a")
