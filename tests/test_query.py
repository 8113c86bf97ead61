import pytest
from whoosh import query as wq

from index.analysis import SUFFIX_SCRIPTS
from index.schema import make_schema
from search.query import build_query, normalise_query_text

SCHEMA = make_schema()


def parse(text):
    return build_query(text, SCHEMA)


def test_words_must_all_match_and_are_stemmed():
    q = parse("Vaccines flu").query
    assert isinstance(q, wq.And)
    assert ("body", "vaccin") in set(q.iter_all_terms())
    assert ("body", "flu") in set(q.iter_all_terms())


def test_curly_quotes_make_a_phrase():
    assert normalise_query_text("\u201cbreast cancer\u201d") == '"breast cancer"'
    q = parse("\u201cbreast cancer\u201d").query
    phrases = [leaf for leaf in q.leaves() if isinstance(leaf, wq.Phrase)]
    assert phrases and phrases[0].words == ["breast", "cancer"]


def test_or_not_and_minus():
    assert isinstance(parse("flu OR cold").query, wq.Or)
    assert isinstance(parse("vaccine -autism").query, wq.AndNot)
    assert parse("vaccine NOT autism").query == parse("vaccine -autism").query


def test_hyphenated_word_is_not_negation():
    q = parse("covid-19").query
    assert not isinstance(q, (wq.AndNot, wq.Not))
    assert any(isinstance(leaf, wq.Phrase) and leaf.words == ["covid", "19"] for leaf in q.leaves())


def test_fields_and_title_covers_every_language_of_its_script():
    fields = {leaf.fieldname for leaf in parse("title:cancer").query.leaves()}
    latin = {f"title_{s}" for s, scripts in SUFFIX_SCRIPTS.items() if not scripts or "latin" in scripts}
    assert "title_ru" not in latin and "title_de" in latin
    assert fields == {"title"} | latin
    cyrillic = {leaf.fieldname for leaf in parse("title:Москва").query.leaves()}
    assert cyrillic == {"title", "title_ru", "title_uk", "title_intl"}
    assert parse("author:smith").query == wq.Term("author", "smith")


def test_date_range():
    q = parse("published:[2016-01-01 TO 2016-12-31]").query
    assert isinstance(q, wq.NumericRange) and q.fieldname == "published"


@pytest.mark.parametrize("text", ['"unbalanced', "vaccine AND", "OR flu", "(((", "foo:bar", "***",
                                  "published:[garbage TO x]", "a:b:c", "[ TO ]", ")", "\x00", "title:"])
def test_malformed_queries_never_raise(text):
    parsed = parse(text)
    assert parsed.query is not None  # NullQuery at worst: "matches nothing", never an exception


def test_notes_explain_what_was_done():
    assert any("unmatched quote" in n for n in parse('"unbalanced').notes)
    assert any("Unknown field 'foo:'" in n for n in parse("foo:bar").notes)
    assert any("Wildcards need" in n for n in parse("a*").notes)


def test_empty_query_browses():
    assert parse("   ").is_empty


def test_bare_words_may_be_relaxed_explicit_clauses_not():
    units = {u.label: u.relaxable for u in parse('flu zzz "flu shot" title:cancer vacc*').units}
    assert units == {"flu": True, "zzz": True, '"flu shot"': False, "title:cancer": False, "vacc*": False}
