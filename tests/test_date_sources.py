"""Where an article's date comes from (stated / read from the body's dateline / upper bound
only / none), through the real interfaces: the reindex report (CLI subprocess), the JSON
API and the pages (Flask test client). Expected counts come from the JSONL, read by the
documented policy written again in tests/date_policy.py."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from index.config import Config
from index.models import Article
from index.normalise import normalise
from tests.conftest import FAKEHEALTH, FIXTURES, require
from tests.date_policy import expected
from tests.reindex_helpers import assert_ok, reindex
from web.app import create_app

DATES = FIXTURES / "dates.jsonl"
KINDS = ("stated", "body", "bound", "none")


def rows_of(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def expected_report(rows: list[dict]) -> dict:
    kinds = Counter({k: 0 for k in KINDS})
    reasons: dict[str, Counter] = {}
    for row in rows:
        _, kind, reason = expected(row)
        kinds[kind] += 1
        if reason:
            reasons.setdefault(reason, Counter({k: 0 for k in KINDS}))[kind] += 1
    return {"kinds": dict(kinds), "reasons": {r: dict(c) for r, c in reasons.items()}}


def client_for(index: Path):
    app = create_app(Config(index_dir=index))
    app.config.update(TESTING=True, PROPAGATE_EXCEPTIONS=False)
    return app.test_client()


def undated_matches(rows: list[dict], word: str) -> int:
    """Rows with ``word`` in title or body that have no usable date (a range leaves them out)."""
    pattern = re.compile(rf"\b{word}\b", re.I)
    return sum(1 for r in rows if pattern.search(f"{r.get('title') or ''}\n{r['body']}") and expected(r)[0] is None)


# The small fixture ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def dates_run(tmp_path_factory):
    index = tmp_path_factory.mktemp("dates") / "index"
    done, report = reindex(index, DATES, "--full")
    assert_ok(done)
    return index, done, report


@pytest.fixture(scope="module")
def dates_client(dates_run):
    return client_for(dates_run[0])


def test_report_counts_every_date_by_kind_and_reason(dates_run):
    _, done, report = dates_run
    rows = rows_of(DATES)
    want = expected_report(rows)
    assert report["dates"] == want
    assert sum(want["kinds"].values()) == len(rows)
    assert want["kinds"]["body"] >= 3 and want["kinds"]["bound"] >= 1  # the fixture has each case
    kinds = want["kinds"]
    assert (f"Dates: {kinds['stated']} stated, {kinds['body']} read from the body's dateline, "
            f"{kinds['bound']} only an upper bound (archive snapshot), {kinds['none']} none.") in done.stdout
    after = want["reasons"]["after_snapshot"]
    assert (f"dated after the page was archived: {sum(after.values())} "
            f"({after['body']} dated from the body, {after['bound']} upper bound only)") in done.stdout


def test_warnings_say_which_dates_came_from_the_body(dates_run):
    _, _, report = dates_run
    reasons = {p["line"]: p["reason"] for p in report["problems"] if "date from the body" in p["reason"]}
    lines = {i + 1: r for i, r in enumerate(rows_of(DATES))}
    fda = next(n for n, r in lines.items() if r["id"] == "dl-fda")
    assert "later than the body's dateline 'February 13, 2018'" in reasons[fda]


def test_recovered_date_is_found_by_the_date_filter_and_marked(dates_client):
    rows = rows_of(DATES)
    start, end = date(2018, 9, 1), date(2018, 9, 30)
    data = dates_client.get("/api/search?q=zika&from=2018-09-01&to=2018-09-30&per_page=50").get_json()
    pattern = re.compile(r"\bzika\b", re.I)
    want = {r["id"]: expected(r) for r in rows if pattern.search(f"{r['title']}\n{r['body']}")
            and expected(r)[0] and start <= expected(r)[0].date() <= end}
    assert {h["id"] for h in data["results"]} == set(want) and "dl-body" in want
    for hit in data["results"]:
        assert hit["date_kind"] == want[hit["id"]][1]
        assert hit["published"][:10] == want[hit["id"]][0].date().isoformat()
    body_hit = next(h for h in data["results"] if h["id"] == "dl-body")
    assert body_hit["date_kind"] == "body" and body_hit["date_only"] is True
    assert body_hit["published_before"].startswith("2018-09-18")  # the snapshot
    assert data["undated_left_out"] == undated_matches(rows, "zika") > 0


def test_page_marks_recovered_dates_and_counts_undated_left_out(dates_client):
    rows = rows_of(DATES)
    page = dates_client.get("/?q=zika&from=2018-09-01&to=2018-09-30").get_data(as_text=True)
    n = undated_matches(rows, "zika")
    assert f'data-undated-left-out="{n}"' in page
    assert f"The date range leaves out {n} undated" in page
    assert 'data-date-kind="body"' in page and "(from the body)" in page
    # Without a date range nothing is left out and nothing is said.
    plain = dates_client.get("/api/search?q=zika").get_json()
    assert plain["undated_left_out"] is None
    assert "undated-left-out" not in dates_client.get("/?q=zika").get_data(as_text=True)
    bound = next(h for h in plain["results"] if h["id"] == "dl-bound")
    assert bound["date_kind"] == "bound" and bound["published"] is None
    assert bound["published_before"].startswith("2018-09-20")
    assert "(on or before <time datetime=\"2018-09-20\">20 Sep 2018</time>)" in dates_client.get(
        "/?q=mosquitoes").get_data(as_text=True)


def test_article_page_and_json_say_where_the_date_came_from(dates_client):
    page = dates_client.get("/articles/dl-fda", follow_redirects=True).get_data(as_text=True)
    assert '<time datetime="2018-02-13" class="date-body">13 February 2018</time>' in page
    assert "The record says 11 September 2019, later than the body" in page
    assert "“February 13, 2018”" in page
    data = dates_client.get("/api/articles/dl-fda").get_json()
    assert data["date_kind"] == "body" and data["date_reason"] == "after_dateline"
    assert data["published"].startswith("2018-02-13") and data["date_only"] is True
    bound = dates_client.get("/articles/dl-bound", follow_redirects=True).get_data(as_text=True)
    assert "on or before <time datetime=\"2018-09-20\">20 September 2018</time>" in bound
    assert "Published on or before 20 September 2018, when the page was archived." in bound
    assert dates_client.get("/api/articles/dl-none").get_json()["date_kind"] == "none"
    # A biography's birth date and a life span are no datelines (a trial's Wikipedia pages).
    for life in ("dl-born", "dl-span"):
        assert dates_client.get(f"/api/articles/{life}").get_json()["date_kind"] == "none", life
    stated = dates_client.get("/api/articles/dl-caption").get_json()
    assert stated["date_kind"] == "stated" and stated["published"].startswith("2018-11-14")  # a caption is no dateline


def test_date_only_values_show_no_time_of_day(dates_client):
    day_only = dates_client.get("/articles/dl-dayonly", follow_redirects=True).get_data(as_text=True)
    assert '<time datetime="2018-10-09">9 October 2018</time>' in day_only and "04:00 UTC" not in day_only
    timed = dates_client.get("/articles/dl-time", follow_redirects=True).get_data(as_text=True)
    assert "9 September 2018, 13:50 UTC" in timed


@pytest.mark.parametrize(("value", "date_only"), [
    ("2018-10-09", True), ("2018-10-09T04:00:00Z", True), ("2018-12-29T05:00:00Z", True),
    ("2018-10-09T00:00:00-04:00", True), ("Oct 9, 2018", True), ("2018-10-09T13:50:28Z", False),
    ("2018-10-09T04:00:01Z", False), ("Tue, 09 Oct 2018 14:05:00 +0100", False),
])
def test_date_only_is_a_day_without_a_time(value, date_only):
    article: Article = normalise({"id": "x", "body": "b", "published": value})
    assert article.date_kind == "stated" and article.date_only is date_only


# FakeHealth -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fakehealth_run(tmp_path_factory):
    path = require(FAKEHEALTH)
    index = tmp_path_factory.mktemp("fh-dates") / "index"
    done, report = reindex(index, path, "--full", "-q", "--workers", "2", timeout=1200)
    assert_ok(done)
    return path, index, report


@pytest.mark.slow
def test_fakehealth_report_counts_dates_by_reason(fakehealth_run):
    path, _, report = fakehealth_run
    rows = rows_of(path)
    want = expected_report(rows)
    assert report["dates"] == want
    # The 310 dates after the snapshot are all accounted for, some recovered.
    assert sum(want["reasons"]["after_snapshot"].values()) == 310
    assert want["reasons"]["after_snapshot"]["body"] > 0
    # The FDA releases' 2019 crawl dates give way to the body's "For Immediate Release".
    fda = [r for r in rows if r["outlet"] == "fda.gov" and (r.get("published") or "").startswith("2019")]
    assert fda and all(expected(r)[1] == "body" and expected(r)[0].year < 2019 for r in fda)


@pytest.mark.slow
def test_fakehealth_zika_in_september_2018_finds_the_eurekalert_release(fakehealth_run):
    path, index, _ = fakehealth_run
    rows = rows_of(path)
    client = client_for(index)
    data = client.get("/api/search?q=zika&from=2018-09-01&to=2018-09-30&per_page=50").get_json()
    release = next(r for r in rows if r["outlet"] == "eurekalert.org" and "zika" in r["body"].lower()
                   and "September 18, 2018" in r["body"][:300])
    hit = next(h for h in data["results"] if h["id"] == release["id"])
    assert hit["date_kind"] == "body" and hit["published"].startswith("2018-09-18")
    assert data["undated_left_out"] == undated_matches(rows, "zika")
    page = client.get(f"/articles/{release['id']}", follow_redirects=True).get_data(as_text=True)
    assert "(from the body)" in page and "“September 18, 2018”" in page


@pytest.mark.slow
def test_fakehealth_year_facet_counts_recovered_dates(fakehealth_run):
    path, index, _ = fakehealth_run
    rows = rows_of(path)
    want = Counter(str(expected(r)[0].year) for r in rows if expected(r)[0])
    facet = client_for(index).get("/api/search?per_page=1").get_json()["facets"]["year"]
    got = {v["value"]: v["count"] for v in facet}
    assert got == {y: n for y, n in want.items() if y in got} and got.get("2016") == want["2016"]


def test_exports_say_where_each_date_came_from(dates_client):
    rows = {r["id"]: expected(r) for r in rows_of(DATES)}
    lines = dates_client.get("/search.jsonl?q=").get_data(as_text=True).splitlines()
    records = [json.loads(line) for line in lines[1:]]
    assert {r["id"]: r["date_kind"] for r in records} == {i: e[1] for i, e in rows.items()}


def test_exports_keep_the_upper_bound_of_an_undated_article(dates_client):
    import csv
    import io

    from tests.date_policy import snapshot

    source = rows_of(DATES)
    want = {r["id"]: snapshot(r).date().isoformat() if expected(r)[1] == "bound" else "" for r in source}
    assert any(want.values())
    lines = dates_client.get("/search.jsonl?q=").get_data(as_text=True).splitlines()
    got = {r["id"]: (r["published_before"] or "")[:10] for r in map(json.loads, lines[1:])}
    assert got == want
    text = dates_client.get("/search.csv?q=").get_data(as_text=True)
    table = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    assert {r["id"]: r["published_before"][:10] for r in table} == want
    assert all(not r["published"] for r in table if want[r["id"]])


def test_cli_search_marks_dates_from_the_body_and_bounds(dates_run):
    from tests.reindex_helpers import artsearch

    index = dates_run[0]
    done = artsearch("search", "zika", "--index", index, "--per-page", "20")
    assert done.returncode == 0, done.stderr
    assert "2018-09-18 (from the body)" in done.stdout  # dl-body
    assert "undated (on or before 2018-09-20)" in done.stdout  # dl-bound
    assert "2018-09-09" in done.stdout and "2018-09-09 (from the body)" not in done.stdout  # dl-time: stated


def test_date_notes_write_days_without_a_leading_zero(tmp_path):
    row = {"id": "dl-early", "title": "Early", "body": "No date is given here.",
           "url": "https://web.archive.org/web/20180905101010/http://example.org/early",
           "published": "2018-12-03T05:00:00Z"}
    source = tmp_path / "early.jsonl"
    source.write_text(json.dumps(row) + "\n", encoding="utf-8")
    done, _ = reindex(tmp_path / "index", source, "--full")
    assert_ok(done)
    client = client_for(tmp_path / "index")
    note = client.get("/api/articles/dl-early").get_json()["date_note"]
    stated, archived = date.fromisoformat(row["published"][:10]), snapshot_day(row["url"])
    for day in (stated, archived):
        assert f"{day.day} {day:%B %Y}" in note and f"0{day.day} " not in note, note
    page = client.get("/articles/dl-early", follow_redirects=True).get_data(as_text=True)
    assert f"on or before {archived.day} {archived:%B %Y}" in page


def snapshot_day(url: str) -> date:
    stamp = re.search(r"/web/(\d{8})", url)
    assert stamp
    return date(int(stamp[1][:4]), int(stamp[1][4:6]), int(stamp[1][6:8]))
