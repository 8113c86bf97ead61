"""``year:2025`` and ``language:it`` in the query match as the Year and Language filters
do (README), also when no article has every word (issue 17, tried as a new user:
``year:2025 pensioni prezzo`` listed every article of 2025 and counted the year as a word)."""

from __future__ import annotations

import json

import pytest

from index.config import Config
from tests.reindex_helpers import artsearch, assert_ok, reindex
from web.app import create_app

RECORDS = [
    # id, year, language, body
    ("it-a", 2025, "it", "Il governo approva la riforma delle pensioni dopo un lungo dibattito in aula."),
    ("it-b", 2025, "it", "Il prezzo del gas scende per la terza settimana consecutiva secondo gli analisti."),
    ("it-c", 2025, "it", "La nazionale di calcio vince la partita amichevole contro la squadra ospite."),
    ("it-d", 2024, "it", "Le pensioni minime aumentano dal prossimo anno secondo il ministro del lavoro."),
    ("en-a", 2025, "en", "The price of gas fell again this week as traders expected a mild winter."),
]
WORDS = ("pensioni", "prezzo")


def _expected(year: int | None = None, language: str | None = None) -> set[str]:
    """Independent of the engine: the records in that year/language with any of WORDS."""
    return {rid for rid, y, lang, body in RECORDS
            if (year is None or y == year) and (language is None or lang == language)
            and any(w in body.split() for w in WORDS)}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    root = tmp_path_factory.mktemp("filter-clauses")
    source = root / "news.jsonl"
    source.write_text("".join(json.dumps({"id": rid, "title": rid, "body": body, "lang": lang,
                                          "published": f"{year}-03-01"}) + "\n"
                              for rid, year, lang, body in RECORDS), encoding="utf-8")
    done, _ = reindex(root / "index", source)
    assert_ok(done)
    app = create_app(Config(index_dir=root / "index"))
    app.config.update(TESTING=True, PROPAGATE_EXCEPTIONS=False)
    app.index_dir = root / "index"
    return app.test_client()


def _api(client, **args) -> dict:
    response = client.get("/api/search", query_string={"per_page": 100, **args})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


@pytest.mark.parametrize("clause,filters,year,language", [
    ("year:2025", {"year": "2025"}, 2025, None),
    ("language:it", {"language": "it"}, None, "it"),
    ("published:[2025-01-01 TO 2025-12-31]", {"from": "2025-01-01", "to": "2025-12-31"}, 2025, None),
])
def test_clause_in_the_query_matches_as_the_filter(client, clause, filters, year, language):
    words = " ".join(WORDS)
    expected = _expected(year, language)
    assert expected and len(expected) < sum(1 for r in RECORDS if year in (None, r[1]) and language in (None, r[2]))
    in_query = _api(client, q=f"{clause} {words}")
    as_filter = _api(client, q=words, **filters)
    assert {h["id"] for h in in_query["results"]} == {h["id"] for h in as_filter["results"]} == expected
    # The clause is no word: "1 of 2", not "2 of 3".
    assert in_query["relaxed"]["total"] == len(WORDS) == as_filter["relaxed"]["total"]
    assert in_query["relaxed"] == as_filter["relaxed"]


def test_a_word_not_in_the_language_finds_nothing_there(client):
    # "gas" is only in it-b (it) and en-a (en): language:en finds en-a, and a word in no
    # English article with language:en finds nothing, never every English article.
    assert {h["id"] for h in _api(client, q="language:en gas")["results"]} == {"en-a"}
    assert _api(client, q="language:en pensioni")["total"] == 0 == _api(client, q="pensioni", language="en")["total"]


def test_cli_says_the_same(client, tmp_path):
    index = client.application.index_dir
    done = artsearch("search", "year:2025 pensioni prezzo", "--index", index, "--format", "jsonl", "--all")
    assert_ok(done)
    ids = {json.loads(line)["id"] for line in done.stdout.splitlines()[1:]}
    assert ids == _expected(2025)
