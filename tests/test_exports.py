"""CSV and JSON Lines exports (HTTP and CLI): every match, streamed, citing the query,
the filters and the index build; checked against the fixture JSONL, not the engine."""

from __future__ import annotations

import csv
import inspect
import io
import json
import re
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from index.config import Config
from index.indexer import build_index
from search.export import export_matches
from search.request import SearchRequest
from tests.conftest import indexed_rows
from tests.test_timeline import published_day
from web.app import create_app

ARTSEARCH = [str(Path(sys.executable).parent / "artsearch")]


# What "vaccine" finds: its English forms, and French "vaccins" (the query is also looked
# up in the French articles' fields, where the French stemmer makes both "vaccin").
VACCINE = re.compile(r"\bvaccin(?:e|es|ated|ation|s)?\b", re.I)

def indexed(rows: list[dict]) -> list[dict]:
    """Fixture rows the index keeps: those with body text or a title."""
    return indexed_rows(rows)


def read_csv(text: str) -> list[dict]:
    assert text.startswith("\ufeff"), "spreadsheets need the UTF-8 byte-order mark"
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


def read_jsonl(text: str) -> tuple[dict, list[dict]]:
    lines = [json.loads(line) for line in text.splitlines()]
    return lines[0]["export"], lines[1:]


def status(client) -> dict:
    return client.get("/api/status").get_json()


def test_csv_exports_every_match_with_its_citation(client, fixture_records):
    expected = {r["id"] for r in indexed(fixture_records) if r.get("outlet") in ("reuters.com", "nytimes.com")}
    response = client.get("/search.csv?outlet=reuters.com&outlet=nytimes.com&per_page=1&page=2")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="artsearch-')
    rows = read_csv(response.get_data(as_text=True))
    # Every match, whatever page the link came from.
    assert {r["id"] for r in rows} == expected and len(rows) == len(expected)
    build = status(client)["build"]
    for row in rows:
        assert row["export_query"] == ""
        assert row["export_filters"] == "outlet=reuters.com&outlet=nytimes.com"
        assert row["export_index_build"] == build
        assert row["export_sort"] == "newest"
        when = datetime.fromisoformat(row["exported_at"])
        assert abs(datetime.now(timezone.utc) - when) < timedelta(minutes=5)


def test_csv_rows_carry_the_article_fields(client, fixture_records):
    by_id = {r["id"]: r for r in indexed(fixture_records)}
    rows = read_csv(client.get("/search.csv").get_data(as_text=True))
    assert {r["id"] for r in rows} == set(by_id)
    a2 = next(r for r in rows if r["id"] == "a2")
    assert a2["title"] == by_id["a2"]["title"]
    assert a2["authors"] == "; ".join(by_id["a2"]["authors"])
    assert a2["outlet"] == by_id["a2"]["outlet"]
    # 2017-05-02T23:30:00-04:00 in UTC.
    assert a2["published"] == "2017-05-03T03:30:00+00:00"
    undated = next(r for r in rows if r["id"] == "a6")
    assert undated["published"] == ""


def test_jsonl_first_record_cites_then_every_match_newest_first(client, fixture_records):
    word = VACCINE
    expected = {r["id"] for r in indexed(fixture_records)
                if word.search(r["title"] + " " + r["body"]) and (published_day(r) or date.min) >= date(2016, 1, 1)}
    response = client.get("/search.jsonl?q=vaccine&sort=newest&from=2016-01-01")
    assert response.status_code == 200 and response.mimetype == "application/x-ndjson"
    meta, rows = read_jsonl(response.get_data(as_text=True))
    assert meta["query"] == "vaccine" and meta["sort"] == "newest"
    assert meta["filters"] == {"author": [], "outlet": [], "year": [], "language": [], "from": "2016-01-01", "to": None,
                               "exclude": {"author": [], "outlet": [], "year": [], "language": []}}
    assert meta["index_build"] == status(client)["build"]
    assert datetime.fromisoformat(meta["exported_at"]).tzinfo is not None
    assert meta["total"] == len(rows) > 0
    assert {r["id"] for r in rows} == expected
    published = [r["published"] for r in rows]
    assert published == sorted(published, reverse=True)


def test_search_page_offers_both_exports_of_the_same_search(client):
    page = client.get("/?q=cancer&outlet=nytimes.com&page=1&per_page=5").get_data(as_text=True)
    assert 'href="/search.csv?q=cancer&amp;outlet=nytimes.com"' in page
    assert 'href="/search.jsonl?q=cancer&amp;outlet=nytimes.com"' in page


def test_bad_parameters_are_a_400_not_a_broken_download(client):
    response = client.get("/search.csv?from=2016-02-30")
    assert response.status_code == 400
    assert "from" in response.get_data(as_text=True)
    response = client.get("/search.jsonl?page=0&to=x")
    assert response.status_code == 400 and "'to'" in response.get_json()["error"]


def test_exports_are_streamed(client, engine):
    response = client.get("/search.jsonl")
    assert response.is_streamed
    export = export_matches(engine, SearchRequest())
    # Rows are produced one at a time from document numbers, never built as a list.
    assert inspect.isgenerator(export.rows)
    first = next(export.rows)
    assert set(first) == {"id", "title", "authors", "outlet", "published", "published_before", "date_kind", "url",
                          "language", "teaser"}


@pytest.fixture(scope="module")
def hostile_index(tmp_path_factory) -> Path:
    """Titles and authors a spreadsheet would run as formulas."""
    source = tmp_path_factory.mktemp("hostile") / "hostile.jsonl"
    titles = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+1+1", "-2+3", "@SUM(A1:A2)", "\tTabbed", "Plain title"]
    with source.open("w", encoding="utf-8") as fh:
        for i, title in enumerate(titles):
            fh.write(json.dumps({"id": f"h{i}", "title": title, "author": "Jane Doe", "outlet": "example.com",
                                 "published": f"2020-01-0{i + 1}", "body": f"formula test article {i}"}) + "\n")
    index_dir = source.parent / "index"
    build_index([source], index_dir, full=True)
    return index_dir


def test_csv_defuses_formulas_and_jsonl_keeps_the_text(hostile_index):
    client = create_app(Config(index_dir=hostile_index)).test_client()
    rows = read_csv(client.get("/search.csv?q=-nothing+formula").get_data(as_text=True))
    assert len(rows) == 6
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t")), value
    titles = {r["title"] for r in rows}
    assert "'=HYPERLINK(\"http://evil.example\",\"click\")" in titles and "Plain title" in titles
    assert rows[0]["export_query"] == "'-nothing formula"
    _meta, records = read_jsonl(client.get("/search.jsonl?q=formula").get_data(as_text=True))
    assert {r["title"] for r in records} >= {"+1+1", "-2+3", "@SUM(A1:A2)"}


# CLI ------------------------------------------------------------------------------------

def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*ARTSEARCH, "search", *args], capture_output=True, text=True, timeout=120)


def test_cli_csv_all_equals_the_http_export(index_dir, client):
    done = run("vaccine", "--index", str(index_dir), "--format", "csv", "--all")
    assert done.returncode == 0, done.stderr
    cli_rows = read_csv(done.stdout)
    http_rows = read_csv(client.get("/search.csv?q=vaccine").get_data(as_text=True))
    strip = lambda rows: [{k: v for k, v in r.items() if k != "exported_at"} for r in rows]  # noqa: E731
    assert strip(cli_rows) == strip(http_rows) and len(cli_rows) > 2


def test_cli_jsonl_without_all_is_one_page(index_dir, fixture_records):
    done = run("--index", str(index_dir), "--format", "jsonl", "--per-page", "2", "--page", "2")
    assert done.returncode == 0, done.stderr
    meta, rows = read_jsonl(done.stdout)
    assert meta["page"] == 2 and meta["per_page"] == 2 and meta["total"] == len(indexed(fixture_records))
    assert len(rows) == 2
    every = run("--index", str(index_dir), "--format", "jsonl", "--all")
    _meta, all_rows = read_jsonl(every.stdout)
    assert rows == all_rows[2:4]


@pytest.mark.parametrize("args, message", [
    (["--all"], "--format csv"),
    (["--all", "--format", "json"], "--format csv"),
    (["--json", "--format", "csv"], "contradict"),
])
def test_cli_rejects_all_without_an_export_format(index_dir, args, message):
    done = run("--index", str(index_dir), *args)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr


# Memory: a large export is streamed, not held ---------------------------------------------

@pytest.mark.slow
def test_large_export_memory_stays_bounded(tmp_path):
    """20,000 articles of ~4 KB: exporting all of them must cost about what one page costs."""
    source = tmp_path / "big.jsonl"
    words = "vaccine study patients trial results doctors hospital health risk data".split()
    with source.open("w", encoding="utf-8") as fh:
        for i in range(20_000):
            body = " ".join(words[(i + j) % len(words)] for j in range(600))
            fh.write(json.dumps({"id": f"b{i}", "title": f"Article {i}", "outlet": "example.com",
                                 "published": f"20{10 + i % 10}-0{1 + i % 9}-1{i % 10}", "body": body}) + "\n")
    index_dir = tmp_path / "index"
    build_index([source], index_dir, full=True, workers=2)

    def peak_rss_kb(*args: str) -> tuple[int, int]:
        code = ("import resource, subprocess, sys;"
                "p = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE);"
                "print(len(p.stdout), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
        done = subprocess.run([sys.executable, "-c", code, *ARTSEARCH, "search", "--index", str(index_dir), *args],
                              capture_output=True, text=True, timeout=600, check=True)
        size, rss = done.stdout.split()
        return int(size), int(rss)

    page_size, page_rss = peak_rss_kb("--format", "jsonl")
    all_size, all_rss = peak_rss_kb("--format", "jsonl", "--all")
    assert all_size > 2_000_000 and all_size > 100 * page_size
    # Holding the rows (or their stored fields, ~80 MB of bodies) would add far more.
    assert all_rss - page_rss < 20_000, (page_rss, all_rss)


@pytest.mark.parametrize("sort", ["relevance", "newest"])
def test_export_with_a_negation_or_no_match(client, fixture_records, sort):
    word = VACCINE
    autism = re.compile(r"\bautism\b", re.I)
    expected = {r["id"] for r in indexed(fixture_records)
                if word.search(r["title"] + " " + r["body"]) and not autism.search(r["title"] + " " + r["body"])}
    meta, rows = read_jsonl(client.get(f"/search.jsonl?q=vaccine+-autism&sort={sort}").get_data(as_text=True))
    assert {r["id"] for r in rows} == expected and meta["total"] == len(expected) > 0
    for q in ("zzqxv", "vaccine+-vaccine"):
        assert read_csv(client.get(f"/search.csv?q={q}&sort={sort}").get_data(as_text=True)) == []
        meta, rows = read_jsonl(client.get(f"/search.jsonl?q={q}&sort={sort}").get_data(as_text=True))
        assert rows == [] and meta["total"] == 0


def test_export_leaves_out_excluded_values_and_says_so(client, fixture_records):
    expected = {r["id"] for r in indexed(fixture_records) if r.get("outlet") != "reuters.com"}
    meta, rows = read_jsonl(client.get("/search.jsonl?-outlet=reuters.com&year=2016&year=2017&-year=2017").get_data(as_text=True))
    expected = {i for i in expected if (d := published_day(next(r for r in fixture_records if r["id"] == i)))
                and d.year == 2016}
    assert {r["id"] for r in rows} == expected
    assert meta["filters"]["exclude"] == {"author": [], "outlet": ["reuters.com"], "year": ["2017"], "language": []}
    rows = read_csv(client.get("/search.csv?-outlet=reuters.com&year=2016").get_data(as_text=True))
    assert rows and {r["export_filters"] for r in rows} == {"year=2016&-outlet=reuters.com"}


def test_waitress_streams_exports_in_chunks(index_dir, client):
    """Through the real server: no Content-Length, chunked transfer, the same rows."""
    import urllib.request

    from tests.servers import running_server

    with running_server(index_dir) as base_url:
        for fmt in ("csv", "jsonl"):
            with urllib.request.urlopen(f"{base_url}/search.{fmt}?q=vaccine", timeout=30) as response:
                assert response.headers.get("Transfer-Encoding") == "chunked"
                assert response.headers.get("Content-Length") is None
                body = response.read().decode("utf-8")
            direct = client.get(f"/search.{fmt}?q=vaccine").get_data(as_text=True)
            assert len(body.splitlines()) == len(direct.splitlines()) > 2


# Relevance order: an export lists what paging through the search page shows -------------

RELEVANCE_QUERIES = [
    [("q", "cancer screening")],  # many matches: proximity re-ranks the first 100
    [("q", "breast cancer risk women")],
    # No article has every word: relaxed matching ranks by coverage, then score.
    [("q", "does drinking coffee every morning really prevent liver cancer in older women and men")],
    [("q", "vaccine -flu")],  # a negation
    [("q", "cancer"), ("-outlet", "reuters.com"), ("-year", "2018")],  # excluded facet values
    [("q", "-cancer")],  # no words to rank by: newest first, as on the page
]


def paged_ids(client, pairs: list[tuple[str, str]]) -> tuple[list[str], dict]:
    """Every result of ``pairs`` by paging through /api/search, 100 at a time."""
    ids: list[str] = []
    page = 1
    while True:
        body = client.get("/api/search", query_string=pairs + [("collapse", "0"), ("per_page", "100"), ("page", str(page))]).get_json()
        ids.extend(hit["id"] for hit in body["results"])
        if page >= body["pages"]:
            return ids, body
        page += 1


@pytest.mark.slow
@pytest.mark.parametrize("pairs", RELEVANCE_QUERIES, ids=lambda p: " ".join(f"{k}={v}" for k, v in p))
def test_relevance_export_lists_what_paging_shows(fakehealth_index, pairs):
    client = create_app(Config(index_dir=fakehealth_index, timeout=60)).test_client()
    paged, last = paged_ids(client, pairs)
    assert len(paged) == last["total"] and len(set(paged)) == len(paged)
    csv_rows = read_csv(client.get("/search.csv", query_string=pairs).get_data(as_text=True))
    meta, jsonl_rows = read_jsonl(client.get("/search.jsonl", query_string=pairs).get_data(as_text=True))
    assert meta["total"] == len(paged)
    assert [r["id"] for r in csv_rows] == paged
    assert [r["id"] for r in jsonl_rows] == paged
    # The CLI: the query as an argument, exclusions as --not-<facet>.
    options = [f"--not-{k[1:]}={v}" for k, v in pairs if k.startswith("-")]
    query = [v for k, v in pairs if k == "q"]
    done = subprocess.run([*ARTSEARCH, "search", "--index", str(fakehealth_index), "--timeout", "60", "--format", "jsonl",
                           "--all", *options, "--", *query], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert [r["id"] for r in read_jsonl(done.stdout)[1]] == paged


def squeeze(text: str) -> str:
    return " ".join(text.split())


def test_csv_rows_carry_a_teaser_from_the_article_and_the_body_only_when_asked(client, fixture_records):
    by_id = {r["id"]: r for r in indexed(fixture_records)}
    word = re.compile(r"\bvaccin(?:e|es|s|ated|ation)?\b", re.I)
    expected = {i for i, r in by_id.items() if word.search(r["title"] + " " + r["body"])}
    plain = read_csv(client.get("/search.csv?q=vaccine").get_data(as_text=True))
    assert {r["id"] for r in plain} == expected and "body" not in plain[0]
    clean = {i for i, r in by_id.items() if "<" not in r["body"]}  # HTML bodies are cleaned when indexed
    assert expected & clean
    for row in plain:
        if row["id"] not in clean:
            continue
        body = squeeze(by_id[row["id"]]["body"])
        pieces = [p.strip() for p in row["teaser"].split("…") if p.strip()]
        assert pieces and all(p in body for p in pieces), (row["id"], row["teaser"])
        assert "<mark>" not in row["teaser"]
    full = read_csv(client.get("/search.csv?q=vaccine&body=1").get_data(as_text=True))
    assert [r["id"] for r in full] == [r["id"] for r in plain]
    for row in full:
        assert row["id"] not in clean or squeeze(row["body"]) == squeeze(by_id[row["id"]]["body"])
        assert all(p.strip() in squeeze(row["body"]) for p in row["teaser"].split("…"))
        assert list(row)[:11] == ["id", "title", "authors", "outlet", "published", "published_before", "date_kind",
                                  "url", "language", "teaser", "body"]
    meta, rows = read_jsonl(client.get("/search.jsonl?q=vaccine&body=1").get_data(as_text=True))
    assert meta["columns"][-2:] == ["teaser", "body"]
    assert all(squeeze(r["body"]) == squeeze(by_id[r["id"]]["body"]) for r in rows if r["id"] in clean)
    bad = client.get("/search.csv?q=vaccine&body=yes")
    assert bad.status_code == 400 and "body must be 1" in bad.get_data(as_text=True)


def test_search_page_links_the_export_with_full_text(client):
    page = client.get("/?q=cancer&outlet=nytimes.com").get_data(as_text=True)
    assert 'href="/search.csv?q=cancer&amp;outlet=nytimes.com&amp;body=1"' in page


def test_cli_export_with_body(index_dir, fixture_records):
    by_id = {r["id"]: r for r in indexed(fixture_records)}
    done = run("vaccine", "--index", str(index_dir), "--format", "jsonl", "--all", "--body")
    assert done.returncode == 0, done.stderr
    _meta, rows = read_jsonl(done.stdout)
    assert rows and all(r["teaser"] and r["body"] for r in rows)
    assert all(squeeze(r["body"]) == squeeze(by_id[r["id"]]["body"]) for r in rows if "<" not in by_id[r["id"]]["body"])
    refused = run("vaccine", "--index", str(index_dir), "--body")
    assert refused.returncode == 2 and "--body adds the text to an export" in refused.stderr
