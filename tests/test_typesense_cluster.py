"""The real 3-node Typesense cluster the Typesense backend is tested on (tests/typesense_cluster.py)."""

from __future__ import annotations

import json
import time
import urllib.request

from search.typesense_local import FOLLOWER, LEADER


def _call(node, key, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(node.url + path, data=data, method=method,
                                     headers={"X-TYPESENSE-API-KEY": key, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.load(response)


def test_three_nodes_elect_one_leader_and_replicate_writes(typesense_cluster):
    key = typesense_cluster.api_key
    states = sorted(n.state(key) for n in typesense_cluster.nodes)
    assert states == [LEADER, FOLLOWER, FOLLOWER]
    assert len({n.data_dir for n in typesense_cluster.nodes}) == 3
    leader = typesense_cluster.leader()
    name = f"replication_{time.time_ns()}"
    _call(leader, key, "POST", "/collections", {"name": name, "fields": [{"name": "t", "type": "string"}]})
    _call(leader, key, "POST", f"/collections/{name}/documents", {"id": "1", "t": "replicated"})
    for node in typesense_cluster.nodes:
        deadline = time.monotonic() + 10
        while True:
            try:
                found = _call(node, key, "GET", f"/collections/{name}/documents/search?q=replicated&query_by=t")
                if found["found"] == 1:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, f"node {node.index} never saw the write"
            time.sleep(0.2)
    _call(leader, key, "DELETE", f"/collections/{name}")


def test_the_api_key_is_not_on_any_command_line(typesense_cluster):
    for node in typesense_cluster.nodes:
        with open(f"/proc/{node.process.pid}/cmdline", "rb") as fh:
            assert typesense_cluster.api_key.encode() not in fh.read()
