"""The one normalised record every corpus shape is turned into."""

from __future__ import annotations

import dataclasses
from datetime import datetime


@dataclasses.dataclass(frozen=True)
class Article:
    id: str
    title: str
    body: str
    slug: str
    authors: tuple[str, ...] = ()
    outlet: str = ""
    published: datetime | None = None  # timezone-aware, UTC
    url: str = ""
    language: str = ""  # ISO 639-1 code, "" when unknown
    # Where ``published`` came from (index/normalise.py, DATE_KINDS): "stated" in the
    # record, "body" (read from the body's dateline), "bound" (no date, only the archive
    # snapshot as an upper bound in ``date_bound``) or "" (no date at all).
    date_kind: str = ""
    date_reason: str = ""  # why the record's own date was not used: DATE_REASONS
    date_note: str = ""  # that reason in words, for the article page
    date_bound: datetime | None = None  # published on or before this (UTC)
    date_only: bool = False  # the source gave a day but no time of day

    @property
    def year(self) -> str:
        return str(self.published.year) if self.published else ""

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "slug": self.slug,
            "title": self.title,
            "authors": list(self.authors),
            "outlet": self.outlet,
            "published": self.published.isoformat() if self.published else None,
            "url": self.url,
            "language": self.language,
            "date_kind": self.date_kind or "none",
            "date_reason": self.date_reason,
            "date_note": self.date_note,
            "date_bound": self.date_bound.isoformat() if self.date_bound else None,
            "date_only": self.date_only,
            "body": self.body,
        }
