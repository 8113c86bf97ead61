"""The timeline in a real browser: a click or Enter on a bar narrows the dates to it."""

from __future__ import annotations

import json
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.browser


def api(server: str, query: str) -> dict:
    with urllib.request.urlopen(f"{server}/api/search?{query}", timeout=10) as response:
        return json.load(response)


def args(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def total(page) -> int:
    return int(page.locator("strong[data-total]").get_attribute("data-total"))


def tallest(buckets: list[dict]) -> tuple[int, dict]:
    """Index among non-empty buckets (the drawn bars) and the bucket with the most articles."""
    nonempty = [b for b in buckets if b["count"]]
    best = max(range(len(nonempty)), key=lambda i: nonempty[i]["count"])
    return best, nonempty[best]


@pytest.mark.parametrize("javascript", [True, False])
def test_clicking_a_bar_sets_from_and_to(open_page, server, javascript):
    page = open_page(javascript=javascript)
    buckets = api(server, "q=vaccine")["timeline"]["buckets"]
    index, bucket = tallest(buckets)
    page.goto("/?q=vaccine")
    bars = page.locator("svg.timeline-chart a.timeline-bar")
    assert bars.count() == sum(1 for b in buckets if b["count"])
    with page.expect_navigation():
        bars.nth(index).locator("rect.timeline-area").click()
    assert args(page)["from"] == [bucket["start"]] and args(page)["to"] == [bucket["end"]]
    assert args(page)["q"] == ["vaccine"]
    assert total(page) == bucket["count"]
    assert page.locator("input[name=from]").input_value() == bucket["start"]


def test_enter_on_a_focused_bar_follows_it(page, server):
    buckets = api(server, "")["timeline"]["buckets"]
    first = next(b for b in buckets if b["count"])
    page.goto("/")
    page.focus("#q")
    # Tab forward until a bar has the focus: bars are reachable by keyboard.
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('timeline-bar')"):
            break
    else:
        pytest.fail("no timeline bar took the keyboard focus")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert args(page)["from"] == [first["start"]] and args(page)["to"] == [first["end"]]
    assert total(page) == first["count"]


def test_table_fallback_lists_every_bar(page, server):
    buckets = [b for b in api(server, "")["timeline"]["buckets"] if b["count"]]
    page.goto("/")
    page.click(".timeline-table summary")
    cells = page.locator(".timeline-table tbody td").all_inner_texts()
    assert [int(c.replace(",", "")) for c in cells] == [b["count"] for b in buckets]
