"""Relevance ranking (search/ranking.py): BM25F over content words, the long-query
matching strategy and feedback, through the engine and /api/search.

Each corpus here is written for one property, and the expected order is argued from
the formula's definition, not read from the program's output.
"""

from __future__ import annotations

import json
import re

import pytest
from whoosh.lang import stopwords_for_language

from index.analysis import TEXT_ANALYZER
from index.config import Config
from index.indexer import build_index
from index.language import FUNCTION_WORDS
from search.engine import SearchEngine
from search.request import SearchRequest


def write(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def engine_for(tmp_path, rows) -> SearchEngine:
    corpus = write(tmp_path / "corpus.jsonl", rows)
    build_index([corpus], tmp_path / "index", full=True)
    return SearchEngine(Config(index_dir=tmp_path / "index"))


def ids(engine, q, **kwargs):
    return [hit.id for hit in engine.search(SearchRequest(q=q, per_page=50, **kwargs)).hits]


def test_content_word_counts_match_an_independent_count(engine):
    """The lengths BM25F normalises by: every word whose term is not an English function
    word's ("doing" is "do"), in each article's stored title and body, counted here from
    the stored text; in another language, every word not in Whoosh's stop list for it."""
    searcher = engine.searcher()
    lengths = engine.view(searcher).lengths
    function_terms = {TEXT_ANALYZER.term(w) for w in FUNCTION_WORDS}
    checked = 0
    for docnum in searcher.reader().all_doc_ids():
        stored = searcher.stored_fields(docnum)
        for group in ("title", "body"):
            text = stored.get(group) or ""
            if stored.get("language", "") in ("", "en"):
                expected = sum(1 for w in re.findall(r"\w+", text) if TEXT_ANALYZER.term(w) not in function_terms)
            else:
                stop = set(stopwords_for_language(stored["language"]))
                expected = sum(1 for w in re.findall(r"\w+", text) if w.lower() not in stop)
            assert lengths.lengths[group][docnum] == expected, (stored["id"], group)
        checked += 1
    assert checked == searcher.doc_count() > 5


def test_function_words_do_not_make_an_article_longer(tmp_path):
    """Two articles with "aeroelastic" once and the same number of words: the one whose
    other words are all function words is shorter in content, so it ranks first. With
    every word counted (Whoosh's lengths) the two tie."""
    padding_function = " ".join(["of the and to in"] * 40)
    padding_content = " ".join(["wing panel flutter speed load"] * 40)
    engine = engine_for(tmp_path, [
        {"id": "content", "title": "Notes", "body": f"aeroelastic {padding_content}"},
        {"id": "function", "title": "Notes", "body": f"aeroelastic {padding_function}"},
        {"id": "other", "title": "Unrelated", "body": "nothing to see here"},
    ])
    assert ids(engine, "aeroelastic") == ["function", "content"]
    # Scored with Whoosh's own lengths alone, the order would be a tie broken by docnum.
    engine.close()


def test_title_and_body_frequencies_saturate_together(tmp_path):
    """BM25F sums a word's title and body frequencies before saturating: an article
    with the word in the title and once in the body beats one with it twice in the body
    and not in the title (the title weighs TITLE_WEIGHT > 1)."""
    engine = engine_for(tmp_path, [
        {"id": "body-twice", "title": "Report", "body": "The shell vibrates. Shell tests went on."},
        {"id": "title-once", "title": "Shell", "body": "The shell vibrates. Tests went on."},
        {"id": "neither", "title": "Report", "body": "Nothing here."},
    ])
    assert ids(engine, "shell") == ["title-once", "body-twice"]
    engine.close()


LONG_QUERY_ROWS = [
    # Only one article has all five content words...
    {"id": "all", "title": "Shell vibration", "body": "Experimental techniques in shell vibration."},
    # ...and these have most of them: they follow it instead of being hidden.
    {"id": "four", "title": "Shell vibration tests", "body": "Experimental methods in shell vibration work."},
    {"id": "three", "title": "Panels", "body": "Experimental shell vibration of panels."},
    {"id": "one", "title": "Notes", "body": "Experimental notes on something else entirely."},
    {"id": "none", "title": "Weather", "body": "Rain and wind."},
]


def test_a_long_query_that_few_articles_match_word_for_word_shows_the_closest_next(tmp_path):
    engine = engine_for(tmp_path, LONG_QUERY_ROWS)
    result = engine.search(SearchRequest(q="experimental techniques in shell vibration?", per_page=10))
    got = [hit.id for hit in result.hits]
    assert got[0] == "all"
    assert set(got) == {"all", "four", "three", "one"}
    # Closer articles first: "four" has 4 of the 5 content words, "one" only 1.
    assert got.index("four") < got.index("one") and got.index("three") < got.index("one")
    assert result.relaxation is not None and result.relaxation.complete == 1
    assert result.relaxation.dropped == ()
    assert "Only 1 article contains all" in " ".join(result.notes)
    engine.close()


def test_a_short_query_stays_strict(tmp_path):
    engine = engine_for(tmp_path, LONG_QUERY_ROWS)
    result = engine.search(SearchRequest(q="shell techniques", per_page=10))
    assert [hit.id for hit in result.hits] == ["all"] and result.relaxation is None
    engine.close()


def test_the_complete_count_reaches_the_json(client):
    # a1 is the only fixture article with all of these words.
    response = client.get("/api/search", query_string={
        "q": "large study found vaccines safe children schedule autism"})
    data = response.get_json()
    assert data["results"][0]["id"] == "a1"
    assert data["relaxed"]["complete"] == 1 and data["relaxed"]["dropped"] == []
    assert data["total"] > 1


def test_feedback_prefers_the_article_like_the_best_matches(tmp_path):
    """A long question that no article answers word for word: of two articles with the
    same one query word, the one that shares the best matches' other words comes first."""
    topic = "boundary layer transition heat transfer supersonic flow"
    rows = [{"id": f"best{i}", "title": "Boundary layer heat transfer",
             "body": f"{topic} measured in wind tunnel number {i}. Laminar turbulent."} for i in range(4)]
    rows += [
        {"id": "like", "title": "Notes", "body": "Supersonic measurements: laminar turbulent wind tunnel flow."},
        {"id": "unlike", "title": "Notes", "body": "Supersonic passenger jets and their ticket prices today."},
    ]
    engine = engine_for(tmp_path, rows)
    got = ids(engine, "what is known about boundary layer heat transfer at supersonic speeds, and why?")
    assert got.index("like") < got.index("unlike"), got
    engine.close()


@pytest.mark.parametrize("q", ["experimental techniques in shell vibration",
                               "what is known about shell vibration experiments?"])
def test_every_page_and_the_export_agree_on_the_order(tmp_path, q):
    """Re-scoring happens on a fixed head, whatever the page asks for: page 1 + page 2
    equal the first 2 × per_page of one long page."""
    rows = [{"id": f"d{i:02d}", "title": f"Shell note {i}",
             "body": ("shell vibration " * (i % 5 + 1)) + ("experimental " * (i % 3)) + f"filler {i}"}
            for i in range(40)]
    engine = engine_for(tmp_path, rows)
    long = ids(engine, q)
    pages = []
    for page in (1, 2, 3):
        pages += [h.id for h in engine.search(SearchRequest(q=q, per_page=7, page=page)).hits]
    assert pages == long[:21]
    engine.close()


def test_a_long_question_lists_every_match_even_those_without_its_rarest_words(tmp_path):
    """More than FIRST_STAGE_WORDS content words: the rarest pick the candidates, but an
    article with only a common word is still a result, on a later page and in exports."""
    words = "alpha bravo charlie delta echo foxtrot golf hotel india juliet".split()
    rows = [{"id": f"rare{i}", "title": "Rare", "body": f"{words[i]} {words[i + 1]} text"} for i in range(8)]
    # "juliet" and "india" are the most common words: many articles have only those.
    rows += [{"id": f"common{i:02d}", "title": "Common", "body": f"juliet india filler {i}"} for i in range(30)]
    rows += [{"id": "none", "title": "Nothing", "body": "unrelated"}]
    engine = engine_for(tmp_path, rows)
    q = "is it true that " + " ".join(words) + "?"
    expected = {r["id"] for r in rows if any(w in r["body"].split() for w in words)}
    first = engine.search(SearchRequest(q=q, per_page=10))
    assert first.total == len(expected) == 38
    listed = []
    for page in range(1, 5):
        listed += [h.id for h in engine.search(SearchRequest(q=q, per_page=10, page=page, collapse=False)).hits]
    assert sorted(listed) == sorted(expected) and len(listed) == len(set(listed))
    # The articles with the rare words come first.
    assert all(i.startswith("rare") for i in listed[:8])
    engine.close()


FILTER_ROWS = [
    # Two articles with all five content words, both from a.example...
    {"id": "all1", "title": "Shell vibration", "outlet": "a.example",
     "body": "Experimental techniques in shell vibration."},
    {"id": "all2", "title": "Shell vibration again", "outlet": "a.example",
     "body": "Experimental techniques in shell vibration, again."},
    # ...and from b.example only articles with some of them.
    {"id": "b4", "title": "Tests", "outlet": "b.example", "body": "Experimental techniques in shell work."},
    {"id": "b2", "title": "Notes", "outlet": "b.example", "body": "Experimental shell."},
]


def test_the_relaxation_note_is_true_of_the_filtered_results(tmp_path):
    """The note must not count articles the filters leave out: with outlet=b.example,
    no listed article has every word, and the closest has 4 of 5 (counted here by hand)."""
    engine = engine_for(tmp_path, FILTER_ROWS)
    q = "experimental techniques in shell vibration"
    everything = engine.search(SearchRequest(q=q, per_page=10))
    assert everything.relaxation.complete == 2
    assert "Only 2 articles contain all 5 words" in " ".join(everything.notes)
    only_b = engine.search(SearchRequest(q=q, per_page=10, outlet=("b.example",)))
    assert {h.id for h in only_b.hits} == {"b4", "b2"}
    relaxation = only_b.relaxation
    assert (relaxation.complete, relaxation.kept, relaxation.total, relaxation.dropped) == (0, 4, 5, ("vibration",))
    note = " ".join(only_b.notes)
    assert "No article with these filters contains all 5 words; the closest have 4 of 5" in note
    assert "Only 2" not in note
    only_a = engine.search(SearchRequest(q=q, per_page=10, outlet=("a.example",)))
    assert only_a.relaxation is None or only_a.relaxation.complete == 2
    engine.close()


def test_the_filtered_relaxation_reaches_the_json_and_the_export(tmp_path):
    from web.app import create_app

    engine_for(tmp_path, FILTER_ROWS).close()
    app = create_app(Config(index_dir=tmp_path / "index"))
    client = app.test_client()
    q = "experimental techniques in shell vibration"
    data = client.get("/api/search", query_string={"q": q, "outlet": "b.example"}).get_json()
    assert data["relaxed"] == {"kept": 4, "total": 5, "dropped": ["vibration"], "complete": 0}
    first = client.get("/search.jsonl", query_string={"q": q, "outlet": "b.example"}).get_data(as_text=True)
    assert "Only 2 articles" not in first and "with these filters" in first
