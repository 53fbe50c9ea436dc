"""Timeliness (条例第二十六条): working days skip weekends and holidays and count 调休 workdays."""

from datetime import date

from conftest import GOOD_NOTICE, SITE_YAML, build, write_site

from generator.disclosure.workdays import Calendar, working_days_between

CALENDAR = "holidays: [2024-10-01, 2024-10-02, 2024-10-03, 2024-10-04, 2024-10-07]\nworkdays: [2024-09-29, 2024-10-12]\n"


def test_weekends_holidays_and_make_up_days():
    plain = Calendar()
    assert working_days_between(date(2024, 9, 6), date(2024, 9, 13), plain) == 5  # Friday to Friday
    national_day = Calendar(frozenset({date(2024, 10, d) for d in (1, 2, 3, 4, 7)}),
                            frozenset({date(2024, 9, 29), date(2024, 10, 12)}))
    # 28 Sep (Sat) to 12 Oct (Sat): 29 Sep, 30 Sep, 8-11 Oct and 12 Oct are worked.
    assert working_days_between(date(2024, 9, 28), date(2024, 10, 12), national_day) == 7


def notice(slug_date: str, written: str) -> str:
    return GOOD_NOTICE.replace("2024-05-15", slug_date).replace("---\n正文", f"written: {written}\n---\n正文")


def test_late_notice_warns_and_is_listed(tmp_path, capsys):
    content = write_site(tmp_path / "c", {
        "guides/late.md": notice("2024-10-31", "2024-09-27"),  # 21 working days with the holiday calendar
        "guides/ok.md": notice("2024-10-30", "2024-09-27"),  # 20 working days
        "holidays.yaml": CALENDAR,
    }, SITE_YAML + "holidays: holidays.yaml\n")
    assert build(content, tmp_path / "out") == 0
    captured = capsys.readouterr()
    assert "guides/late.md:6: 警告：发布日期比成文日期晚 21 个工作日，超过了条例第二十六条的 20 个工作日" in captured.err
    assert "guides/ok.md:6" not in captured.err
    assert "成文后超过 20 个工作日才发布：guides/late.md" in captured.out


def test_bad_calendar_entry_names_its_line(tmp_path, capsys):
    content = write_site(tmp_path / "c", {"guides/a.md": GOOD_NOTICE, "holidays.yaml": "holidays:\n  - 2024-10-01\n  - 2024-10-32\n"},
                         SITE_YAML + "holidays: holidays.yaml\n")
    assert build(content, tmp_path / "out") == 1
    assert "holidays.yaml:3: 日期「2024-10-32」不存在" in capsys.readouterr().err
