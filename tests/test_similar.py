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


# Short bodies: the title says what the article is about ------------------------------

SHORT_TARGET = {"id": "short", "title": "Migraine patients can now try three new prevention drugs", "outlet": "a.com",
                "body": ('"They have a lot of promise," said Katherine Hamilton, a specialist at Penn. '
                         "She added that it remains to be seen how patients will fare.")}
SHORT_ROWS = [SHORT_TARGET] + [
    {"id": f"migraine{i}", "title": title, "outlet": f"m{i}.com",
     "body": f"Doctors studied {n} adults over a year. " + "Results were reported at a meeting in the spring. " * 3}
    for i, (title, n) in enumerate([("Preventive drugs cut migraine days", 300), ("A new shot for migraine prevention", 120),
                                    ("Migraine prevention: patients try a device", 80)])
] + [
    # Articles that share the short body's rare words (a name, an odd verb), not its topic.
    {"id": f"name{i}", "title": f"Council news {i}", "outlet": f"n{i}.com",
     "body": f"Katherine Hamilton of Penn spoke at the council about the road budget {i}, "
             "and how the town would fare in the winter."}
    for i in range(6)
]


def test_a_short_body_is_similar_by_its_title(tmp_path):
    source = tmp_path / "news.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in SHORT_ROWS), encoding="utf-8")
    build_index([source], tmp_path / "ix", full=True)
    response = create_app(Config(index_dir=tmp_path / "ix")).test_client().get("/api/articles/short/similar")
    assert response.status_code == 200
    ids = [hit["id"] for hit in response.get_json()["results"]]
    on_topic = {r["id"] for r in SHORT_ROWS if "migraine" in r["title"].lower() and r["id"] != "short"}
    assert set(ids[:len(on_topic)]) == on_topic, ids


def test_fakehealth_migraine_article_finds_migraine_articles(fakehealth_rows, tmp_path):
    """story_reviews_00023 (93 words, quoting a specialist by name) among every FakeHealth
    article that mentions migraine and 400 others: most of its similar articles are about
    migraines, counted from the JSONL titles."""
    import random

    migraine = [r for r in fakehealth_rows if "migrain" in ((r["title"] or "") + r["body"]).lower()]
    others = [r for r in fakehealth_rows if r not in migraine]
    rows = migraine + random.Random(19).sample(others, 400)
    source = tmp_path / "part.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    build_index([source], tmp_path / "ix", full=True)
    about = {r["id"] for r in rows if "migraine" in (r["title"] or "").lower() and r["id"] != "story_reviews_00023"}
    assert len(about) >= 3
    results = create_app(Config(index_dir=tmp_path / "ix")).test_client().get(
        "/api/articles/story_reviews_00023/similar").get_json()["results"]
    assert len(results) == 5
    assert sum(hit["id"] in about for hit in results) >= 3, [hit["title"] for hit in results]
