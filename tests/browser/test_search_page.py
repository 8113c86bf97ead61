"""The search page and article page in a real browser against a real server."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.browser

MOBILE = {"width": 375, "height": 800}
LITERAL_SCRIPT = "<script>alert('xss-literal')</script>"


def total(page) -> int:
    return int(page.locator("strong[data-total]").get_attribute("data-total"))


def query_args(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def hit_dates(page) -> list[str]:
    return page.locator(".hit time").evaluate_all("els => els.map(e => e.getAttribute('datetime'))")


def search(page, q: str) -> None:
    page.goto("/")
    page.fill("#q", q)
    with page.expect_navigation():
        page.press("#q", "Enter")


def test_query_shows_highlighted_results(page):
    search(page, "vaccine")

    assert urlsplit(page.url).path == "/"
    assert query_args(page)["q"] == ["vaccine"]
    assert page.locator("#q").input_value() == "vaccine"
    assert page.locator(".hit").count() == total(page) > 0
    marks = page.locator(".hit .teaser mark").all_inner_texts()
    assert marks and all(m.lower().startswith("vaccin") for m in marks)


def test_outlet_facet_narrows_results_and_chip_restores_them(page):
    search(page, "vaccine")
    before = total(page)
    outlets = set(page.locator(".hit .outlet").all_inner_texts())
    assert "reuters.com" in outlets and len(outlets) > 1

    with page.expect_navigation():
        page.check(".facet[data-facet=outlet] input[value='reuters.com']")

    assert query_args(page)["outlet"] == ["reuters.com"]
    assert 0 < total(page) < before
    assert set(page.locator(".hit .outlet").all_inner_texts()) == {"reuters.com"}
    assert page.locator(".hit").count() == total(page)
    assert page.is_checked(".facet[data-facet=outlet] input[value='reuters.com']")

    chip = page.locator(".chips a.chip", has_text="reuters.com")
    assert chip.inner_text().startswith("Outlet: reuters.com")
    with page.expect_navigation():
        chip.click()

    assert total(page) == before
    assert "outlet" not in query_args(page)
    assert page.locator(".chips").count() == 0


def test_result_opens_article_with_highlighted_query(page):
    search(page, "screening")
    first = page.locator(".hit h2 a").first
    title = first.inner_text()
    with page.expect_navigation():
        first.click()

    assert re.fullmatch(r"/articles/[^/]+/[^/]+", urlsplit(page.url).path)
    assert page.locator("article.article h1").inner_text() == title
    marks = page.locator(".article .body mark").all_inner_texts()
    assert marks and {m.lower() for m in marks} <= {"screening"}
    # Fixture dates carry no time of day, so none is shown.
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4}", page.locator(".article time").inner_text())
    # The way back keeps the query.
    assert query_args(page)["q"] == ["screening"]
    with page.expect_navigation():
        page.click(".back a")
    assert page.locator("#q").input_value() == "screening"


@pytest.mark.parametrize("path", ["/?q=misinformation", "/articles/a4?q=misinformation"],
                         ids=["results", "article"])
def test_hostile_article_runs_nothing(page, watch, path):
    page.goto(path, wait_until="networkidle")

    assert watch.recorded_dialogs(page) == []
    assert page.evaluate("window.__dialogs") == []
    assert page.get_by_text(LITERAL_SCRIPT).first.is_visible()
    assert page.locator("mark", has_text="misinformation").count() >= 1
    # Nothing from the article became markup: only our own script, no images, no
    # javascript: links, no inline handlers.
    assert page.locator("script").evaluate_all("els => els.map(e => e.getAttribute('src'))") == ["/static/app.js"]
    assert page.locator("main img, main [onerror], main a[href^='javascript:' i]").count() == 0
    assert "xss-title" not in page.title()


def test_no_request_leaves_the_server(page, watch):
    search(page, "vaccine")
    with page.expect_navigation():
        page.locator(".hit h2 a").first.click()
    page.goto("/articles/a4?q=misinformation", wait_until="networkidle")
    page.goto("/no-such-page", wait_until="networkidle")

    assert len(watch.requests) >= 5
    assert watch.foreign_requests() == []


def focused(page) -> str:
    return page.evaluate(
        "(() => { const e = document.activeElement;"
        " return e.id || (e.name ? e.name + '=' + e.value : e.tagName.toLowerCase()); })()")


def test_keyboard_reaches_search_box_and_facets(page):
    page.goto("/?q=vaccine")
    # Start from the top, as a keyboard user arriving on the page: click the empty header.
    page.mouse.click(page.viewport_size["width"] - 5, 5)
    assert focused(page) == "body"
    reached = []
    while "outlet=reuters.com" not in reached and len(reached) < 30:
        page.keyboard.press("Tab")
        reached.append(focused(page))
    assert "q" in reached
    assert "outlet=reuters.com" in reached, f"Tab order was {reached}"
    assert reached.index("q") < reached.index("outlet=reuters.com")

    # The focused facet works from the keyboard alone.
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert query_args(page)["outlet"] == ["reuters.com"]


def test_did_you_mean_leads_to_results(page):
    search(page, "vacine")
    assert total(page) == 0
    suggestion = page.locator(".suggestion a")
    assert suggestion.inner_text() == "vaccine"

    with page.expect_navigation():
        suggestion.click()
    assert query_args(page)["q"] == ["vaccine"]
    assert total(page) > 0
    assert page.locator("#q").input_value() == "vaccine"


def test_sort_select_orders_by_date(page):
    search(page, "vaccine OR cancer OR hospital")
    relevance = hit_dates(page)
    assert relevance != sorted(relevance), "fixture should make relevance order differ from date order"

    with page.expect_navigation():
        page.select_option("select[name=sort]", "oldest")
    assert query_args(page)["sort"] == ["oldest"]
    oldest = hit_dates(page)
    assert len(oldest) >= 3 and oldest == sorted(oldest)

    with page.expect_navigation():
        page.select_option("select[name=sort]", "newest")
    newest = hit_dates(page)
    assert newest == sorted(newest, reverse=True)
    assert page.locator("select[name=sort]").input_value() == "newest"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_words_typed_on_the_home_page_get_relevance_order(open_page, javascript):
    page = open_page(javascript=javascript)
    page.goto("/")
    # "Best match" (no sort parameter): newest first while browsing, relevance with words.
    assert page.locator("select[name=sort]").input_value() == ""
    browse = hit_dates(page)
    assert browse == sorted(browse, reverse=True)
    page.fill("#q", "vaccine OR cancer OR hospital")
    with page.expect_navigation():
        page.click("button[type=submit]")

    assert query_args(page).get("sort", [""]) == [""]
    assert page.locator("select[name=sort]").input_value() == ""
    assert hit_dates(page) != sorted(hit_dates(page), reverse=True)


def test_date_inputs_filter_by_published(page):
    search(page, "vaccine OR cancer OR hospital")
    before = total(page)

    with page.expect_navigation():
        page.fill("input[name=from]", "2017-01-01")
    assert query_args(page)["from"] == ["2017-01-01"]
    dates = hit_dates(page)
    assert 0 < total(page) < before
    assert dates and all(d >= "2017-01-01" for d in dates)
    assert page.locator(".chips a.chip", has_text="From: 2017-01-01").count() == 1
    assert page.locator("input[name=from]").input_value() == "2017-01-01"

    with page.expect_navigation():
        page.fill("input[name=to]", "2017-12-31")
    dates = hit_dates(page)
    assert dates and all("2017-01-01" <= d < "2018" for d in dates)


@pytest.mark.parametrize("path", ["/?q=vaccine", "/?q=vacine", "/articles/a4?q=misinformation",
                                  "/articles/a8?q=breast", "/no-such-page"])
def test_mobile_has_no_horizontal_scroll(open_page, path):
    page = open_page(viewport=MOBILE)
    page.goto(path)
    width = page.evaluate("[document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]")
    assert width[0] <= width[1] + 1, f"page is {width[0]}px wide in a {width[1]}px viewport"


def test_facets_work_without_javascript(open_page):
    page = open_page(javascript=False)
    page.goto("/?q=vaccine")
    before = total(page)
    apply = page.get_by_role("button", name="Apply filters")
    assert apply.is_visible()

    page.check(".facet[data-facet=outlet] input[value='reuters.com']")
    page.wait_for_timeout(300)
    assert "outlet" not in query_args(page), "without JS, ticking a box must not navigate by itself"
    with page.expect_navigation():
        apply.click()

    assert query_args(page)["outlet"] == ["reuters.com"]
    assert query_args(page)["q"] == ["vaccine"]
    assert 0 < total(page) < before
    assert set(page.locator(".hit .outlet").all_inner_texts()) == {"reuters.com"}
