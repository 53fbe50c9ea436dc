"""Dates: what editors write, what readers and feeds see."""

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.core.dates import DateProblem, Stamp, parse_stamp

SH = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize("text, shown, iso", [
    ("2024-05-15", "2024-05-15", "2024-05-15T00:00:00+08:00"),
    ("2024-05-15 09:00", "2024-05-15 09:00", "2024-05-15T09:00:00+08:00"),
    ("2024-05-15T09:00:00+08:00", "2024-05-15 09:00", "2024-05-15T09:00:00+08:00"),
    ("2024-05-15T01:00:00Z", "2024-05-15 09:00", "2024-05-15T09:00:00+08:00"),
    ("2024年5月15日", "2024-05-15", "2024-05-15T00:00:00+08:00"),
])
def test_dates_are_read_in_the_site_timezone(text, shown, iso):
    stamp = parse_stamp(text, SH)
    assert stamp.display(SH) == shown
    assert stamp.rfc3339(SH) == iso
    assert stamp.texts(SH) == (shown, iso, stamp.rfc822(SH), stamp.moment.astimezone(SH).strftime("%Y-%m-%d %H:%M"))


def test_date_without_offset_is_not_utc():
    stamp = parse_stamp("2024-05-15 09:00", SH)
    assert stamp.moment.astimezone(timezone.utc).hour == 1


def test_rfc822_for_rss():
    assert parse_stamp("2024-05-15 09:00", SH).rfc822(SH) == "Wed, 15 May 2024 09:00:00 +0800"


@given(st.datetimes(min_value=datetime(100, 1, 1), max_value=datetime(9999, 12, 30), timezones=st.sampled_from(
    [SH, timezone.utc, timezone(timedelta(hours=-9, minutes=-30)), ZoneInfo("America/New_York")])), st.booleans())
def test_every_text_of_a_date_agrees_with_the_c_library(moment, has_time):
    """Views format dates by hand for speed; readers and feed readers must see what strftime would give."""
    stamp, local = Stamp(moment, has_time), moment.astimezone(SH)
    shown, iso, rss, minute = stamp.texts(SH)
    assert shown == stamp.display(SH) == local.strftime("%Y-%m-%d %H:%M" if has_time else "%Y-%m-%d")
    assert iso == stamp.rfc3339(SH) and minute == local.strftime("%Y-%m-%d %H:%M")
    assert rss == stamp.rfc822(SH) == local.strftime("%a, %d %b %Y %H:%M:%S %z")  # the C locale: English names


@pytest.mark.parametrize("text, hint", [
    ("2024-13-45", "月份"), ("2023-02-29", "28 天"), ("2024-05-15 25:00", "小时"),
    ("15/05/2024", "无法识别"), ("明天", "无法识别"), ("2024-05-15T09:00+99:00", "时区"),
])
def test_impossible_dates_say_why(text, hint):
    with pytest.raises(DateProblem, match=hint):
        parse_stamp(text, SH)
