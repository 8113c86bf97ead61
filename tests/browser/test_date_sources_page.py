"""Dates in Chromium (issue 19): a date read from the body is marked on the same line item
as the date (no "·" between them), an upper bound reads "undated (on or before …)", and a
date range says how many undated matches it left out. Its own server over
tests/fixtures/dates.jsonl; expected values come from that JSONL (tests/date_policy.py)."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import date

import pytest

from tests.browser.conftest import DESKTOP, artsearch_command
from tests.conftest import FIXTURES
from tests.date_policy import expected
from tests.servers import running_server

pytestmark = pytest.mark.browser
DATES = FIXTURES / "dates.jsonl"


@pytest.fixture(scope="module")
def dates_server(tmp_path_factory, browser):
    index = tmp_path_factory.mktemp("browser-dates")
    subprocess.run([*artsearch_command(), "reindex", str(DATES), "--index", str(index), "--quiet"],
                   check=True, capture_output=True, text=True, timeout=300)
    with running_server(index, command=artsearch_command()) as base_url:
        yield base_url


@pytest.fixture
def dates_page(browser, dates_server):
    context = browser.new_context(viewport=DESKTOP, base_url=dates_server)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_dates_from_the_body_and_bounds_read_as_one_item(dates_page):
    rows = [json.loads(line) for line in DATES.read_text(encoding="utf-8").splitlines()]
    zika = [r for r in rows if re.search(r"\bzika\b", f"{r['title']}\n{r['body']}", re.I)]
    in_range = [r for r in zika if expected(r)[0] and date(2018, 9, 1) <= expected(r)[0].date() <= date(2018, 9, 30)]
    undated = [r for r in zika if expected(r)[0] is None]
    dates_page.goto("/?q=zika&from=2018-09-01&to=2018-09-30")
    items = dates_page.evaluate("""() => [...document.querySelectorAll(".hit .meta")].map(meta =>
        [...meta.children].map(el => el.innerText))""")
    assert len(items) == len(in_range)
    body_dated = [i for i in items if any("(from the body)" in text for text in i)]
    assert len(body_dated) == sum(1 for r in in_range if expected(r)[1] == "body") > 0
    assert all(any(re.fullmatch(r"\d+ \w{3} \d{4} \(from the body\)", t) for t in i) for i in body_dated)
    note = dates_page.locator(".undated-left-out")
    assert note.is_visible() and f"leaves out {len(undated)} undated" in note.inner_text()
    dates_page.goto("/?q=mosquitoes")
    bound = dates_page.evaluate("""() => [...document.querySelector(".hit .meta").children].map(el => el.innerText)""")
    assert "undated (on or before 20 Sep 2018)" in bound


