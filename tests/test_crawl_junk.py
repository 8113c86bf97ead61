"""False copies: a body too short to judge never makes a story, and the same boilerplate
body on unrelated articles is reported as crawl junk and flagged on each article.

Tested through the CLI (``artsearch reindex`` in a subprocess, its report and summary) and
HTTP (article page and JSON, search JSON), on a fixture corpus built here and on the
FakeHealth rows of the outlets whose crawls returned such pages. Expected counts are
computed from the rows, by hashing normalised bodies, not taken from the indexer.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict

import pytest

from index.config import Config
from tests.reindex_helpers import assert_ok, reindex
from tests.test_clusters import WIRE, pseudo_text
from web.app import create_app

KYV = "Know Your Value"
ROBOT = ("Why did this happen? Please make sure your browser supports JavaScript and cookies and that "
         "you are not blocking them from loading.")
DISCLAIMER = pseudo_text(500)
ROWS = (
    # One outlet's crawl got its newsletter stub instead of four different articles.
    [{"id": f"k{i}", "title": title, "outlet": "tv-news.com", "body": KYV}
     for i, title in enumerate(["Zika vaccine trial", "Knee procedure eases pain", "Prostate cancer diet",
                                "Heart imaging method"])]
    # A bot check under one title on three pages of two outlets.
    + [{"id": f"r{i}", "title": "Are you a robot?", "outlet": outlet, "body": ROBOT}
       for i, outlet in enumerate(["finance.com", "finance.com", "weekly.com"])]
    # One short caption crawled twice: too short to say it is one story, not junk either.
    + [{"id": f"v{i}", "title": "Video News", "outlet": f"video{i}.com",
        "body": "Disney has arrived to try and reshape the streaming landscape, our reporter explains."}
       for i in range(2)]
    # A real story in two outlets (long body, exact copy): still one story.
    + [{"id": f"w{i}", "title": "Flood money approved", "outlet": f"paper{i}.com", "body": WIRE} for i in range(2)]
    + [{"id": f"u{i}", "title": f"Unrelated {i}", "outlet": "tv-news.com", "body": pseudo_text(300 + i)}
       for i in range(3)]
    # Two different stories of one site that share its long disclaimer: near in shingles
    # (Jaccard about 0.8), but neither title nor lead agrees, so not copies.
    + [{"id": f"d{i}", "title": title, "outlet": "gossip.com", "body": pseudo_text(400 + i, 30) + "\n\n" + DISCLAIMER}
       for i, title in enumerate(["Singer splits from producer", "Actor buys ranch in Montana"])]
)


def norm_hash(body: str) -> str:
    return hashlib.sha1(" ".join(re.findall(r"\w+", body.casefold())).encode()).hexdigest()


def shared_groups(rows: list[dict]) -> list[list[dict]]:
    by_body: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_body[norm_hash(row["body"])].append(row)
    return [g for g in by_body.values() if len(g) > 1]


def indexed(root, rows: list[dict]):
    """Reindex ``rows`` through the CLI; return its process, its report and a test client."""
    source = root / "news.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    done, report = reindex(root / "ix", source)
    assert_ok(done)
    app = create_app(Config(index_dir=root / "ix"))
    app.config.update(TESTING=True, PROPAGATE_EXCEPTIONS=False)
    return done, report, app.test_client()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return indexed(tmp_path_factory.mktemp("junk"), ROWS)


def test_report_counts_boilerplate_with_examples(built):
    done, report, _ = built
    junk_rows = [r for r in ROWS if r["body"] in (KYV, ROBOT)]
    junk = report["boilerplate"]
    assert (junk["bodies"], junk["articles"]) == (2, len(junk_rows))
    by_body = {e["body"]: e for e in junk["examples"]}
    kyv = by_body[KYV]
    assert kyv["reason"] == "titles" and kyv["outlet"] == "tv-news.com"
    assert (kyv["articles"], kyv["titles"]) == (4, len({r["title"] for r in ROWS if r["body"] == KYV}))
    assert set(kyv["ids"]) == {r["id"] for r in ROWS if r["body"] == KYV}
    robot = next(e for e in junk["examples"] if e["reason"] == "short")
    assert (robot["articles"], robot["titles"], robot["outlets"]) == (3, 1, 2)
    assert junk["short_copies"] == 2  # the caption pair
    assert f"Crawl junk: {len(junk_rows)} articles share 2 boilerplate bodies" in done.stdout
    assert "Too short to be copies: 2 articles" in done.stdout


def test_only_the_real_story_is_a_cluster(built):
    done, report, client = built
    stories = [g for g in shared_groups(ROWS) if g[0]["body"] == WIRE]
    assert (report["clusters"], report["clustered"]) == (1, sum(len(g) for g in stories))
    assert "Copies: 2 articles in 1 story with copies" in done.stdout
    data = client.get("/api/search?per_page=100").get_json()
    assert data["total"] == data["stories"] + 1 == len(ROWS)
    assert client.get("/api/articles/d0").get_json()["copies"] == []
    browse = client.get("/api/search?outlet=tv-news.com&per_page=100").get_json()
    assert browse["total"] == browse["stories"] == sum(1 for r in ROWS if r["outlet"] == "tv-news.com")


def test_article_json_and_page_flag_crawl_junk(built):
    _, _, client = built
    data = client.get("/api/articles/k0").get_json()
    assert data["copies"] == []
    assert data["crawl_junk"] == {"reason": "titles", "articles": 4, "titles": 4, "outlets": 1}
    page = client.get("/articles/k0", follow_redirects=True).get_data(as_text=True)
    assert 'id="crawl-junk"' in page and "crawled for 4 articles under 4 titles" in page
    assert 'id="copies"' not in page and "This story in" not in page
    assert client.get("/api/articles/r1").get_json()["crawl_junk"]["reason"] == "short"
    for clean in ("v0", "w0", "u0"):
        assert client.get(f"/api/articles/{clean}").get_json()["crawl_junk"] is None
        assert 'id="crawl-junk"' not in client.get(f"/articles/{clean}", follow_redirects=True).get_data(as_text=True)
    assert len(client.get("/api/articles/w0").get_json()["copies"]) == 2


def test_similar_to_a_junk_article_goes_by_its_title(built):
    """A stub's body says nothing about the article: its similar articles are not the other
    stubs (which share only the stub text), and come from its title's words."""
    _, _, client = built
    results = client.get("/api/articles/k0/similar").get_json()["results"]
    stubs = {r["id"] for r in ROWS if r["body"] == KYV}
    assert not {hit["id"] for hit in results} & stubs


def test_an_updated_junk_article_keeps_its_flag_and_a_fixed_one_loses_it(tmp_path):
    source, index = tmp_path / "news.jsonl", tmp_path / "ix"
    source.write_text("".join(json.dumps(r) + "\n" for r in ROWS), encoding="utf-8")
    assert_ok(reindex(index, source)[0])
    rows = [dict(r, title=r["title"] + " (updated)") if r["id"] == "k1" else r for r in ROWS]
    rows = [dict(r, body=pseudo_text(999)) if r["id"] == "k2" else r for r in rows]
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    done, report = reindex(index, source)
    assert_ok(done)
    assert report["updated"] == 2 and report["boilerplate"]["articles"] == 3 + 3
    client = create_app(Config(index_dir=index)).test_client()
    assert client.get("/api/articles/k1").get_json()["crawl_junk"]["articles"] == 3
    assert client.get("/api/articles/k2").get_json()["crawl_junk"] is None


# FakeHealth ---------------------------------------------------------------------------

OUTLETS = {"nbcnews.com", "bloomberg.com", "businessweek.com", "msn.com", "cnn.com", "tinyurl.com"}


@pytest.fixture(scope="module")
def fakehealth_junk(fakehealth_rows, tmp_path_factory):
    rows = [r for r in fakehealth_rows if r["outlet"] in OUTLETS]
    _, report, client = indexed(tmp_path_factory.mktemp("fakehealth-junk"), rows)
    return rows, report, client


def test_fakehealth_stubs_make_no_story(fakehealth_junk):
    rows, report, client = fakehealth_junk
    stubs = [r for r in rows if r["body"].strip() == KYV]
    assert len(stubs) > 2 and "story_reviews_00380" in {r["id"] for r in stubs}
    page = client.get("/articles/story_reviews_00380", follow_redirects=True).get_data(as_text=True)
    assert "This story in" not in page and 'id="crawl-junk"' in page
    assert f"crawled for {len(stubs)} articles under {len({r['title'] for r in stubs})} titles" in page
    # Browsing nbcnews.com hides no article behind another.
    nbc = sum(1 for r in rows if r["outlet"] == "nbcnews.com")
    data = client.get("/api/search?outlet=nbcnews.com&per_page=100").get_json()
    assert data["total"] == data["stories"] == len(data["results"]) == nbc
    # Every body shared by three or more of these rows is a bot check, error page or
    # stub (FakeHealth reviews each story once): all of them are reported, none clustered.
    junk = [g for g in shared_groups(rows) if len(g) >= 3]
    assert report["boilerplate"]["articles"] == sum(len(g) for g in junk)
    assert report["boilerplate"]["bodies"] == len(junk)
    assert report["clusters"] == 0
    every = client.get("/api/search?per_page=1").get_json()
    assert every["stories"] == every["total"] == len(rows)
