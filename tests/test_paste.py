"""Pasted sentences, questions and quotes through the real interfaces (/api/search and
the CLI): punctuation, line breaks and typography never make a query fail."""

import json
import re

import pytest

from tests.conftest import indexed_rows
from tests.test_cli import artsearch


def api(client, q, **args):
    response = client.get("/api/search", query_string={"q": q, **args})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def ids(data):
    return [r["id"] for r in data["results"]]


# (pasted text, the fixture article it comes from)
PASTES = [
    # Questions ending in "?": "?" was a one-letter wildcard.
    ("What is the flu vaccine? Is it more effective this season?", "a2"),
    ("Is it true that the vaccine schedule was not linked to autism?", "a1"),
    # A soft hyphen and a zero-width space inside words, copied from a typeset page.
    ("Waiting times at hos\u00adpitals fell for the first time in years", "a11"),
    ("Regulators approved a new\u200b drug for cancer of the breast.", "a8"),
    # A quote with a line-break hyphen and line breaks, as pasted from a PDF.
    ("Regular breast cancer screen-\ning saves lives,\na review of trials concluded.", "a7"),
    # Curly quotes, a curly apostrophe and an ellipsis marking left-out words.
    ("\u201cDoctors don\u2019t expect \u2026 to last.\u201d", "a11"),
    # A quoted sentence wrapped in a question whose other words the article lacks.
    ("Fact check: is it really true that \u201cdoctors don\u2019t expect the trend to last\u201d, she wrote?", "a11"),
    # Brackets, a slash, dashes and repeated punctuation.
    ("[Hospital] funding will rise next year -- the government announced!!!", "a6"),
    ("flu vaccine / influenza vaccination \u2013 the best protection (doctors said)...", "a2"),
]


@pytest.mark.parametrize("q, expected", PASTES)
def test_pasted_text_finds_its_article_first(client, q, expected):
    data = api(client, q)
    assert ids(data)[:1] == [expected], (q, data["notes"])


def test_exclusion_alone_leaves_out_the_word(client, fixture_records):
    # Independent oracle: articles with a form of "vaccine" in title or body (French "vaccins" too: French is stemmed as French).
    indexed_records = indexed_rows(fixture_records)  # title-only records are indexed too
    with_word = {r["id"] for r in indexed_records
                 if re.search(r"\bvaccin(e|es|s|ated|ation)?\b", (r.get("title") or "") + " " + (r.get("body") or ""), re.I)}
    indexed = {r["id"] for r in indexed_records}
    for q in ("-vaccine", "-(vaccine)", "NOT vaccine"):
        data = api(client, q, per_page=100)
        assert set(ids(data)) == indexed - with_word, q


def test_what_was_ignored_is_said(client):
    notes = " ".join(api(client, '"unclosed AND (')["notes"])
    assert "quote" in notes and "AND" in notes and "'('" in notes


def test_bare_brackets_are_text_not_a_range(client):
    data = api(client, "[vaccine TO safe]")
    # Searched as its words, and the note says so (issue 19): no range of words was made.
    assert any("was searched as words" in n for n in data["notes"]), data["notes"]
    assert "a1" in ids(data)  # "vaccines are safe", "linked to autism"
    assert data["total"] > 0


def test_relaxed_query_says_what_was_not_required(client):
    # No fixture article has all three words: "funding" is in a6 only, "hospital" in a6
    # and a11, "vaccine" in a1, a2 and a4. Keeping the rarest words ("funding",
    # "hospital") still finds a6, so only the most common one ("vaccine") is dropped.
    data = api(client, "hospital funding vaccine")
    assert data["relaxed"] == {"kept": 2, "total": 3, "dropped": ["vaccine"], "complete": 0}
    assert ids(data)[0] == "a6"
    assert any("(not required: vaccine)" in n for n in data["notes"])
    page = client.get("/", query_string={"q": "hospital funding vaccine"}).get_data(as_text=True)
    assert "(not required: vaccine)" in page
    assert api(client, "hospital funding")["relaxed"] is None


def test_cli_search_with_pasted_multiline_text(index_dir):
    pasted = "\u201cScreening for can\u00adcer of the\nbreast starts at 50.\u201d"
    done = artsearch("search", pasted, "--index", index_dir, "--json")
    assert done.returncode == 0, done.stderr
    assert [r["id"] for r in json.loads(done.stdout)["results"]] == ["a7"]
    text = artsearch("search", "Is it true that", "waiting times at hospitals fell?", "--index", index_dir)
    assert text.returncode == 0, text.stderr
    assert "id a11" in text.stdout.split("\n\n")[1]


def test_relaxed_note_counts_the_words_the_best_articles_really_have(client, fixture_records):
    # "autism" is the rarest word (a1 only) but a1 has none of the others, while a7 and
    # a8 have the other three: the closest articles have 3 of 4 words, not 1 of 4.
    q = "autism breast cancer screening"
    words = q.split()
    bodies = {r["id"]: f"{r.get('title', '')} {r.get('body', '')}".lower() for r in fixture_records}
    assert not [i for i, text in bodies.items() if all(w in text for w in words)]
    best = max(sum(w in text for w in words) for text in bodies.values())
    data = api(client, q)
    assert data["relaxed"]["kept"] == best == 3
    assert data["relaxed"]["dropped"] == ["autism"]
    assert sum(w in bodies[ids(data)[0]] for w in words) == best
    assert any(f"the closest have {best} of 4" in n for n in data["notes"])


def test_a_word_hyphenated_at_a_line_break_is_one_word_through_api_and_cli(client, index_dir):
    # "hos-\npitals" from a PDF is "hospitals" (a11 only); the request collapsed the line
    # break to a space first, so the query parser saw "hos- pitals": two non-words.
    pasted = "Waiting times at hos-\npitals fell"
    data = api(client, pasted)
    # a11 alone has every word (none left out); a long query's closest articles follow it.
    assert ids(data)[0] == "a11" and data["relaxed"]["dropped"] == [] and data["relaxed"]["complete"] == 1
    done = artsearch("search", pasted, "--index", index_dir, "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["results"][0]["id"] == "a11" and out["relaxed"] == data["relaxed"]


@pytest.mark.parametrize("q", ["?!?;:()[]/...", "*", "— … –", "\"\""])
def test_a_query_of_only_punctuation_says_it_has_no_words(client, q):
    # The page used to advise "Try fewer words, another spelling" for a query with no words.
    data = api(client, q)
    assert data["total"] == 0
    assert any("no words" in n for n in data["notes"]), data["notes"]
    page = client.get("/", query_string={"q": q}).get_data(as_text=True)
    assert "no words" in page


def test_an_unknown_field_is_searched_as_separate_words(client, fixture_records):
    # "foo:autism" was one compound, the phrase "foo autism", which no article has, so
    # "autism" itself was dropped as not required.
    with_autism = {r["id"] for r in fixture_records if "autism" in (r.get("body") or "").lower()}
    data = api(client, "foo:autism")
    assert set(ids(data)) == with_autism
    assert any("Unknown field 'foo:'" in n for n in data["notes"])
    assert data["relaxed"]["dropped"] == ["foo"]


@pytest.mark.parametrize("joint", ["-\n", "-\r\n", "\u00ad\n", "\u2010\r\n", "- \n  "])
def test_a_word_broken_at_a_line_break_by_any_hyphen_is_one_word(client, index_dir, fixture_records, joint):
    # PDFs and typeset pages break words with "-", U+2010 or the soft hyphen itself. The
    # oracle: the articles whose text has the word "hospital(s)" (stemmed alike).
    with_word = {r["id"] for r in fixture_records
                 if re.search(r"\bhospitals?\b", f"{r.get('title', '')} {r.get('body') or ''}", re.I)}
    pasted = f"hos{joint}pitals"
    data = api(client, pasted)
    assert set(ids(data)) == with_word and data["relaxed"] is None, data["notes"]
    done = artsearch("search", pasted, "--index", index_dir, "--json")
    assert done.returncode == 0, done.stderr
    assert {r["id"] for r in json.loads(done.stdout)["results"]} == with_word


def test_the_request_keeps_the_pasted_line_breaks(client):
    # The search box shows what was pasted: line breaks kept (CRLF from a form becomes
    # LF), spaces within a line collapsed, blank lines dropped.
    data = api(client, "  Waiting times \r\n\r\n at hos-\r\npitals   fell ")
    assert data["request"]["q"] == "Waiting times\nat hos-\npitals fell"
    assert ids(data)[:1] == ["a11"]
    page = client.get("/", query_string={"q": "Waiting times\r\nat hos-\r\npitals fell"}).get_data(as_text=True)
    assert ">Waiting times\nat hos-\npitals fell</textarea>" in page


# A PDF breaks a hyphenated compound at its own hyphen ("well-\nknown"): joining the two
# halves made "wellknown", which no article has, so the word was dropped ("Not required:
# wellknown") or the query found nothing ("eye-\nto-eye").
LINE_BREAK_RECORDS = [
    {"id": "k1", "title": "Stars", "body": "A well-known actress met the press in Madrid on Monday."},
    {"id": "k2", "title": "Film", "body": "The actress is well known in Spain."},
    {"id": "k3", "title": "Talks", "body": "The two leaders are not seeing eye-to-eye on trade."},
    {"id": "k4", "title": "Sheets", "body": "The information sheet was wrong; the actress agreed."},
    {"id": "k5", "title": "Other", "body": "An actress, a director and an eye doctor."},
]


def reindexed(tmp_path_factory, name: str, records: list[dict]):
    """An index of ``records`` built by the ``artsearch reindex`` command."""
    path = tmp_path_factory.mktemp(name)
    source = path / "articles.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    done = artsearch("reindex", str(source), "--index", str(path / "index"), "-q")
    assert done.returncode == 0, done.stderr
    return path / "index"


@pytest.fixture(scope="module")
def line_break_index(tmp_path_factory):
    return reindexed(tmp_path_factory, "line-break", LINE_BREAK_RECORDS)


def _with(pattern):
    """Independent oracle: the records whose title or body match ``pattern``."""
    return {r["id"] for r in LINE_BREAK_RECORDS if re.search(pattern, f"{r['title']} {r['body']}", re.I)}


@pytest.mark.parametrize("pasted, pattern", [
    ("well-\nknown actress", r"\bwell[- ]?known\b.*\bactress|\bactress\b.*\bwell[- ]?known\b"),
    ("eye-\r\nto-eye", r"\beye[- ]?to[- ]?eye\b"),
    ("eye\u2010\nto-eye", r"\beye[- ]?to[- ]?eye\b"),
    ("infor-\nmation sheet", r"\binformation sheet\b"),     # a word broken in two still joins
    ("infor\u00ad\nmation sheet", r"\binformation sheet\b"),
])
def test_a_compound_broken_at_its_hyphen_by_a_line_break_is_still_found(line_break_index, pasted, pattern):
    expected = _with(pattern)
    assert expected
    done = artsearch("search", pasted, "--index", str(line_break_index), "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert {r["id"] for r in data["results"]} == expected and data["relaxed"] is None, data["notes"]


def test_no_note_promises_closer_articles_when_a_quote_allows_none(line_break_index):
    # A long pasted passage with a quote inside: only the articles with the quote can
    # match, so when they also have every other word nothing can follow them. The note
    # said "Only 1 article contains all 5 words; articles with most of them follow."
    # above that one result, and "relaxed" claimed a relaxation.
    q = '\u201cmet the press\u201d well-known actress Madrid Monday'
    expected = _with(r"\bmet the press\b")
    assert len(expected) == 1
    done = artsearch("search", q, "--index", str(line_break_index), "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert {r["id"] for r in data["results"]} == expected
    assert data["relaxed"] is None and not any("follow" in n for n in data["notes"]), data["notes"]


# Whoosh 2.7.4's Porter stemmer anchors two step-1b rules at the start of the word, so
# "admitted" stemmed to "admitt" and "apologized" to "apologiz": a pasted "did she admit"
# missed every article saying "admitted". The analyzer uses Whoosh's Porter2 instead.
STEM_RECORDS = [
    {"id": "s1", "title": "One", "body": "The senator admitted the error."},
    {"id": "s2", "title": "Two", "body": "She admits nothing and apologizes."},
    {"id": "s3", "title": "Three", "body": "He will admit it, he planned to apologize."},
    {"id": "s4", "title": "Four", "body": "Admitting fault, the club offered an apology."},
    {"id": "s5", "title": "Five", "body": "The plan was stopped; they apologized."},
    {"id": "s6", "title": "Six", "body": "Nobody stopping here: the shop plans to stop."},
    {"id": "s7", "title": "Seven", "body": "Officials were lying, and they lied again."},
]


@pytest.fixture(scope="module")
def stem_index(tmp_path_factory):
    return reindexed(tmp_path_factory, "stems", STEM_RECORDS)


@pytest.mark.parametrize("q, forms", [
    ("admitted", r"admit(s|ted|ting)?"),
    ("admit?", r"admit(s|ted|ting)?"),
    ("apologized", r"apologi(ze|zes|zed|zing)|apology"),
    ("stopped", r"stop(s|ped|ping)?"),
    ("planned", r"plan(s|ned|ning)?"),
])
def test_every_form_of_a_pasted_verb_is_found(stem_index, q, forms):
    expected = {r["id"] for r in STEM_RECORDS if re.search(rf"\b(?:{forms})\b", r["body"], re.I)}
    assert len(expected) >= 2
    done = artsearch("search", q, "--index", str(stem_index), "--json")
    assert done.returncode == 0, done.stderr
    assert {r["id"] for r in json.loads(done.stdout)["results"]} == expected


def test_a_word_porter2_stems_irregularly_is_marked_in_the_teaser(stem_index):
    # Porter2 stems "lying" to "lie": the teaser's shortcut (a stem minus its last letter
    # prefixes its word) would have skipped it.
    done = artsearch("search", "lie", "--index", str(stem_index), "--json")
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)["results"]
    assert [r["id"] for r in results] == [r["id"] for r in STEM_RECORDS if "lying" in r["body"]]
    assert "<mark>lying</mark>" in results[0]["teaser"] and "<mark>lied</mark>" in results[0]["teaser"]


def test_a_quote_no_article_has_is_searched_as_its_words(client, fixture_records):
    # Independent oracle: articles with a form of "vaccine"; no article has "zqxvj".
    with_word = {r["id"] for r in fixture_records if r.get("body")
                 and re.search(r"\bvaccin(e|es|s|ated|ation)?\b", r.get("title", "") + " " + r["body"], re.I)}
    assert with_word and not any("zqxvj" in json.dumps(r).lower() for r in fixture_records)
    for q in ('"vaccine zqxvj"', "\u201cvaccine zqxvj\u201d"):
        data = api(client, q, per_page=100)
        assert set(ids(data)) == with_word and data["total"] == len(with_word), q
        assert any('"vaccine zqxvj"' in n and "without quotes" in n for n in data["notes"]), data["notes"]
    # A quote some article has stays a quote.
    found = api(client, '"flu vaccine"', per_page=100)
    assert found["total"] > 0 and not any("without quotes" in n for n in found["notes"])
