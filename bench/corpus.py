"""Benchmark corpus: N seeded, deterministic Chinese notices in 8 categories.

Each notice has about 1,900 Chinese characters in headings, paragraphs, lists
and a table, like a real 办事指南 or 通知. The same seed and N always give the
same files, so timings of different generators compare like with like.
"""

from __future__ import annotations

import argparse
import random
from datetime import datetime, timedelta
from pathlib import Path

CATEGORIES = [
    ("notices", "通知公告"), ("guides", "办事指南"), ("results", "办事结果"), ("policies", "政策文件"),
    ("interpret", "政策解读"), ("budget", "财政预决算"), ("personnel", "人事信息"), ("plans", "规划计划"),
]
# A pool of common characters to draw words from: varied text, but cheap to make.
HANZI = ("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可也你对事年"
         "同工能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起"
         "小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形"
         "相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月"
         "公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老")


def sentence(rng: random.Random, low: int = 18, high: int = 40) -> str:
    """Make one sentence of random characters ending with a full stop."""
    return "".join(rng.choice(HANZI) for _ in range(rng.randint(low, high))) + "。"


def body(rng: random.Random, target: int = 1900) -> str:
    """Make a body of about `target` characters with headings, a list and a table."""
    parts, count, section = [], 0, 0
    numerals = "一二三四五六七八九十"
    while count < target:
        section += 1
        parts.append(f"## {numerals[(section - 1) % 10]}、{sentence(rng, 4, 8)[:-1]}")
        paragraph = "".join(sentence(rng) for _ in range(rng.randint(3, 6)))
        parts.append(paragraph)
        count += len(paragraph)
        if section % 2 == 1:
            items = [f"{i}. {sentence(rng, 10, 25)}" for i in range(1, rng.randint(3, 6))]
            parts.append("\n".join(items))
            count += sum(len(i) for i in items)
        if section == 2:
            rows = ["| 事项 | 办理时限 | 材料 |", "| --- | --- | --- |"]
            rows += [f"| {sentence(rng, 3, 6)[:-1]} | {rng.randint(1, 30)}个工作日 | {sentence(rng, 6, 12)[:-1]} |"
                     for _ in range(4)]
            parts.append("\n".join(rows))
            count += 80
    return "\n\n".join(parts) + "\n"


def notice(rng: random.Random, index: int, start: datetime, step: int) -> tuple[str, str]:
    """Make one notice: its path below the content folder and its text."""
    key, _ = CATEGORIES[index % len(CATEGORIES)]
    date = start + timedelta(minutes=step * index + rng.randint(0, 5))
    title = "关于" + sentence(rng, 8, 16)[:-1] + "的通知"
    text = (f"---\ntitle: {title}\ncategory: {key}\ndate: {date:%Y-%m-%d %H:%M}\nresponsible: 王丽\n"
            f"doc_number: 星民发〔{date.year}〕{index + 1}号\n---\n{body(rng)}")
    return f"{key}/n{index:06d}.md", text


YEARS = 20  # the span of the corpus's publish dates, ending in 2024


def site_yaml(search: bool = True) -> str:
    """Describe the benchmark site: 8 categories, 20 notices per index page.

    With search on it leaves `search:` out, as most sites do (on is the default); off says `search: false`.
    """
    cats = "".join(f"  - key: {key}\n    name: {name}\n" for key, name in CATEGORIES)
    switch = "" if search else "search: false\n"
    return ("title: 基准测试政务公开栏\nagency: 基准测试局\nbase_url: https://bench.example.org/gk/\n"
            f"{switch}categories:\n{cats}")


def write_corpus(root: Path, count: int, seed: int = 20261127, search: bool = True) -> Path:
    """Write `count` notices and site.yaml below `root`."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    (root / "site.yaml").write_text(site_yaml(search), encoding="utf-8")
    # An agency publishes for decades: the notices are spread evenly over YEARS years, as a real
    # board's are, since what a build does per year (the search index's shards) depends on it.
    start = datetime(2025 - YEARS, 1, 1, 9, 0)
    step = max(6, YEARS * 365 * 24 * 60 // max(count, 1))
    for index in range(count):
        rel, text = notice(rng, index, start, step)
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def main() -> None:
    """Write a corpus from the command line."""
    p = argparse.ArgumentParser(description="Write a deterministic benchmark corpus.")
    p.add_argument("folder", type=Path)
    p.add_argument("-n", type=int, default=1000)
    p.add_argument("--seed", type=int, default=20261127)
    args = p.parse_args()
    write_corpus(args.folder, args.n, args.seed)


if __name__ == "__main__":
    main()
