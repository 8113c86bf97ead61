"""Searches never fail while ``artsearch reindex`` commits incrementally.

Server threads share one ``SearchEngine`` and search continuously (ranked pages, stored
fields of every hit, facets, article look-ups) while real incremental reindex runs add,
change and delete articles, so Whoosh merges segments away under readers that opened
before the commit.
"""

from __future__ import annotations

import json
import random
import threading
import time

import pytest

from index.config import Config
from index.errors import NotFoundError
from search.engine import SearchEngine
from search.request import SearchRequest
from tests.reindex_helpers import assert_ok, reindex

WORDS = ("turnip", "parsnip", "kale", "chard", "leek", "onion", "beet", "radish", "celery", "fennel")


def write_rows(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def make_row(i: int, version: int, rng: random.Random) -> dict:
    words = " ".join(rng.choice(WORDS) for _ in range(30))
    return {"id": f"v{i}", "title": f"{WORDS[i % len(WORDS)]} report {i} v{version}",
            "author": f"Ann Writer{i % 7}", "outlet": f"outlet{i % 5}.example",
            "published": f"20{10 + i % 10}-0{1 + i % 9}-1{i % 9}", "body": f"Version {version}. {words}"}


@pytest.mark.slow
def test_searches_succeed_across_many_incremental_commits(tmp_path):
    rng = random.Random(4)
    source, index = tmp_path / "veg.jsonl", tmp_path / "ix"
    rows = [make_row(i, 0, rng) for i in range(400)]
    next_id = len(rows)
    write_rows(source, rows)
    assert_ok(reindex(index, source)[0])

    engine = SearchEngine(Config(index_dir=index))
    stop = threading.Event()
    errors: list[str] = []
    searches = [0]
    pruned: set[str] = set()

    def search_forever(seed: int):
        local = random.Random(seed)
        while not stop.is_set():
            q = local.choice(WORDS + ("", "kale OR leek", '"turnip parsnip"', "report -onion"))
            args = {"q": q, "page": str(local.randint(1, 3)), "per_page": "20",
                    "sort": local.choice(["relevance", "newest", "oldest"]) if q else "newest"}
            try:
                result = engine.search(SearchRequest.from_args(args, engine.config))
                for hit in result.hits:
                    assert hit.title and hit.id
                if result.hits:
                    try:
                        engine.get_article(result.hits[0].id)
                    except NotFoundError:
                        time.sleep(0.2)  # a --prune run may have deleted it since
                        if result.hits[0].id not in pruned:
                            raise
                searches[0] += 1
            except Exception as e:  # noqa: BLE001 - any failure at all is what the test counts
                errors.append(f"{type(e).__name__}: {e}")

    threads = [threading.Thread(target=search_forever, args=(n,), daemon=True) for n in range(3)]
    for t in threads:
        t.start()
    commits = 0
    try:
        for version in range(1, 16):
            # Each run changes some articles, adds a few and (every third run) prunes some,
            # so every commit writes a segment and Whoosh merges small ones away.
            for i in rng.sample(range(len(rows)), 25):
                rows[i] = make_row(int(rows[i]["id"][1:]), version, rng)
            rows.extend(make_row(next_id + k, version, rng) for k in range(10))
            next_id += 10
            args = ["--prune"] if version % 3 == 0 else []
            if version % 3 == 0:
                pruned.update(r["id"] for r in rows[:5])
                del rows[:5]
            write_rows(source, rows)
            done, report = reindex(index, source, *args)
            assert_ok(done)
            assert report["full"] is False and report["changed"] > 0
            commits += 1
            time.sleep(0.05)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    assert commits == 15
    assert searches[0] > 50, searches[0]
    assert errors == [], errors[:5]
    # And the last search sees the last commit.
    final = engine.search(SearchRequest.from_args({"q": "", "per_page": "1"}, engine.config))
    assert final.total == len(rows)


def test_a_request_that_opened_its_reader_before_commits_still_reads_every_article(tmp_path):
    """The deterministic form: a searcher is opened (a request starts), then incremental
    commits merge segments away, then the request reads stored fields it had not read."""
    rng = random.Random(7)
    source, index = tmp_path / "veg.jsonl", tmp_path / "ix"
    rows = [make_row(i, 0, rng) for i in range(200)]
    write_rows(source, rows)
    assert_ok(reindex(index, source)[0])
    for version in (1, 2):  # small segments for Whoosh to merge later
        rows.extend(make_row(len(rows) + k, version, rng) for k in range(5))
        write_rows(source, rows)
        assert_ok(reindex(index, source)[0])

    engine = SearchEngine(Config(index_dir=index))
    searcher = engine.searcher()  # the request's reader, opened before the commits
    docnums = list(searcher.reader().all_doc_ids())
    build = (index / "CURRENT").read_text().strip()
    before = {p.name for p in (index / "builds" / build).iterdir()}
    for version in range(3, 9):
        rows.extend(make_row(len(rows) + k, version, rng) for k in range(5))
        write_rows(source, rows)
        assert_ok(reindex(index, source)[0])
    # Whoosh did merge: segment files the open reader refers to are gone from the live build.
    live = (index / "builds" / (index / "CURRENT").read_text().strip())
    assert before - {p.name for p in live.iterdir()}
    titles = [searcher.stored_fields(d)["title"] for d in docnums]
    assert len(titles) == 210 and all(titles)
    # The next request sees the newest build.
    assert engine.searcher().doc_count() == len(rows)
