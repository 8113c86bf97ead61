"""The one interface every view and CLI command searches through, and its factory.

``open_backend(config)`` returns the backend ``config.backend`` names: the embedded Whoosh
index (``search/whoosh_backend.py``, the default) or a Typesense cluster
(``search/typesense_backend.py``). ``web/`` and the CLI only ever see ``SearchBackend``.
Query parsing (search/query.py), relaxation (search/matching.py), teasers and their
sanitising (search/teasers.py) and the request/result types (search/request.py,
search/results.py) are shared by both; a backend only finds, counts and orders articles.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from index.config import Config

if TYPE_CHECKING:
    from index.models import Article

    from .deadline import Deadline
    from .export import Export
    from .request import SearchRequest
    from .results import Copy, FacetList, Hit, SearchResult
    from .timeline import Timeline


class SearchBackend(Protocol):
    """What the site, the JSON API and the CLI ask of a search backend."""

    config: Config
    name: str  # "whoosh", "typesense": shown by /api/status

    def search(self, request: SearchRequest, deadline: Deadline | None = None) -> SearchResult:
        """One page of results with its total, facets, timeline and notes."""
        ...

    def facet_values(self, request: SearchRequest, key: str, prefix: str = "", limit: int = 100,
                     deadline: Deadline | None = None) -> FacetList:
        """Every value of one facet with its disjunctive count under ``request``."""
        ...

    def timeline(self, request: SearchRequest, deadline: Deadline | None = None) -> Timeline | None:
        """The matches of ``request`` per day, week, month or year."""
        ...

    def export(self, request: SearchRequest, *, every: bool = True, deadline: Deadline | None = None,
               body: bool = False) -> Export:
        """Every match (or only the page) of ``request`` as a lazy stream of rows."""
        ...

    def article(self, article_id: str) -> Article:
        """The article with this id; ``NotFoundError`` otherwise."""
        ...

    def copies(self, article_id: str) -> tuple[Copy, ...]:
        ...

    def similar(self, article_id: str, limit: int = 5) -> tuple[Hit, ...]:
        ...

    def crawl_junk(self, article_id: str) -> dict | None:
        ...

    def highlight_article(self, article: Article, q: str) -> str:
        ...

    def highlight_title(self, article: Article, q: str) -> str:
        ...

    def status(self) -> dict:
        """What the backend serves (build, documents, ...); never a secret."""
        ...

    def check(self) -> None:
        """Raise ``ArtsearchError`` naming the remedy when the backend cannot serve."""
        ...

    def warm_up(self) -> None:
        """Open what the first search would (before serving); ``ArtsearchError`` if unusable."""
        ...

    def close(self) -> None:
        ...


def open_backend(config: Config | None = None) -> SearchBackend:
    """The backend ``config.backend`` names (default: ``Config.from_env()``)."""
    config = config or Config.from_env()
    if config.backend == "typesense":
        from .typesense_backend import TypesenseBackend

        return TypesenseBackend(config)
    from .whoosh_backend import WhooshBackend

    return WhooshBackend(config)
