"""Accessibility in Chromium: axe-core (the npm package) finds no serious or critical
violation on the search, article and error pages, and the whole flow works from the
keyboard alone: search, tick a facet, open an article, come back."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import DESKTOP, MOBILE, unavailable

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

PAGES = [
    "/",
    "/?q=vaccine",
    "/?q=vaccine&outlet=reuters.com&sort=oldest",
    "/?q=vacine",
    "/?q=xyzzyplugh",
    "/?from=2017-01-01&to=2017-12-31",
    "/articles/a1?q=vaccine",
    "/articles/a4?q=misinformation",
    "/articles/no-such-article",
    "/facets/author?q=vaccine",
    "/facets/outlet?prefix=re",
    "/?q=vaccine&-outlet=reuters.com",
    "/?from=nonsense",
    "/no-such-page",
]


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        unavailable(f"axe-core is not installed at {AXE} (run `npm ci`; make test does)")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def axe_page(browser, server, axe_source):
    """A page whose context lets the test inject axe (the site's CSP rightly forbids it)."""
    contexts = []

    def open_page(viewport=DESKTOP):
        context = browser.new_context(viewport=viewport, base_url=server, bypass_csp=True)
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def serious_violations(page, axe_source: str) -> list[str]:
    page.add_script_tag(content=axe_source)
    results = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ["violations"]});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
    }""")
    return [f"{v['impact']}: {v['id']} ({v['help']}) at {v['nodes']}"
            for v in results if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_axe_violations(axe_page, axe_source, path):
    page = axe_page()
    page.goto(path, wait_until="networkidle")
    assert serious_violations(page, axe_source) == []


@pytest.mark.parametrize("path", ["/?q=vaccine", "/articles/a1?q=vaccine"])
def test_no_serious_axe_violations_on_mobile(axe_page, axe_source, path):
    page = axe_page(MOBILE)
    page.goto(path, wait_until="networkidle")
    assert serious_violations(page, axe_source) == []


def test_axe_finds_a_planted_violation(axe_page, axe_source):
    """The check can fail: an image without alt text and an unlabelled field are found."""
    page = axe_page()
    page.goto("/?q=vaccine", wait_until="networkidle")
    page.evaluate("""() => {
        const input = document.createElement("input");
        document.querySelector("main").append(input);
        const img = document.createElement("img");
        img.src = "/static/none.png";
        document.querySelector("main").append(img);
    }""")
    found = serious_violations(page, axe_source)
    assert any("image-alt" in v for v in found) and any("label" in v for v in found), found


# --- keyboard only ----------------------------------------------------------------------


def focused(page) -> dict:
    return page.evaluate("""() => {
        const e = document.activeElement;
        const style = getComputedStyle(e);
        return {tag: e.tagName.toLowerCase(), id: e.id, name: e.name || "", value: e.value || "",
                href: e.getAttribute("href") || "", cls: e.className || "",
                inHit: !!e.closest(".hit"),
                ring: style.outlineStyle !== "none" || style.boxShadow !== "none"};
    }""")


def tab_to(page, wanted, limit: int = 60) -> dict:
    """Press Tab until ``wanted(focused element)`` (which may already have focus)."""
    path = []
    now = focused(page)
    for _ in range(limit):
        if wanted(now):
            return now
        page.keyboard.press("Tab")
        now = focused(page)
        path.append(now["id"] or (f"{now['name']}={now['value']}" if now["name"] else now["href"] or now["tag"]))
    raise AssertionError(f"never reached the target; Tab went through {path}")


def args(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def test_keyboard_only_search_facet_article_and_back(page):
    page.goto("/")
    box = tab_to(page, lambda e: e["id"] == "q")
    assert box["ring"], "the search box shows no focus indicator"
    page.keyboard.type("vaccine")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert args(page)["q"] == ["vaccine"]
    all_hits = page.locator(".hit").count()

    checkbox = tab_to(page, lambda e: e["name"] == "outlet" and e["value"] == "reuters.com")
    assert checkbox["ring"], "the facet checkbox shows no focus indicator"
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert args(page)["outlet"] == ["reuters.com"]
    assert 0 < page.locator(".hit").count() < all_hits
    assert page.is_checked(".facet[data-facet=outlet] input[value='reuters.com']")

    link = tab_to(page, lambda e: e["tag"] == "a" and e["inHit"])
    assert link["ring"], "result links show no focus indicator"
    title = page.locator(".hit h2 a").first.inner_text()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path.startswith("/articles/")
    assert page.locator("article.article h1").inner_text() == title

    tab_to(page, lambda e: "back" in (e["cls"] + e["href"]) or e["href"].startswith("/?"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # Back on the very results page left: words, facet and all.
    assert urlsplit(page.url).path == "/"
    assert args(page)["q"] == ["vaccine"] and args(page)["outlet"] == ["reuters.com"]
    assert page.locator("#q").input_value() == "vaccine"
    assert page.is_checked(".facet[data-facet=outlet] input[value='reuters.com']")
