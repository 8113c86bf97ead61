"""Small layout things a reader sees (issue 19), measured in Chromium at phone and desktop
sizes: the search box's placeholder fits, a wrapped byline never starts with "·", and the
timeline's "peak N" sits under the tallest bar."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import DESKTOP, MOBILE

pytestmark = pytest.mark.browser
NARROW = {"width": 320, "height": 800}


@pytest.mark.parametrize("viewport", [MOBILE, NARROW, DESKTOP], ids=["375", "320", "1280"])
def test_the_search_box_placeholder_is_never_cut_off(open_page, viewport):
    page = open_page(viewport=viewport)
    page.goto("/")
    fits = page.evaluate("""() => {
        const q = document.getElementById("q"), style = getComputedStyle(q);
        const probe = document.createElement("span");
        probe.textContent = q.placeholder;
        probe.style.cssText = "position:absolute;visibility:hidden;white-space:nowrap";
        probe.style.font = style.font;
        document.body.appendChild(probe);
        const room = q.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        return [probe.getBoundingClientRect().width, room, q.placeholder];
    }""")
    width, room, text = fits
    assert width <= room, f"placeholder {text!r} is {width:.0f}px in a {room:.0f}px box"
    if viewport is DESKTOP:
        assert "exact phrases" in text  # the hints stay where there is room for them


@pytest.mark.parametrize("viewport", [MOBILE, NARROW], ids=["375", "320"])
def test_a_wrapped_byline_never_starts_a_line_with_a_separator(open_page, viewport):
    page = open_page(viewport=viewport)
    measure = """() => [...document.querySelectorAll(".hit .meta, .hit .story")].map(box => {
        const items = [...box.children], left = box.getBoundingClientRect().left;
        return items.map((el, i) => ({
            starts_line: i > 0 && Math.abs(el.getBoundingClientRect().left - left) < 2,
            before: getComputedStyle(el, "::before").content,
            after: getComputedStyle(el, "::after").content,
            last: i === items.length - 1,
        }));
    })"""
    page.goto("/?q=vaccine")
    lines = page.evaluate(measure)
    if not any(item["starts_line"] for items in lines for item in items):
        # Whether a byline wraps at this width depends on the fonts Chromium finds: narrow
        # the bylines (the stylesheet's separator rules still decide) so that some do.
        page.evaluate("""() => document.querySelectorAll(".hit .meta, .hit .story")
            .forEach(box => { box.style.maxWidth = "12em"; })""")
        lines = page.evaluate(measure)
    wrapped = [items for items in lines if any(item["starts_line"] for item in items)]
    assert wrapped, "no byline wraps at this width: the test would prove nothing"
    for items in lines:
        for item in items:
            assert item["before"] in ("none", "normal", '""'), item
            # The separator ends the item before: the line it wraps from, not the one it starts.
            assert (item["after"] == '"·"') != item["last"], item


@pytest.mark.parametrize("viewport", [MOBILE, DESKTOP], ids=["375", "1280"])
@pytest.mark.parametrize("path", ["/", "/?q=vaccine", "/?q=cancer OR hospital"])
def test_the_peak_label_sits_under_the_tallest_bar(open_page, viewport, path):
    page = open_page(viewport=viewport)
    page.goto(path)
    bars = page.evaluate("""() => [...document.querySelectorAll(".timeline-bar")].map(a => {
        const r = a.querySelector(".timeline-fill").getBoundingClientRect();
        return {label: a.getAttribute("aria-label"), left: r.left, right: r.right};
    })""")
    assert bars
    counts = [int(re.search(r": ([\d,]+) articles?$", b["label"]).group(1).replace(",", "")) for b in bars]
    tallest = bars[counts.index(max(counts))]  # the first of the tallest
    label = page.locator(".timeline-peak .peak-label")
    assert label.inner_text().endswith(f"peak {max(counts):,}")
    box = label.bounding_box()
    chart = page.locator(".timeline-chart").bounding_box()
    left, right = box["x"], box["x"] + box["width"]
    bar_centre = (tallest["left"] + tallest["right"]) / 2
    at = (bar_centre - chart["x"]) / chart["width"]
    # Under the bar: overlapping it and centred on it; near an end of the chart, aligned
    # to that end instead (centred, it would run off the chart).
    assert left <= tallest["right"] and right >= tallest["left"], (box, tallest)
    if at < 0.15:
        assert chart["x"] - 1 <= left <= tallest["left"] + 2, (box, tallest)
    elif at > 0.85:
        assert tallest["right"] - 2 <= right <= chart["x"] + chart["width"] + 1, (box, tallest)
    else:
        assert abs((left + right) / 2 - bar_centre) < 2, (box, tallest)
