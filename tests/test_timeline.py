"""The timeline of matches: interval choice, bucket bounds, and counts checked against
dates read independently from the source JSONL (fixture corpus and FakeHealth)."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import pytest
from dateutil import parser as dateparser

from search.timeline import DayColumn, build_timeline, pick_interval
from tests.conftest import indexed_rows
from tests.date_policy import published


def published_day(row: dict) -> date | None:
    """The row's UTC publication day by the documented rules (docs/reindexing.md, written
    again in tests/date_policy.py); epoch numbers (the fixture corpus) are UTC seconds."""
    raw = row.get("published")
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return datetime.fromtimestamp(raw, timezone.utc).date()
    if isinstance(raw, str) and raw:
        try:
            datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            value = dateparser.parse(raw)
            return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).astimezone(timezone.utc).date()
    when = published(row)
    return when.date() if when else None


def bucket_key(day: date, interval: str) -> str:
    """Bucket start as the JSON spells it, computed here without the module's helpers."""
    if interval == "year":
        return f"{day.year}-01-01"
    if interval == "month":
        return f"{day.year}-{day.month:02d}-01"
    if interval == "week":
        iso = day.isocalendar()
        return date.fromisocalendar(iso.year, iso.week, 1).isoformat()
    return day.isoformat()


def check_against_rows(timeline: dict, rows: list[dict]) -> None:
    days = [published_day(r) for r in rows]
    dated = [d for d in days if d]
    expected = Counter(bucket_key(d, timeline["interval"]) for d in dated)
    got = {b["start"]: b["count"] for b in timeline["buckets"] if b["count"]}
    assert got == dict(expected)
    assert sum(b["count"] for b in timeline["buckets"]) == len(dated)
    assert timeline["undated"] == len(days) - len(dated)
    starts = [b["start"] for b in timeline["buckets"]]
    assert starts == sorted(starts) and starts[0] == min(expected) and starts[-1] == max(expected)


# Interval choice: about 20-60 bars ------------------------------------------------------

@pytest.mark.parametrize("first, last, interval", [
    (date(2016, 3, 1), date(2016, 3, 1), "day"),      # one day: one bar, nothing finer exists
    (date(2016, 3, 1), date(2016, 4, 14), "day"),     # 45 days
    (date(2016, 1, 1), date(2016, 12, 31), "week"),   # 53 weeks
    (date(2014, 1, 1), date(2016, 12, 31), "month"),  # 36 months
    (date(2000, 1, 1), date(2019, 12, 31), "year"),   # 20 years
    (date(1870, 1, 1), date(2019, 12, 31), "year"),   # 150 years: still years, the coarsest
])
def test_interval_gives_about_20_to_60_bars(first, last, interval):
    assert pick_interval(first, last) == interval


def test_buckets_are_contiguous_calendar_units_and_add_up():
    when = [datetime(2016, 1, 31, 23), datetime(2016, 2, 1), datetime(2016, 2, 29, 12), datetime(2018, 12, 31)]
    column = DayColumn(range(len(when)), when, len(when) + 1)  # doc 4 is undated
    timeline = build_timeline(column, range(len(when) + 1))
    assert timeline.interval == "month" and timeline.undated == 1
    assert [b.start for b in timeline.buckets][:3] == [date(2016, 1, 1), date(2016, 2, 1), date(2016, 3, 1)]
    assert timeline.buckets[1].end == date(2016, 2, 29) and timeline.buckets[-1].end == date(2018, 12, 31)
    assert len(timeline.buckets) == 36
    assert [b.count for b in timeline.buckets if b.count] == [1, 2, 1]
    for a, b in zip(timeline.buckets, timeline.buckets[1:], strict=False):
        assert a.end + timedelta(days=1) == b.start


def test_weeks_start_on_monday():
    when = [datetime(2016, 1, 3), datetime(2016, 1, 4), datetime(2016, 12, 1)]  # a Sunday, a Monday
    timeline = build_timeline(DayColumn(range(3), when, 3), range(3))
    assert timeline.interval == "week"
    assert timeline.buckets[0].start == date(2015, 12, 28) and timeline.buckets[0].count == 1
    assert timeline.buckets[1].start == date(2016, 1, 4) and timeline.buckets[1].end == date(2016, 1, 10)
    assert all(b.start.weekday() == 0 for b in timeline.buckets)


def test_no_dated_match_means_no_bars():
    timeline = build_timeline(DayColumn([], [], 3), [0, 1])
    assert timeline.interval is None and timeline.buckets == () and timeline.undated == 2


# HTTP on the fixture corpus ----------------------------------------------------------------

def test_json_timeline_matches_fixture_dates(client, fixture_records):
    data = client.get("/api/search?per_page=1").get_json()
    indexed = indexed_rows(fixture_records)
    assert data["total"] == len(indexed)
    check_against_rows(data["timeline"], indexed)


def test_json_timeline_follows_filters(client, fixture_records):
    data = client.get("/api/search?outlet=reuters.com&outlet=nytimes.com").get_json()
    rows = [r for r in indexed_rows(fixture_records) if r.get("outlet") in ("reuters.com", "nytimes.com")]
    check_against_rows(data["timeline"], rows)


def test_bars_and_table_rows_link_to_their_bucket(client):
    data = client.get("/api/search?q=vaccine").get_json()
    page = client.get("/?q=vaccine").get_data(as_text=True)
    bars = re.findall(r'<a class="timeline-bar" href="([^"]+)" aria-label="([^"]+)"', page)
    rows = re.findall(r'<tr><th scope="row"><a href="([^"]+)">', page)
    nonempty = [b for b in data["timeline"]["buckets"] if b["count"]]
    assert len(bars) == len(rows) == len(nonempty) > 0
    for (href, label), bucket in zip(bars, nonempty, strict=True):
        args = parse_qs(urlsplit(href.replace("&amp;", "&")).query)
        assert args["q"] == ["vaccine"]
        assert args["from"] == [bucket["start"]] and args["to"] == [bucket["end"]]
        # Following the link gives exactly that bar's articles.
        assert client.get("/api/search?" + urlsplit(href.replace("&amp;", "&")).query).get_json()["total"] == bucket["count"]
        assert label.endswith(f"{bucket['count']} article" + ("s" if bucket["count"] != 1 else ""))


def test_no_timeline_without_dated_matches(client, fixture_records):
    rows = [r for r in fixture_records if "funding" in (r.get("body") or "")]
    assert rows and all(published_day(r) is None for r in rows)
    data = client.get("/api/search?q=funding").get_json()
    assert data["total"] == len(rows)
    assert data["timeline"] == {"interval": None, "buckets": [], "undated": len(rows)}
    assert 'class="timeline"' not in client.get("/?q=funding").get_data(as_text=True)


# FakeHealth: real dates, including the crawl artefacts the index drops -------------------

@pytest.mark.slow
@pytest.mark.parametrize("pairs, keep", [
    ([], lambda r: True),
    ([("outlet", "reuters.com")], lambda r: r["outlet"] == "reuters.com"),
    ([("outlet", "eurekalert.org")], lambda r: r["outlet"] == "eurekalert.org"),
    ([("from", "2016-01-01"), ("to", "2016-12-31")],
     lambda r: published_day(r) is not None and date(2016, 1, 1) <= published_day(r) <= date(2016, 12, 31)),
    ([("from", "2017-03-01"), ("to", "2017-03-31")],
     lambda r: published_day(r) is not None and date(2017, 3, 1) <= published_day(r) <= date(2017, 3, 31)),
])
def test_fakehealth_timeline_against_jsonl(fakehealth_engine, fakehealth_rows, pairs, keep):
    from werkzeug.datastructures import MultiDict

    from search.request import SearchRequest

    result = fakehealth_engine.search(SearchRequest.from_args(MultiDict(pairs)))
    rows = [r for r in fakehealth_rows if keep(r)]
    assert result.total == len(rows)
    timeline = result.to_dict()["timeline"]
    check_against_rows(timeline, rows)
    assert 1 <= len(timeline["buckets"]) <= 60
