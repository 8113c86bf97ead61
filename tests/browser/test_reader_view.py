"""What a reader sees, in Chromium: one ellipsis at the end of a phone teaser, long facet
values that wrap between words, reflowed article paragraphs, and no 404 for a favicon."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.browser.conftest import DESKTOP, MOBILE, artsearch_command
from tests.servers import running_server

pytestmark = pytest.mark.browser

FILLER = ("The committee met again on Tuesday and heard evidence from several witnesses about "
          "the budget, the schedule and the staffing of the regional offices over the coming years. ")
LONG_OUTLET = "Evening Chronicle Regional Health and Science Desk International Edition"
LONG_HOST = "edition.medicalnewstoday.com"
WIRE = ("  LONDON (Reuters) - The heron population along the estuary\n"
        "has doubled since the wetland was restored, surveyors said\n"
        "on Monday.\n"
        "  The survey counted nests from the air and from the\n"
        "ground over three weeks.\n")


def corpus() -> list[dict]:
    rows = [{"id": "wire-1", "title": "Herons return to the estuary", "author": "Ann Lee",
             "outlet": LONG_OUTLET, "published": "2019-04-01", "body": WIRE}]
    for n in range(6):
        # "heron" near the start and "wetland" far later: a teaser of two fragments.
        rows.append({"id": f"long-{n}", "title": f"Estuary report {n}", "author": "Ann Lee",
                     "outlet": "example.org" if n else LONG_HOST, "published": f"2019-05-0{n + 1}",
                     "body": f"A heron was seen near the pier. {FILLER * 4}The wetland plan was approved. {FILLER * 3}"})
    return rows


@pytest.fixture(scope="module")
def reader_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reader")
    source = folder / "reader.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in corpus()), encoding="utf-8")
    subprocess.run([*artsearch_command(), "reindex", str(source), "--index", str(folder / "ix"), "--quiet"],
                   check=True, capture_output=True, text=True, timeout=120)
    with running_server(folder / "ix", command=artsearch_command()) as base_url:
        yield base_url


@pytest.fixture
def open_at(browser, reader_server):
    contexts = []

    def open_at(viewport):
        context = browser.new_context(viewport=viewport, base_url=reader_server)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_at
    for context in contexts:
        context.close()


def test_phone_teasers_end_in_one_ellipsis(open_at):
    page = open_at(MOBILE)
    # The six reports share their body, so they are one story: list every copy.
    page.goto("/?q=heron+wetland&collapse=0")
    teasers = page.locator(".hit", has_text="Estuary report").locator(".teaser")
    assert teasers.count() == 6
    page.screenshot(path="/tmp/artsearch-phone-teasers.png", full_page=False)
    for i in range(teasers.count()):
        teaser = teasers.nth(i)
        assert teaser.locator(".fragment").count() == 2  # two fragments in the page...
        shown = teaser.locator(".fragment").evaluate_all(
            "els => els.filter(e => getComputedStyle(e).display !== 'none').map(e => e.textContent)")
        assert len(shown) == 1  # ...of which a phone shows the first only
        text = shown[0].strip()
        # An ellipsis may open the text and must close it; none in between, where the
        # clamp could cut right after it and add its own.
        assert text.endswith(" …") and "…" not in text.removeprefix("… ")[:-1]
        # The clamp's own ellipsis can only follow the last visible character: nothing
        # visible comes after this fragment's trailing "…".
        assert teaser.evaluate("e => e.textContent.trim().endsWith('…')")


def test_desktop_teasers_show_both_fragments_once(open_at):
    page = open_at(DESKTOP)
    page.goto("/?q=heron+wetland")
    text = page.locator(".hit", has_text="Estuary report").locator(".teaser").first.inner_text()
    assert "heron" in text and "wetland" in text
    assert "… …" not in text and "……" not in text, text
    assert text.count("…") == 2 and text.endswith(" …"), text  # between the fragments, and at the end


# Where each line of an element's text starts: the characters before and after each break.
LINE_BREAKS = """a => {
    const chars = [];
    const walker = document.createTreeWalker(a, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (let i = 0; i < node.textContent.length; i++) {
            const r = document.createRange();
            r.setStart(node, i); r.setEnd(node, i + 1);
            const rect = r.getClientRects()[0];
            if (rect) chars.push([node.textContent[i], Math.round(rect.top)]);
        }
    }
    const breaks = [];
    for (let i = 1; i < chars.length; i++) {
        if (chars[i][1] > chars[i - 1][1] + 2) breaks.push(chars[i - 1][0] + chars[i][0]);
    }
    return breaks;
}"""


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE])
@pytest.mark.parametrize("value", [LONG_OUTLET, LONG_HOST])
def test_long_facet_values_wrap_between_words(open_at, viewport, value):
    page = open_at(viewport)
    page.goto("/")
    link = page.locator(".facet[data-facet=outlet] li label a").filter(has_text=value[:12])
    link.scroll_into_view_if_needed()
    page.screenshot(path=f"/tmp/artsearch-long-facet-{viewport['width']}.png", full_page=True)
    assert link.inner_text() == value
    breaks = link.evaluate(LINE_BREAKS)
    for pair in breaks:
        assert pair[0] in " ./@_-" or pair[1] == " ", f"a line ends inside a word: {pair!r} in {value!r}"
    fieldset = page.locator(".facet[data-facet=outlet]").bounding_box()
    box = link.bounding_box()
    assert box["x"] + box["width"] <= fieldset["x"] + fieldset["width"] + 1


def test_article_is_reflowed_and_nothing_404s(open_at):
    page = open_at(DESKTOP)
    failures = []
    page.on("response", lambda r: failures.append(r.url) if r.status >= 400 else None)
    page.goto("/articles/wire-1?q=wetland", wait_until="networkidle")
    paragraphs = page.locator(".body p").all_inner_texts()
    assert paragraphs == [
        "LONDON (Reuters) - The heron population along the estuary has doubled since the wetland "
        "was restored, surveyors said on Monday.",
        "The survey counted nests from the air and from the ground over three weeks.",
    ]
    assert page.locator(".body mark").all_inner_texts() == ["wetland"]
    page.screenshot(path="/tmp/artsearch-article-reflow.png")
    page.goto("/?q=heron", wait_until="networkidle")
    assert page.locator(".hit h2 mark").first.inner_text().lower().startswith("heron")
    assert failures == []
