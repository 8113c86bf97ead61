"""A real 3-node Typesense cluster losing its leader while artsearch searches it: no search
fails (the client retries the other nodes), writes resume once a new leader is elected,
and the killed node, restarted on its data directory, catches up."""

from __future__ import annotations

import dataclasses
import threading
import time

import pytest

from index.config import Config
from index.typesense_writer import sync
from search.request import SearchRequest
from search.typesense_backend import TypesenseBackend
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
