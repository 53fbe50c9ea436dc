"""Progress: a bar in a terminal for long builds; CI logs get one summary line."""

from __future__ import annotations

import io

from conftest import GOOD_NOTICE, SITE_YAML, run_cli, write_site

from generator.cli.progress import Bar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_long_build_draws_a_bar_and_erases_it():
    screen = Terminal()
    bar = Bar(screen, delay=0)
    for done in range(1, 101):
        bar(done, 100)
    bar.close()
    drawn = screen.getvalue()
    assert "100/100" in drawn and "#" * 30 in drawn
    assert drawn.endswith("\r\x1b[K")  # the summary line starts on a clean line


def test_a_short_build_draws_nothing():
    screen = Terminal()
    bar = Bar(screen)  # the default delay: a build under a second shows no bar
    bar(1, 10)
    bar.close()
    assert screen.getvalue() == ""


def test_a_build_outside_a_terminal_prints_one_summary_line(tmp_path):
    fresh = SITE_YAML.replace("    name: 办事指南\n", "    name: 办事指南\n    update_within: none\n").replace(
        "    name: 办事结果\n", "    name: 办事结果\n    update_within: none\n")  # no stale column to list
    content = write_site(tmp_path / "content", {"guides/ok.md": GOOD_NOTICE}, fresh)
    result = run_cli("--content", str(content), "--output", str(tmp_path / "out"))
    assert result.returncode == 0
    assert result.stdout.count("\n") == 1 and result.stdout.startswith("发布 1 篇公告")
    assert "\r" not in result.stdout + result.stderr
