"""Atom feeds of a search: valid for a real parser (feedparser) and against RFC 4287's
required elements, newest first, filters honoured, entry ids stable across rebuilds."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime
from urllib.parse import parse_qs, quote, urlsplit

import feedparser
import pytest

from index.config import Config
from index.indexer import build_index
from tests.conftest import FIXTURE_CORPUS, indexed_rows
from tests.test_timeline import published_day
from web.app import create_app

ATOM = "{http://www.w3.org/2005/Atom}"


def indexed(rows):
    return indexed_rows(rows)  # title-only records are indexed too (issue 18)


def rfc3339(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    assert value.tzinfo is not None, text
    return value


def check_rfc4287(xml: bytes) -> ET.Element:
    """The elements RFC 4287 requires (sections 4.1.1 and 4.1.2), checked one by one."""
    feed = ET.fromstring(xml)
    assert feed.tag == ATOM + "feed"
    for name in ("id", "title", "updated"):
        assert len(feed.findall(ATOM + name)) == 1, name
    rfc3339(feed.findtext(ATOM + "updated"))
    feed_has_author = feed.find(f"{ATOM}author/{ATOM}name") is not None
    assert any(link.get("rel") == "self" for link in feed.findall(ATOM + "link"))
    for entry in feed.findall(ATOM + "entry"):
        for name in ("id", "title", "updated"):
            assert len(entry.findall(ATOM + name)) == 1, name
        rfc3339(entry.findtext(ATOM + "updated"))
        assert feed_has_author or entry.find(f"{ATOM}author/{ATOM}name") is not None
        alternates = [link for link in entry.findall(ATOM + "link") if link.get("rel", "alternate") == "alternate"]
        # Absolute under the configured base URL, else host-relative (an IRI reference,
        # resolved against the feed's own address: RFC 4287 section 2 and RFC 3986).
        assert len(alternates) == 1 and alternates[0].get("href", "").startswith(("http", "/"))
        # An entry without content must have a summary (4.1.1.1) here always: the teaser.
        assert entry.find(ATOM + "summary") is not None or entry.find(ATOM + "content") is not None
    return feed


def test_feed_is_valid_atom_newest_first(client, fixture_records):
    response = client.get("/search.atom")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    check_rfc4287(response.data)
    parsed = feedparser.parse(response.data)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    rows = indexed(fixture_records)
    assert len(parsed.entries) == len(rows)
    dated = sorted((published_day(r) for r in rows if published_day(r)), reverse=True)
    got = [datetime(*e.published_parsed[:6]).date() for e in parsed.entries if "published_parsed" in e]
    assert got == dated
    assert all("published_parsed" not in e for e in parsed.entries[len(dated):])  # undated last


def test_feed_follows_query_and_filters(client, fixture_records):
    expected = {r["id"] for r in indexed(fixture_records) if r.get("outlet") == "reuters.com"}
    parsed = feedparser.parse(client.get("/search.atom?outlet=reuters.com").data)
    ids = {e.id.rsplit(":", 1)[1] for e in parsed.entries}
    assert ids == expected
    assert "outlet: reuters.com" in parsed.feed.title
    alternate = parse_qs(urlsplit(parsed.feed.link).query)
    assert alternate["outlet"] == ["reuters.com"]


def test_feed_of_a_pasted_multiline_query_has_a_one_line_title(client):
    data = client.get("/search.atom", query_string={"q": "Waiting times\r\nat hos-\r\npitals"}).data
    parsed = feedparser.parse(data)
    assert parsed.feed.title == "artsearch: \u201cWaiting times at hospitals\u201d"
    assert [e.id.rsplit(":", 1)[1] for e in parsed.entries] == ["a11"]


def test_feed_entries_link_to_articles_and_sources(client, fixture_records):
    data = client.get("/search.atom?q=breast+cancer").data
    parsed = feedparser.parse(data)
    sources = {r["id"]: r.get("url") for r in fixture_records}
    assert parsed.entries
    for entry in parsed.entries:
        article = client.get(urlsplit(entry.link).path)
        assert article.status_code == 200
        assert entry.title in article.get_data(as_text=True)
        related = [link.href for link in entry.links if link.rel == "related"]
        assert related == [sources[entry.id.rsplit(":", 1)[1]]]
    # The summary is the teaser as escaped HTML (feedparser's sanitiser drops <mark> itself).
    summaries = [e.findtext(ATOM + "summary") for e in ET.fromstring(data).findall(ATOM + "entry")]
    assert all("<mark>" in s.lower() for s in summaries)


def test_hostile_text_stays_text(client):
    response = client.get("/search.atom?q=literal")
    check_rfc4287(response.data)
    parsed = feedparser.parse(response.data)
    assert parsed.bozo == 0 and len(parsed.entries) == 1
    # The article's literal "<script>" text is shown as text, never as markup.
    assert "&lt;script&gt;alert" in parsed.entries[0].summary
    assert b"<script>" not in response.data and b"&lt;script" not in response.data.replace(b"&amp;lt;script", b"")


def test_feed_size_and_bad_parameters(client):
    assert len(feedparser.parse(client.get("/search.atom?per_page=2").data).entries) == 2
    assert client.get("/search.atom?from=2016-13-01").status_code == 400


def test_search_page_links_its_feed(client):
    page = client.get("/?q=cancer&outlet=nytimes.com&page=1").get_data(as_text=True)
    assert ('<link rel="alternate" type="application/atom+xml" title="Newest matches (Atom)" '
            'href="/search.atom?q=cancer&amp;outlet=nytimes.com">') in page


def test_entry_ids_are_stable_across_full_rebuilds(tmp_path):
    index_dir = tmp_path / "index"
    ids = []
    builds = []
    for _ in range(2):
        build_index([FIXTURE_CORPUS], index_dir, full=True)
        client = create_app(Config(index_dir=index_dir)).test_client()
        builds.append(client.get("/api/status").get_json()["build"])
        parsed = feedparser.parse(client.get("/search.atom").data)
        ids.append([e.id for e in parsed.entries])
    assert builds[0] != builds[1]
    assert ids[0] == ids[1]
    assert ids[0][0].startswith("tag:artsearch,2026:article:")
    assert ids[0][0].endswith(":" + quote(ids[0][0].rsplit(":", 1)[1], safe=""))


def feed_links(xml: bytes) -> list[str]:
    feed = ET.fromstring(xml)
    return [link.get("href") for link in feed.iter(ATOM + "link") if link.get("rel", "alternate") != "related"]


def test_host_header_never_reaches_the_feed(client):
    """A forged Host header must not put its links into a (cacheable) feed, and the
    same feed read under two host names has the same ids."""
    plain = client.get("/search.atom?q=cancer")
    forged = client.get("/search.atom?q=cancer", headers={"Host": "evil.com"})
    other = client.get("/search.atom?q=cancer", headers={"Host": "news.example.org:8080"})
    assert b"evil.com" not in forged.data
    links = feed_links(forged.data)
    assert len(links) > 2
    assert all(link.startswith("/") and not urlsplit(link).netloc for link in links)
    ids = [[e.id for e in feedparser.parse(r.data).entries] for r in (plain, forged, other)]
    assert ids[0] and ids[0] == ids[1] == ids[2]
    assert all(i.startswith("tag:artsearch,2026:article:") for i in ids[0])
    assert feedparser.parse(forged.data).feed.id == feedparser.parse(other.data).feed.id
    check_rfc4287(forged.data)


def test_relative_links_resolve_against_the_feed_address(client):
    response = client.get("/search.atom?q=cancer")
    parsed = feedparser.parse(response.data, response_headers={
        "content-location": "https://news.example.org/search.atom", "content-type": response.content_type})
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.feed.link.startswith("https://news.example.org/?q=cancer")
    assert parsed.entries and all(e.link.startswith("https://news.example.org/articles/") for e in parsed.entries)
    assert client.get(urlsplit(parsed.entries[0].link).path).status_code == 200


def test_configured_base_url_makes_links_absolute(index_dir):
    app = create_app(Config(index_dir=index_dir, base_url="https://news.example.org/"))
    data = app.test_client().get("/search.atom?q=cancer", headers={"Host": "evil.com"}).data
    assert b"evil.com" not in data
    links = feed_links(data)
    assert links and all(link.startswith("https://news.example.org/") for link in links)
    self_link = [link.get("href") for link in ET.fromstring(data).findall(ATOM + "link") if link.get("rel") == "self"]
    assert self_link == ["https://news.example.org/search.atom?q=cancer"]
    check_rfc4287(data)


def test_base_url_from_the_environment():
    assert Config.from_env({"ARTSEARCH_BASE_URL": "https://a.example/x/"}).base_url == "https://a.example/x"
    assert Config.from_env({}).base_url == ""
    for bad in ("news.example.org", "ftp://a.example", "https://a.example/?q=1"):
        with pytest.raises(ValueError, match="ARTSEARCH_BASE_URL"):
            Config.from_env({"ARTSEARCH_BASE_URL": bad})
