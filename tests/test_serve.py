"""A real ``artsearch serve`` process (waitress) answering over HTTP."""

import json
import os
import signal
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import FIXTURE_CORPUS, indexed_rows
from tests.servers import running_server, server_process


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8")


@pytest.fixture
def server(index_dir):
    with running_server(index_dir) as base:
        yield base


def test_real_server_answers_pages_and_api(server):
    status, page = get(server + "/?q=vaccine")
    assert status == 200 and "<mark>" in page
    status, body = get(server + "/api/search?q=vaccine&outlet=reuters.com")
    assert status == 200 and json.loads(body)["total"] == 2
    status, body = get(server + "/api/articles/nope")
    assert status == 404 and json.loads(body)["error"]
    status, page = get(server + "/?from=nonsense")
    assert status == 400 and "Traceback" not in page
    status, css = get(server + "/static/style.css")
    assert status == 200 and "mark" in css


# --workers N: pre-forked waitress processes over one socket (web/prefork.py) -----------

def children(pid: int) -> set[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return {int(p) for p in path.read_text().split()} if path.exists() else set()


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def wait_until(condition, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def status_of_each_worker(base: str, workers: set[int]) -> dict[int, dict]:
    """/api/status as each worker answers it: the others are stopped (SIGSTOP) meanwhile,
    so only the one left running can accept the connection."""
    answers = {}
    for pid in workers:
        others = workers - {pid}
        for other in others:
            os.kill(other, signal.SIGSTOP)
        try:
            status, body = get(base + "/api/status")
            assert status == 200, body
            answers[pid] = json.loads(body)
        finally:
            for other in others:
                os.kill(other, signal.SIGCONT)
    return answers


def indexable(rows: list[dict]) -> int:
    """Rows the indexer keeps: those with body text or a title (the others are skipped)."""
    return len(indexed_rows(rows))


pytestmark_linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


@pytestmark_linux
def test_workers_share_one_socket_restart_a_dead_one_and_stop_together(index_dir, fixture_records):
    with server_process(index_dir, args=("--workers", "2")) as (base, process):
        assert wait_until(lambda: len(children(process.pid)) == 2)
        workers = children(process.pid)
        # Each worker answers on the one port, from the same index.
        answers = status_of_each_worker(base, workers)
        assert {a["documents"] for a in answers.values()} == {indexable(fixture_records)}
        status, body = get(base + "/api/search?q=vaccine&outlet=reuters.com")
        assert status == 200 and json.loads(body)["total"] == 2
        # A worker that dies is reported and replaced.
        victim = min(workers)
        os.kill(victim, signal.SIGKILL)
        assert wait_until(lambda: victim not in children(process.pid) and len(children(process.pid)) == 2)
        line = process.stderr.readline()
        while line and not line.startswith("Worker"):
            line = process.stderr.readline()
        assert line.startswith(f"Worker {victim} was killed by signal {signal.SIGKILL.value}; started worker ")
        workers = children(process.pid)
        assert len(status_of_each_worker(base, workers)) == 2
        # SIGTERM to the parent stops every worker.
        process.terminate()
        assert process.wait(timeout=15) == 0
        assert wait_until(lambda: not any(alive(pid) for pid in workers))


@pytestmark_linux
def test_ctrl_c_stops_every_worker(index_dir):
    with server_process(index_dir, args=("--workers", "2")) as (base, process):
        assert wait_until(lambda: len(children(process.pid)) == 2)
        workers = children(process.pid)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0
        assert wait_until(lambda: not any(alive(pid) for pid in workers))
        assert "Traceback" not in process.stderr.read()


@pytestmark_linux
def test_every_worker_picks_up_a_full_rebuild_while_serving(tmp_path, fixture_records):
    from tests.reindex_helpers import assert_ok, reindex

    index = tmp_path / "index"
    first = tmp_path / "first.jsonl"
    second = tmp_path / "second.jsonl"
    lines = FIXTURE_CORPUS.read_text(encoding="utf-8").splitlines()
    first.write_text("\n".join(lines) + "\n", encoding="utf-8")
    kept = [line for line in lines if line.strip()][:6]
    second.write_text("\n".join(kept) + "\n", encoding="utf-8")
    assert_ok(reindex(index, first, "--full", "--quiet")[0])
    failures: list = []
    statuses: list[int] = []
    with server_process(index, args=("--workers", "2")) as (base, process):
        assert wait_until(lambda: len(children(process.pid)) == 2)
        workers = children(process.pid)
        before = status_of_each_worker(base, workers)
        assert {a["documents"] for a in before.values()} == {indexable(fixture_records)}
        stop = threading.Event()

        def hammer():
            while not stop.is_set():
                try:
                    status, body = get(base + "/api/search?q=vaccine")
                    statuses.append(status)
                    if status != 200:
                        failures.append(body)
                except OSError as e:  # a refused or reset connection is a failure too
                    failures.append(repr(e))

        clients = [threading.Thread(target=hammer) for _ in range(2)]
        for client in clients:
            client.start()
        try:
            done, report = reindex(index, second, "--full", "--quiet")
            assert_ok(done)
            time.sleep(0.5)
        finally:
            stop.set()
            for client in clients:
                client.join()
        after = status_of_each_worker(base, workers)
    assert not failures, failures[:3]
    assert statuses
    builds = {a["build"] for a in after.values()}
    assert builds == {report["build"]} and builds != {a["build"] for a in before.values()}
    assert {a["documents"] for a in after.values()} == {indexable([json.loads(line) for line in kept])}
