"""The live index survives anything a reindex goes through: a concurrent reindex is
refused, SIGKILL at any moment leaves the served index intact (and no stale lock), and
a running ``artsearch serve`` switches to a ``--full`` rebuild without a failed request."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import FIXTURE_CORPUS, REPO
from tests.reindex_helpers import (
    REINDEX_FIXTURES as F,
)
from tests.reindex_helpers import (
    artsearch,
    assert_ok,
    assert_one_line_error,
    ids,
    reindex,
    search,
)
from tests.servers import running_server


def start_reindex(index: Path, *args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "web.cli", "reindex", *map(str, args), "--index", str(index), "-q"],
                            cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def wait_for_lock(index: Path, proc: subprocess.Popen, timeout: float = 30) -> None:
    """Wait until ``proc`` holds the writer lock (it writes its pid into .lock)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if (index / ".lock").read_text() == f"pid {proc.pid}":
                return
        except FileNotFoundError:
            pass
        assert proc.poll() is None, proc.stderr.read().decode()
        time.sleep(0.02)
    pytest.fail("reindex never took the lock")


def builds(index: Path) -> list[str]:
    return sorted(p.name for p in (index / "builds").iterdir())


def current(index: Path) -> str:
    return (index / "CURRENT").read_text().strip()


def test_concurrent_reindex_is_refused(tmp_path):
    index = tmp_path / "ix"
    assert_ok(reindex(index, FIXTURE_CORPUS)[0])
    # The first reindex reads stdin, so it holds the lock for as long as we keep the pipe open.
    first = start_reindex(index, "-")
    try:
        wait_for_lock(index, first)
        second = artsearch("reindex", FIXTURE_CORPUS, "--index", index)
        assert_one_line_error(second, "Another reindex", f"pid {first.pid}", "wait for it to finish")
        assert search(index)["total"] == 10  # refused without touching the index
        out, err = first.communicate(json.dumps({"id": "p1", "title": "Piped", "body": "About barley."}).encode() + b"\n",
                                     timeout=60)
        assert first.returncode == 0, err.decode()
    finally:
        if first.poll() is None:
            first.kill()
    assert ids(search(index, "barley")) == {"p1"}
    assert_ok(artsearch("reindex", FIXTURE_CORPUS, "--index", index))  # lock released


def test_sigkill_mid_full_build_leaves_live_index_and_no_stale_lock(tmp_path):
    index = tmp_path / "ix"
    assert_ok(reindex(index, FIXTURE_CORPUS)[0])
    live = current(index)
    proc = start_reindex(index, "--full", "-")
    wait_for_lock(index, proc)
    proc.stdin.write(b"".join(json.dumps({"id": f"k{i}", "title": "K", "body": f"Killed {i} rye"}).encode() + b"\n"
                              for i in range(50)))
    proc.stdin.flush()
    time.sleep(0.3)
    assert len(builds(index)) == 2  # the half-written build beside the live one
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert current(index) == live and search(index)["total"] == 10 and ids(search(index, "rye")) == set()
    # Next run: not refused (the kernel dropped the flock), the abandoned build is removed.
    done, report = reindex(index, F / "news.csv", "--full")
    assert_ok(done)
    assert report["total"] == 3 and current(index) != live
    assert builds(index) == sorted([live, current(index)])


@pytest.mark.slow
def test_sigkill_at_several_points_of_a_real_full_build(tmp_path, fakehealth_path):
    # Kill points are fractions of how long a full build takes on this machine right now,
    # so they fall in start-up, reading, the workers' indexing and the final commit.
    started = time.monotonic()
    assert_ok(reindex(tmp_path / "timing", fakehealth_path, "--full", "--workers", "2")[0])
    duration = time.monotonic() - started
    index = tmp_path / "ix"
    assert_ok(reindex(index, FIXTURE_CORPUS)[0])
    live = current(index)
    killed = 0
    for fraction in (0.05, 0.2, 0.45, 0.7, 0.9):
        delay = duration * fraction
        proc = start_reindex(index, fakehealth_path, "--full", "--workers", "2")
        time.sleep(delay)
        if proc.poll() is not None:
            # Finished early (the machine got faster): a swap happened, so start over.
            shutil.rmtree(index)
            assert_ok(reindex(index, FIXTURE_CORPUS)[0])
            live = current(index)
            continue
        killed += 1
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        assert current(index) == live, delay
        assert search(index)["total"] == 10, delay
        # Not refused, and nothing left over: an unchanged incremental run of the old source.
        done, report = reindex(index, FIXTURE_CORPUS)
        assert_ok(done)
        assert report["changed"] == 0 and builds(index) == [live], delay
    assert killed >= 3, f"only {killed} of 5 kill points hit a running build ({duration:.1f} s per build)"
    done, report = reindex(index, fakehealth_path, "--full", "--workers", "2")
    assert_ok(done)
    assert report["total"] > 2000 and search(index)["total"] == report["total"]


class Poller(threading.Thread):
    """Query /api/search in a loop, recording every (status, total)."""

    def __init__(self, base: str):
        super().__init__(daemon=True)
        self.url = base + "/api/search?q=&per_page=1"
        self.seen: list[tuple[int, int | None]] = []
        self.errors: list[str] = []
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            try:
                with urllib.request.urlopen(self.url, timeout=30) as response:
                    self.seen.append((response.status, json.loads(response.read())["total"]))
            except urllib.error.HTTPError as e:
                self.seen.append((e.code, None))
                self.errors.append(f"{e.code}: {e.read()[:300]!r}")
            except Exception as e:  # connection errors are failures too
                self.errors.append(repr(e))


def serve_while_rebuilding(tmp_path, new_sources: list, new_total: int | None = None):
    index = tmp_path / "ix"
    assert_ok(reindex(index, FIXTURE_CORPUS)[0])
    with running_server(index, threads=4) as base:
        pollers = [Poller(base) for _ in range(2)]
        for poller in pollers:
            poller.start()
        time.sleep(0.5)
        done, report = reindex(index, *new_sources, "--full")
        assert_ok(done)
        new_total = report["total"]
        time.sleep(1.0)
        for poller in pollers:
            poller.stop.set()
        for poller in pollers:
            poller.join(timeout=60)
    for poller in pollers:
        assert poller.errors == []
        assert all(status == 200 for status, _ in poller.seen)
        totals = [total for _, total in poller.seen]
        assert totals[0] == 10 and totals[-1] == new_total
        # Old, then new, switching exactly once and never back.
        switches = [i for i in range(1, len(totals)) if totals[i] != totals[i - 1]]
        assert len(switches) == 1, totals
        assert set(totals) == {10, new_total}
    return pollers


def test_serve_switches_to_full_rebuild_without_failed_requests(tmp_path):
    serve_while_rebuilding(tmp_path, [F / "news.csv", F / "docs"])


@pytest.mark.slow
def test_serve_during_long_full_rebuild(tmp_path, fakehealth_path):
    pollers = serve_while_rebuilding(tmp_path, [fakehealth_path])
    # The rebuild takes seconds: the old index kept answering for most of it.
    assert sum(1 for _, total in pollers[0].seen if total == 10) > 10
