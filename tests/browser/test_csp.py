"""The Content-Security-Policy holds in Chromium: every page works and reports no violation."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.browser

# Installed before any page script: every violation the browser reports is kept.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sourceFile || ""));
});
"""

PAGES = [
    "/",
    "/?q=vaccine",
    "/?q=vacine",
    "/?q=vaccine&outlet=reuters.com&sort=oldest",
    "/?from=2017-01-01&to=2017-12-31",
    "/articles/a1",
    "/articles/a4?q=misinformation",
    "/articles/no-such-article",
    "/facets/author?q=vaccine",
    "/facets/outlet?prefix=re",
    "/?q=vaccine&-outlet=reuters.com",
    "/?from=nonsense",
    "/no-such-page",
]


class Violations:
    def __init__(self, page):
        self.page = page
        self.console: list[str] = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._on_console)

    def _on_console(self, message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(message.text)

    def all(self) -> list[str]:
        return self.console + self.page.evaluate("window.__csp || []")


@pytest.fixture
def csp_page(page):
    page.violations = Violations(page)
    return page


def assert_styled_and_scripted(page) -> None:
    # The stylesheet applied (the skip link is moved off screen) and the script ran.
    assert page.locator("a.skip").evaluate("e => getComputedStyle(e).position") == "absolute"
    assert page.evaluate("document.documentElement.classList.contains('js')")


@pytest.mark.parametrize("path", PAGES)
def test_page_works_under_the_policy(csp_page, path):
    response = csp_page.goto(path, wait_until="networkidle")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert_styled_and_scripted(csp_page)
    assert csp_page.violations.all() == []


def test_interactions_work_under_the_policy(csp_page):
    page = csp_page
    page.goto("/")
    page.fill("#q", "vaccine")
    with page.expect_navigation():
        page.press("#q", "Enter")
    # The script submits the form when a facet is ticked or the sort changes.
    with page.expect_navigation():
        page.check(".facet[data-facet=outlet] input[value='reuters.com']")
    assert parse_qs(urlsplit(page.url).query)["outlet"] == ["reuters.com"]
    with page.expect_navigation():
        page.select_option("select[name=sort]", "oldest")
    assert parse_qs(urlsplit(page.url).query)["sort"] == ["oldest"]
    with page.expect_navigation():
        page.locator(".hit h2 a").first.click()
    assert urlsplit(page.url).path.startswith("/articles/")
    assert_styled_and_scripted(page)
    assert page.violations.all() == []


def test_inline_script_would_be_reported(csp_page):
    """The listener works: an inline script injected into a page is blocked and reported."""
    page = csp_page
    page.goto("/?q=vaccine")
    page.evaluate("""() => {
        const s = document.createElement('script');
        s.textContent = 'window.__ran = true';
        document.body.appendChild(s);
    }""")
    page.wait_for_function("window.__csp.length > 0")
    assert page.evaluate("window.__ran === undefined")
    assert any("script-src" in v for v in page.violations.all())
