"""A real ``artsearch serve`` process (waitress) answering over HTTP."""

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests.conftest import REPO


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8")


@pytest.fixture
def server(index_dir):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "web.cli", "serve", "--index", str(index_dir), "--port", str(port),
                             "--threads", "2"], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/api/status", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("artsearch serve did not start: " + proc.stderr.read())
    yield base
    proc.terminate()
    proc.wait(timeout=10)


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
