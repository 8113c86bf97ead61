"""Headline-only records (a title, no body text) are articles: indexed by their title, never
lost, counted as title-only in the reindex report, and never a story of copies or crawl junk
(an empty body is the absence of text, not a shared text; issue 18, issue 19's rule).

Through the CLI (``artsearch reindex`` in a subprocess, its report and summary) and HTTP
(search JSON, article page and JSON); expected counts are computed from the rows.
"""

from __future__ import annotations

import json

import pytest

from index.config import Config
from tests.reindex_helpers import assert_ok, reindex
from tests.test_clusters import WIRE
from web.app import create_app

ROWS = (
    # Four wire flashes of one outlet under four headlines: were empty bodies compared,
    # "one body under 3+ titles in one outlet" would call them crawl junk.
    [{"id": f"h{i}", "title": title, "outlet": "wire.com", "body": ""}
     for i, title in enumerate(["Quake hits Lima", "Central bank raises rates", "Ferry sinks off Crete",
                                "Strike halts trains"])]
    # One headline in two outlets, no body either: equal (empty) bodies, yet not one story.
    + [{"id": f"s{i}", "title": "Election called for June", "outlet": f"paper{i}.com"} for i in range(2)]
    # A real story in two outlets: the only story with copies.
    + [{"id": f"w{i}", "title": "Flood money approved", "outlet": f"paper{i}.com", "body": WIRE} for i in range(2)]
    # Neither title nor text: nothing to index, skipped and reported.
    + [{"id": "x0", "outlet": "wire.com", "body": " "}]
)
HEADLINES = [r for r in ROWS if not (r.get("body") or "").strip() and r.get("title")]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("title-only")
    source = root / "rows.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in ROWS), encoding="utf-8")
    done, report = reindex(root / "ix", source)
    assert_ok(done)
    return done, report, create_app(Config(index_dir=root / "ix")).test_client()


def test_headlines_are_indexed_and_counted_the_empty_record_skipped(built):
    done, report, client = built
    assert report["total"] == len(ROWS) - 1 and report["title_only"] == len(HEADLINES) == 6
    assert [(p["line"], p["reason"]) for p in report["problems"] if p["kind"] == "skipped"] == \
        [(len(ROWS), "no title or body text")]
    assert f"Title only: {len(HEADLINES)} articles with no body text, indexed by the title." in done.stdout
    for row in HEADLINES:
        found = client.get("/api/search", query_string={"q": row["title"], "collapse": "0"}).get_json()
        assert row["id"] in [hit["id"] for hit in found["results"]][:2], row
        assert all(hit["cluster"] is None for hit in found["results"] if hit["id"] in {r["id"] for r in HEADLINES})


def test_empty_bodies_make_no_story_and_no_crawl_junk(built):
    done, report, client = built
    assert (report["clusters"], report["clustered"]) == (1, 2)  # w0 and w1 only
    assert not report["boilerplate"].get("bodies")
    assert "Copies: 2 articles in 1 story with copies" in done.stdout and "Crawl junk" not in done.stdout
    for row in HEADLINES:
        article = client.get(f"/api/articles/{row['id']}").get_json()
        assert (article["body"], article["copies"], article["crawl_junk"]) == ("", [], None)
    browse = client.get("/api/search?per_page=100").get_json()
    assert browse["total"] == len(ROWS) - 1 and browse["stories"] == browse["total"] - 1


def test_article_page_says_it_has_only_a_title(built):
    _, _, client = built
    page = client.get("/articles/h0", follow_redirects=True).get_data(as_text=True)
    assert "Quake hits Lima" in page and 'id="title-only"' in page and "has a title and no text" in page
    assert 'id="title-only"' not in client.get("/articles/w0", follow_redirects=True).get_data(as_text=True)
