"""``normalise`` and its helpers: HTML to clean text, outlets, languages, ids, limits."""

import pytest

from index.language import detect_language
from index.normalise import (
    MAX_BODY_BYTES,
    NormaliseOptions,
    SkipRecord,
    clean_text,
    normalise,
    normalise_language,
    outlet_from_url,
    strip_html,
)


def test_html_to_text_keeps_paragraphs_and_drops_scripts():
    html = ("<div><h1>Title</h1><p>First &amp; foremost,\n   the <b>bold</b> claim.</p>"
            "<script>var secret = 1;</script><style>p { color: red }</style>"
            "<p>Second&nbsp;paragraph<br>with a break.</p><!-- comment --></div>")
    assert clean_text(html) == "Title\n\nFirst & foremost, the bold claim.\n\nSecond paragraph\nwith a break."


def test_literal_escaped_markup_stays_text():
    assert clean_text("Use &lt;script&gt; tags") == "Use <script> tags"
    assert strip_html("x < y and y > z") == "x < y and y > z"


def test_unclosed_script_is_dropped_to_the_end():
    assert clean_text("Visible <script>never closed") == "Visible"


def test_whitespace_and_control_characters_normalised():
    assert clean_text("  a\u00a0 b\t\tc \r\n\r\n\r\n d\u200b\x00e  ") == "a b c\n\nde"
    assert clean_text("Line one\nline two") == "Line one\nline two"
    assert clean_text("Cafe\u0301") == "Café"  # NFC
    assert clean_text("<b>Title</b>\n\n  here", paragraphs=False) == "Title here"


@pytest.mark.parametrize("url, outlet", [
    ("https://www.reuters.com/article/x", "reuters.com"),
    ("http://web.archive.org/web/20161108000000/https://www.nytimes.com/2016/x.html", "nytimes.com"),
    ("https://web.archive.org/web/20161108000000id_/http://well.blogs.nytimes.com/x", "well.blogs.nytimes.com"),
    ("www.etonline.com/news/x", "etonline.com"),
    ("https://WWW.Example.COM:8080/path", "example.com"),
    ("", ""),
    ("not a url", ""),
])
def test_outlet_from_url(url, outlet):
    assert outlet_from_url(url) == outlet


def test_outlet_field_wins_over_url_and_hosts_are_cleaned():
    # (An outlet outside the built-in alias table: "The Guardian" itself becomes theguardian.com.)
    article = normalise({"body": "x", "outlet": "The Observer", "url": "https://www.theguardian.com/a"})
    assert article.outlet == "The Observer"
    assert normalise({"body": "x", "site": "https://www.bbc.co.uk/"}).outlet == "bbc.co.uk"
    assert normalise({"body": "x", "url": "https://web.archive.org/web/2016/https://www.cnn.com/a"}).outlet == "cnn.com"


@pytest.mark.parametrize("value, code", [("en", "en"), ("en-US", "en"), ("fr_FR", "fr"), ("DE", "de"),
                                         ("english", "en"), ("xx-YY", ""), ("", ""), (None, ""), (3, "")])
def test_language_field(value, code):
    assert normalise_language(value) == code


@pytest.mark.parametrize("text, code", [
    ("The vaccine was more effective this season and the doctors said that it is good for the children.", "en"),
    ("Les vaccins protègent les enfants et une étude récente confirme leur sécurité pour les parents.", "fr"),
    ("Der Impfstoff ist nicht nur für die Kinder wichtig, sondern auch für die Eltern und das ist gut.", "de"),
    ("El gobierno dijo que la vacuna es segura para los niños y las familias del país.", "es"),
    ("Il governo ha detto che il vaccino è sicuro per i bambini e per le famiglie della città.", "it"),
    ("De regering zei dat het vaccin veilig is voor de kinderen en dat er geen risico is.", "nl"),
    ("Hello", ""),
    ("", ""),
])
def test_detect_language(text, code):
    assert detect_language(text) == code


def test_language_field_wins_and_detection_fills_gaps():
    french = "Les électeurs sont appelés aux urnes pour les élections dans toutes les communes de France."
    assert normalise({"body": french}).language == "fr"
    assert normalise({"body": french, "language": "en"}).language == "en"
    assert normalise({"body": french}, NormaliseOptions(detect_language=False)).language == ""


def test_records_without_body_are_kept_by_their_title_and_without_either_skipped():
    # A headline-only record (a wire flash, a catalogue entry) is an article with no text.
    for record in ({"title": "Quake hits Lima"}, {"title": "Quake hits Lima", "body": "<script>only()</script>"},
                   {"title": "Quake hits Lima", "body": "   "}):
        article = normalise(record)
        assert (article.title, article.body) == ("Quake hits Lima", "")
    with pytest.raises(SkipRecord, match="no title or body text"):
        normalise({"title": "  ", "body": "<p></p>"})
    with pytest.raises(SkipRecord, match="no title or body text"):
        normalise({"id": "x", "outlet": "reuters.com"})
    with pytest.raises(SkipRecord, match="no column 'content'"):
        normalise({"body": "ignored"}, NormaliseOptions(field_map={"body": "content"}))
    with pytest.raises(SkipRecord, match="JSON object"):
        normalise({"body": {"nested": "x"}})


def test_column_aliases_and_explicit_map():
    article = normalise({"Headline": "H", "Content": "Body text", "Publisher": "P", "Byline": "Jane Doe"})
    assert (article.title, article.body, article.outlet, article.authors) == ("H", "Body text", "P", ("Jane Doe",))
    mapped = normalise({"text": "alias", "story": "mapped"}, NormaliseOptions(field_map={"body": "story"}))
    assert mapped.body == "mapped"


def test_over_long_body_is_cut_at_a_word_with_a_warning():
    warnings = []
    article = normalise({"body": "ab\u00e9 " * 700_000}, warnings=warnings)
    size = len(article.body.encode("utf-8"))
    assert MAX_BODY_BYTES - 300 < size <= MAX_BODY_BYTES and article.body.endswith("abé")
    assert len(warnings) == 1 and warnings[0].startswith("body cut")


def test_bad_date_is_a_warning_not_a_skip():
    warnings = []
    article = normalise({"body": "x", "published": "2999-01-01"}, warnings=warnings)
    assert article.published is None and warnings == ["undated: date '2999-01-01' is in the future"]


def test_ids_are_stable_without_an_id_column():
    record = {"title": "Same", "body": "Same body"}
    assert normalise(record).id == normalise(dict(record)).id and len(normalise(record).id) == 16
    assert normalise({"id": 42, "body": "x"}).id == "42"


def test_unsafe_urls_are_dropped_and_schemeless_ones_fixed():
    assert normalise({"body": "x", "url": "javascript:alert(1)"}).url == ""
    assert normalise({"body": "x", "url": "www.etonline.com/a"}).url == "http://www.etonline.com/a"


def test_date_after_archive_snapshot_is_dropped_with_a_warning():
    from index.normalise import normalise

    archived = "https://web.archive.org/web/20181218015531/https://www.eurekalert.org/x"
    warnings = []
    article = normalise({"id": "x", "body": "b", "published": "2018-12-29T05:00:00Z", "url": archived}, warnings=warnings)
    assert article.published is None
    assert warnings == ["undated: published 2018-12-29 is after the page was archived (2018-12-18), "
                        "so it cannot be the publication date"]
    same_day = normalise({"id": "x", "body": "b", "published": "2018-12-18T05:00:00Z", "url": archived})
    assert same_day.published.isoformat() == "2018-12-18T05:00:00+00:00"
