"""What a reader notices, through HTTP: reflowed article text, highlighted titles, one
"Best match" sort entry, a favicon, an <h1> on search pages, an honest facet footer,
and "Did you mean" without nonsense words."""

import html
import re

import pytest

from index.config import Config
from search.teasers import paragraph_bounds
from web.app import create_app
from web.converters import encode_id


@pytest.fixture(scope="module")
def fclient(filters_index):
    app = create_app(Config(index_dir=filters_index, facet_size=3))
    app.config.update(TESTING=True)
    return app.test_client()


def article_page(client, article_id, q=""):
    response = client.get(f"/articles/{encode_id(article_id)}", query_string={"q": q} if q else {}, follow_redirects=True)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def body_paragraphs(text):
    body = re.search(r'<div class="body"[^>]*>(.*?)</div>', text, re.S).group(1)
    return re.findall(r"<p>(.*?)</p>", body, re.S)


def test_hard_wrapped_text_is_reflowed_into_paragraphs(fclient, filters_records):
    record = next(r for r in filters_records if r["id"] == "plain-1")
    assert "\n" in record["body"].split("\n\n")[0]  # the first paragraph is hard-wrapped
    paragraphs = body_paragraphs(article_page(fclient, "plain-1"))
    expected = [" ".join(p.split()) for p in record["body"].split("\n\n")]
    assert [html.unescape(p) for p in paragraphs] == expected


def test_highlighting_survives_reflow_even_across_a_line_break(fclient, filters_records):
    record = next(r for r in filters_records if r["id"] == "plain-1")
    word = re.search(r"The (\w+) figures\nwere", record["body"]).group(1)
    paragraphs = body_paragraphs(article_page(fclient, "plain-1", f'"figures were" {word}'))
    assert f"<mark>{word}</mark>" in paragraphs[0]
    assert "<mark>figures were</mark>" in paragraphs[0]


def test_indented_lines_start_paragraphs():
    text = "  ROME (Reuters) - First\nline goes on.\n  Second starts\nindented.\n\n\nThird."
    assert [" ".join(text[a:b].split()) for a, b in paragraph_bounds(text)] == [
        "ROME (Reuters) - First line goes on.", "Second starts indented.", "Third."]


def test_titles_are_highlighted_in_results_and_on_the_article(fclient, filters_records):
    word = "heart"
    data = fclient.get(f"/api/search?q={word}&per_page=100").get_json()
    titled = [r for r in data["results"] if word in r["title"].lower().split()]
    assert titled and len(titled) == sum(word in r["title"].lower().split() for r in filters_records)
    page = fclient.get(f"/?q={word}&per_page=100").get_data(as_text=True)
    for result in titled:
        assert f"<mark>{word}</mark>" in result["title_html"]
        assert result["title_html"] in page
    h1 = re.search(r'<article class="article">.*?<h1[^>]*>(.*?)</h1>', article_page(fclient, titled[0]["id"], word), re.S)
    assert f"<mark>{word}</mark>" in h1.group(1)


def test_highlighted_titles_stay_inert(client):
    data = client.get("/api/search?q=hostile").get_json()
    title_html = data["results"][0]["title_html"]
    assert "<mark>Hostile</mark>" in title_html
    assert set(re.findall(r"</?([a-z]+)", title_html)) == {"mark"}
    page = client.get("/articles/a4?q=hostile", follow_redirects=True).get_data(as_text=True)
    assert "<script>alert('xss-title')" not in page and "&lt;script&gt;" in page
    assert "<mark>Hostile</mark> headline</h1>" in page


@pytest.mark.parametrize("query", ["q=heart", "q=heart&sort=relevance", "", "sort=newest"])
def test_one_best_match_entry_in_the_sort_menu(fclient, query):
    text = fclient.get(f"/?{query}").get_data(as_text=True)
    select = re.search(r'<select name="sort">(.*?)</select>', text, re.S).group(1)
    options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select)
    assert [label for _, _, label in options] == ["Best match", "Newest first", "Oldest first"]
    assert [label for _, selected, label in options if selected] == ["Best match"]


def test_favicon(fclient):
    page = fclient.get("/").get_data(as_text=True)
    icon = re.search(r'<link rel="icon" href="([^"]*)"', page).group(1)
    for url in (icon, "/favicon.ico"):
        response = fclient.get(url)
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"


@pytest.mark.parametrize("url", ["/", "/?q=heart", "/?q=zzqxw", "/facets/author"])
def test_pages_have_one_h1(fclient, url):
    assert len(re.findall(r"<h1[ >]", fclient.get(url).get_data(as_text=True))) == 1


def test_facet_footer_counts_values_not_rows_shown(fclient, filters_records):
    authors = sorted({a for r in filters_records for a in r.get("authors") or []})
    counts = {a: sum(a in (r.get("authors") or []) for r in filters_records) for a in authors}
    last = sorted(authors, key=lambda a: (-counts[a], a.casefold()))[-1]
    text = fclient.get("/", query_string={"author": last}).get_data(as_text=True)
    facet = re.search(r'data-facet="author">(.*?)</fieldset>', text, re.S).group(1)
    assert facet.count('type="checkbox"') == 4  # the top 3 and the selected one
    assert "Top " not in facet and f"All {len(authors)} author values" in facet


def test_did_you_mean_leaves_out_nonsense_words(client):
    data = client.get("/api/search?q=zzqxw+vacine").get_json()
    assert data["suggestion"] == "vaccine"
    assert client.get("/api/search?q=vaccine").get_json()["total"] > 0
    assert client.get("/api/search?q=zzqxw").get_json()["suggestion"] is None


def test_indentation_survives_indexing_as_a_paragraph_break():
    from index.normalise import clean_text

    assert clean_text("  ROME - First\nline.\n  Second\nline.") == "ROME - First\nline.\n\nSecond\nline."
