"""Validate stage, 体裁 (genre): the one place that reads what kind of document a notice is.

The annual report counts 规章 and 行政规范性文件, and a 行政规范性文件 needs its 解读; both ask
this module, which reads the notice's `genre` (体裁分类) and its tags.
"""

from __future__ import annotations

from collections.abc import Collection

from generator.core.config import SiteConfig
from generator.core.model import Notice


def known_genres(config: SiteConfig) -> tuple[str, ...]:
    """Return every genre site.yaml names, for the report and the 解读 rule."""
    return tuple(dict.fromkeys((*config.rule_genres, *config.normative_genres, *config.interpretation_genres)))


def genre_of(notice: Notice, known: Collection[str]) -> str | None:
    """Return what kind of document a notice is for the report and the 解读 rule.

    规章 and 行政规范性文件 say what force a document has, not its 公文种类: a 规章 is written
    as a 令 or an 办法. So the notice's `genre` counts when it names one of these, else a tag
    that does (tags: [规章]), else its `genre` as it is.
    """
    if notice.genre in known:
        return notice.genre
    return next((tag for tag in notice.tags if tag in known), notice.genre)
