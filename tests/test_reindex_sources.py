"""Every source shape ``artsearch reindex`` accepts, through the CLI as a subprocess."""

from __future__ import annotations

import gzip
import json
import shutil

from tests.conftest import FIXTURE_CORPUS
from tests.reindex_helpers import (
    REINDEX_FIXTURES as F,
)
from tests.reindex_helpers import (
    artsearch,
    assert_ok,
    ids,
    reindex,
    search,
    stored,
)


def test_jsonl_file(tmp_path):
    done, report = reindex(tmp_path / "ix", FIXTURE_CORPUS)
    assert_ok(done)
    assert report["added"] == 10 and report["total"] == 10 and report["ok"] is True  # a9: title only
    assert ids(search(tmp_path / "ix", "vaccine", outlet="reuters.com")) == {"a1", "a2"}


def test_gzipped_jsonl(tmp_path):
    source = tmp_path / "articles.jsonl.gz"
    source.write_bytes(gzip.compress(FIXTURE_CORPUS.read_bytes()))
    done, report = reindex(tmp_path / "ix", source)
    assert_ok(done)
    assert report["added"] == 10


def test_json_array_file(tmp_path):
    source = tmp_path / "articles.json"
    source.write_text(json.dumps([{"id": "j1", "title": "Array", "body": "Records in one JSON array about kale."},
                                  {"id": "j2", "title": "Two", "body": "Second array record about spinach."}]))
    done, report = reindex(tmp_path / "ix", source)
    assert_ok(done)
    assert report["added"] == 2 and ids(search(tmp_path / "ix", "spinach")) == {"j2"}


def test_csv_with_html_dates_authors_and_archive_urls(tmp_path):
    done, report = reindex(tmp_path / "ix", F / "news.csv")
    assert_ok(done)
    assert report["added"] == 3 and report["problems"] == []
    docs = stored(tmp_path / "ix")
    measles = docs["csv1"]
    # HTML stripped (bleach), paragraphs kept, script dropped with its content.
    assert measles["title"] == "Measles outbreak grows in Ohio"
    assert measles["body"] == "Health officials said the measles outbreak had grown.\n\nParents were urged to vaccinate."
    assert ids(search(tmp_path / "ix", "xyzzy")) == set()
    # "By A, B and C"; outlet from a web.archive.org-wrapped URL without www.
    assert measles["authors"] == ["Jane Doe", "John Smith", "Mary Jones"]
    assert measles["outlet"] == "example-news.com"
    assert measles["published"].isoformat() == "2016-11-08T00:00:00"
    # "Min Read; Staff Writer; Ann Lee & Bob Ray": the non-names go, the people stay.
    assert docs["csv2"]["authors"] == ["Ann Lee", "Bob Ray"]
    assert docs["csv2"]["published"].isoformat() == "2016-11-08T14:05:00"
    assert "\n\nA second paragraph" in docs["csv2"]["body"] and '"quoted"' in docs["csv2"]["body"]
    assert docs["csv3"]["published"].isoformat() == "2016-11-08T14:05:00"  # unix epoch
    facet = {v["value"]: v["count"] for v in search(tmp_path / "ix")["facets"]["author"]}
    assert facet == {"Jane Doe": 1, "John Smith": 1, "Mary Jones": 1, "Ann Lee": 1, "Bob Ray": 1, "Carla Diaz": 1}


def test_semicolon_csv_with_map_options(tmp_path):
    done, report = reindex(tmp_path / "ix", F / "semicolon.csv", "--map", "body=content", "--map", "title=headline",
                           "--map", "outlet=publication", "--map", "authors=writer", "--map", "published=date")
    assert_ok(done)
    assert report["added"] == 2
    result = search(tmp_path / "ix", "inhalers")
    assert result["total"] == 1
    hit = result["results"][0]
    assert hit["title"] == "Inhaler study" and hit["outlet"] == "Lancet Weekly" and hit["authors"] == ["Paul Roe"]
    assert hit["published"].startswith("2015-03-02T09:00:00")  # naive -> UTC by default
    # The quoted cell kept its semicolon instead of splitting the row.
    assert search(tmp_path / "ix", "pollen")["total"] == 1


def test_config_file_toml(tmp_path):
    done, report = reindex(tmp_path / "ix", F / "semicolon.csv", "--config", F / "mapping.toml")
    assert_ok(done)
    hit = search(tmp_path / "ix", "inhalers")["results"][0]
    assert hit["title"] == "Inhaler study"
    assert hit["published"].startswith("2015-03-02T08:00:00")  # timezone = "Europe/Paris"
    # author_stoplist = ["Paula Roe"]
    assert search(tmp_path / "ix", "pollen")["results"][0]["authors"] == []


def test_config_file_json_and_map_flag_wins(tmp_path):
    done, _ = reindex(tmp_path / "ix", F / "semicolon.csv", "--config", F / "mapping.json", "--map", "title=writer")
    assert_ok(done)
    assert search(tmp_path / "ix", "inhalers")["results"][0]["title"] == "Paul Roe"


def test_gzipped_tsv(tmp_path):
    done, report = reindex(tmp_path / "ix", F / "news.tsv.gz")
    assert_ok(done)
    assert report["added"] == 2
    docs = stored(tmp_path / "ix")
    assert docs["tsv1"]["published"].isoformat() == "2019-01-02T02:04:05"  # +01:00 -> UTC
    assert docs["tsv2"]["published"].isoformat() == "2019-01-08T10:00:00"  # RFC 2822
    assert ids(search(tmp_path / "ix", "deprivation")) == {"tsv1"}


def test_directory_of_text_markdown_and_html(tmp_path):
    done, report = reindex(tmp_path / "ix", F / "docs")
    assert_ok(done)
    assert report["added"] == 4, report  # README.md is not an article
    docs = stored(tmp_path / "ix")
    assert set(docs) == {"plain", "notes", "nested", "page"}
    plain = docs["plain"]
    assert (plain["title"], plain["authors"], plain["outlet"]) == ("Glacier melt speeds up", ["Ingrid Ice"], "Polar Times")
    assert plain["body"] == "Glaciers in the Alps lost record mass last summer.\n\nScientists blamed the heatwave."
    assert plain["published"].isoformat() == "2018-02-03T00:00:00"
    notes = docs["notes"]
    assert notes["title"] == "Coral reefs recover slowly" and notes["outlet"] == "oceanwatch.example"
    assert docs["nested"]["title"] == "Nested folders are read too"
    page = docs["page"]
    assert page["title"] == "Wildfire smoke reaches the coast"  # og:title beats <title>
    assert page["authors"] == ["Sam Smoke"] and page["outlet"] == "Coast Gazette"
    assert page["published"].isoformat() == "2020-09-10T15:00:00"
    assert "orange & residents" in page["body"] and "alerts were issued for three" in page["body"]
    for junk in ("secretscript", "stylerule", "inline", "navmenuitem"):
        assert ids(search(tmp_path / "ix", junk)) == set(), junk


def test_stdin(tmp_path):
    lines = "\n".join(json.dumps({"id": f"s{i}", "title": f"Piped {i}", "body": f"Piped article number {i} on lentils."})
                      for i in range(3))
    done, report = reindex(tmp_path / "ix", "-", input=lines + "\n")
    assert_ok(done)
    assert report["added"] == 3 and ids(search(tmp_path / "ix", "lentils")) == {"s0", "s1", "s2"}
    assert report["problems"] == []


def test_several_sources_in_one_run(tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(F / "docs", docs)
    done, report = reindex(tmp_path / "ix", FIXTURE_CORPUS, F / "news.csv", F / "news.tsv.gz", docs, "-",
                           input=json.dumps({"id": "s1", "title": "Piped", "body": "From stdin about beans."}) + "\n")
    assert_ok(done)
    assert report["added"] == 10 + 3 + 2 + 4 + 1
    assert report["total"] == 20
    assert ids(search(tmp_path / "ix", "beans OR deprivation OR glaciers OR measles")) == {"s1", "tsv1", "plain", "csv1"}


def test_language_detected_so_french_is_not_english_stemmed(tmp_path):
    done, report = reindex(tmp_path / "ix", F / "french.jsonl")
    assert_ok(done)
    docs = stored(tmp_path / "ix")
    assert docs["fr1"]["language"] == "fr" and docs["en1"]["language"] == "en"
    # French words are indexed unstemmed: "électeurs" matches, its English-stemmed form does not.
    assert ids(search(tmp_path / "ix", "électeurs")) == {"fr1"}
    assert ids(search(tmp_path / "ix", "elections")) == {"en1", "fr1"}
    # English words are stemmed: "voter" finds "Voters".
    assert ids(search(tmp_path / "ix", "voter")) == {"en1"}


def test_language_detection_can_be_switched_off(tmp_path):
    done, _ = reindex(tmp_path / "ix", F / "french.jsonl", "--no-detect-language")
    assert_ok(done)
    assert not stored(tmp_path / "ix")["fr1"].get("language")  # no language stored


def test_author_stoplist_file(tmp_path):
    done, _ = reindex(tmp_path / "ix", F / "news.csv", "--author-stoplist", F / "stoplist.txt")
    assert_ok(done)
    # "Ann Lee" is listed by name, "~ray" drops "Bob Ray".
    assert stored(tmp_path / "ix")["csv2"]["authors"] == []
    assert stored(tmp_path / "ix")["csv1"]["authors"] == ["Jane Doe", "John Smith", "Mary Jones"]


def test_timezone_option(tmp_path):
    done, _ = reindex(tmp_path / "ix", F / "news.csv", "--timezone", "America/New_York")
    assert_ok(done)
    assert stored(tmp_path / "ix")["csv2"]["published"].isoformat() == "2016-11-08T19:05:00"


def test_search_cli_sees_reindexed_sources(tmp_path):
    assert_ok(reindex(tmp_path / "ix", F / "news.csv")[0])
    found = artsearch("search", "measles", "--index", tmp_path / "ix", "--json")
    assert_ok(found)
    result = json.loads(found.stdout)
    assert result["total"] == 1 and result["results"][0]["outlet"] == "example-news.com"
