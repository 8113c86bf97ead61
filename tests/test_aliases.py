"""Author and outlet aliases: name variants become one facet value at index time.

Expected facet values and counts are computed here from the written corpus and the alias
table, never read back from artsearch."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from index.aliases import DEFAULT_OUTLETS, make_aliases
from index.config import Config
from web.app import create_app

ARTSEARCH = [str(Path(sys.executable).parent / "artsearch")]

ROWS = [
    {"id": "r1", "outlet": "Reuters", "author": "Steve Reinberg", "published": "2020-01-01"},
    {"id": "r2", "outlet": "REUTERS", "author": "Steven Reinberg", "published": "2020-01-02"},
    {"id": "r3", "outlet": "Reuters Staff", "author": "STEVEN REINBERG", "published": "2020-01-03"},
    {"id": "r4", "outlet": "reuters.com", "author": "Jane Doe", "published": "2020-01-04"},
    {"id": "r5", "url": "https://uk.reuters.com/article/r5", "author": "Jane Doe", "published": "2020-01-05"},
    {"id": "n1", "outlet": "The New York Times", "author": "Jane Doe", "published": "2020-01-06"},
    {"id": "o1", "outlet": "example.org", "author": "Ann Lee", "published": "2020-01-07"},
]
AUTHOR_ALIASES = '[author]\n"Steven Reinberg" = ["Steve Reinberg"]\n'


def write_corpus(path: Path) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for row in ROWS:
            fh.write(json.dumps({**row, "title": f"Article {row['id']}", "body": f"alias test body {row['id']}"}) + "\n")
    return path


def reindex(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*ARTSEARCH, "reindex", *args], capture_output=True, text=True, timeout=300)


def facet(index_dir: Path, name: str) -> dict[str, int]:
    client = create_app(Config(index_dir=index_dir)).test_client()
    data = client.get("/api/search?per_page=1").get_json()
    return {v["value"]: v["count"] for v in data["facets"][name]}


def expected_outlets(rows, table: dict[str, list[str]]) -> Counter:
    """Outlet per row by the documented rule: the host of a URL when there is no outlet,
    then the alias table, matched without regard to case or spacing."""
    lookup = {}
    for canonical, variants in table.items():
        for name in (canonical, *variants):
            lookup[" ".join(name.split()).casefold()] = canonical
    counts: Counter = Counter()
    for row in rows:
        value = row.get("outlet") or row["url"].split("/")[2].removeprefix("www.")
        counts[lookup.get(value.casefold(), value)] += 1
    return counts


def test_table_matches_case_and_spacing_and_counts_merges():
    aliases = make_aliases()
    assert aliases.apply("outlet", "  REUTERS ") == "reuters.com"
    assert aliases.apply("outlet", "Reuters   Staff") == "reuters.com"
    assert aliases.apply("outlet", "reuters.com") == "reuters.com"
    assert aliases.apply("outlet", "example.org") == "example.org"
    assert aliases.apply_all("author", ["Jane Doe", "Jane Doe"]) == ("Jane Doe",)
    report = aliases.report()["outlet"]
    assert report == {"values_merged": 2, "into": 1, "articles": 2,
                      "merges": {"  REUTERS ": "reuters.com", "Reuters   Staff": "reuters.com"}}


def test_reindex_merges_outlet_variants_and_reports_it(tmp_path):
    corpus = write_corpus(tmp_path / "c.jsonl")
    index_dir = tmp_path / "ix"
    done = reindex(str(corpus), "--index", str(index_dir), "--report", str(tmp_path / "r.json"))
    assert done.returncode == 0, done.stderr
    expected = expected_outlets(ROWS, {k: list(v) for k, v in DEFAULT_OUTLETS.items()})
    assert facet(index_dir, "outlet") == dict(expected)
    assert expected["reuters.com"] == 5 and expected["nytimes.com"] == 1
    report = json.loads((tmp_path / "r.json").read_text())["aliases"]["outlet"]
    # Reuters, REUTERS, Reuters Staff, uk.reuters.com and The New York Times changed name.
    assert report["values_merged"] == 5 and report["into"] == 2 and report["articles"] == 5
    assert "Aliases: 5 outlet values merged into 2 names (5 articles)." in done.stdout


def test_alias_file_merges_authors_and_can_prefer_display_names(tmp_path):
    corpus = write_corpus(tmp_path / "c.jsonl")
    aliases = tmp_path / "aliases.toml"
    aliases.write_text(AUTHOR_ALIASES + '[outlet]\n"Reuters" = ["reuters.com", "uk.reuters.com"]\n', encoding="utf-8")
    index_dir = tmp_path / "ix"
    done = reindex(str(corpus), "--index", str(index_dir), "--aliases", str(aliases))
    assert done.returncode == 0, done.stderr
    authors = facet(index_dir, "author")
    # "STEVEN REINBERG" is title-cased by the byline rules, "Steve Reinberg" aliased.
    assert authors["Steven Reinberg"] == 3 and "Steve Reinberg" not in authors
    outlets = facet(index_dir, "outlet")
    assert outlets["Reuters"] == 5 and "reuters.com" not in outlets
    assert "author value merged into 1 name" in done.stdout


def test_config_file_and_no_defaults(tmp_path):
    corpus = write_corpus(tmp_path / "c.jsonl")
    config = tmp_path / "settings.toml"
    config.write_text('default_aliases = false\n[aliases.outlet]\n"reuters.com" = ["Reuters Staff"]\n', encoding="utf-8")
    index_dir = tmp_path / "ix"
    done = reindex(str(corpus), "--index", str(index_dir), "--config", str(config))
    assert done.returncode == 0, done.stderr
    outlets = facet(index_dir, "outlet")
    expected = expected_outlets(ROWS, {"reuters.com": ["Reuters Staff"]})
    assert outlets == dict(expected) and outlets["REUTERS"] == 1 and outlets["reuters.com"] == 2


def test_changing_aliases_updates_only_affected_articles(tmp_path):
    corpus = write_corpus(tmp_path / "c.jsonl")
    index_dir = tmp_path / "ix"
    assert reindex(str(corpus), "--index", str(index_dir), "--no-default-aliases").returncode == 0
    done = reindex(str(corpus), "--index", str(index_dir), "--report", str(tmp_path / "r.json"))
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    changed = sum(1 for r in ROWS if expected_outlets([r], {k: list(v) for k, v in DEFAULT_OUTLETS.items()})
                  != expected_outlets([r], {}))
    assert report["updated"] == changed == 5 and report["unchanged"] == len(ROWS) - changed


@pytest.mark.parametrize("text, message", [
    ("[outlet\n", "Cannot read alias file"),
    ('[people]\n"A" = ["B"]\n', "unknown table(s) people"),
    ('[outlet]\n"A" = 3\n', "must be a list of names"),
])
def test_bad_alias_file_is_one_line_error(tmp_path, text, message):
    corpus = write_corpus(tmp_path / "c.jsonl")
    aliases = tmp_path / "aliases.toml"
    aliases.write_text(text, encoding="utf-8")
    done = reindex(str(corpus), "--index", str(tmp_path / "ix"), "--aliases", str(aliases))
    assert done.returncode == 1 and message in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    missing = reindex(str(corpus), "--index", str(tmp_path / "ix"), "--aliases", str(tmp_path / "nope.toml"))
    assert missing.returncode == 1 and "Alias file not found" in missing.stderr
