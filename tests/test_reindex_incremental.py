"""Incremental reindexing: only new or changed articles are written (content hash);
``--prune`` removes articles gone from the sources; ``--workers`` reports throughput."""

from __future__ import annotations

import json
import os
import re
import time

from whoosh import index as whoosh_index

from index.store import RETAIN_SECONDS, SUPERSEDED_FILE
from tests.reindex_helpers import assert_ok, ids, reindex, search, stored


def write_corpus(path, rows):
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")


ROWS = [
    {"id": "n1", "title": "Kale is back", "author": "Ann Green", "body": "Kale sales rose again this spring."},
    {"id": "n2", "title": "Bees in decline", "author": "Bo Hive", "body": "Bee colonies shrank for a third year."},
    {"id": "n3", "title": "Rain records", "author": "Cy Cloud", "body": "Rainfall records fell across the north."},
]


def build_names(index):
    return sorted(p.name for p in (index / "builds").iterdir())


def test_unchanged_corpus_reports_zero_changed(tmp_path):
    source, index = tmp_path / "news.jsonl", tmp_path / "ix"
    write_corpus(source, ROWS)
    first, report = reindex(index, source)
    assert_ok(first)
    assert report["added"] == 3 and report["full"] is True
    generation = (index / "CURRENT").read_text()
    toc = sorted(p.name for p in (index / "builds" / generation.strip()).glob("*.toc"))

    again, report = reindex(index, source)
    assert_ok(again)
    assert "0 changed" in again.stdout and "incremental update" in again.stdout
    assert (report["added"], report["updated"], report["unchanged"], report["deleted"]) == (0, 0, 3, 0)
    # Nothing was written: same build, same Whoosh generation.
    assert (index / "CURRENT").read_text() == generation
    assert sorted(p.name for p in (index / "builds" / generation.strip()).glob("*.toc")) == toc


def test_edit_add_remove_with_prune(tmp_path):
    source, index = tmp_path / "news.jsonl", tmp_path / "ix"
    write_corpus(source, ROWS)
    assert_ok(reindex(index, source)[0])
    build = (index / "CURRENT").read_text()

    edited = dict(ROWS[0], body="Kale sales collapsed after the quinoa craze.")
    added = {"id": "n4", "title": "Owls return", "author": "Di Wing", "body": "Barn owls nest in the old mill."}
    write_corpus(source, [edited, ROWS[1], added])  # n3 removed
    done, report = reindex(index, source, "--prune")
    assert_ok(done)
    assert (report["added"], report["updated"], report["unchanged"], report["deleted"]) == (1, 1, 1, 1)
    assert report["changed"] == 3 and report["total"] == 3
    assert "3 changed" in done.stdout
    # A new build (a hard-linked copy of the old one, updated), published atomically; the
    # old one stays for readers that opened it before the swap.
    new = (index / "CURRENT").read_text()
    assert new != build and report["build"] == new.strip()
    assert sorted([build.strip(), new.strip()]) == build_names(index)

    assert ids(search(index, "quinoa")) == {"n1"}
    assert ids(search(index, "spring")) == set()
    assert ids(search(index, "owls")) == {"n4"}
    assert ids(search(index, "rainfall")) == set()
    assert ids(search(index, "bee")) == {"n2"}
    assert search(index)["total"] == 3
    authors = {v["value"] for v in search(index)["facets"]["author"]}
    assert authors == {"Ann Green", "Bo Hive", "Di Wing"}

    again, report = reindex(index, source, "--prune")
    assert_ok(again)
    assert report["changed"] == 0 and "0 changed" in again.stdout


def test_without_prune_removed_articles_stay(tmp_path):
    source, index = tmp_path / "news.jsonl", tmp_path / "ix"
    write_corpus(source, ROWS)
    assert_ok(reindex(index, source)[0])
    write_corpus(source, ROWS[:1])
    done, report = reindex(index, source)
    assert_ok(done)
    assert report["deleted"] == 0 and report["total"] == 3
    assert ids(search(index, "rainfall")) == {"n3"}


def test_full_rebuild_swaps_to_a_new_build_with_only_the_sources(tmp_path):
    source, index = tmp_path / "news.jsonl", tmp_path / "ix"
    write_corpus(source, ROWS)
    assert_ok(reindex(index, source)[0])
    old = (index / "CURRENT").read_text().strip()
    write_corpus(source, ROWS[:2])
    done, report = reindex(index, source, "--full")
    assert_ok(done)
    new = (index / "CURRENT").read_text().strip()
    assert new != old and report["full"] is True and report["build"] == new
    assert report["total"] == 2 and set(stored(index)) == {"n1", "n2"}
    # The previous build is kept for readers that still have it open, and so is any build
    # superseded less than RETAIN_SECONDS ago; older ones go.
    assert build_names(index) == sorted([old, new])
    assert_ok(reindex(index, source, "--full")[0])
    newest = (index / "CURRENT").read_text().strip()
    assert build_names(index) == sorted([old, new, newest])
    marker = index / "builds" / old / SUPERSEDED_FILE
    aged = time.time() - RETAIN_SECONDS - 1
    os.utime(marker, (aged, aged))
    assert_ok(reindex(index, source, "--full")[0])
    assert old not in build_names(index) and len(build_names(index)) == 3


def test_duplicates_do_not_count_as_changes_on_rerun(tmp_path):
    source, index = tmp_path / "news.jsonl", tmp_path / "ix"
    write_corpus(source, ROWS + [dict(ROWS[0], body="A later copy of n1 about chard.")])
    done, report = reindex(index, source)
    assert_ok(done)
    assert report["added"] == 3 and report["problem_counts"]["duplicate"] == 1
    # The first record with an id is kept; the later one is reported, not indexed.
    assert ids(search(index, "spring")) == {"n1"} and ids(search(index, "chard")) == set()
    build = (index / "CURRENT").read_text().strip()
    generation = whoosh_index.open_dir(str(index / "builds" / build)).latest_generation()
    for _ in range(2):
        again, report = reindex(index, source)
        assert_ok(again)
        assert (report["added"], report["updated"], report["unchanged"]) == (0, 0, 3)
        assert report["problem_counts"]["duplicate"] == 1
    # Nothing was written: the same build at the same Whoosh generation, so servers keep
    # their caches.
    assert (index / "CURRENT").read_text().strip() == build
    assert whoosh_index.open_dir(str(index / "builds" / build)).latest_generation() == generation
    assert ids(search(index, "spring")) == {"n1"} and ids(search(index, "chard")) == set()


def test_workers_build_and_report_throughput(tmp_path):
    source, index = tmp_path / "news.jsonl", tmp_path / "ix"
    rows = [{"id": f"w{i}", "title": f"Item {i}", "body": f"Article {i} about turnips and parsnips. " * 20}
            for i in range(300)]
    write_corpus(source, rows)
    done, report = reindex(index, source, "--workers", "2", "--full")
    assert_ok(done)
    assert report["added"] == 300 and report["total"] == 300
    assert report["articles_per_second"] > 0 and report["mb_per_second"] > 0
    assert re.search(r"Took [\d.]+ s: [\d,]+ articles/s, [\d.]+ MB/s of text\.", done.stdout), done.stdout
    assert search(index, "parsnips")["total"] == 300
    # Incremental with workers: one edit is one update.
    rows[5]["body"] = "Now about beetroot only."
    write_corpus(source, rows)
    done, report = reindex(index, source, "--workers", "2")
    assert_ok(done)
    assert (report["updated"], report["unchanged"]) == (1, 299)
    assert ids(search(index, "beetroot")) == {"w5"} and search(index, "parsnips")["total"] == 299
