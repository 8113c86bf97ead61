"""The embedded backend: ``SearchEngine`` (search/engine.py) behind ``SearchBackend``."""

from __future__ import annotations

from index.models import Article

from .deadline import Deadline
from .engine import SearchEngine
from .export import Export, export_matches
from .request import SearchRequest
from .timeline import Timeline


class WhooshBackend(SearchEngine):
    """The Whoosh index in ``config.index_dir``: two commands, no server to run."""

    name = "whoosh"

    def article(self, article_id: str) -> Article:
        return self.get_article(article_id)

    def status(self) -> dict:
        return {"backend": self.name, **self.info()}

    def timeline(self, request: SearchRequest, deadline: Deadline | None = None) -> Timeline | None:
        return self.search(request.replace(page=1), deadline).timeline

    def export(self, request: SearchRequest, *, every: bool = True, deadline: Deadline | None = None,
               body: bool = False) -> Export:
        return export_matches(self, request, every=every, deadline=deadline, body=body)

    def check(self) -> None:
        self.searcher()

    def warm_up(self) -> None:
        self.view(self.searcher())

