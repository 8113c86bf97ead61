"""Syndication clusters in a real browser: the collapse toggle (with and without
JavaScript), the copies list and the "Similar articles" block on the article page.

The corpus is the one of ``tests/test_clusters.py``: a wire story run by four outlets, a
press release run twice and five unrelated articles, so the expected stories are known
by construction.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import DESKTOP, artsearch_command
from tests.servers import running_server
from tests.test_clusters import ROWS, STORIES, write_jsonl

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def cluster_server(tmp_path_factory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("cluster-browser")
    write_jsonl(root / "news.jsonl", ROWS)
    subprocess.run([*artsearch_command(), "reindex", str(root / "news.jsonl"), "--index", str(root / "ix"), "--quiet"],
                   check=True, capture_output=True, text=True, timeout=120)
    with running_server(Path(root / "ix"), command=artsearch_command()) as base_url:
        yield base_url


@pytest.fixture
def cluster_page(browser, cluster_server):
    contexts = []

    def open_page(*, javascript: bool = True):
        context = browser.new_context(viewport=DESKTOP, java_script_enabled=javascript, base_url=cluster_server)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def hit_ids(page) -> list[str]:
    hrefs = page.locator(".hit h2 a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    return [urlsplit(h).path.split("/")[2] for h in hrefs]


def args(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_toggle_shows_every_copy_and_back(cluster_page, javascript):
    page = cluster_page(javascript=javascript)
    page.goto("/?q=title:flood")
    assert len(hit_ids(page)) == 1 and set(hit_ids(page)) <= STORIES["w"]
    assert "also in 3 outlets" in page.locator(".hit .story").inner_text()
    assert page.locator("strong[data-total]").get_attribute("data-total") == "4"
    assert page.locator("strong[data-stories]").get_attribute("data-stories") == "1"

    with page.expect_navigation():
        page.click("#toggle-collapse")
    assert args(page)["collapse"] == ["0"]
    assert sorted(hit_ids(page)) == sorted(STORIES["w"])
    # Every copy but the first names the first: apnews.com on 1 March 2018.
    stories = page.locator(".hit .story").all_inner_texts()
    assert sum("First seen: apnews.com, 1 Mar 2018" in s for s in stories) == 3
    assert sum("first seen here" in s for s in stories) == 1

    # Filtering keeps "every copy" (the form carries collapse=0).
    if javascript:
        with page.expect_navigation():
            page.check(".facet[data-facet=outlet] input[value='local-b.com']")
    else:
        page.check(".facet[data-facet=outlet] input[value='local-b.com']")
        with page.expect_navigation():
            page.get_by_role("button", name="Apply filters").click()
    assert args(page)["collapse"] == ["0"] and args(page)["outlet"] == ["local-b.com"]
    assert hit_ids(page) == ["w3"]

    page.goto("/?q=title:flood&collapse=0")
    with page.expect_navigation():
        page.click("#toggle-collapse")
    assert "collapse" not in args(page)
    assert len(hit_ids(page)) == 1


def test_all_copies_link_lists_the_cluster_oldest_first(cluster_page):
    page = cluster_page()
    page.goto("/?q=title:flood")
    with page.expect_navigation():
        page.get_by_role("link", name="all 4 copies").click()
    assert "cluster" in args(page)
    # Dated copies oldest first, the undated one last.
    assert hit_ids(page) == ["w1", "w2", "w3", "w4"]
    with page.expect_navigation():
        page.get_by_role("link", name="Story: copies of one story").click()
    assert "cluster" not in args(page)


def test_article_page_lists_copies_and_similar_articles(cluster_page):
    page = cluster_page()
    page.goto("/articles/w3")
    copies = page.locator("#copies li").all_inner_texts()
    assert len(copies) == 4
    assert "apnews.com" in copies[0] and "first seen" in copies[0]
    assert "this article" in copies[2] and "local-b.com" in copies[2]
    assert sum("first seen" in c for c in copies) == 1

    similar = page.locator("#similar li a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    similar_ids = {urlsplit(h).path.split("/")[2] for h in similar}
    assert similar_ids and not similar_ids & STORIES["w"]
    # One link per story: the press release's two copies never both appear.
    assert len(similar_ids & STORIES["p"]) <= 1

    with page.expect_navigation():
        page.locator("#copies li").first.get_by_role("link").click()
    assert urlsplit(page.url).path.startswith("/articles/w1/")
    assert "this article" in page.locator("#copies li").first.inner_text()
