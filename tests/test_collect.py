"""Collect stage: who is published at a given time, and in what order."""

from datetime import datetime, timezone

from test_validate import BASE, CONFIG, check

from generator.disclosure.collect import collect


def notice(extra="", date="2024-05-15", slug="a"):
    n, problems = check(BASE.replace("2024-05-15", date) + extra, rel=f"guides/{slug}.md")
    assert problems == []
    return n


def test_publish_time_is_compared_in_the_site_timezone():
    n = notice(date="2024-05-15 09:00")
    # 00:59 UTC is 08:59 in Shanghai: one minute too early.
    assert collect([n], CONFIG, datetime(2024, 5, 15, 0, 59, tzinfo=timezone.utc)).notices == ()
    assert collect([n], CONFIG, datetime(2024, 5, 15, 1, 0, tzinfo=timezone.utc)).notices == (n,)


def test_hidden_notices_are_counted_by_reason():
    now = datetime(2025, 1, 1, tzinfo=timezone.utc)
    notices = [notice(slug="a"), notice("draft: true\n", slug="b"), notice(date="2030-01-01", slug="c"),
               notice("disclosure: withheld\n", slug="d"), notice("disclosure: 依申请公开\n", slug="e")]
    c = collect(notices, CONFIG, now)
    assert [n.slug for n in c.notices] == ["a"]
    assert dict(c.held_back) == {"draft": 1, "future": 1, "withheld": 1, "on-request": 1}


def test_previews_include_drafts_and_future_but_never_withheld():
    now = datetime(2025, 1, 1, tzinfo=timezone.utc)
    notices = [notice("draft: true\n", slug="b"), notice(date="2030-01-01", slug="c"),
               notice("disclosure: withheld\n", slug="d")]
    c = collect(notices, CONFIG, now, drafts=True, future=True)
    assert sorted(n.slug for n in c.notices) == ["b", "c"]
    assert c.previewed == {"guides/b.md", "guides/c.md"}


def test_newest_first_with_slug_as_tie_break():
    now = datetime(2025, 1, 1, tzinfo=timezone.utc)
    notices = [notice(slug="b"), notice(slug="a"), notice(date="2024-06-01", slug="z")]
    assert [n.slug for n in collect(notices, CONFIG, now).by_category["guides"]] == ["z", "a", "b"]
