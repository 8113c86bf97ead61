"""HTTP through the Flask test client: each page and its JSON twin."""

import html
import re

import pytest

from index.config import Config
from tests.conftest import indexed_rows
from web.app import create_app


def test_search_page_and_json_twin_agree(client):
    page = client.get("/?q=vaccine&outlet=reuters.com")
    api = client.get("/api/search?q=vaccine&outlet=reuters.com")
    assert page.status_code == api.status_code == 200
    data = api.get_json()
    assert data["total"] == 2 and data["query"] == "vaccine"
    text = page.get_data(as_text=True)
    assert f'data-total="{data["total"]}"' in text
    for result in data["results"]:
        assert result["title_html"] in text  # the title, with the query's words marked
        assert html.escape(result["title"]) in result["title_html"].replace("<mark>", "").replace("</mark>", "")
    assert 'rel="alternate" type="application/json"' in text


def test_json_contract(client):
    data = client.get("/api/search?q=cancer&per_page=1").get_json()
    assert set(data) >= {"query", "total", "page", "per_page", "results", "facets", "suggestion", "took_ms"}
    assert set(data["results"][0]) >= {"id", "title", "authors", "outlet", "published", "url", "teaser"}
    assert set(data["facets"]) == {"outlet", "author", "year", "language"}
    assert all(set(v) >= {"value", "count"} for v in data["facets"]["outlet"])
    assert data["per_page"] == 1 and len(data["results"]) == 1


@pytest.mark.parametrize("query", ["per_page=101", "page=0", "from=2016-02-30", "sort=best", "to=x"])
def test_invalid_parameters_are_400_with_a_message(client, query):
    api = client.get(f"/api/search?{query}")
    assert api.status_code == 400 and api.get_json()["error"]
    page = client.get(f"/?{query}")
    assert page.status_code == 400
    assert 'class="error"' in page.get_data(as_text=True)


@pytest.mark.parametrize("q", ['"unbalanced', "(((", "vaccine AND", "foo:bar", "***", "published:[x TO y]",
                               "<script>alert(1)</script>", "a" * 5000, "%00", "title:"])
def test_broken_queries_never_error(client, q):
    for url in ("/", "/api/search"):
        response = client.get(url, query_string={"q": q})
        assert response.status_code == 200, (url, q)
    assert "<script>alert(1)</script>" not in client.get("/", query_string={"q": q}).get_data(as_text=True)


def test_facet_sidebar_chips_and_pager(client):
    text = client.get("/?outlet=reuters.com&per_page=1").get_data(as_text=True)
    assert re.search(r'name="outlet" value="reuters.com" checked', text)
    assert 'class="chip"' in text and "Outlet: reuters.com" in text
    assert 'rel="next"' in text


def test_article_page_highlights_and_redirects_to_slug(client):
    redirect = client.get("/articles/a1?q=vaccine")
    assert redirect.status_code == 301
    assert redirect.headers["Location"].startswith("/articles/a1/vaccines-are-safe")
    page = client.get(redirect.headers["Location"])
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "<mark>vaccines</mark>" in text
    assert "https://www.reuters.com/a1" in text


def test_article_json_and_404s(client):
    assert client.get("/api/articles/a5").get_json()["title"] == "Café culture in Zürich"
    missing = client.get("/api/articles/nope")
    assert missing.status_code == 404 and "nope" in missing.get_json()["error"]
    page = client.get("/articles/nope/x")
    assert page.status_code == 404 and "Traceback" not in page.get_data(as_text=True)


def test_hostile_article_is_inert_everywhere(client):
    pages = [client.get("/?q=misinformation").get_data(as_text=True),
             client.get("/articles/a4/hostile-headline?q=misinformation").get_data(as_text=True)]
    for text in pages:
        assert "<script>alert" not in text
        assert "<img" not in text  # our pages have no images; one would be injected
        assert "javascript:alert" not in text
    # The article's literal "<script>" text is shown, as text.
    assert "&lt;script&gt;alert(&#x27;xss-literal&#x27;)&lt;/script&gt;" in pages[1]


def test_no_index_yet_is_a_friendly_page(tmp_path):
    app = create_app(Config(index_dir=tmp_path / "none"))
    client = app.test_client()
    page = client.get("/")
    assert page.status_code == 503 and "artsearch reindex" in page.get_data(as_text=True)
    api = client.get("/api/search?q=x")
    assert api.status_code == 503 and "artsearch reindex" in api.get_json()["error"]


def test_rebuilt_index_is_picked_up_without_restart(tmp_path):
    from index.indexer import build_index
    from tests.conftest import FIXTURE_CORPUS

    small = tmp_path / "small.jsonl"
    small.write_text('{"id": "x1", "title": "Only one", "body": "single article"}\n', encoding="utf-8")
    build_index([small], tmp_path / "ix", full=True)
    client = create_app(Config(index_dir=tmp_path / "ix")).test_client()
    assert client.get("/api/search").get_json()["total"] == 1
    build_index([FIXTURE_CORPUS], tmp_path / "ix", full=True)
    assert client.get("/api/search").get_json()["total"] == 10  # a9 by its title
    # ...and an incremental commit is seen too.
    build_index([FIXTURE_CORPUS, small], tmp_path / "ix")
    assert client.get("/api/search").get_json()["total"] == 11


def test_engine_reuses_searchers(app, client):
    engine = app.extensions["artsearch"]
    client.get("/?q=flu")
    first = engine._local.searcher
    client.get("/?q=cancer")
    assert engine._local.searcher is first


def test_a_page_past_the_end_says_so_and_links_the_last_page(client, fixture_records):
    # /?q=zika&page=10000 said "4 articles · showing 0–0" and then "No articles match".
    expected = sum(1 for r in indexed_rows(fixture_records) if r.get("outlet") == "reuters.com")
    assert expected > 1
    args = "outlet=reuters.com&collapse=0&per_page=1"
    page = client.get(f"/?{args}&page=9999")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "No articles match" not in text and "showing 0" not in text
    assert f"Page 9,999 is past the end: the {expected} articles fill {expected} pages of 1; the last is page {expected}." in text
    links = dict(re.findall(r'<a href="([^"]+)"[^>]*>(Go to page \d+|as JSON)</a>', text))
    assert set(links.values()) == {f"Go to page {expected}", "as JSON"}
    html_link, json_link = (next(u for u, label in links.items() if label.startswith(x)) for x in ("Go", "as"))
    last = client.get(html_link.replace("&amp;", "&")).get_data(as_text=True)
    assert f"showing {expected}–{expected}" in last and "past the end" not in last
    data = client.get(json_link.replace("&amp;", "&")).get_json()
    assert data["page"] == expected and len(data["results"]) == 1 and data["past_end"] is False
    api = client.get(f"/api/search?{args}&page=9999").get_json()
    assert api["past_end"] is True and api["total"] == expected and api["results"] == []
    assert api["last_page"]["page"] == expected and any("past the end" in n for n in api["notes"])
    # No match at all is still "No articles match", not "past the end".
    none = client.get("/?q=zzqqxxwv&page=3").get_data(as_text=True)
    assert "No articles match" in none and "past the end" not in none


@pytest.mark.parametrize("shift", range(8))
def test_an_over_long_query_is_cut_at_a_word_boundary_with_a_note(client, config, shift):
    # At 1,000 characters the cut fragment became a query word ("not required: trial, blood, tria").
    q = "x" * (shift + 1) + " " + " ".join(["vaccine", "safety", "children", "study"] * 80)
    data = client.get("/api/search", query_string={"q": q}).get_json()
    kept = data["query"]
    assert len(kept) <= config.max_query_chars < len(q)
    assert q.startswith(kept) and q[len(kept)].isspace(), repr(q[len(kept) - 10:len(kept) + 10])
    assert set(kept.split()) <= set(q.split())
    assert any(f"limit of {config.max_query_chars:,} characters" in n and f"'{kept.split()[-1]}'" in n
               for n in data["notes"]), data["notes"]


def test_did_you_mean_for_a_long_query_shows_the_respelled_words_not_the_whole_query(client):
    q = "vacines " + " ".join(["safe", "study", "children"] * 30)
    page = client.get("/", query_string={"q": q}).get_data(as_text=True)
    link = re.search(r'<p class="suggestion">Did you mean <a href="([^"]+)"[^>]*>([^<]+)</a>', page)
    assert link, page
    href, label = link.groups()
    assert len(label) < 100 and "vaccines" in label and label.endswith("…")
    # The link still searches the whole query, respelled.
    from urllib.parse import parse_qs, urlparse
    searched = parse_qs(urlparse(href.replace("&amp;", "&")).query)["q"][0]
    assert searched == q.replace("vacines", "vaccines")
    data = client.get("/api/search", query_string={"q": q}).get_json()
    assert data["suggestion"] == searched and data["suggestion_label"] == label
