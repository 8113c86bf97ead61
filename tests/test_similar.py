"""'Similar articles' pick by topic words, not function words, and say copies honestly.

Nothing drops function words at index time (exact quotes need them), so a long article
full of "the", "of" and "and" used to choose them among its key terms and be "similar" to
any other long article. The corpus below has one article that shares its topic with the
target and several long ones that share only function words with it.
"""

from __future__ import annotations

import json

import pytest

from index.config import Config
from index.indexer import build_index
from search.clusters import _FUNCTION_TERMS, similar_terms
from search.engine import SearchEngine
from web.app import create_app

FILLER = " ".join(["the people of the town and the council of the county said that the"] * 30)
TARGET = ("Water rationing in Valmora begins as the reservoir of the valley runs dry. "
          + " ".join(["The reservoir level in Valmora fell and the rationing of the water supply widened."] * 6)
          + " " + FILLER)
RELATED = "Farmers near the Valmora reservoir fear that water rationing will last through the summer."
ROWS = [{"id": "target", "title": "Valmora rations water", "outlet": "a.com", "body": TARGET},
        {"id": "related", "title": "Farmers worry", "outlet": "b.com", "body": RELATED}] + [
    {"id": f"noise{i}", "title": f"Town meeting {i}", "outlet": f"n{i}.com",
     "body": FILLER + f" Item {i} on the agenda was the library roof and the parking fees {i}."}
    for i in range(8)
]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("similar")
    source = root / "news.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in ROWS), encoding="utf-8")
    build_index([source], root / "ix", full=True)
    return root / "ix"


def test_key_terms_leave_out_function_words(index_dir):
    engine = SearchEngine(Config(index_dir=index_dir))
    terms = [term for term, _ in similar_terms(engine.searcher(), "body", TARGET)]
    assert terms, "no key terms at all"
    assert not set(terms) & _FUNCTION_TERMS
    assert {"valmora", "reservoir"} <= set(terms)


def test_the_article_on_the_same_topic_is_most_similar(index_dir):
    app = create_app(Config(index_dir=index_dir))
    response = app.test_client().get("/api/articles/target/similar")
    assert response.status_code == 200
    ids = [hit["id"] for hit in response.get_json()["results"]]
    assert ids and ids[0] == "related", ids
