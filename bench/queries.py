"""The fixed query mix (``queries.json``) and the URL each engine gets for each query."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

QUERIES_FILE = Path(__file__).with_name("queries.json")
# Both result pages show 10 rows and the outlet and author facets.
DATASETTE_COMMON = (("_facet", "outlet"), ("_facet", "author"), ("_size", "10"))


@dataclass(frozen=True)
class Query:
    cls: str
    artsearch: dict
    datasette: dict
    smoke: bool = False

    @property
    def label(self) -> str:
        return self.artsearch.get("q") or "(browse newest)"

    def artsearch_path(self, *, fmt: str = "html") -> str:
        base = "/" if fmt == "html" else "/api/search"
        return base + ("?" + urlencode(self.artsearch) if self.artsearch else "")

    def datasette_path(self, database: str, *, fmt: str = "html", next_token: str | None = None) -> str:
        params = [(k, v) for k, v in self.datasette.items() if k != "_page"]
        if next_token is not None:
            params.append(("_next", next_token))
        params.extend(DATASETTE_COMMON)
        suffix = ".json" if fmt == "json" else ""
        return f"/{database}/articles{suffix}?" + urlencode(params)

    @property
    def datasette_page(self) -> int:
        return int(self.datasette.get("_page", 1))


def load_queries(path: str | Path = QUERIES_FILE, *, smoke: bool = False) -> list[Query]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    queries = [
        Query(cls["name"], q["artsearch"], q["datasette"], bool(q.get("smoke")))
        for cls in data["classes"] for q in cls["queries"]
    ]
    return [q for q in queries if q.smoke] if smoke else queries


def class_names(queries: list[Query]) -> list[str]:
    return list(dict.fromkeys(q.cls for q in queries))
