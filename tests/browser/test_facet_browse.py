"""Hidden facet values in a real browser, without JavaScript: "show all", the search
within a facet's values, and leaving a value out (a struck-through chip)."""

from __future__ import annotations

import json

import pytest

from tests.browser.conftest import artsearch_command
from tests.conftest import FILTERS_CORPUS
from tests.servers import running_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return [json.loads(line) for line in FILTERS_CORPUS.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def filters_server(filters_index):
    with running_server(filters_index, command=artsearch_command()) as base_url:
        yield base_url


@pytest.fixture
def nojs(browser, filters_server):
    context = browser.new_context(java_script_enabled=False, base_url=filters_server,
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def total(page) -> int:
    return int(page.locator("strong[data-total]").get_attribute("data-total"))


def test_search_within_a_facets_values_and_pick_one(nojs, rows):
    nojs.goto("/")
    with nojs.expect_navigation():
        nojs.locator(".facet[data-facet=author] .more a").click()
    assert nojs.locator("h1").inner_text().startswith("Author values")
    every = nojs.locator(".facet-values a.value").all_inner_texts()
    assert sorted(every) == sorted({a for r in rows for a in r.get("authors") or []})

    nojs.fill("#prefix", "serd")
    with nojs.expect_navigation():
        nojs.get_by_role("button", name="Find").click()
    assert nojs.locator(".facet-values a.value").all_inner_texts() == ["Serdar Argic"]
    nojs.screenshot(path="/tmp/artsearch-facet-page.png")

    with nojs.expect_navigation():
        nojs.locator(".facet-values a.value", has_text="Serdar Argic").click()
    assert total(nojs) == sum("Serdar Argic" in (r.get("authors") or []) for r in rows) > 0
    assert nojs.locator(".chips a.chip", has_text="Serdar Argic").count() == 1


def test_leave_out_an_outlet_then_bring_it_back(nojs, rows):
    nojs.goto("/")
    with nojs.expect_navigation():
        nojs.locator(".facet[data-facet=outlet] a.exclude[title='Leave out reuters.com']").click()
    assert total(nojs) == sum(r.get("outlet") != "reuters.com" for r in rows)
    assert "reuters.com" not in nojs.locator(".hit .outlet").all_inner_texts()
    chip = nojs.locator(".chips a.chip.excluded")
    struck = chip.locator("s")
    assert "reuters.com" in struck.inner_text()
    assert "line-through" in struck.evaluate("e => getComputedStyle(e).textDecorationLine")
    nojs.screenshot(path="/tmp/artsearch-excluded-chip.png")
    with nojs.expect_navigation():
        chip.click()
    assert total(nojs) == len(rows)
    assert nojs.locator(".chips").count() == 0
