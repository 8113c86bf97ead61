"""The embedded backend: ``SearchEngine`` (search/engine.py) behind ``SearchBackend``."""

from __future__ import annotations

from index.analysis import preload as preload_analyzers
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
        reader = self.searcher().reader()
        # At server start-up, not in a search's budget: the dictionaries the index's
        # languages need (Ukrainian lemmas: 0.65 s, 1.4 s on a loaded machine).
        preload_analyzers(f for f in reader.indexed_field_names() if reader.field_length(f) > 0)

    def warm_up(self) -> None:
        self.view(self.searcher())

