"""Pasting a multi-line, typeset quote into the search box finds its article.

The paste is a real one: the text goes on the browser's clipboard and Ctrl+V puts it in
the box, so what arrives is what Chromium itself inserts (an <input> would have turned
each line break into a space).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import FIXTURE_CORPUS, MOBILE

pytestmark = pytest.mark.browser


def fixture_article(article_id: str) -> dict:
    import json
    for line in FIXTURE_CORPUS.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if record.get("id") == article_id:
            return record
    raise AssertionError(f"{article_id} is not in {FIXTURE_CORPUS}")


def typeset(text: str) -> str:
    """``text`` as copied from a PDF: curly quotes, a line every five words, the longest
    word hyphenated across a line break and the next longest with a soft hyphen."""
    words = sorted(set(re.findall(r"[^\W\d_]{7,}", text)), key=len, reverse=True)
    broken, soft = words[0], words[1]
    text = re.sub(rf"\b{broken}\b", broken[:len(broken) // 2] + "-\n" + broken[len(broken) // 2:], text, count=1)
    text = re.sub(rf"\b{soft}\b", soft[:3] + "\u00ad" + soft[3:], text, count=1)
    spaces = iter(range(1, 1000))
    text = re.sub(" ", lambda m: "\n" if next(spaces) % 5 == 0 else " ", text)
    return "\u201c" + text.replace("'", "\u2019") + "\u201d"


def paste(page, text: str) -> None:
    """Put ``text`` on the clipboard and paste it into the focused element with Ctrl+V."""
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.evaluate("text => navigator.clipboard.writeText(text)", text)
    assert page.evaluate("navigator.clipboard.readText()") == text
    page.keyboard.press("Control+V")


def box_height(page) -> float:
    return page.locator("#q").bounding_box()["height"]


def test_pasted_multiline_quote_finds_its_article_and_stays_in_the_box(page):
    article = fixture_article("a11")
    quote = typeset(article["body"])
    assert "-\n" in quote and "\u00ad" in quote and quote.count("\n") >= 3
    page.goto("/")
    one_row = box_height(page)
    page.click("#q")
    paste(page, quote)
    assert page.locator("#q").input_value() == quote  # every line break arrived
    assert box_height(page) > 2 * one_row  # the box grew to show the lines
    with page.expect_navigation():
        page.keyboard.press("Enter")
    sent = parse_qs(urlsplit(page.url).query)["q"][0]
    assert sent.replace("\r\n", "\n") == quote
    first = page.locator(".hit").first
    assert first.locator("h2 a").inner_text() == article["title"]
    assert first.locator(".teaser mark").count() > 0
    # The results page shows the pasted text as it was, line breaks and all.
    assert page.locator("#q").input_value() == quote
    assert box_height(page) > 2 * one_row


def test_enter_searches_and_shift_enter_adds_a_line(page):
    article = fixture_article("a11")
    word = "hospitals"
    assert word in article["body"]
    page.goto("/")
    page.click("#q")
    page.keyboard.type("waiting times at hos-")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("pitals fell")
    assert page.locator("#q").input_value() == "waiting times at hos-\npitals fell"
    assert urlsplit(page.url).query == ""  # Shift+Enter did not submit
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert [t for t in page.locator(".hit h2 a").all_inner_texts()][:1] == [article["title"]]
    assert page.locator("#q").input_value() == "waiting times at hos-\npitals fell"
    assert "not required" not in page.locator(".results").inner_text().lower()  # "hospitals" was one word
    assert "Shift+Enter adds a line" in page.locator("details.help").text_content()  # and the page says so


def test_multiline_query_without_javascript(open_page):
    article = fixture_article("a7")
    page = open_page(viewport=MOBILE, javascript=False)
    page.goto("/")
    page.fill("#q", "Regular breast cancer screen-\ning saves lives")
    with page.expect_navigation():
        page.click(".query-row button[type=submit]")
    assert page.locator(".hit h2 a").first.inner_text() == article["title"]
    assert page.locator("#q").input_value() == "Regular breast cancer screen-\ning saves lives"


def test_back_to_search_returns_to_a_multiline_querys_results(page):
    # A form sends the box's line breaks as CRLF, the links on the page carry LF: "Back to
    # search" must still see the same query and return to the results page left (filters too).
    article = fixture_article("a11")
    page.goto("/")
    page.click("#q")
    paste(page, typeset(article["body"]))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    with page.expect_navigation():
        page.check(".facet[data-facet=outlet] input[value='bbc.co.uk']")
    results = page.url
    with page.expect_navigation():
        page.click(".hit h2 a")
    with page.expect_navigation():
        page.click(".back a")
    assert parse_qs(urlsplit(page.url).query) == parse_qs(urlsplit(results).query)
    assert page.locator("#q").input_value() == typeset(article["body"])
