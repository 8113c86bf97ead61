"""A real 3-node Typesense cluster losing its leader while artsearch searches it: no search
fails (the client retries the other nodes), writes resume once a new leader is elected,
and the killed node, restarted on its data directory, catches up."""

from __future__ import annotations

import dataclasses
import os
import threading
import time

import pytest

from index.config import Config
from index.typesense_writer import sync
from search.request import SearchRequest
from search.typesense_backend import TypesenseBackend
from tests.conftest import FIXTURE_CORPUS
from tests.typesense_cluster import start_cluster

READERS = 4


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    cluster = start_cluster(tmp_path_factory.mktemp("failover"))
    yield cluster
    cluster.stop()


def config_for(cluster, index_dir, nodes=None) -> Config:
    return Config(index_dir=index_dir, backend="typesense", typesense_nodes=tuple(nodes or cluster.urls),
                  typesense_api_key_file=cluster.key_file, typesense_collection="failover", timeout=30)


def test_the_leader_dies_under_load_and_no_search_fails(cluster, index_dir, fixture_records):
    config = config_for(cluster, index_dir)
    sync(index_dir, config, full=True)
    backend = TypesenseBackend(config)
    expected = backend.search(SearchRequest(q="vaccine")).total
    assert expected == sum(1 for r in fixture_records if "vaccin" in (r.get("title", "") + r.get("body", "")).lower())
    done = threading.Event()
    results: list[int] = []
    failures: list[str] = []

    def read() -> None:
        while not done.is_set():
            try:
                results.append(backend.search(SearchRequest(q="vaccine")).total)
            except Exception as e:  # any failed search fails the test
                failures.append(f"{type(e).__name__}: {e}")

    threads = [threading.Thread(target=read) for _ in range(READERS)]
    for t in threads:
        t.start()
    time.sleep(2)
    before = len(results)
    old = cluster.leader()
    assert old is not None
    old.kill()
    killed_at, at_kill = time.monotonic(), len(results)
    new = cluster.wait_for_leader(90)
    election, during = time.monotonic() - killed_at, len(results) - at_kill
    print(f"leader killed: new leader after {election:.1f} s; {during} searches answered meanwhile")
    time.sleep(3)  # keep reading from the new configuration too
    done.set()
    for t in threads:
        t.join(60)
    assert new is not old
    assert failures == []
    assert before > 0 and during > 0 and len(results) > before
    assert set(results) == {expected}

    # Writes resume on the new leader: a full rebuild swaps the alias to a new collection.
    first = backend.status()["collection"]
    stats = sync(index_dir, config, full=True)
    assert stats.swapped and stats.collection != first
    backend._collection = None  # look the alias up now, not in 2 s
    assert backend.status()["collection"] == stats.collection
    assert backend.search(SearchRequest(q="vaccine")).total == expected

    # The killed node, restarted on its data directory, catches up with that write.
    cluster.restart(old)
    only_old = TypesenseBackend(dataclasses.replace(config, typesense_nodes=(old.url,)))
    deadline = time.monotonic() + 60
    while True:
        try:
            if only_old.status()["collection"] == stats.collection:
                break
        except Exception:
            pass
        assert time.monotonic() < deadline, "the restarted node never caught up"
        only_old._collection = None
        time.sleep(0.5)
    assert only_old.search(SearchRequest(q="vaccine")).total == expected


def test_a_node_holding_fewer_articles_than_the_build_never_gives_short_counts(cluster, index_dir):
    """A restarted node answers while it still loads (seen: 723 of 3,000 articles, totals
    150, 142, 148 for one query): such an answer is retried, then refused with a reason,
    never shown. Simulated on live nodes by a build record claiming more articles than the
    collection holds, which is what every answer of a lagging node looks like."""
    from index.typesense_writer import TypesenseError

    config = config_for(cluster, index_dir)
    stats = sync(index_dir, config, full=True)
    backend = TypesenseBackend(config)
    honest = backend.search(SearchRequest(q="vaccine")).total
    real = dict(backend.collection().meta)
    assert real["documents"] == stats.documents
    claimed = {**real, "documents": stats.documents + 5}
    publish(backend, stats.collection, claimed)
    try:
        with pytest.raises(TypesenseError, match="still catching up") as caught:
            backend.search(SearchRequest(q="vaccine"))
        assert caught.value.status == 503
        assert f"{stats.documents:,} of the build's {stats.documents + 5:,}" in str(caught.value)
    finally:
        publish(backend, stats.collection, real)
    assert backend.search(SearchRequest(q="vaccine")).total == honest


def publish(backend: TypesenseBackend, collection: str, meta: dict) -> None:
    """Write ``meta`` as ``collection``'s build record and wait until reads see it (it is
    written on the leader; a follower may answer the next read)."""
    from index.typesense_writer import _write_meta

    _write_meta(backend.client, collection, meta)
    until = time.monotonic() + 20
    while True:
        backend._collection = None
        if backend.collection().meta == meta:
            return
        assert time.monotonic() < until, "the build record never replicated"
        time.sleep(0.2)


def test_reindex_into_the_cluster_shows_its_progress(cluster, tmp_path):
    """The Typesense write can take minutes (a trial: 13 silent minutes for 3,000 articles)."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "web.cli", "reindex", str(FIXTURE_CORPUS), "--index", str(tmp_path / "ix"),
         "--backend", "typesense", "--nodes", ",".join(cluster.urls), "--api-key-file", str(cluster.key_file)],
        capture_output=True, text=True, timeout=600, env={**os.environ, "ARTSEARCH_TYPESENSE_COLLECTION": "progress"})
    assert done.returncode == 0, done.stderr
    import re

    indexed = re.search(r"\): ([\d,]+) articles?\.", done.stdout)  # "Index DIR (full rebuild, ...): 10 articles."
    assert indexed, done.stdout
    lines = [line for line in done.stderr.splitlines() if line.startswith("Typesense: ")]
    assert lines and lines[-1].startswith(f"Typesense: {indexed[1]} of {indexed[1]} articles read"), done.stderr
    assert "Typesense collection" in done.stdout
