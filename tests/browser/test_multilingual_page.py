"""A result page mixing twelve languages, in Chromium at 1280 and 375 px (issue 17): every
title and teaser carries its language and reads in its direction, no teaser starts or
ends inside a character cluster, nothing overflows a phone's width. Screenshots go to
``ARTSEARCH_SCREENSHOTS`` (docs/languages-*.png were made so)."""

from __future__ import annotations

import os
import subprocess
import unicodedata
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.browser.conftest import DESKTOP, MOBILE, artsearch_command
from tests.fixtures.multilingual_queries import JSONL, records
from tests.servers import running_server

pytestmark = pytest.mark.browser

# A word from each of several languages' articles: one page of results in all of them.
MIXED = "北京 OR 東京 OR 서울 OR الحكومة OR تهران OR Москве OR Дніпро OR Bundesregierung OR gouvernement OR sequía OR deprem OR दिल्ली"
RTL = {"ar", "fa", "he"}


@pytest.fixture(scope="module")
def ml_server(tmp_path_factory):
    index = tmp_path_factory.mktemp("ml-browser") / "index"
    subprocess.run([*artsearch_command(), "reindex", str(JSONL), "--index", str(index), "--quiet"],
                   check=True, capture_output=True, text=True, timeout=300)
    with running_server(index, command=artsearch_command()) as base_url:
        yield base_url


def _expected_languages() -> dict[str, str]:
    """Article id -> language, from the fixture (its id starts with the language's code)."""
    return {r["id"]: r.get("language") or r["id"][:2] for r in records()}


def _hits(page) -> list[dict]:
    return page.locator(".hit").evaluate_all("""els => els.map(li => {
        const h2 = li.querySelector("h2"), teaser = li.querySelector(".teaser");
        return {href: h2.querySelector("a").getAttribute("href"), title: h2.innerText,
                lang: h2.getAttribute("lang"), teaserLang: teaser.getAttribute("lang"),
                rtl: h2.matches(":dir(rtl)"), teaserRtl: teaser.matches(":dir(rtl)"),
                fragments: [...teaser.querySelectorAll(".fragment")].map(f => f.innerText)};
    })""")


def _is_mark(char: str) -> bool:
    return unicodedata.category(char).startswith("M") or char in "\u200c\u200d"


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["1280", "375"])
def test_mixed_language_page_reads_right(browser, ml_server, viewport):
    context = browser.new_context(viewport=viewport, base_url=ml_server)
    try:
        page = context.new_page()
        page.goto("/?" + urlencode({"q": MIXED, "per_page": 30}), wait_until="networkidle")
        hits = _hits(page)
        languages = _expected_languages()
        by_title = {r["title"]: r["id"] for r in records()}
        seen = set()
        for hit in hits:
            id_ = by_title[hit["title"].strip()]
            language = languages[id_]
            seen.add(language)
            assert hit["lang"] == hit["teaserLang"] == language, hit
            assert hit["rtl"] == hit["teaserRtl"] == (language in RTL), hit
            for fragment in hit["fragments"]:
                text = fragment.strip().strip("…").strip()
                assert text and not _is_mark(text[0]) and not _is_mark(text[-1]), (id_, fragment)
        assert len(seen) >= 10, seen
        # The page's own chrome stays English and left to right.
        assert page.locator("html").get_attribute("lang") == "en"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"the page is {width}px wide at {viewport['width']}px"
        out = os.environ.get("ARTSEARCH_SCREENSHOTS")
        if out:
            Path(out).mkdir(parents=True, exist_ok=True)
            # The whole page at 1280; on a phone, a screen's height from the first result on.
            top = page.locator(".hit").first.bounding_box()["y"] if viewport is MOBILE else 0
            clip = {"x": 0, "y": top, "width": viewport["width"], "height": 1400} if viewport is MOBILE else None
            page.screenshot(path=str(Path(out) / f"languages-{viewport['width']}.png"), full_page=True, clip=clip)
    finally:
        context.close()


def test_arabic_article_page_is_right_to_left(browser, ml_server):
    context = browser.new_context(viewport=MOBILE, base_url=ml_server)
    try:
        page = context.new_page()
        page.goto("/articles/ar1", wait_until="networkidle")
        heading = page.locator("h1")
        assert heading.get_attribute("lang") == "ar" and heading.evaluate("h => h.matches(':dir(rtl)')")
        assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
    finally:
        context.close()
