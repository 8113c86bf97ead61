"""The README's Typesense commands as a new user runs them: `make cluster` in one terminal,
`make serve-cluster` in another, then a search of the served site and of the CLI."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request

import pytest

from index.config import Config
from search.request import SearchRequest
from search.whoosh_backend import WhooshBackend
from tests.conftest import REPO
from tests.test_readme import README
from tests.typesense_cluster import typesense_binary


def section() -> str:
    start = README.index("## A Typesense cluster")
    return README[start:README.index("\n## ", start + 1)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(30)


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def test_make_cluster_then_make_serve_cluster_serves_the_corpus(tmp_path):
    typesense_binary()  # skip (or fail in CI) without the server
    assert "make cluster " in section() and "make serve-cluster " in section()
    cluster_dir, index, port = tmp_path / "cluster", tmp_path / "index", free_port()
    env = {**os.environ, "MAKEFLAGS": ""}
    cluster = subprocess.Popen(["make", "--no-print-directory", "cluster", f"CLUSTER_DIR={cluster_dir}"], cwd=REPO,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
    serve = None
    try:
        end = time.monotonic() + 120
        while not (cluster_dir / "urls").exists():
            assert cluster.poll() is None, cluster.stdout.read() if cluster.stdout else ""
            assert time.monotonic() < end, "make cluster never became ready"
            time.sleep(0.5)
        nodes = (cluster_dir / "urls").read_text().strip()
        assert len(nodes.split(",")) == 3
        serve = subprocess.Popen(["make", "--no-print-directory", "serve-cluster", f"CLUSTER_DIR={cluster_dir}",
                                  f"INDEX={index}", f"PORT={port}"], cwd=REPO, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
        end = time.monotonic() + 240
        while True:
            assert serve.poll() is None, serve.stdout.read() if serve.stdout else ""
            try:
                data = get_json(f"http://127.0.0.1:{port}/api/search?q=syria")
                break
            except OSError:
                assert time.monotonic() < end, "make serve-cluster never served"
                time.sleep(1)
        expected = WhooshBackend(Config(index_dir=index)).search(SearchRequest(q="syria"))
        assert data["total"] == expected.total > 0
        assert get_json(f"http://127.0.0.1:{port}/api/status")["backend"] == "typesense"
        # The explicit CLI command of the README's text block.
        done = subprocess.run([str(REPO / ".venv" / "bin" / "artsearch"), "search", "syria", "--backend", "typesense",
                               "--nodes", nodes, "--api-key-file", str(cluster_dir / "api-key")],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert f"{expected.total:,} result" in done.stdout and "typesense collection articles" in done.stdout
    finally:
        if serve is not None:
            stop(serve)
        stop(cluster)
    # Ctrl-C (here SIGTERM) stopped every node.
    urls = (cluster_dir / "urls").read_text().strip().split(",")
    end = time.monotonic() + 30
    for url in urls:
        while True:
            try:
                urllib.request.urlopen(url + "/health", timeout=1)
            except OSError:
                break
            if time.monotonic() > end:
                pytest.fail(f"{url} still answers after the cluster was stopped")
            time.sleep(0.5)
