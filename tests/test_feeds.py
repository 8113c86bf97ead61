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
from tests.conftest import FIXTURE_CORPUS
from tests.test_timeline import published_day
from web.app import create_app

ATOM = "{http://www.w3.org/2005/Atom}"


def indexed(rows):
    return [r for r in rows if isinstance(r.get("body"), str) and r["body"].strip()]


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
        assert len(alternates) == 1 and alternates[0].get("href", "").startswith("http")
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
    assert ids[0][0].startswith("tag:localhost,2026:article:")
    assert ids[0][0].endswith(":" + quote(ids[0][0].rsplit(":", 1)[1], safe=""))


@pytest.mark.parametrize("host", ["news.example.org", "127.0.0.1:8080"])
def test_tag_authority_is_the_host_without_port(client, host):
    parsed = feedparser.parse(client.get("/search.atom", headers={"Host": host}).data)
    assert parsed.feed.id.startswith(f"tag:{host.split(':')[0]},2026:search")
    assert all(e.id.startswith(f"tag:{host.split(':')[0]},2026:article:") for e in parsed.entries)
