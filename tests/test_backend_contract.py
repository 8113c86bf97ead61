"""One contract for every search backend: the same pages, JSON, exports and feeds from the
embedded Whoosh index and from a real 3-node Typesense cluster (tests/typesense_cluster.py).

Expected counts come from the source JSONL (tests/test_filter_properties.py's ``Source``),
never from either backend; where the two backends are compared, both answers are checked
against the source first.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from datetime import datetime

import feedparser
import pytest
from hypothesis import given, settings

from index.config import Config
from index.typesense_writer import sync
from tests.conftest import FILTERS_CORPUS, FIXTURE_CORPUS
from tests.test_filter_properties import PROPERTY_SETTINGS, Source, check, requests
from web.app import create_app

BACKENDS = ["whoosh", "typesense"]
_names = itertools.count()


def _client(config: Config):
    app = create_app(config)
    app.config.update(TESTING=True, PROPAGATE_EXCEPTIONS=False)
    return app.test_client()


def typesense_config(cluster, index_dir, collection: str) -> Config:
    return Config(index_dir=index_dir, backend="typesense", typesense_nodes=tuple(cluster.urls),
                  typesense_api_key_file=cluster.key_file, typesense_collection=collection, timeout=20)


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request, index_dir):
    """The articles fixture on each backend, as a Flask client."""
    if request.param == "whoosh":
        return _client(Config(index_dir=index_dir))
    cluster = request.getfixturevalue("typesense_cluster")
    config = typesense_config(cluster, index_dir, f"articles_contract_{next(_names)}")
    sync(index_dir, config, full=True)
    return _client(config)


@pytest.fixture(scope="module", params=BACKENDS)
def filters_backend(request, filters_index):
    if request.param == "whoosh":
        return _client(Config(index_dir=filters_index))
    cluster = request.getfixturevalue("typesense_cluster")
    config = typesense_config(cluster, filters_index, f"filters_contract_{next(_names)}")
    sync(filters_index, config, full=True)
    return _client(config)


@pytest.fixture(scope="module")
def whoosh_client(index_dir):
    return _client(Config(index_dir=index_dir))


def rows_of(path) -> list[dict]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            pass
    return out


def ids(data) -> list[str]:
    return [r["id"] for r in data["results"]]


def every_id(client, args) -> list[str]:
    """Every article of a search, page by page (every copy listed)."""
    seen: list[str] = []
    for page in range(1, 50):
        data = client.get("/api/search", query_string=args + [("page", str(page)), ("collapse", "0")]).get_json()
        seen += ids(data)
        if len(seen) >= data["total"]:
            return seen
    raise AssertionError("paging never reached the total")


# Totals and facet counts -----------------------------------------------------------------

def test_totals_and_facets_equal_the_source_under_random_filters(filters_backend):
    source = Source(rows_of(FILTERS_CORPUS))

    @settings(PROPERTY_SETTINGS, max_examples=30)
    @given(requests(source))
    def run(f):
        check(filters_backend, source, f)

    run()


@pytest.mark.parametrize("args", [
    [("q", "vaccine")],
    [("q", "cancer"), ("-outlet", "nytimes.com")],
    [("q", ""), ("from", "2016-01-01"), ("to", "2017-12-31")],
    [("q", "vaccine"), ("outlet", "reuters.com"), ("year", "2016"), ("year", "2017")],
    [("q", "flu OR influenza")],
    [("q", "cancer -study")],
    # year: as the Year filter when no article of 2017 has both words (issue 17): a2, not a3.
    [("q", "year:2017 vaccine cancer")],
])
def test_the_same_search_counts_the_same_on_every_backend(backend, whoosh_client, args):
    mine = backend.get("/api/search", query_string=args).get_json()
    theirs = whoosh_client.get("/api/search", query_string=args).get_json()
    for key in ("total", "stories", "facets", "timeline", "undated_left_out", "pages"):
        assert mine[key] == theirs[key], (args, key)
    assert sorted(every_id(backend, args)) == sorted(every_id(whoosh_client, args))


# Phrases, quotes and relaxation ------------------------------------------------------------

def test_a_quote_finds_exactly_the_articles_with_the_words_in_order(backend):
    expected = {r["id"] for r in rows_of(FIXTURE_CORPUS)
                if "breast cancer" in f"{r.get('title', '')} {r.get('body', '')}".lower()}
    data = backend.get("/api/search", query_string={"q": '"breast cancer"'}).get_json()
    assert expected and set(every_id(backend, [("q", '"breast cancer"')])) == expected
    assert data["exact"] is True
    # The same words out of order ("cancer of the breast", a8) are not the quote.
    assert "a8" not in expected and "a8" in ids(backend.get("/api/search?q=breast+cancer").get_json())


def test_a_quote_no_article_has_is_searched_as_its_words_with_a_note(backend, whoosh_client):
    q = {"q": '"screening cancer breast"'}
    mine = backend.get("/api/search", query_string=q).get_json()
    theirs = whoosh_client.get("/api/search", query_string=q).get_json()
    assert theirs["exact"] is False and theirs["total"] > 0
    for key in ("exact", "misquoted", "notes", "total"):
        assert mine[key] == theirs[key], key


def test_a_wildcard_is_refused_with_a_reason_not_a_wrong_count(backend, whoosh_client):
    answer = backend.get("/api/search?q=vacc*")
    if answer.status_code == 200:  # the Whoosh backend expands it
        assert answer.get_json()["total"] == whoosh_client.get("/api/search?q=vacc*").get_json()["total"]
        return
    assert answer.status_code == 400
    assert "cannot search wildcards" in answer.get_json()["error"]
    page = backend.get("/?q=vacc*")
    assert page.status_code == 400 and "cannot search wildcards" in page.get_data(as_text=True)


def test_the_relaxation_note_is_the_same(backend, whoosh_client):
    q = {"q": "vaccine safety children autism measles outbreak"}
    mine = backend.get("/api/search", query_string=q).get_json()
    theirs = whoosh_client.get("/api/search", query_string=q).get_json()
    assert theirs["relaxed"] is not None
    assert mine["relaxed"] == theirs["relaxed"]
    assert [n for n in mine["notes"] if n.startswith(("No article", "Only"))] == \
        [n for n in theirs["notes"] if n.startswith(("No article", "Only"))]
    assert mine["total"] == theirs["total"]


def test_highlights_are_sanitised(backend):
    data = backend.get("/api/search", query_string={"q": "hostile"}).get_json()
    assert data["total"] >= 1
    for hit in data["results"]:
        for html in (hit["teaser"], hit["title_html"]):
            assert "<script" not in html
            assert html.replace("<mark>", "").replace("</mark>", "").count("<") == 0
    page = backend.get("/?q=hostile").get_data(as_text=True)
    assert "<script>alert('xss-title')" not in page


# Orders, pages and exports -----------------------------------------------------------------

def _published(row) -> datetime | None:
    text = row.get("published")
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_date_orders_follow_the_source_dates(filters_backend, sort):
    listed = every_id(filters_backend, [("q", ""), ("sort", sort), ("per_page", "3")])
    when = {r["id"]: _published(r) for r in rows_of(FILTERS_CORPUS)}
    assert sorted(listed) == sorted(when)
    dated = [when[i] for i in listed if when[i]]
    assert dated == sorted(dated, reverse=sort == "newest")
    # Undated articles come last in both orders.
    undated = [i for i in listed if not when[i]]
    assert listed[len(listed) - len(undated):] == undated


@pytest.mark.parametrize("sort", ["newest", "oldest", "relevance"])
def test_paging_lists_what_the_export_lists(backend, sort):
    args = [("q", "vaccine OR cancer OR hospital"), ("sort", sort), ("per_page", "2")]
    paged = every_id(backend, args)
    text = backend.get("/search.jsonl", query_string=args + [("collapse", "0")]).get_data(as_text=True)
    lines = [json.loads(line) for line in text.splitlines()]
    assert lines[0]["export"]["total"] == len(paged)
    assert [r["id"] for r in lines[1:]] == paged
    rows = list(csv.DictReader(io.StringIO(
        backend.get("/search.csv", query_string=args).get_data(as_text=True).lstrip("\ufeff"))))
    assert [r["id"] for r in rows] == paged


def test_the_feed_lists_the_newest_matches(backend):
    feed = feedparser.parse(backend.get("/search.atom?q=vaccine").get_data())
    data = backend.get("/api/search", query_string=[("q", "vaccine"), ("sort", "newest"),
                                                     ("per_page", "50")]).get_json()
    assert [e.link.split("/articles/")[1].split("/")[0] for e in feed.entries] == ids(data)
    assert len(feed.entries) == min(data["stories"], 50)


# Articles ----------------------------------------------------------------------------------

def test_article_pages_and_json_are_the_same(backend, whoosh_client):
    for article_id in ("a1", "a7", "a3"):
        mine = backend.get(f"/api/articles/{article_id}").get_json()
        theirs = whoosh_client.get(f"/api/articles/{article_id}").get_json()
        assert mine == theirs
        page = backend.get(f"/articles/{article_id}", follow_redirects=True)
        assert page.status_code == 200
    assert backend.get("/api/articles/no-such-id").status_code == 404


# Secrets -----------------------------------------------------------------------------------

def test_the_api_key_never_reaches_a_page_or_json(request, index_dir, capsys):
    cluster = request.getfixturevalue("typesense_cluster")
    config = typesense_config(cluster, index_dir, f"articles_secret_{next(_names)}")
    client = _client(config)
    key = cluster.api_key
    # Before the collection exists (errors), then with it.
    answers = [client.get(path) for path in ("/", "/api/search?q=x", "/api/status")]
    sync(index_dir, config, full=True)
    answers += [client.get(path) for path in ("/", "/?q=vaccine", "/api/search?q=vaccine", "/api/status",
                                               "/api/articles/a1", "/articles/a1", "/search.atom",
                                               "/search.csv?q=vaccine", "/facets/outlet", "/api/search?q=vacc*")]
    for answer in answers:
        assert key not in answer.get_data(as_text=True)
    assert key not in repr(config) and key not in str(client.get("/api/status").get_json())
    out = capsys.readouterr()
    assert key not in out.out + out.err
