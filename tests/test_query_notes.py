"""Query notes are even (issue 19): what the parser did with a range without a field,
year:/language:, short wildcards, pure punctuation and an empty field is said once, through
the JSON API and the page; year:2016 is the Year filter. Counts come from the JSONL."""

from __future__ import annotations

import pytest

from index.config import Config
from tests.conftest import indexed_rows
from web.app import create_app


@pytest.fixture(scope="module")
def fclient(filters_index):
    app = create_app(Config(index_dir=filters_index))
    app.config.update(TESTING=True)
    return app.test_client()


def api(client, **args) -> dict:
    response = client.get("/api/search", query_string={"per_page": 100, **args})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_year_field_is_the_year_filter(fclient, filters_records):
    years = {r["published"][:4] for r in filters_records if r.get("published")}
    assert len(years) > 1
    for year in sorted(years):
        expected = {r["id"] for r in filters_records if (r.get("published") or "")[:4] == year}
        found = api(fclient, q=f"year:{year}")
        assert {h["id"] for h in found["results"]} == expected, year
        assert not any("Unknown field" in n for n in found["notes"])
        assert found["total"] == api(fclient, year=year)["total"]
    first, second = sorted(years)[:2]
    either = api(fclient, q=f"year:{first} OR year:{second}")["total"]
    assert either == sum(1 for r in filters_records if (r.get("published") or "")[:4] in (first, second))
    left = api(fclient, q=f"-year:{first}")["total"]
    assert left == len(filters_records) - sum(1 for r in filters_records if (r.get("published") or "")[:4] == first)


def test_a_year_that_is_not_four_digits_says_how_to_write_it(fclient):
    notes = api(fclient, q="year:16")["notes"]
    assert any("'year:16'" in n and "year:2016" in n for n in notes), notes


def test_a_range_without_a_field_is_noted_like_a_bad_date_range(fclient):
    for q in ("[a TO z]", "funding [a TO z]"):
        notes = api(fclient, q=q)["notes"]
        assert any("'[a TO z]' was searched as words" in n and "published:[" in n for n in notes), notes
    assert any("date range" in n for n in api(fclient, q="published:[a TO z]")["notes"])
    assert not any("ranges" in n for n in api(fclient, q="published:[2016-01-01 TO 2016-12-31]")["notes"])


def test_one_note_for_many_short_wildcards(fclient):
    notes = api(fclient, q="a* b* c* d* e*")["notes"]
    wildcard = [n for n in notes if "Wildcards need" in n]
    assert len(wildcard) == 1 and all(f"'{c}*'" in wildcard[0] for c in "abcde"), notes
    assert len(notes) == len(set(notes))


def test_only_punctuation_gets_a_note_and_no_results(fclient):
    page = fclient.get("/", query_string={"q": "~!@#$%^&*()_+"}).get_data(as_text=True)
    assert "only punctuation or symbols" in page
    found = api(fclient, q="~!@#$%^&*()_+")
    assert found["total"] == 0 and any("only punctuation" in n for n in found["notes"])


def test_a_field_with_nothing_after_it_is_noted(fclient, filters_records):
    found = api(fclient, q="title:")
    assert any("'title:' has nothing after it" in n for n in found["notes"]), found["notes"]
    # It is searched as the word: as many results as articles with "title" in title or body.
    expected = sum(1 for r in filters_records if "title" in (r["title"] + " " + r["body"]).lower().split())
    assert found["total"] == expected
    assert not any("nothing after it" in n for n in api(fclient, q="title:funding")["notes"])


def test_language_field_finds_the_articles_in_that_language(client, fixture_records):
    expected = {r["id"] for r in indexed_rows(fixture_records) if r.get("language") == "fr"}
    assert expected
    found = api(client, q="language:fr")
    assert {h["id"] for h in found["results"]} == expected and not found["notes"]


def test_a_reversed_date_range_is_swapped_with_a_note(fclient, filters_records):
    years = sorted({r["published"][:4] for r in filters_records if r.get("published")})
    first, last = years[0], years[-1]
    assert first < last
    expected = {r["id"] for r in filters_records if first <= (r.get("published") or "")[:4] <= last}
    found = api(fclient, q=f"published:[{last} TO {first}]")
    assert {h["id"] for h in found["results"]} == expected
    assert any("ends before it starts" in n and f"published:[{first} TO {last}]" in n for n in found["notes"]), found
    assert not any("ends before" in n for n in api(fclient, q=f"published:[{first} TO {last}]")["notes"])
