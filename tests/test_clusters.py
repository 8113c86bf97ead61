"""Syndication clusters: built at index time (MinHash + LSH), incremental, collapsed in
search results, listed on the article page and in the JSON API.

The small corpus below is built so that the stories are known by construction: a wire
story run by four outlets (two exact copies and two edited ones), a press release run
twice, and unrelated articles. Real-corpus checks (every group of exact duplicates found
by hashing normalised JSONL bodies lies inside one cluster) are at the end, marked slow.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections import defaultdict

import pytest

from index.config import Config
from index.indexer import build_index
from search.engine import SearchEngine
from search.request import SearchRequest
from tests.reindex_helpers import assert_ok, reindex
from web.app import create_app

VOCABULARY = (
    "council budget river bridge school teacher vaccine trial patients hospital drug dose study "
    "researchers found percent years county state mayor voters election ballot flood storm rain "
    "farmers crop wheat prices market shares bank loan housing rent tenants court judge ruling "
    "appeal police officers report museum painting artist gallery festival music concert team "
    "coach season league injury player contract stadium city transit bus rail airport flights"
).split()


def pseudo_text(seed: int, words: int = 220) -> str:
    """Deterministic article-like text whose word 5-grams are almost all unique."""
    rng = random.Random(seed)
    sentences, sentence = [], []
    for _ in range(words):
        sentence.append(rng.choice(VOCABULARY))
        if len(sentence) >= rng.randint(8, 16):
            sentences.append(" ".join(sentence).capitalize() + ".")
            sentence = []
    sentences.append(" ".join(sentence).capitalize() + ".")
    return "\n\n".join(" ".join(sentences[i:i + 3]) for i in range(0, len(sentences), 3))


WIRE = pseudo_text(1)
RELEASE = pseudo_text(2)
WIRE_PARAGRAPHS = WIRE.split("\n\n")

ROWS = [
    # The wire story: first run by apnews.com, then copied.
    {"id": "w1", "title": "Flood money approved", "outlet": "apnews.com", "published": "2018-03-01T08:00:00Z", "body": WIRE},
    {"id": "w2", "title": "Council approves flood money", "outlet": "local-a.com", "published": "2018-03-01T12:00:00Z", "body": WIRE},
    {"id": "w3", "title": "Flood money: council says yes", "outlet": "local-b.com", "published": "2018-03-02T09:00:00Z",
     "body": "LOCAL B — " + WIRE + "\n\nCopyright Local B. All rights reserved."},
    # A trimmed copy: the last paragraph cut, an editor's line added.
    {"id": "w4", "title": "Flood funds", "outlet": "local-c.com", "published": None,
     "body": "Editor's note: from wire reports.\n\n" + "\n\n".join(WIRE_PARAGRAPHS[:-1])},
    # A press release and one verbatim republication, differing only in case and spacing.
    {"id": "p1", "title": "New trial results", "outlet": "eurekalert.org", "published": "2017-06-10T00:00:00Z", "body": RELEASE},
    {"id": "p2", "title": "Trial results", "outlet": "newswise.com", "published": "2017-06-09T00:00:00Z",
     "body": RELEASE.upper().replace(" ", "  ")},
] + [
    {"id": f"u{i}", "title": f"Unrelated story {i}", "outlet": f"outlet{i}.com",
     "published": f"2016-0{i}-15T00:00:00Z", "body": pseudo_text(100 + i)}
    for i in range(1, 6)
]
STORIES = {"w": {"w1", "w2", "w3", "w4"}, "p": {"p1", "p2"}}


def write_jsonl(path, rows) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


@pytest.fixture(scope="module")
def cluster_index(tmp_path_factory):
    root = tmp_path_factory.mktemp("clusters")
    source = root / "news.jsonl"
    write_jsonl(source, ROWS)
    stats = build_index([source], root / "ix", full=True)
    return root / "ix", stats


@pytest.fixture(scope="module")
def cluster_client(cluster_index):
    app = create_app(Config(index_dir=cluster_index[0]))
    app.config.update(TESTING=True, PROPAGATE_EXCEPTIONS=False)
    return app.test_client()


def hits_by_id(data: dict) -> dict:
    return {h["id"]: h for h in data["results"]}


# Index time ---------------------------------------------------------------------------

def test_build_reports_clusters_and_signatures(cluster_index):
    _, stats = cluster_index
    assert stats.clusters == len(STORIES)
    assert stats.clustered == sum(len(s) for s in STORIES.values())
    # w1 and w2 share a body, p1 and p2 the same words: one signature for each pair.
    assert stats.signatures_computed == len(ROWS) - 2


def test_every_story_is_one_cluster(cluster_client):
    data = cluster_client.get("/api/search?collapse=0&per_page=100").get_json()
    assert data["total"] == len(ROWS)
    by_cluster = defaultdict(set)
    for hit in data["results"]:
        if hit["cluster"]:
            by_cluster[hit["cluster"]["id"]].add(hit["id"])
    assert sorted(map(sorted, by_cluster.values())) == sorted(map(sorted, STORIES.values()))
    for hit in data["results"]:
        if hit["id"].startswith("u"):
            assert hit["cluster"] is None


def test_incremental_run_computes_only_new_signatures(tmp_path):
    source, index = tmp_path / "news.jsonl", tmp_path / "ix"
    write_jsonl(source, ROWS[:-1])
    first = build_index([source], index, full=True)
    assert first.signatures_computed == len(ROWS) - 1 - 2  # w1/w2 and p1/p2 share one

    write_jsonl(source, ROWS[:-1] + [ROWS[-1], dict(ROWS[2], id="w5", outlet="local-d.com")])
    again = build_index([source], index)
    assert (again.added, again.unchanged) == (2, len(ROWS) - 1)
    # u5 is a new body; w5's body equals w3's, whose signature is stored.
    assert again.signatures_computed == 1
    assert (again.clusters, again.clustered) == (2, 7)

    # A full rebuild of unchanged bodies reuses every stored signature.
    full = build_index([source], index, full=True)
    assert full.signatures_computed == 0
    assert (full.clusters, full.clustered) == (2, 7)
    engine = SearchEngine(Config(index_dir=index))
    members = {c.id for c in engine.copies("w5")}
    assert members == STORIES["w"] | {"w5"}


def test_reindex_cli_reports_copies_and_new_signatures(tmp_path):
    source, index = tmp_path / "news.jsonl", tmp_path / "ix"
    write_jsonl(source, ROWS[:-1])
    done, report = reindex(index, source)
    assert_ok(done)
    assert "Copies: 6 articles in 2 stories with copies; 8 new signatures." in done.stdout
    assert (report["clusters"], report["clustered"], report["signatures_computed"]) == (2, 6, 8)
    write_jsonl(source, ROWS)
    done, report = reindex(index, source)
    assert_ok(done)
    assert "Copies: 6 articles in 2 stories with copies; 1 new signature." in done.stdout


def test_removing_a_copy_dissolves_a_pair(tmp_path):
    source, index = tmp_path / "news.jsonl", tmp_path / "ix"
    write_jsonl(source, ROWS)
    build_index([source], index, full=True)
    write_jsonl(source, [r for r in ROWS if r["id"] != "p2"])
    stats = build_index([source], index, prune=True)
    assert stats.deleted == 1 and stats.clusters == 1
    engine = SearchEngine(Config(index_dir=index))
    assert engine.copies("p1") == ()
    hit = engine.search(SearchRequest.from_args({"q": "", "per_page": "100"})).hits
    assert next(h for h in hit if h.id == "p1").cluster is None


# Search -------------------------------------------------------------------------------

def test_collapsed_counts_stay_honest(cluster_client):
    data = cluster_client.get("/api/search?per_page=100").get_json()
    stories = len(ROWS) - sum(len(s) - 1 for s in STORIES.values())
    assert data["total"] == len(ROWS)
    assert data["stories"] == stories and data["collapsed"] is True
    assert len(data["results"]) == stories
    shown = {h["id"] for h in data["results"]}
    for members in STORIES.values():
        assert len(shown & members) == 1

    every = cluster_client.get("/api/search?per_page=100&collapse=0").get_json()
    assert every["total"] == len(ROWS) and every["stories"] == stories
    assert every["collapsed"] is False and len(every["results"]) == len(ROWS)


def test_collapsed_paging_walks_stories(cluster_client):
    stories = len(ROWS) - sum(len(s) - 1 for s in STORIES.values())
    seen = []
    for page in (1, 2, 3):
        data = cluster_client.get(f"/api/search?per_page=3&page={page}").get_json()
        assert data["pages"] == -(-stories // 3)
        seen += [h["id"] for h in data["results"]]
    assert len(seen) == len(set(seen)) == stories


def test_hit_cluster_shape_and_first_copy(cluster_client):
    data = cluster_client.get("/api/search?q=flood+money&per_page=100&collapse=0").get_json()
    wire = [h for h in data["results"] if h["id"] in STORIES["w"]]
    assert wire
    for hit in wire:
        cluster = hit["cluster"]
        assert set(cluster) == {"id", "size", "outlets", "first"}
        assert set(cluster["first"]) == {"id", "outlet", "published"}
        assert cluster["size"] == 4 and cluster["outlets"] == 4
        assert cluster["first"] == {"id": "w1", "outlet": "apnews.com", "published": "2018-03-01T08:00:00+00:00"}
    release = cluster_client.get("/api/search?q=&per_page=100&collapse=0").get_json()
    p1 = hits_by_id(release)["p1"]
    # The republication is dated a day earlier, so it is the first copy.
    assert p1["cluster"]["first"]["id"] == "p2"


def test_cluster_filter_lists_members(cluster_client):
    p1 = hits_by_id(cluster_client.get("/api/search?per_page=100&collapse=0").get_json())["p1"]
    data = cluster_client.get(f"/api/search?cluster={p1['cluster']['id']}").get_json()
    assert {h["id"] for h in data["results"]} == STORIES["p"]
    assert data["total"] == 2 and data["request"]["cluster"] == p1["cluster"]["id"]
    # Facets are counted within the cluster too.
    assert sum(v["count"] for v in data["facets"]["outlet"]) == 2
    unknown = cluster_client.get("/api/search?cluster=c000000000000").get_json()
    assert unknown["total"] == 0 and unknown["results"] == []


@pytest.mark.parametrize("args", ["cluster=nope", "cluster=c12", "collapse=yes"])
def test_bad_cluster_parameters_are_400(cluster_client, args):
    response = cluster_client.get(f"/api/search?{args}")
    assert response.status_code == 400
    assert "cluster" in response.get_json()["error"] or "collapse" in response.get_json()["error"]
    page = cluster_client.get(f"/?{args}")
    assert page.status_code == 400 and b"Traceback" not in page.data


def test_article_json_lists_copies(cluster_client):
    data = cluster_client.get("/api/articles/w3").get_json()
    copies = data["copies"]
    assert [c["id"] for c in copies][:3] == ["w1", "w2", "w3"]  # dated, oldest first
    assert copies[-1]["id"] == "w4" and copies[-1]["published"] is None  # undated last
    assert [c["first"] for c in copies] == [True, False, False, False]
    assert {c["outlet"] for c in copies} == {"apnews.com", "local-a.com", "local-b.com", "local-c.com"}
    assert cluster_client.get("/api/articles/u1").get_json()["copies"] == []


def test_similar_has_search_hit_shape_and_leaves_out_copies(cluster_client):
    search_keys = set(cluster_client.get("/api/search?per_page=1").get_json()["results"][0])
    response = cluster_client.get("/api/articles/w2/similar")
    assert response.status_code == 200
    data = response.get_json()
    assert data["id"] == "w2" and data["results"]
    ids = [h["id"] for h in data["results"]]
    for hit in data["results"]:
        assert set(hit) == search_keys
    assert not set(ids) & STORIES["w"]  # its own copies are listed separately
    assert len(set(ids) & STORIES["p"]) <= 1  # one hit per story
    assert len(ids) == len(set(ids))
    # An unrelated article finds the wire story once, not four times.
    other = [h["id"] for h in cluster_client.get("/api/articles/u1/similar").get_json()["results"]]
    assert "u1" not in other and len(set(other) & STORIES["w"]) <= 1


def test_similar_of_unknown_article_is_404(cluster_client):
    response = cluster_client.get("/api/articles/nope/similar")
    assert response.status_code == 404 and "nope" in response.get_json()["error"]


# Pages --------------------------------------------------------------------------------

def test_search_page_collapses_and_toggles(cluster_client):
    page = cluster_client.get("/?q=title:flood").get_data(as_text=True)
    assert page.count('class="hit"') == 1 and "also in 3 outlets" in page
    assert re.search(r"<strong[^>]*>4</strong> articles\s+in <strong[^>]*>1</strong> story", page)
    assert 'href="/?q=title%3Aflood&amp;collapse=0"' in page
    cluster_id = re.search(r'href="/\?cluster=(c[0-9a-f]+)&amp;sort=oldest">all 4 copies</a>', page).group(1)
    every = cluster_client.get("/?q=title:flood&collapse=0").get_data(as_text=True)
    assert every.count('class="hit"') == 4
    # The first copy says so; the three others name it.
    assert every.count("first seen here") == 1
    assert len(re.findall(r'First seen: <a href="/articles/w1/[^"]*">apnews.com</a>, (?:<span class="date">)?<time[^>]*>1 Mar 2018</time>', every)) == 3
    assert 'href="/?q=title%3Aflood"' in every
    members = cluster_client.get(f"/?cluster={cluster_id}&sort=oldest").get_data(as_text=True)
    assert members.count('class="hit"') == 4 and "copies of one story" in members


def test_article_page_lists_every_copy(cluster_client):
    response = cluster_client.get("/articles/w2", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    section = page.split('id="copies"', 1)[1].split("</section>", 1)[0]
    for outlet in ("apnews.com", "local-a.com", "local-b.com", "local-c.com"):
        assert outlet in section
    assert section.count("first seen") == 1
    assert section.index("apnews.com") < section.index("first seen") < section.index("local-a.com")
    assert "this article" in section
    similar = page.split('id="similar"', 1)[1].split("</section>", 1)[0]
    assert "Similar articles" in similar and "/articles/u" in similar
    assert not any(f"/articles/{w}/" in similar for w in STORIES["w"])
    single = cluster_client.get("/articles/u2", follow_redirects=True).get_data(as_text=True)
    assert 'id="copies"' not in single


# Real corpora -------------------------------------------------------------------------

def normalised_body_hash(body: str) -> str:
    """Independent of index/clusters.py: case-folded, whitespace-collapsed body text."""
    return hashlib.sha1(" ".join(body.casefold().split()).encode("utf-8")).hexdigest()


@pytest.mark.slow
def test_fakehealth_equal_bodies_are_junk_not_stories(fakehealth_rows, fakehealth_engine):
    """FakeHealth reviews each story once: its equal bodies are bot checks, error pages and
    stubs (too short to judge), so none makes a story, and those on three or more articles
    are flagged as crawl junk."""
    groups = defaultdict(set)
    for row in fakehealth_rows:
        if (row.get("body") or "").strip():
            groups[normalised_body_hash(row["body"])].add(row["id"])
    groups = [g for g in groups.values() if len(g) > 1]
    assert groups, "FakeHealth has exact duplicates (crawl errors, bot-check pages)"
    for group in groups:
        for article_id in group:
            assert fakehealth_engine.copies(article_id) == ()
            junk = fakehealth_engine.crawl_junk(article_id)
            assert (junk is not None) == (len(group) >= 3), (article_id, junk)
            if junk:
                assert junk["articles"] == len(group)
    everything = fakehealth_engine.search(SearchRequest(per_page=1))
    assert everything.total == everything.stories == len({r["id"] for r in fakehealth_rows})


# CLI ----------------------------------------------------------------------------------

def run_search(index, *args: str) -> str:
    import subprocess
    import sys
    from pathlib import Path

    proc = subprocess.run([sys.executable, "-m", "web.cli", "search", *args, "--index", str(index)],
                          cwd=Path(__file__).resolve().parents[1], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_cli_text_says_stories_and_where_a_story_was_first_seen(cluster_index):
    """The terminal shows what the web page shows: articles vs stories, and per folded hit
    the other outlets, the earliest copy and how to list every copy."""
    index = cluster_index[0]
    stories = len(ROWS) - sum(len(s) - 1 for s in STORIES.values())
    out = run_search(index)
    assert out.splitlines()[0].startswith(f"{len(ROWS)} articles in {stories} stories")

    wire = [r for r in ROWS if r["id"] in STORIES["w"]]
    earliest = min((r for r in wire if r["published"]), key=lambda r: r["published"])
    outlets = {r["outlet"] for r in wire}
    blocks = out.split("\n\n")[1:]
    wire_block = next(b for b in blocks if any(f"id {i}\n" in b for i in STORIES["w"]))
    shown = next(r for r in wire if f"id {r['id']}\n" in wire_block)
    copies_line = wire_block.splitlines()[2]
    assert f"also in {len(outlets - {shown['outlet']})} outlets" in copies_line
    if shown["id"] == earliest["id"]:
        assert "first seen here" in copies_line
    else:
        assert f"first seen: {earliest['outlet']}, {earliest['published'][:10]} (id {earliest['id']})" in copies_line
    cluster_id = copies_line.rsplit("--cluster ", 1)[1].strip()

    members = run_search(index, "--cluster", cluster_id)
    assert members.splitlines()[0].startswith(f"{len(STORIES['w'])} results")
    assert {i for i in STORIES["w"] if f"id {i}\n" in members} == STORIES["w"]

    every = run_search(index, "--every-copy", "--per-page", "100")
    assert every.splitlines()[0].startswith(f"{len(ROWS)} results")
    assert all(f"id {r['id']}\n" in every for r in ROWS)
