"""Pasting a multi-line, typeset quote into the search box finds its article."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

# As copied from a PDF: curly quotes, a word hyphenated at a line break, a soft hyphen,
# a curly apostrophe and line breaks.
QUOTE = ("\u201cWaiting times at hospitals fell for the first time in years, accord-\n"
         "ing to new figures. Doctors don\u2019t ex\u00adpect the trend\nto last.\u201d")


def paste(page, text: str) -> None:
    """Paste ``text`` into the focused element through a real clipboard paste event."""
    page.evaluate(
        """text => {
            const data = new DataTransfer();
            data.setData("text/plain", text);
            const event = new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true});
            if (document.activeElement.dispatchEvent(event)) {
                // Not handled by the page: what the browser itself would insert.
                document.execCommand("insertText", false, text);
            }
        }""",
        text,
    )


def test_pasted_multiline_quote_finds_its_article(page):
    page.goto("/")
    page.click("#q")
    paste(page, QUOTE)
    value = page.locator("#q").input_value()
    assert "\n" not in value and "according" in value and "trend to last" in value
    with page.expect_navigation():
        page.press("#q", "Enter")
    first = page.locator(".hit").first
    assert "Hospital waiting times fall" in first.locator("h2, h3, a").first.inner_text()
    marks = " ".join(first.locator(".teaser mark").all_inner_texts())
    assert "Doctors" in marks or "Waiting" in marks
