"""The paper board (公开栏): the published notices as one A4 PDF for the wall, in the 公文 layout.

The seed of a 政务公开日: the same notices that are online go up on paper, each with a QR code
back to its page, its 索引号 and the day it was printed. Chromium prints the HTML this module
writes (the same browser the tests drive), so the PDF shows exactly what the HTML says.
Only published notices reach it: the selection starts from `read_published`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from generator.build.published import Published
from generator.core.errors import UsageError
from generator.core.files import write_atomically
from generator.disclosure.status import PERIOD_OPEN
from generator.site.theme import Theme
from generator.site.views import NoticeView

TEMPLATE = "paper.html"
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PRINT_SECONDS = 300


@dataclass(frozen=True)
class Selection:
    """Which published notices go on the board."""

    categories: tuple[str, ...] = ()  # category keys; empty: all
    since: date | None = None  # published on or after this day
    open_notices: bool = False  # only 公示 whose period is open today


def select(published: Published, selection: Selection) -> list[NoticeView]:
    """Pick the notices for the board: open 公示 first (they have a deadline), then the rest newest first."""
    chosen = []
    for notice in published.collection.notices:  # already newest first
        view = published.views[notice.path]
        if selection.categories and notice.category not in selection.categories:
            continue
        if selection.since and notice.date.moment.astimezone(published.config.tz).date() < selection.since:
            continue
        if selection.open_notices and view.period_state != PERIOD_OPEN:
            continue
        chosen.append(view)
    return [v for v in chosen if v.period_state == PERIOD_OPEN] + [v for v in chosen if v.period_state != PERIOD_OPEN]


def board_html(published: Published, views: list[NoticeView], theme: Theme) -> str:
    """Render the board as one HTML document, a notice per sheet."""
    config = published.config
    return theme.env.get_template(TEMPLATE).render(
        site={"title": config.title, "agency": config.agency, "language": config.language},
        notices=[(v, config.base_url + v.url) for v in views],
        printed=published.now.date().isoformat(),
    )


def print_pdf(html: str, target: Path, browser: str | None = None) -> None:
    """Print the HTML to an A4 PDF with Chromium, then put it in place in one step."""
    binary = browser or next((found for name in BROWSERS if (found := shutil.which(name))), None)
    if binary is None:
        raise UsageError("找不到 Chromium：打印公开栏需要它，请安装（Debian/Ubuntu：apt-get install chromium fonts-noto-cjk）")
    with tempfile.TemporaryDirectory(prefix="gongkai-print-") as scratch:
        folder = Path(scratch)
        page = folder / "board.html"
        page.write_text(html, encoding="utf-8")
        pdf = folder / "board.pdf"
        command = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                   f"--user-data-dir={folder / 'profile'}", "--no-pdf-header-footer", "--print-to-pdf-no-header",
                   "--run-all-compositor-stages-before-draw", f"--print-to-pdf={pdf}", page.as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=PRINT_SECONDS,
                                  env={**os.environ, "TZ": "UTC"})
        except subprocess.TimeoutExpired:
            raise UsageError(f"Chromium 在 {PRINT_SECONDS} 秒内没有完成打印，请减少要打印的公告（--category、--since）后重试") from None
        except OSError as exc:
            raise UsageError(f"无法运行 Chromium（{binary}）：{exc.strerror}") from None
        if not pdf.is_file() or not pdf.read_bytes().startswith(b"%PDF"):
            tail = (done.stderr or "").strip().splitlines()[-1:] or ["没有输出"]
            raise UsageError(f"Chromium 没有生成 PDF（{tail[0]}）")
        write_atomically(target, pdf.read_bytes())
