"""Every language of the archive, through the CLI and HTTP: a word, another form of a
word, a two-word phrase and a pasted sentence each find their article. Expected ids are
counted from tests/fixtures/multilingual.jsonl (tests/fixtures/multilingual_queries.py)."""

from __future__ import annotations

import json

import pytest

from index.config import Config
from index.language import guess_language, language_name
from index.normalise import normalise
from tests.fixtures.multilingual_queries import JSONL, QUERIES, cases, oracle_ids, records
from tests.reindex_helpers import artsearch, assert_ok, reindex
from web.app import create_app

CASES = list(cases())


@pytest.fixture(scope="module")
def ml_index(tmp_path_factory):
    index = tmp_path_factory.mktemp("multilingual") / "index"
    done, report = reindex(index, JSONL)
    assert_ok(done)
    return index, report, done


@pytest.fixture(scope="module")
def ml_client(ml_index):
    app = create_app(Config(index_dir=ml_index[0]))
    app.config.update(TESTING=True, PROPAGATE_EXCEPTIONS=False)
    app.extensions["artsearch"].check()  # as `artsearch serve` does at start-up
    return app.test_client()


def _api(client, **args) -> dict:
    response = client.get("/api/search", query_string={"per_page": 100, **args})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_languages_stored_record_field_wins_and_low_guesses_reported(ml_index, ml_client):
    index, report, done = ml_index
    rows = records()
    given = {r["id"]: r["language"] for r in rows if "language" in r}
    assert given  # the fixture gives some records their language
    # Each fixture id starts with the code of the language it is written in.
    for row in rows:
        hits = _api(ml_client, q=f'"{row["title"]}"')["results"]
        assert row["id"] in {h["id"] for h in hits}
        assert next(h["language"] for h in hits if h["id"] == row["id"]) == given.get(row["id"], row["id"][:2])
    low = [p for p in report["problems"] if p["kind"] == "language"]
    expected_low = [r["id"] for r in rows if "language" not in r and guess_language(f"{r['title']}\n{r['body']}").low]
    assert len(low) == len(expected_low) == report["problem_counts"]["language"]
    assert all("confidence" in p["reason"] for p in low)
    assert ("low confidence" in done.stdout) == bool(low)


def test_record_language_field_wins_over_the_text():
    english = "The council approved the plan on Tuesday after a long debate about the budget."
    assert normalise({"body": english}).language == "en"
    assert normalise({"body": english, "lang": "de"}).language == "de"


@pytest.mark.parametrize("language,kind,query,expected", CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_http_finds_each_article(ml_client, language, kind, query, expected):
    assert expected, "the oracle finds the query in the fixture"
    if kind == "inflected":
        assert not oracle_ids(language, [query]), "another form than the fixture's"
    data = _api(ml_client, q=query)
    found = [hit["id"] for hit in data["results"]]
    if kind == "sentence":
        assert found[:3] and found[0] in expected
    else:
        assert set(found) == expected
        assert data["total"] == len(expected)


@pytest.mark.parametrize("language", sorted(QUERIES))
def test_cli_word_and_other_form(ml_index, language):
    index = ml_index[0]
    queries = QUERIES[language]
    asked = [(queries["word"], oracle_ids(language, [queries["word"]]))]
    if "inflected" in queries:
        asked.append((queries["inflected"][0], oracle_ids(language, queries["inflected"][1])))
    for query, expected in asked:
        done = artsearch("search", "--index", index, "--format", "json", query)
        assert_ok(done)
        data = json.loads(done.stdout)
        assert {h["id"] for h in data["results"]} == expected and data["total"] == len(expected), query


def test_chinese_quote_is_exact_and_word_finds_every_article(ml_client):
    rows = records()
    with_word = {r["id"] for r in rows if "北京" in r["title"] + r["body"]}
    assert len(with_word) >= 2
    assert {h["id"] for h in _api(ml_client, q="北京")["results"]} == with_word
    # Bigrams 污染 + 北京 each occur, but not next to each other: the quote finds nothing.
    assert not [r for r in rows if "污染北京" in r["body"]]
    assert _api(ml_client, q='"污染北京"')["total"] == 0
    exact = {r["id"] for r in rows if "污染治理" in r["title"] + r["body"]}
    assert {h["id"] for h in _api(ml_client, q='"污染治理"')["results"]} == exact


def test_language_facet_by_own_name_and_filter(ml_client):
    rows = records()
    response = ml_client.get("/api/facets/language", query_string={"limit": 100})
    assert response.status_code == 200
    values = {v["value"]: v for v in response.get_json()["values"]}
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["id"][:2]] = counts.get(row["id"][:2], 0) + 1
    assert {k: v["count"] for k, v in values.items()} == counts
    page = ml_client.get("/facets/language").get_data(as_text=True)
    for code in counts:
        assert f'lang="{code}">{language_name(code)}<' in page
    assert language_name("ru") == "Русский" and language_name("zh") == "中文"
    # The filter: a Latin word in German articles only.
    german = _api(ml_client, q="die", language="de")
    assert german["total"] and {h["id"][:2] for h in german["results"]} == {"de"}
    assert {h["language"] for h in _api(ml_client, q="", language="ru")["results"]} == {"ru"}


def test_no_latin_suggestion_for_cyrillic(ml_client):
    data = _api(ml_client, q="поддержкаа")
    assert data["total"] == 0
    suggestion = data.get("suggestion") or ""
    assert not any("a" <= c.lower() <= "z" for c in suggestion)


def test_page_has_lang_and_dir(ml_client):
    page = ml_client.get("/", query_string={"q": "الحكومة"}).get_data(as_text=True)
    assert 'lang="ar"' in page and 'dir="auto"' in page
    article = ml_client.get("/articles/ar1", follow_redirects=True).get_data(as_text=True)
    assert 'lang="ar"' in article and 'dir="auto"' in article


def test_cjk_highlight_marks_whole_word(ml_client):
    data = _api(ml_client, q="空气污染")
    teaser = data["results"][0]["teaser"] + data["results"][0]["title_html"]
    assert "<mark>空气污染</mark>" in teaser


def test_single_cjk_character_finds_every_article_with_it(ml_client):
    # One character is indexed only inside bigrams (港 in 上海港 and 港口).
    for char in ("港", "京", "雪"):
        expected = {r["id"] for r in records() if char in r["title"] + r["body"]}
        data = _api(ml_client, q=char)
        assert {h["id"] for h in data["results"]} == expected and data["total"] == len(expected), char


def test_cjk_inflection_trimmed_only_outside_quotes(ml_client):
    # 서울에서 ("in Seoul") is in no article; unquoted it finds 서울's, quoted nothing.
    rows = records()
    assert not [r for r in rows if "서울에서" in r["title"] + r["body"]]
    with_seoul = {r["id"] for r in rows if "서울" in r["title"] + r["body"]}
    assert {h["id"] for h in _api(ml_client, q="서울에서")["results"]} == with_seoul
    for quote in ('"서울에서"', '"発表する"'):
        data = _api(ml_client, q=quote)  # no exact match: closest passages, labelled so
        assert data["total"] == 0 or (not data["exact"] and data["misquoted"]), quote


@pytest.mark.parametrize("query", ["ciudad", "ciudades", "gobiernos", "sequia"])
def test_spanish_singular_plural_and_accentless_meet(ml_client, query):
    # The fixture writes "la ciudad" (es2), "las ciudades" (es1), "El Gobierno" (es1), "sequía" (es1).
    stems = {"ciudad": ("ciudad", "ciudades"), "ciudades": ("ciudad", "ciudades"),
             "gobiernos": ("gobierno", "gobiernos"), "sequia": ("sequía", "sequías")}[query]
    expected = oracle_ids("es", stems)
    assert expected
    found = {h["id"] for h in _api(ml_client, q=query, language="es")["results"]}
    assert found == expected


def test_no_english_respelling_of_a_sentence_in_another_language(ml_client):
    # "Est" and "vrai" are in no article: an English respeller dropped them ("-il que le ...").
    data = _api(ml_client, q="Est-il vrai que le gouvernement annonce une réforme ?")
    assert "fr1" in {h["id"] for h in data["results"][:3]}
    assert not data.get("suggestion")
    # English is still respelled.
    assert _api(ml_client, q="councel approved")["suggestion"] == "council approved"


def test_persian_keeps_its_zero_width_non_joiner(ml_client):
    # "می‌دهد" is spelled with U+200C; without it the letters join and read wrong.
    row = next(r for r in records() if r["id"] == "fa1")
    assert "\u200c" in row["body"]
    hit = next(h for h in _api(ml_client, q="تهران")["results"] if h["id"] == "fa1")
    assert "\u200c" in hit["teaser"]
    page = ml_client.get("/articles/fa1", follow_redirects=True).get_data(as_text=True)
    assert "می\u200cدهد" in page
    # Typed with or without it, the word is found.
    for query in ("می\u200cدهد", "میدهد"):
        assert "fa1" in {h["id"] for h in _api(ml_client, q=query)["results"]}, query


@pytest.mark.parametrize("query,scaffolding", [
    ("do governo federal anuncia aumento do salário mínimo", []),  # Portuguese "do" is "of the"
    ("Was ist das neue Klimaschutzgesetz der Bundesregierung", []),
    ("Is it true that Правительство расширяет поддержку?", ["Is", "it", "true", "that"]),
    ("is it true that vaccines cause autism", ["is", "it", "true", "that"]),
])
def test_english_question_scaffolding_only_on_english_questions(query, scaffolding):
    from index.schema import make_schema
    from search.query import build_query
    parsed = build_query(query, make_schema())
    assert [u.label for u in parsed.units if u.scaffolding] == scaffolding
