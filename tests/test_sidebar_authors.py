"""Sidebar names: page furniture taken for bylines is detected at reindex and reported;
the maintainer confirms it with --author-stoplist. Bylines in warnings read as bylines.

Through the CLI (``artsearch reindex`` as a subprocess, its summary and JSON report) on a
fixture corpus and on FakeHealth's philly.com rows; expected counts come from the rows.
"""

from __future__ import annotations

import json

from tests.reindex_helpers import assert_ok, reindex, search

SIDEBAR = ["Ashley B. Greenblatt", "Drew A. Harris"]
REPORTERS = ["Tom Avril", "Marie McCullough", "Frank Kummer", "Stacey Burling"]
ROWS = (
    # city.com: each story by its reporter; the staff box's two names on 10 of 12 pages.
    [{"id": f"c{i}", "title": f"City story {i}", "outlet": "city.com", "body": f"Story number {i} about the city.",
      "authors": [REPORTERS[i % len(REPORTERS)]] + (SIDEBAR if i < 10 else [])} for i in range(12)]
    # wire.com: one prolific reporter on every story, with nobody fixed beside her.
    + [{"id": f"w{i}", "title": f"Wire story {i}", "outlet": "wire.com", "body": f"Wire copy {i}.",
        "authors": ["Sharon Begley"] + ([REPORTERS[i % len(REPORTERS)]] if i % 3 == 0 else [])} for i in range(12)]
    + [{"id": "pr", "title": "Release", "outlet": "pr.com", "body": "A press release.", "authors": ["Evolve Biosystems"]}]
)


def write(path, rows) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def test_sidebar_names_are_reported_not_reporters(tmp_path):
    source = tmp_path / "news.jsonl"
    write(source, ROWS)
    done, report = reindex(tmp_path / "ix", source)
    assert_ok(done)
    found = {(s["outlet"], s["name"]): s for s in report["sidebar_authors"]}
    assert set(found) == {("city.com", name) for name in SIDEBAR}
    city = [r for r in ROWS if r["outlet"] == "city.com"]
    for name in SIDEBAR:
        entry = found[("city.com", name)]
        assert entry["articles"] == sum(name in r["authors"] for r in city)
        assert entry["outlet_articles"] == len(city)
        assert entry["with"] == [n for n in SIDEBAR if n != name]
    assert "Sidebar names? 2 author names in 1 outlet" in done.stdout
    assert f"(city.com: Ashley B. Greenblatt 10 of {len(city)}, Drew A. Harris 10 of {len(city)})" in done.stdout
    assert "--author-stoplist" in done.stdout

    # The maintainer confirms them: listed in a stoplist, they are no authors and no longer reported.
    stoplist = tmp_path / "stop.txt"
    stoplist.write_text("\n".join(SIDEBAR) + "\n", encoding="utf-8")
    done, report = reindex(tmp_path / "ix", source, "--full", "--author-stoplist", stoplist)
    assert_ok(done)
    assert report["sidebar_authors"] == [] and "Sidebar names?" not in done.stdout
    facet = {v["value"]: v["count"] for v in search(tmp_path / "ix", per_page="1")["facets"]["author"]}
    assert not set(SIDEBAR) & set(facet)
    assert facet["Sharon Begley"] == sum("Sharon Begley" in r["authors"] for r in ROWS)


def test_a_byline_list_in_a_warning_reads_as_a_byline(tmp_path):
    source = tmp_path / "news.jsonl"
    write(source, ROWS)
    done, _ = reindex(tmp_path / "ix", source)
    assert_ok(done)
    line = next(line for line in done.stderr.splitlines() if "no person's name" in line)
    assert line.endswith("no author: no person's name in byline 'Evolve Biosystems'"), line
    assert "[" not in line


def test_fakehealth_philly_sidebar(fakehealth_rows, tmp_path):
    rows = [r for r in fakehealth_rows if r["outlet"] == "philly.com"]
    source = tmp_path / "philly.jsonl"
    write(source, rows)
    done, report = reindex(tmp_path / "ix", source)
    assert_ok(done)
    found = {s["name"]: s for s in report["sidebar_authors"] if s["outlet"] == "philly.com"}
    assert "Ashley B. Greenblatt" in found
    assert found["Ashley B. Greenblatt"]["articles"] == sum("Ashley B. Greenblatt" in r["authors"] for r in rows)
    assert found["Ashley B. Greenblatt"]["outlet_articles"] == len(rows)
    # Each reported name has a companion on nearly the same articles, in the source rows.
    for name, entry in found.items():
        mine = {r["id"] for r in rows if name in r["authors"]}
        theirs = {r["id"] for r in rows if entry["with"][0] in r["authors"]}
        assert len(mine & theirs) >= 0.9 * len(mine | theirs)
