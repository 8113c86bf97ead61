"""Plain result objects returned by the engine; ``to_dict()`` is the JSON API shape."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from .matching import Relaxation
from .request import SearchRequest
from .timeline import Timeline


@dataclasses.dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    toggle_args: tuple[tuple[str, str], ...]  # query args with this value toggled
    exclude_args: tuple[tuple[str, str], ...] = ()  # query args leaving this value out

    def to_dict(self) -> dict:
        return {"value": self.value, "count": self.count, "selected": self.selected}


@dataclasses.dataclass(frozen=True)
class Facet:
    key: str
    title: str
    values: tuple[FacetValue, ...]
    truncated: bool = False  # more values exist than are listed
    total_values: int = 0  # values with at least one article

    def to_list(self) -> list[dict]:
        return [v.to_dict() for v in self.values]


@dataclasses.dataclass(frozen=True)
class FacetList:
    """One facet's values on their own: "show all", and the search within its values."""

    request: SearchRequest
    key: str
    title: str
    prefix: str
    limit: int
    values: tuple[FacetValue, ...]
    total_values: int  # values matching the prefix, before the limit

    def to_dict(self) -> dict:
        return {
            "name": self.key,
            "values": [{"value": v.value, "count": v.count} for v in self.values],
            "total_values": self.total_values,
            "prefix": self.prefix,
            "limit": self.limit,
            "request": self.request.to_dict(),
        }


@dataclasses.dataclass(frozen=True)
class Copy:
    """One article of a cluster of copies (a syndicated or republished story)."""

    id: str
    slug: str
    title: str
    outlet: str
    published: datetime | None
    first: bool = False  # the earliest copy ("first seen")
    date_kind: str = ""  # as Hit.date_kind
    date_only: bool = False

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "slug": self.slug,
            "title": self.title,
            "outlet": self.outlet,
            "published": self.published.isoformat() if self.published else None,
            "date_kind": self.date_kind or "none",
            "date_only": self.date_only,
            "first": self.first,
        }


@dataclasses.dataclass(frozen=True)
class Cluster:
    """The story an article belongs to, when it has copies."""

    id: str
    size: int  # articles in the cluster, this one included
    outlets: int  # distinct outlets among them
    first: Copy

    @property
    def other_outlets(self) -> int:
        """Outlets that ran the story besides the one of the article at hand."""
        return self.outlets - 1

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "size": self.size,
            "outlets": self.outlets,
            "first": {"id": self.first.id, "outlet": self.first.outlet,
                      "published": self.first.published.isoformat() if self.first.published else None},
        }


@dataclasses.dataclass(frozen=True)
class Hit:
    id: str
    slug: str
    title: str
    authors: tuple[str, ...]
    outlet: str
    published: datetime | None
    url: str
    teaser_html: str
    score: float | None = None
    teaser_parts: tuple[str, ...] = ()  # the teaser's fragments (HTML), for narrow screens
    title_html: str = ""  # the title, escaped, with the query's words in <mark>
    cluster: Cluster | None = None
    # Where ``published`` came from (index/models.py): "stated", "body", "bound", "".
    date_kind: str = ""
    date_only: bool = False  # a day without a time of day
    date_bound: datetime | None = None  # published on or before (archive snapshot)
    language: str = ""  # ISO 639-1 code ("" unknown): the page's lang attribute

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "slug": self.slug,
            "title": self.title,
            "language": self.language,
            "authors": list(self.authors),
            "outlet": self.outlet,
            "published": self.published.isoformat() if self.published else None,
            "date_kind": self.date_kind or "none",
            "date_only": self.date_only,
            "published_before": self.date_bound.isoformat() if self.date_bound else None,
            "url": self.url,
            "teaser": self.teaser_html,
            "title_html": self.title_html,
            "cluster": self.cluster.to_dict() if self.cluster else None,
        }


@dataclasses.dataclass(frozen=True)
class SearchResult:
    request: SearchRequest
    total: int
    hits: tuple[Hit, ...]
    facets: tuple[Facet, ...]
    suggestion: str | None = None
    suggestion_label: str | None = None  # the suggestion as shown: short (search/suggest.py)
    notes: tuple[str, ...] = ()
    relaxation: Relaxation | None = None  # no article had every word: what was left out
    misquoted: tuple[str, ...] = ()  # quotes no article has: the hits are the closest, not exact
    took_ms: float = 0.0
    index_build: str = ""
    stories: int | None = None  # how many stories the ``total`` articles form
    collapsed: bool = False  # one hit per story (copies folded into it)
    timeline: Timeline | None = None
    # With a date range: matches the range left out because they have no date.
    undated_left_out: int | None = None

    @property
    def page(self) -> int:
        return self.request.page

    @property
    def per_page(self) -> int:
        return self.request.per_page

    @property
    def pages(self) -> int:
        listed = self.stories if self.collapsed and self.stories is not None else self.total
        return max(1, -(-listed // self.per_page))

    @property
    def past_end(self) -> bool:
        """A page after the last one of a search that has matches (``page=10000``)."""
        return self.total > 0 and not self.hits and self.page > self.pages

    def past_end_note(self) -> str:
        """What a page past the end says instead of "No articles match"."""
        listed = self.stories if self.collapsed and self.stories is not None else self.total
        noun = ("story" if listed == 1 else "stories") if listed != self.total else (
            "article" if listed == 1 else "articles")
        return (f"Page {self.page:,} is past the end: the {listed:,} {noun} fill "
                f"{self.pages:,} {'page' if self.pages == 1 else 'pages'} of {self.per_page:,}; "
                f"the last is page {self.pages:,}.")

    @property
    def first(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.hits else 0

    @property
    def last(self) -> int:
        return self.first + len(self.hits) - 1 if self.hits else 0

    def facet(self, key: str) -> Facet | None:
        return next((f for f in self.facets if f.key == key), None)

    def to_dict(self) -> dict:
        return {
            "query": self.request.q,
            "request": self.request.to_dict(),
            "total": self.total,
            "stories": self.stories,
            "collapsed": self.collapsed,
            "page": self.page,
            "per_page": self.per_page,
            "pages": self.pages,
            "past_end": self.past_end,
            "results": [h.to_dict() for h in self.hits],
            "facets": {f.key: f.to_list() for f in self.facets},
            "timeline": self.timeline.to_dict() if self.timeline else None,
            "undated_left_out": self.undated_left_out,
            "suggestion": self.suggestion,
            "suggestion_label": self.suggestion_label,
            "relaxed": self.relaxation.to_dict() if self.relaxation else None,
            # Quotes no article has exactly; the results are the closest passages.
            "exact": not self.misquoted,
            "misquoted": list(self.misquoted),
            "notes": list(self.notes),
            "took_ms": round(self.took_ms, 2),
            "index_build": self.index_build,
        }
