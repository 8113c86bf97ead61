import re

from hypothesis import given, settings
from hypothesis import strategies as st

from index.analysis import TEXT_ANALYZER
from search.teasers import HighlightSpec, highlight_text, make_teaser, sanitise_teaser


def spec(*terms, phrases=()):
    return HighlightSpec(frozenset(terms), tuple(phrases))


def test_marks_stemmed_matches():
    html = make_teaser("Vaccines work. A vaccine schedule.", TEXT_ANALYZER, spec("vaccin"))
    assert html.count("<mark>") == 2
    assert "<mark>Vaccines</mark>" in html and "<mark>vaccine</mark>" in html


def test_phrase_is_marked_as_one_span_and_only_where_whole():
    text = "Cancer of the breast is rare here. Breast cancer screening helps."
    html = make_teaser(text, TEXT_ANALYZER, spec("breast", "cancer", phrases=[("breast", "cancer")]))
    assert "<mark>Breast cancer</mark>" in html
    assert html.count("<mark>") == 1


def test_fallback_is_start_of_body():
    text = "First words of the body. " * 30
    html = make_teaser(text, TEXT_ANALYZER, spec("absent"), maxchars=60)
    assert html.startswith("First words of the body.") and html.endswith("…") and "<mark>" not in html


def test_hostile_text_is_escaped_and_only_mark_survives():
    text = "<script>alert(1)</script> <img src=x onerror=alert(2)> vaccine"
    html = make_teaser(text, TEXT_ANALYZER, spec("vaccin"))
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "<mark>vaccine</mark>" in html


def test_sanitiser_removes_attributes_and_other_tags():
    assert sanitise_teaser('<mark onclick="x()">a</mark><b>b</b>') == "<mark>a</mark>b"


def test_whole_text_highlight_marks_every_match():
    html = highlight_text("flu, flu & more flu", TEXT_ANALYZER, spec("flu"))
    assert html.count("<mark>flu</mark>") == 3 and "&amp;" in html


def test_long_body_fragment_is_bounded():
    text = ("filler " * 2000) + "needle " + ("filler " * 2000)
    html = make_teaser(text, TEXT_ANALYZER, spec("needl"), maxchars=200)
    assert "<mark>needle</mark>" in html and len(html) < 400


def test_fast_path_only_skips_bleach_when_bleach_would_change_nothing():
    import bleach

    from search.teasers import _ALREADY_CLEAN

    samples = [
        make_teaser('Tom & "Jerry" <3 it\'s <b>x</b> vaccine', TEXT_ANALYZER, spec("vaccin")),
        make_teaser("a < b > c & d vaccine", TEXT_ANALYZER, spec("vaccin")),
    ]
    for teaser in samples:
        assert _ALREADY_CLEAN.fullmatch(teaser)
        assert bleach.clean(teaser, tags={"mark"}, attributes={}, strip=True) == teaser
    for hostile in ['<mark onclick="x">a</mark>', "<script>x</script>", "&unknown; <b>", "<img src=x onerror=y>"]:
        assert not _ALREADY_CLEAN.fullmatch(hostile)
        assert sanitise_teaser(hostile) == bleach.clean(hostile, tags={"mark"}, attributes={}, strip=True)


def test_fast_path_agrees_with_bleach_on_real_teasers(fakehealth_engine):
    import bleach
    from werkzeug.datastructures import MultiDict

    from search.request import SearchRequest

    for q in ["vaccine", '"breast cancer"', "heart attack", "drug OR pill", "study"]:
        result = fakehealth_engine.search(SearchRequest.from_args(MultiDict([("q", q), ("per_page", "50")])))
        for hit in result.hits:
            assert bleach.clean(hit.teaser_html, tags={"mark"}, attributes={}, strip=True) == hit.teaser_html


def test_candidate_scan_equals_full_tokenisation_on_real_bodies(fakehealth_rows):
    from index.analysis import FOLD_ANALYZER
    from search.teasers import _candidate_spans, _matched_spans_full

    specs = [
        spec("cancer"), spec("vaccin", "flu"), spec("t", "us", "s"), spec("studi", "said", "the"),
        spec("breast", "cancer", "screen", phrases=[("breast", "cancer")]),
        spec("blood", "pressur", phrases=[("blood", "pressur")]),
        spec("clinic", "trial", "drug", phrases=[("clinic", "trial")]),
        spec("don", "t", phrases=[("don", "t")]),
    ]
    checked = 0
    for row in fakehealth_rows[::7]:
        for s in specs:
            for analyzer in (TEXT_ANALYZER, FOLD_ANALYZER):
                fast = _candidate_spans(row["body"], analyzer, s)
                if fast is not None:
                    assert fast == _matched_spans_full(row["body"], analyzer, s), (row["id"], s)
                    checked += 1
    assert checked > 1000


def test_accent_folding_by_runs_equals_translating_the_whole_text(fakehealth_rows):
    from whoosh.support.charset import accent_map

    from search.teasers import fold_accents

    texts = [t.lower() for t in [row["body"] for row in fakehealth_rows] + ["", "ascii", "É", "Straße ﬁ ’x’ Ⅻ"]]
    assert [fold_accents(t) for t in texts] == [t.translate(accent_map) for t in texts]
    assert any(not t.isascii() for t in texts)


_PREFIX_SETS = [{"alzhei"}, {"cance", "breas"}, {"t", "us", "s"}, {"studi", "sai", "th"}, {"a", "i", "in", "é"},
                {"covid", "19", "x_"}]


def reference_candidates(prefixes) -> re.Pattern:
    alternatives = "|".join(sorted(map(re.escape, prefixes), key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})\w*")


def test_candidate_pattern_finds_what_the_look_behind_pattern_finds(fakehealth_rows):
    from search.teasers import candidate_pattern, fold_accents

    texts = [fold_accents(row["body"][:10000].lower()) for row in fakehealth_rows[::3]]
    for prefixes in _PREFIX_SETS:
        fast, reference = candidate_pattern(prefixes), reference_candidates(prefixes)
        assert [[m.span() for m in fast.finditer(t)] for t in texts] == \
            [[m.span() for m in reference.finditer(t)] for t in texts], prefixes


@given(st.text(alphabet="atsuinébc19_x- \n.\u00ad", max_size=30), st.sampled_from(_PREFIX_SETS))
@settings(max_examples=1000, deadline=None)
def test_candidate_pattern_property(text, prefixes):
    from search.teasers import candidate_pattern

    assert [m.span() for m in candidate_pattern(prefixes).finditer(text)] == \
        [m.span() for m in reference_candidates(prefixes).finditer(text)]
