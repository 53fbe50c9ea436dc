"""Validate stage, 体裁 (genre): the one place that reads what kind of document a notice is.

The annual report counts 规章 and 行政规范性文件, and a 行政规范性文件 needs its 解读; both ask
this module. Until notices carry a `genre` field of their own, a tag naming a configured genre
(tags: [行政规范性文件]) says it; once they do, that field wins.
"""

from __future__ import annotations

from collections.abc import Collection

from generator.core.config import SiteConfig
from generator.core.model import Notice


def known_genres(config: SiteConfig) -> tuple[str, ...]:
    """Return every genre site.yaml names, for the report and the 解读 rule."""
    return tuple(dict.fromkeys((*config.rule_genres, *config.normative_genres, *config.interpretation_genres)))


def genre_of(notice: Notice, known: Collection[str]) -> str | None:
    """Return the notice's genre: its own `genre` field when it has one, else the first tag that names a known genre."""
    own = getattr(notice, "genre", None)
    if own:
        return own
    return next((tag for tag in notice.tags if tag in known), None)
