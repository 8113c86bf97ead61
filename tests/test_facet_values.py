"""Every facet value is reachable: "show all", the search within a facet's values and
the /api/facets/<name> twin, and leaving a value out (-outlet=, -author=, -year=).
Expected counts come from the source JSONL."""

import html
import re
from collections import Counter

import pytest

from index.config import Config
from web.app import create_app


@pytest.fixture(scope="module")
def fclient(filters_index):
    app = create_app(Config(index_dir=filters_index, facet_size=2))
    app.config.update(TESTING=True)
    return app.test_client()


def values_of(rows, key):
    for row in rows:
        if key == "author":
            yield from set(row.get("authors") or [])
        elif key == "outlet" and row.get("outlet"):
            yield row["outlet"]
        elif key == "year" and row.get("published"):
            yield row["published"][:4]


def by_count(counter):
    return [{"value": v, "count": n} for v, n in sorted(counter.items(), key=lambda p: (-p[1], p[0].casefold(), p[0]))]


@pytest.mark.parametrize("key", ["author", "outlet", "year"])
def test_api_lists_every_value_by_count(fclient, filters_records, key):
    data = fclient.get(f"/api/facets/{key}").get_json()
    expected = Counter(values_of(filters_records, key))
    assert data["name"] == key and data["total_values"] == len(expected) > 2
    assert data["values"] == by_count(expected)
    # The search page shows only facet_size=2 of them, and links to all.
    page = fclient.get("/").get_data(as_text=True)
    assert f'All {len(expected)} {key} values' in page


def test_counts_are_disjunctive_like_the_search_page(fclient, filters_records):
    # Under outlet=reuters.com, the outlet facet ignores its own filter; authors do not.
    data = fclient.get("/api/facets/outlet?outlet=reuters.com").get_json()
    assert data["values"] == by_count(Counter(values_of(filters_records, "outlet")))
    data = fclient.get("/api/facets/author?outlet=reuters.com").get_json()
    rows = [r for r in filters_records if r.get("outlet") == "reuters.com"]
    assert data["values"] == by_count(Counter(values_of(rows, "author")))
    search = fclient.get("/api/search?outlet=reuters.com").get_json()["facets"]["author"]
    assert {v["value"]: v["count"] for v in search} == {v["value"]: v["count"] for v in data["values"][:2]}


@pytest.mark.parametrize("prefix, found", [("serd", True), ("SERD", True), ("arg", True), ("serdar a", True),
                                           ("erd", False), ("argicx", False)])
def test_prefix_matches_the_start_of_any_word(fclient, prefix, found):
    data = fclient.get("/api/facets/author", query_string={"prefix": prefix}).get_json()
    assert ("Serdar Argic" in [v["value"] for v in data["values"]]) is found
    assert data["total_values"] == len(data["values"])


def test_limit_is_bounded_and_unknown_facets_are_404_json(fclient):
    data = fclient.get("/api/facets/author?limit=2").get_json()
    assert len(data["values"]) == 2 and data["total_values"] > 2
    for bad in ("limit=0", "limit=1001", "limit=x"):
        response = fclient.get(f"/api/facets/author?{bad}")
        assert response.status_code == 400 and "limit" in response.get_json()["error"]
    missing = fclient.get("/api/facets/colour")
    assert missing.status_code == 404 and "colour" in missing.get_json()["error"]
    assert fclient.get("/facets/colour").status_code == 404


def test_show_all_page_lists_values_and_searches_them(fclient, filters_records):
    text = fclient.get("/facets/author?prefix=serd").get_data(as_text=True)
    assert "<h1>" in text and "Serdar Argic" in text and "Ana Ruiz" not in text
    link = re.search(r'<a class="value" href="([^"]*)">Serdar Argic</a>', text).group(1)
    data = fclient.get("/api/search?" + html.unescape(link).split("?", 1)[1]).get_json()
    assert data["total"] == sum("Serdar Argic" in (r.get("authors") or []) for r in filters_records)


@pytest.mark.parametrize("key, value", [("outlet", "reuters.com"), ("author", "Serdar Argic"), ("year", "2016")])
def test_leaving_a_value_out(fclient, filters_records, key, value):
    kept = [r for r in filters_records if value not in set(values_of([r], key))]
    data = fclient.get(f"/api/search?-{key}={value}&per_page=100").get_json()
    assert data["total"] == len(kept) == len(data["results"]) < len(filters_records)
    assert data["request"]["exclude"][key] == [value]
    for other in ("author", "outlet", "year"):
        got = {v["value"]: v["count"] for v in data["facets"][other] if v["count"]}
        expected = Counter(values_of(kept, other))
        assert got == {v: n for v, n in expected.items() if v in got}
    listing = fclient.get(f"/api/facets/{key}?-{key}={value}").get_json()
    assert value not in [v["value"] for v in listing["values"]]

    text = fclient.get(f"/?-{key}={value}").get_data(as_text=True)
    chip = re.search(r'<a class="chip excluded" href="([^"]*)"[^>]*>(.*?)</a>', text, re.S)
    assert chip and "<s>" in chip.group(2) and html.escape(value) in chip.group(2)
    restored = fclient.get(html.unescape(chip.group(1))).get_data(as_text=True)
    assert f'data-total="{len(filters_records)}"' in restored


def test_excluding_a_selected_value_unselects_it(fclient):
    text = fclient.get("/?outlet=reuters.com").get_data(as_text=True)
    link = re.search(r'<a class="exclude" href="([^"]*)" title="Leave out reuters.com"', text).group(1)
    data = fclient.get("/api/search?" + html.unescape(link).split("?", 1)[1]).get_json()
    assert data["request"]["outlet"] == [] and data["request"]["exclude"]["outlet"] == ["reuters.com"]


def test_year_exclusions_are_validated(fclient):
    assert fclient.get("/api/search?-year=20x6").status_code == 400


def test_cli_leaves_values_out_like_the_api(filters_index, filters_records):
    import json
    import subprocess
    import sys

    from tests.conftest import REPO

    done = subprocess.run(
        [sys.executable, "-m", "web.cli", "search", "--not-outlet", "reuters.com", "--not-author", "Serdar Argic",
         "--per-page", "100", "--index", str(filters_index), "--json"],
        capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    kept = [r for r in filters_records
            if r.get("outlet") != "reuters.com" and "Serdar Argic" not in (r.get("authors") or [])]
    assert data["total"] == len(kept) == len(data["results"])
    assert {r["id"] for r in data["results"]} == {r["id"] for r in kept}
    assert data["request"]["exclude"] == {"author": ["Serdar Argic"], "outlet": ["reuters.com"], "year": [], "language": []}
