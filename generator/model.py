"""Model stage: the plain data every later stage works from."""

from __future__ import annotations

from dataclasses import dataclass

from .dates import Stamp


@dataclass(frozen=True)
class Notice:
    """One validated notice, whether or not it will be published."""

    path: str  # relative to the content folder
    title: str
    category: str  # a category key
    date: Stamp  # publish time
    responsible: str
    department: str
    doc_number: str | None
    slug: str
    summary: str | None  # None: derive from the body
    draft: bool
    disclosure: str  # public | on-request | withheld
    updated: Stamp | None
    tags: tuple[str, ...]
    body: str
    body_line: int
    status: str | None = None  # a canonical value of schema.STATUS, e.g. withdrawn
    withdrawal_reason: str | None = None
    redirect_from: tuple[str, ...] = ()  # old URLs below the site root that lead here

    @property
    def url(self) -> str:
        """Return the notice's path below the site root, e.g. `guides/venue-registration/`."""
        return f"{self.category}/{self.slug}/"

    @property
    def last_modified(self) -> Stamp:
        """Return the time of the last substantive change, for feeds and sitemaps."""
        return self.updated or self.date
