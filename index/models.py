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
            "body": self.body,
        }
