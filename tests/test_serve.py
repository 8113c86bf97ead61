"""A real ``artsearch serve`` process (waitress) answering over HTTP."""

import json
import urllib.error
import urllib.request

import pytest

from tests.servers import running_server


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
