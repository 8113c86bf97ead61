"""The Whoosh schema: one declaration for what is indexed, stored and faceted.

Field names match ``Article`` attributes. Where one attribute needs two behaviours
(searchable words and an exact facet value) the facet twin is ``<name>_facet``; where a
language needs its own analysis the twin is ``<name>_intl``. Everything a result list or
teaser needs is stored, so a results page needs no other lookup.
"""

from __future__ import annotations

from whoosh.analysis import RegexTokenizer
from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, DATETIME, ID, STORED, TEXT, FieldType, SchemaClass
from whoosh.formats import Existence

from .analysis import FOLD_ANALYZER, LANGUAGE_ANALYZERS, TEXT_ANALYZER, FastPositions

# Bump when the schema or an analyzer changes: an index built with another version
# is refused at start-up with "rebuild the index" instead of giving wrong results.
SCHEMA_VERSION = 11

# Facet values are whole strings (an author's full name, an outlet). Several values of
# one field are joined with this separator and split again by the facet tokenizer.
FACET_SEPARATOR = "\n"


class WORDS(TEXT):
    """A ``TEXT`` field with positions for phrases, stored in ``FastPositions`` format.

    A query word the analyzer splits in two (don't, reuters.com, covid-19) matches as a
    phrase (``multitoken_query="phrase"``), not as two unrelated words.
    """

    def __init__(self, analyzer, field_boost: float = 1.0, **kwargs):
        super().__init__(analyzer=analyzer, field_boost=field_boost, multitoken_query="phrase", **kwargs)
        self.format = FastPositions(field_boost=field_boost)


class FACET(FieldType):
    """An exact, multi-valued, unscored keyword field for facets and filters."""

    def __init__(self):
        self.format = Existence(field_boost=1.0)
        self.analyzer = RegexTokenizer(r"[^\n]+")
        self.stored = False
        self.unique = False
        self.scorable = False
        self.spelling = False
        self.sortable = False


class ArticleSchema(SchemaClass):
    id = ID(stored=True, unique=True, sortable=True)
    slug = STORED
    # Titles say what an article is about in a few words: a title match counts double.
    title = WORDS(TEXT_ANALYZER, stored=True, field_boost=2.0)
    body = WORDS(TEXT_ANALYZER, stored=True)
    # Non-English articles: title_<code>/body_<code> per language with a stemmer, and
    # title_intl/body_intl for every other language (added by make_schema, analysed by
    # index/analysis.py's LanguageAnalyzer).
    authors = STORED
    author = WORDS(FOLD_ANALYZER)
    author_facet = FACET()
    outlet = WORDS(FOLD_ANALYZER, stored=True)
    outlet_facet = FACET()
    published = DATETIME(stored=True, sortable=True)
    year = FACET()
    # Where the date came from (Article.date_kind/date_reason), what the page says of it,
    # the archive snapshot as an upper bound, and whether the source gave a time of day.
    date_kind = ID(stored=True)
    date_reason = ID(stored=True)
    date_note = STORED
    date_bound = STORED
    date_only = STORED
    url = STORED
    language = ID(stored=True)
    content_hash = ID(stored=True, sortable=True)
    # Syndication clusters (index/clusters.py): the key of the body's words, which finds
    # its MinHash signature, and the id of the cluster of copies (absent: no copies).
    body_key = ID(sortable=True)
    cluster = ID(stored=True)
    # Crawl junk (index/clusters.py, boilerplate_keys): the same error page, bot check or
    # byline box as many unrelated articles; a compact JSON object saying so, or absent.
    junk = ID(stored=True)
    # Content words (function words left out) of the title and body, whichever of the
    # English or *_intl fields holds them: the lengths relevance ranking normalises by.
    title_words = COLUMN(NumericColumn("I"))
    body_words = COLUMN(NumericColumn("I"))


def make_schema() -> ArticleSchema:
    schema = ArticleSchema()
    for suffix, analyzer in LANGUAGE_ANALYZERS.items():
        schema.add(f"title_{suffix}", WORDS(analyzer, field_boost=2.0))
        schema.add(f"body_{suffix}", WORDS(analyzer))
    return schema

