"""Parse the query language into Whoosh queries.

Supported: words (all must match), "exact phrases", OR, AND, NOT, -word, +word,
field:value for title:, body:, author:, outlet:, wildcards (vacc*), and date ranges
published:[2016-01-01 TO 2016-12-31]. Typographic quotes are straightened first, so a
quote pasted from a web page works. Anything the parser cannot make sense of is read
literally, as plain words, with a note saying so; parsing never fails.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from itertools import islice

from whoosh import query as wq
from whoosh.qparser import (
    AndGroup,
    FieldsPlugin,
    GroupPlugin,
    MultifieldParser,
    OperatorsPlugin,
    OrGroup,
    PhrasePlugin,
    PlusMinusPlugin,
    RangePlugin,
    WhitespacePlugin,
    WildcardPlugin,
)

# User-facing field names and the index fields each one searches.
QUERY_FIELDS = {
    "title": ("title", "title_intl"),
    "body": ("body", "body_intl"),
    "author": ("author",),
    "outlet": ("outlet",),
    "published": ("published",),
}
DEFAULT_FIELDS = ("title", "body", "title_intl", "body_intl")

_QUOTES = str.maketrans({
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2033": '"', "\uff02": '"', "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
    "\u2032": "'", "\u2039": "'", "\u203a": "'",
})
_FIELD_PREFIX = re.compile(r"(?<![\w\"])([A-Za-z_]+):")
_DUAL_FIELD = re.compile(r'(?<![\w"])(title|body):("[^"]*"|[^\s()"]+)')
# A wildcard with fewer than two letters before it would expand to most of the
# vocabulary (slow, and useless as a search); its wildcard characters are dropped.
_WILDCARD = re.compile(r'(?<![\w*?])(\w?)([*?][\w*?]*)')
MIN_WILDCARD_PREFIX = 2
_HYPHENATED = re.compile(r"(?<![\w\-])([^\W\d]\w*(?:-\w+)+)")
_OPERATOR = re.compile(r"^(AND|OR|NOT|ANDNOT|ANDMAYBE)$")


@dataclasses.dataclass(frozen=True)
class ParsedQuery:
    text: str
    query: wq.Query | None  # None: the empty query, which browses everything
    any_query: wq.Query | None = None  # the same words OR'ed, for the fallback
    notes: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return self.query is None


def normalise_query_text(text: str) -> str:
    """NFC, straight quotes, collapsed whitespace."""
    text = unicodedata.normalize("NFC", text or "").translate(_QUOTES)
    return " ".join(text.split())


def _make_parser(schema, group, fields) -> MultifieldParser:
    parser = MultifieldParser(list(fields), schema, group=group, plugins=[])
    # An explicit plugin list: no single-quote phrases (apostrophes are common in
    # words), no boosts or fuzzy syntax users trip over by accident.
    for plugin in (WhitespacePlugin(), FieldsPlugin(), WildcardPlugin(), PhrasePlugin(),
                   RangePlugin(), GroupPlugin(), OperatorsPlugin(), PlusMinusPlugin()):
        parser.add_plugin(plugin)
    return parser


def build_query(text: str, schema, fields: tuple[str, ...] = DEFAULT_FIELDS) -> ParsedQuery:
    """Return the parsed query for ``text``; never raises on user input.

    ``fields`` are searched by bare words; the engine leaves out the ``*_intl`` twins
    when the index holds no non-English article (each field is one more posting list
    to merge for every word).
    """
    text = normalise_query_text(text)
    notes: list[str] = []
    if not text:
        return ParsedQuery(text, None)
    prepared = _prepare(text, notes, intl="body_intl" in fields)
    query = _parse(prepared, schema, AndGroup, fields)
    if query is None:
        notes.append("The query could not be parsed as written; it was read as plain words.")
        prepared = _literal(text)
        query = _parse(prepared, schema, AndGroup, fields)
    if query is None:
        # Only operators or punctuation: nothing can match.
        return ParsedQuery(text, wq.NullQuery, None, tuple(notes))
    any_query = _parse(prepared, schema, OrGroup, fields) if _is_plain_words(prepared) else None
    return ParsedQuery(text, query, any_query, tuple(notes))


def _prepare(text: str, notes: list[str], intl: bool = True) -> str:
    if text.count('"') % 2:
        notes.append("An unbalanced quote mark was ignored.")
        idx = text.rfind('"')
        text = text[:idx] + " " + text[idx + 1:]

    def field(match: re.Match) -> str:
        name = match.group(1)
        if name.lower() in QUERY_FIELDS:
            return name.lower() + ":"
        notes.append(f"Unknown field '{name}:' was searched as words "
                     f"(fields: {', '.join(QUERY_FIELDS)}).")
        return name + " "

    text = _FIELD_PREFIX.sub(field, text)
    # "covid-19" is one compound, not "covid" without "19": quote hyphenated words
    # (outside existing phrases) so the minus is never read as NOT.
    parts = text.split('"')
    parts[::2] = [_HYPHENATED.sub(r'"\1"', part) for part in parts[::2]]
    text = '"'.join(parts)
    text = _WILDCARD.sub(lambda m: _short_wildcard(m, notes), text)
    # title: and body: must also search the unstemmed twins used by non-English articles.
    if intl:
        text = _DUAL_FIELD.sub(lambda m: f"({m.group(1)}:{m.group(2)} OR {m.group(1)}_intl:{m.group(2)})", text)
    # A dangling operator ("vaccine AND", "OR flu") is read as the word itself would be
    # by nobody; drop it.
    words = text.split(" ")
    while words and _OPERATOR.match(words[-1]):
        words.pop()
    while words and _OPERATOR.match(words[0]) and words[0] != "NOT":
        words.pop(0)
    return " ".join(words)


def _short_wildcard(match: re.Match, notes: list[str]) -> str:
    note = f"Wildcards need at least {MIN_WILDCARD_PREFIX} letters before them; '*' and '?' there were ignored."
    if note not in notes:
        notes.append(note)
    return match.group(1) + match.group(2).replace("*", " ").replace("?", " ")


def _literal(text: str) -> str:
    return " ".join(re.findall(r"\w+", text))


def _is_plain_words(text: str) -> bool:
    return bool(re.fullmatch(r"[\w\s]+", text)) and len(text.split()) > 1


def _parse(text: str, schema, group, fields=DEFAULT_FIELDS) -> wq.Query | None:
    if not text.strip():
        return None
    try:
        query = _make_parser(schema, group, fields).parse(text)
    except Exception:  # Whoosh raises assorted types on odd input; we fall back to literal
        return None
    query = query.normalize()
    if query is wq.NullQuery or isinstance(query, type(wq.NullQuery)):
        return None
    return query


def phrase_sequences(query: wq.Query | None, fieldname: str) -> list[tuple[str, ...]]:
    """Return the word sequences of the phrase queries on ``fieldname``, for highlighting."""
    if query is None:
        return []
    out = []
    for q in _positive_leaves(query):
        if isinstance(q, wq.Phrase) and q.fieldname == fieldname and len(q.words) > 1:
            out.append(tuple(q.words))
    return out


def highlight_terms(query: wq.Query | None, reader, fieldname: str) -> frozenset[str]:
    """Return the indexed terms of ``fieldname`` the query matches on (wildcards expanded).

    Terms under NOT are left out: an excluded word is never highlighted.
    """
    terms: set[str] = set()
    for leaf in _positive_leaves(query):
        if getattr(leaf, "fieldname", None) != fieldname:
            continue
        if isinstance(leaf, wq.Term):
            terms.add(_text(leaf.text))
        elif isinstance(leaf, wq.Phrase):
            terms.update(leaf.words)
        elif isinstance(leaf, wq.MultiTerm):
            terms.update(_text(t) for t in islice(leaf._btexts(reader), MAX_EXPANSIONS))
    return frozenset(terms)


# Highlight at most this many expansions of one wildcard.
MAX_EXPANSIONS = 512


def _text(value) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value


def _positive_leaves(query: wq.Query | None):
    if query is None or isinstance(query, wq.Not):
        return
    if isinstance(query, wq.AndNot):
        yield from _positive_leaves(query.a)
    elif isinstance(query, (wq.Term, wq.Phrase, wq.MultiTerm)):
        yield query
    elif not query.is_leaf():
        for child in query.children():
            yield from _positive_leaves(child)
