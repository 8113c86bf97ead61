"""Integration on the shared FakeHealth corpus: totals, facets, filters and phrases checked
against counts computed directly from the JSONL (never from artsearch itself)."""

import re
from collections import Counter
from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from search.request import SearchRequest
from tests.date_policy import published

pytestmark = pytest.mark.slow


def search(engine, pairs):
    return engine.search(SearchRequest.from_args(MultiDict(pairs)))


def utc(row):
    """The row's date in UTC by the documented policy (tests/date_policy.py): the record's
    date unless after the page's web.archive.org snapshot or later than the body's dateline,
    else the body's dateline; an upper bound alone is no date."""
    return published(row)


def test_total(fakehealth_engine, fakehealth_rows):
    assert search(fakehealth_engine, []).total == len(fakehealth_rows) == 2208


def test_outlet_facet_counts(fakehealth_engine, fakehealth_rows):
    expected = Counter(r["outlet"] for r in fakehealth_rows)
    facet = search(fakehealth_engine, []).facet("outlet")
    assert len(facet.values) == 10
    assert {v.value: v.count for v in facet.values} == dict(expected.most_common(10))


def test_year_facet_counts(fakehealth_engine, fakehealth_rows):
    expected = Counter(str(utc(r).year) for r in fakehealth_rows if utc(r))
    facet = search(fakehealth_engine, [("per_page", "1")]).facet("year")
    got = {v.value: v.count for v in facet.values}
    assert got == {y: n for y, n in expected.items() if y in got}
    assert len(got) == min(10, len(expected))


@pytest.mark.parametrize("outlets", [["reuters.com"], ["nytimes.com", "wsj.com"]])
def test_outlet_filter(fakehealth_engine, fakehealth_rows, outlets):
    result = search(fakehealth_engine, [("outlet", o) for o in outlets])
    assert result.total == sum(1 for r in fakehealth_rows if r["outlet"] in outlets)


def test_author_filter_and_facet(fakehealth_engine, fakehealth_rows):
    def rows_with(name):
        return sum(1 for r in fakehealth_rows if any(a.casefold() == name.casefold() for a in r.get("authors") or []))

    facet = search(fakehealth_engine, []).facet("author")
    for value in facet.values[:5]:
        assert value.count == rows_with(value.value), value.value
    assert "Min Read" not in {v.value for v in facet.values}
    result = search(fakehealth_engine, [("author", "Steven Reinberg")])
    assert result.total == rows_with("Steven Reinberg") > 0


def test_date_range_filter(fakehealth_engine, fakehealth_rows):
    start, end = date(2016, 1, 1), date(2016, 6, 30)
    expected = sum(1 for r in fakehealth_rows if utc(r) and start <= utc(r).date() <= end)
    result = search(fakehealth_engine, [("from", start.isoformat()), ("to", end.isoformat())])
    assert result.total == expected > 0
    assert all(start <= h.published.date() <= end for h in result.hits)


def test_phrase_query_counts(fakehealth_engine, fakehealth_rows):
    # Porter reduces cancers/cancerous to "cancer" and breasts to "breast"; words are \w+ runs.
    pattern = re.compile(r"(?<!\w)breasts?\W+cancer(?:s|ous)?(?!\w)", re.I)
    expected = sum(1 for r in fakehealth_rows if pattern.search(r.get("title") or "") or pattern.search(r["body"]))
    assert search(fakehealth_engine, [("q", '"breast cancer"')]).total == expected


def test_query_plus_filters_combine(fakehealth_engine, fakehealth_rows):
    word = re.compile(r"(?<!\w)vaccin(?:e|es|ed|ation|ations)?(?!\w)", re.I)
    result = search(fakehealth_engine, [("q", "vaccine"), ("outlet", "reuters.com")])
    ids = {h.id for h in search(fakehealth_engine, [("q", "vaccine"), ("outlet", "reuters.com"),
                                                    ("per_page", "100")]).hits}
    for row in fakehealth_rows:
        if row["id"] in ids:
            assert row["outlet"] == "reuters.com"
            assert word.search(row["body"]) or word.search(row.get("title") or "")
    assert result.total == len(ids)
