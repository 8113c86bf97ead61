"""Typographic folding in the analyzer: the same terms at index and query time, and
offsets that still point into the original text."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.analysis import FOLD_ANALYZER, TEXT_ANALYZER, _typography_pattern, has_typography
from index.schema import make_schema
from search.query import build_query
from search.teasers import HighlightSpec, highlight_text

SCHEMA = make_schema()

# (typeset text, the same text typed plainly)
PAIRS = [
    ("infor\u00admation science", "information science"),          # soft hyphen
    ("infor\u200bmation sci\u200cen\u200dce", "information science"),  # zero-width space/(non-)joiner
    ("\ufeffinfor\u2060mation", "information"),                     # BOM, word joiner
    ("infor-\nmation science", "information science"),              # hyphenated at a line break
    ("infor-  \r\n  mation", "information"),
    ("infor\u00ad\nmation sci\u2010\r\nence", "information science"),  # soft hyphen, U+2010 at a line break
    ("covid\u201119 vaccine", "covid-19 vaccine"),                   # non-breaking hyphen
    ("flu\u00a0vaccine", "flu vaccine"),                            # non-breaking space
    ("flu\u2013vaccine \u2014 works\u2026 well", "flu vaccine - works... well"),  # dashes, ellipsis
    ("\ufb01nd the \ufb02u", "find the flu"),                       # ligatures
    ("\uff56\uff41\uff43\uff43\uff49\uff4e\uff45\uff53 ＣＯＶＩＤ", "vaccines COVID"),  # full-width
    ("don\u2019t \u2018quote\u2019 \u201cme\u201d", "don't 'quote' \"me\""),  # curly quotes
]


def terms(analyzer, text):
    return [t.text for t in analyzer(text)]


@pytest.mark.parametrize("typeset, plain", PAIRS)
@pytest.mark.parametrize("analyzer", [TEXT_ANALYZER, FOLD_ANALYZER], ids=["text", "fold"])
def test_index_side_folds_typography(analyzer, typeset, plain):
    assert terms(analyzer, typeset) == terms(analyzer, plain)
    # The fast indexing path (term lists) agrees with the token path.
    assert analyzer.terms(typeset) == terms(analyzer, plain)


@pytest.mark.parametrize("typeset, plain", PAIRS)
def test_query_side_gives_the_index_side_terms(typeset, plain):
    parsed = build_query(typeset.replace('"', ""), SCHEMA)
    query_terms = [t for u in parsed.units for t in u.terms]
    assert query_terms == terms(TEXT_ANALYZER, typeset)


def test_offsets_point_into_the_original_text():
    text = "An infor\u00admation sci-\nence ﬁle"
    tokens = [(t.text, text[t.startchar:t.endchar]) for t in TEXT_ANALYZER(text, chars=True)]
    assert tokens == [("an", "An"), ("inform", "infor\u00admation"), ("scienc", "sci-\nence"), ("file", "ﬁle")]
    assert has_typography(text) and not has_typography("plain text – with a dash…")
    text = "infor\u00ad\nmation"
    assert [(t.text, text[t.startchar:t.endchar]) for t in TEXT_ANALYZER(text, chars=True)] == [("inform", text)]
    assert has_typography(text)


def test_a_hyphen_at_a_line_break_between_a_word_and_a_number_is_kept():
    assert terms(TEXT_ANALYZER, "covid-\n19") == ["covid", "19"]


def test_highlight_marks_the_original_characters():
    text = "The infor\u00admation was hyphen-\nated and \ufb01led."
    spec = HighlightSpec(frozenset(TEXT_ANALYZER.term(w) for w in ("information", "hyphenated", "filed")))
    html = highlight_text(text, TEXT_ANALYZER, spec)
    assert "<mark>infor\u00admation</mark>" in html
    assert "<mark>hyphen-\nated</mark>" in html
    assert "<mark>\ufb01led</mark>" in html


# The characters has_typography's fast path treats separately: hyphens, line breaks, tabs,
# letters and digits, invisible and compatibility forms, other non-ASCII text.
_TYPOGRAPHY_ALPHABET = "aZ9_-\u2010 \t\r\n\u00ad\u200b\ufeff\ufb01\uff21\u00e9\u2019\u2013\u2026\u0430"


@given(st.text(alphabet=_TYPOGRAPHY_ALPHABET, max_size=40))
@settings(max_examples=2000, deadline=None)
def test_has_typography_answers_as_its_reference_pattern(text):
    assert has_typography(text) == (_typography_pattern().search(text) is not None)


def test_has_typography_answers_as_its_reference_pattern_on_real_bodies(fakehealth_rows):
    texts = [row[key] for row in fakehealth_rows for key in ("body", "title") if row.get(key)]
    expected = [_typography_pattern().search(t) is not None for t in texts]
    assert [has_typography(t) for t in texts] == expected
    assert 0 < sum(expected) < len(texts)  # both answers occur
    for text in ("a-\nb", "é-\r\nb", "a\u2010\rb", "1-\nb", "a-\n1", "a -\nb", "a-\t \nb", "a--\nb", "-\nb",
                 "x\u00adx", "ﬁ"):
        assert has_typography(text) == (_typography_pattern().search(text) is not None), text


def test_accent_map_leaves_lowercase_ascii_alone():
    """The teaser fast path skips translate() for ASCII text on this Whoosh behaviour."""
    from whoosh.support.charset import accent_map

    lowercase_ascii = "".join(chr(c) for c in range(128)).lower()
    assert lowercase_ascii.translate(accent_map) == lowercase_ascii
