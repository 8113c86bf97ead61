"""Links a reader follows: pager links keep the page size, and every article id (with
"/", "%", "?", "#", spaces, unicode, "..") leads from a result to its page and back."""

import re
from urllib.parse import urljoin

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.config import Config
from web.app import create_app
from web.converters import decode_id, encode_id


@pytest.fixture(scope="module")
def client5(filters_index):
    """The awkward-id fixture served with a configured page size of 5."""
    app = create_app(Config(index_dir=filters_index, page_size=5))
    app.config.update(TESTING=True)
    return app.test_client()


@pytest.mark.parametrize("start, size", [("/", 5), ("/?per_page=10", 10), ("/?per_page=3", 3)])
def test_next_links_keep_the_page_size(client5, filters_records, start, size):
    url, seen = start, []
    while url:
        text = client5.get(url).get_data(as_text=True)
        shown = re.search(r"showing (\d+)–(\d+)", text)
        first, last = int(shown.group(1)), int(shown.group(2))
        assert first == len(seen) + 1, (url, first, len(seen))
        seen.extend(range(first, last + 1))
        assert last - first + 1 == min(size, len(filters_records) - len(seen) + (last - first + 1))
        found = re.search(r'rel="next" href="([^"]*)"', text)
        url = found.group(1).replace("&amp;", "&") if found else None
    assert len(seen) == len(filters_records)


def test_the_form_keeps_a_chosen_page_size(client5):
    text = client5.get("/?per_page=10").get_data(as_text=True)
    assert '<input type="hidden" name="per_page" value="10">' in text
    # The configured size itself needs no parameter.
    assert 'name="per_page"' not in client5.get("/").get_data(as_text=True)


AWKWARD = ["wire/2016/001", "100%", "what?", "a#b", "with space", "café-ü", "..", "../etc", "x/y/z", "%2F",
           "~", ".", "~abc", "plain-1"]


@pytest.mark.parametrize("article_id", AWKWARD)
def test_ids_round_trip(article_id):
    segment = encode_id(article_id)
    assert "/" not in segment and "%" not in segment and segment not in (".", "..")
    assert decode_id(segment) == article_id


def test_every_result_links_to_its_article(client5, filters_records):
    ids = {r["id"] for r in filters_records}
    assert {"wire/2016/001", "100%", "what?", "a#b", "with space", "café-ü", "..", "../etc"} <= ids
    reached = set()
    for page in (1, 2, 3):
        text = client5.get(f"/?page={page}&q=officials").get_data(as_text=True)
        for href in re.findall(r'<h2[^>]*><a href="([^"]*)"', text):
            href = href.replace("&amp;", "&")
            response = client5.get(href, follow_redirects=True)
            assert response.status_code == 200, href
            body = response.get_data(as_text=True)
            found = re.search(r"<dt>Id</dt><dd><code>([^<]*)</code>", body)
            reached.add(found.group(1).replace("&amp;", "&").replace("&#39;", "'").replace("&#34;", '"'))
            # Its JSON twin answers too.
            twin = re.search(r'rel="alternate" type="application/json" href="([^"]*)"', body).group(1)
            assert client5.get(urljoin(href, twin.replace("&amp;", "&"))).get_json()["id"] in ids
    assert reached == ids


@pytest.mark.parametrize("article_id", ["wire/2016/001", "..", "a#b", "café-ü"])
def test_api_article_by_encoded_id(client5, article_id):
    data = client5.get(f"/api/articles/{encode_id(article_id)}").get_json()
    assert data["id"] == article_id


def test_a_bad_encoded_id_is_a_404(client5):
    response = client5.get("/api/articles/~%%%")
    assert response.status_code == 404


@pytest.mark.parametrize("segment", ["~!!!", "~<b>x"])
def test_a_404_quotes_the_id_as_given_and_escapes_it(client5, filters_records, segment):
    assert segment not in {r["id"] for r in filters_records}
    response = client5.get(f"/api/articles/{segment}")
    assert response.status_code == 404
    assert repr(segment) in response.get_data(as_text=True) and "''" not in response.get_data(as_text=True)
    page = client5.get(f"/articles/{segment}")
    assert page.status_code == 404
    html = page.get_data(as_text=True)
    assert "id ''" not in html and "<b>x" not in html
    assert segment.replace("<", "&lt;").replace(">", "&gt;") in html


_pairs = st.lists(st.tuples(st.sampled_from(["q", "outlet", "-author", "from", "page"]),
                            st.text(alphabet="ab &+=?#/%é\u2019 \n", max_size=6)), max_size=5)


@given(st.lists(_pairs, max_size=8))
@settings(max_examples=300, deadline=None)
def test_a_pages_links_are_written_as_search_url_writes_them(client5, links):
    """The per-page helper (path resolved once, each pair encoded once) changes no link."""
    from web.views import PageSearchUrls, search_url

    with client5.application.test_request_context("/?q=x"):
        page_urls = PageSearchUrls()
        for args in links + links:  # the second time from what the first one encoded
            assert page_urls(args) == page_urls(tuple(args)) == search_url(args)
