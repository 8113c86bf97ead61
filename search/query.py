"""Parse the query language into Whoosh queries.

People paste sentences, questions and quotes, so no punctuation is syntax by accident.
Operators count only in their unmistakable forms:

- balanced double quotes make a phrase (curly quotes are straightened first); an
  ellipsis inside a quote marks left-out text and splits the phrase there;
- ``AND``/``OR``/``NOT`` in capitals between words (not in a query typed all in capitals);
- ``-word``, ``-"phrase"``, ``-(group)`` at the start of a word exclude;
- ``field:`` with a known field name (title, body, author, outlet, published; year and
  language as the filters match them, ``year:2016``), and
  ``published:[2016-01-01 TO 2016-12-31]`` for dates;
- ``*`` after at least three letters (``vacc*``);
- parentheses group only around operators or after ``-``, ``NOT`` or ``field:``.

Everything else (``. , ; : ! ? ( ) [ ] / …``, dashes, line breaks) is text and separates
words. Words joined by a hyphen, apostrophe or dot (covid-19, don't, reuters.com) match
as a phrase; a hyphenated compound also as one word (world-wide finds worldwide).
Question scaffolding ("is it true that", "what is", "did … say") is kept for ranking but
never required. Parsing never fails; what was ignored is said in a note.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from itertools import islice

from whoosh import query as wq

from index.analysis import (
    INVISIBLE,
    LANGUAGE_SUFFIXES,
    LINE_BREAK_HYPHEN,
    MARKS,
    SUFFIX_SCRIPTS,
    LanguageAnalyzer,
    cjk_query_form,
    field_suffix,
    is_cjk_char,
    script_of,
)
from index.language import FUNCTION_WORDS

# User-facing field names and the index fields each one searches: title and body in
# English and in each other language's fields (title_ru, body_intl, ...).
QUERY_FIELDS = {
    "title": ("title", *(f"title_{s}" for s in LANGUAGE_SUFFIXES)),
    "body": ("body", *(f"body_{s}" for s in LANGUAGE_SUFFIXES)),
    "author": ("author",),
    "outlet": ("outlet",),
    "published": ("published",),
}
DEFAULT_FIELDS = ("title", "body", *(f"{group}_{s}" for s in LANGUAGE_SUFFIXES for group in ("title", "body")))
# Exact keyword fields, as the filters use them: ``year:2016`` is the Year facet's filter,
# ``language:fr`` the stored language code. name -> (what a value must look like, example).
KEYWORD_FIELDS = {
    "year": (re.compile(r"\d{4}"), "year:2016"),
    "language": (re.compile(r"[a-z]{2,3}"), "language:fr"),
}
FIELD_NAMES = (*QUERY_FIELDS, *KEYWORD_FIELDS)


def fields_for_languages(fields: tuple[str, ...], languages) -> tuple[str, ...]:
    """``fields`` narrowed to the articles of ``languages`` (the language filter): a
    query in Latin script filtered to German is analysed as German and English only."""
    if not languages:
        return fields
    from index.analysis import language_suffix
    wanted = {language_suffix(code) for code in languages}
    return tuple(f for f in fields if f not in DEFAULT_FIELDS or field_suffix(f) in wanted
                 or (f in ("title", "body") and "" in wanted)) or fields


def _script_allows(name: str, text: str) -> bool:
    """Whether a language's field may hold ``text``: its script decides (a Cyrillic word is
    looked up in the Russian and other-language fields, never in the German ones)."""
    if name in ("title", "body"):
        return True
    scripts = SUFFIX_SCRIPTS.get(field_suffix(name))
    if not scripts:
        return True
    found = script_of(text)
    return not found or bool(found & scripts)

_QUOTES = str.maketrans({
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2033": '"', "\uff02": '"', "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
    "\u2032": "'", "\u2039": "'", "\u203a": "'",
})
MIN_WILDCARD_PREFIX = 3
OPERATORS = ("AND", "OR", "NOT")
# Folded the same way as by the analyzer, before the query is split into tokens.
_INVISIBLE = re.compile(f"[{INVISIBLE}]")
_LINE_BREAK_HYPHEN = re.compile(LINE_BREAK_HYPHEN)
# A compound joined by one of these also matches its parts written together (world-wide,
# worldwide); at most this many compounds of one phrase get both spellings (2**n phrases).
# A visible hyphen at a line break becomes _BREAK (U+2027 HYPHENATION POINT) while the
# query is parsed: a compound whose joined spelling is tried first ("infor-\nmation").
_BREAK = "\u2027"
_HYPHENS = frozenset("-\u2010\u2011" + _BREAK)
MAX_JOINED_VARIANTS = 3
# An OR of at least this many words gets its own advice when it runs out of time.
MANY_ALTERNATIVES = 10
# Words joined by these (with no space) are one compound, matched as a phrase.
# A word keeps its combining marks (Devanagari vowel signs, Arabic harakat): Python's \w
# leaves them out.
_COMPOUND = re.compile(rf"[\w{MARKS}]+(?:[-\u2010\u2011\u2027'.&@:][\w{MARKS}]+)*")
_ELLIPSIS = re.compile(r"\[\s*(?:\.\s*){3}\]|\[…\]|\(\s*(?:\.\s*){3}\)|\(…\)|\.{3,}|…")
_RANGE = re.compile(r"(?<![^\s(])(published):\[([^\[\]]*?)\s+TO\s+([^\[\]]*?)\]", re.IGNORECASE)
# A range with no field ("[a TO z]"): only dates have ranges; its words are searched.
_BARE_RANGE = re.compile(r"\[[^\[\]]*?\s+TO\s+[^\[\]]*?\]")
_WILDCARD = re.compile(r"(\w+)\*(\w*)")
_CAPS_TEXT = re.compile(r"[^\W\d_]")

# Question scaffolding: word sequences at the start (or end) of a query that ask rather
# than say what is sought. Longest first.
_LEADING_SCAFFOLDS = tuple(tuple(s.split()) for s in sorted((
    "is it true that", "is it true", "it is true that", "is it really true that", "is it really true", "is this true", "is it a fact that",
    "is it correct that", "is it right that", "is it possible to", "is it possible that",
    "is there", "are there", "is there any", "are there any", "can we", "can one", "true or false", "fact check", "did you know that",
    "did you know", "i heard that", "i read that", "someone said that", "they say that",
    "what is the", "what is a", "what is", "what are the", "what are", "what was", "what were",
    "what s", "what does", "what do", "what did",
    "who is", "who was", "who are", "who were", "where is", "where are", "when is", "when was",
    "when did", "which is", "which are",
    "how does", "how do", "how did", "how is", "how are", "how can", "how could", "how",
    "why does", "why do", "why did", "why is", "why are", "why was", "why were", "why",
    "does", "do", "did", "is", "are", "was", "were", "can", "could", "should", "will", "has",
    "have", "what", "who", "where", "when",
), key=lambda s: -len(s.split())))
_TRAILING_SCAFFOLDS = tuple(tuple(s.split()) for s in (
    "is this true", "is that true", "is it true", "true or false", "really", "fact check"))
_SAY_WORDS = frozenset({"say", "said", "says", "claim", "claimed", "claims", "state", "stated", "tweet", "tweeted"})


@dataclasses.dataclass(frozen=True)
class Unit:
    """One positive clause of the query.

    ``relaxable`` units are bare words (or compounds): when no article has all of them,
    the most common are left out first. Phrases, fields, wildcards and groups are what
    the user asked for explicitly and stay required. ``terms`` are the analyzed words in
    query order (for the proximity boost), empty for units that have none.
    """

    label: str
    query: wq.Query
    relaxable: bool = False
    scaffolding: bool = False
    terms: tuple[str, ...] = ()
    # An OR unit's alternatives, so a repeated one ("cancer OR cancer") is left out; not
    # part of the unit's identity (the query is).
    alternatives: tuple[wq.Query, ...] = dataclasses.field(default=(), compare=False, repr=False)

    @property
    def function_word(self) -> bool:
        return self.relaxable and self.label.lower() in FUNCTION_WORDS


@dataclasses.dataclass(frozen=True)
class ParsedQuery:
    text: str
    query: wq.Query | None  # None: the empty query, which browses everything
    units: tuple[Unit, ...] = ()
    excluded: wq.Query | None = None  # what NOT/-word leave out
    notes: tuple[str, ...] = ()
    # Quotes no article has: the query was matched as their words (not exact).
    misquoted: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return self.query is None

    @property
    def required(self) -> tuple[Unit, ...]:
        """The units every result must match when nothing is relaxed."""
        units = tuple(u for u in self.units if not u.scaffolding) or self.units
        unique: dict[wq.Query, Unit] = {}
        for unit in units:  # a word typed twice is required once
            unique.setdefault(unit.query, unit)
        return tuple(unique.values())

    @property
    def alternatives(self) -> int:
        """The most alternatives one OR of the query joins (0: no OR)."""
        return max((len(u.alternatives) for u in self.units), default=0)

    def timeout_advice(self) -> str | None:
        """What to say when this query runs out of time, if the general advice does not fit:
        every alternative of a long OR is matched and ranked, however common."""
        if self.alternatives < MANY_ALTERNATIVES:
            return None
        return (f"Make the query narrower: fewer words joined by OR (one OR here joins {self.alternatives}, "
                f"and every article with any of them is ranked), rarer ones, or a filter by outlet, author or date.")

    def with_units(self, units) -> wq.Query:
        """The query requiring exactly ``units`` (and honouring exclusions)."""
        return _combine([u.query for u in units], self.excluded)


def normalise_query_text(text: str) -> str:
    """NFC, straight quotes, typographic joins undone, collapsed whitespace."""
    text = unicodedata.normalize("NFC", text or "").translate(_QUOTES)
    # Joined before invisible characters go: a soft hyphen at a line break is a joint.
    text = _INVISIBLE.sub("", _LINE_BREAK_HYPHEN.sub(_line_break_joint, text))
    return " ".join(text.split())


def _line_break_joint(match: re.Match) -> str:
    """A soft hyphen at a line break joins ("infor\u00ad\nmation"); a visible hyphen is a
    compound's joint that prefers the joined spelling: "infor-\nmation" finds
    "information", and "well-\nknown" (broken at its own hyphen) "well-known"."""
    return "" if match.group().startswith("\u00ad") else _BREAK


def join_line_break_hyphens(text: str) -> str:
    """Undo typesetting's hyphenation at a line break: "infor-\nmation" -> "information"."""
    return _LINE_BREAK_HYPHEN.sub("", text)


def one_line(text: str) -> str:
    """``text`` on one line, as a title shows it: words hyphenated at a line break joined,
    other line breaks and runs of spaces one space."""
    return " ".join(join_line_break_hyphens(text).split())


def tidy_query_text(text: str) -> str:
    """Collapse spaces within each line and drop blank lines, keeping a paste's line breaks.

    The line breaks stay in the request (and in the search box) because they carry
    meaning: "infor-\nmation" is one word, "infor- mation" two.
    """
    lines = (" ".join(line.split()) for line in (text or "").splitlines())
    return "\n".join(line for line in lines if line)


def build_query(text: str, schema, fields: tuple[str, ...] = DEFAULT_FIELDS) -> ParsedQuery:
    """Return the parsed query for ``text``; never raises on user input.

    ``fields`` are searched by bare words; the engine leaves out the fields of languages
    the index holds no article in (each field is one more posting list to merge for
    every word), and those the language filter leaves out.
    """
    text = normalise_query_text(text)
    if not text:
        return ParsedQuery(text, None)
    parser = _Parser(text, schema, fields)
    units, excluded = parser.parse()
    text = text.replace(_BREAK, "-")
    notes = parser.notes()
    if not units and excluded is None:
        # Nothing usable as syntax: search the words it contains, if any.
        units = parser.words_only()
        if not units:
            notes = (*notes, "The query has no words to search for, only punctuation or symbols.")
            return ParsedQuery(text, wq.NullQuery, (), None, notes)
    _mark_scaffolding_units(units)
    parsed = ParsedQuery(text, None, tuple(units), excluded, notes)
    query = parsed.with_units(parsed.required) if units else wq.Not(excluded)
    return dataclasses.replace(parsed, query=query)


def _combine(queries: list[wq.Query], excluded: wq.Query | None) -> wq.Query:
    if not queries:
        return wq.Not(excluded) if excluded is not None else wq.NullQuery
    positive = queries[0] if len(queries) == 1 else wq.And(queries)
    return wq.AndNot(positive, excluded) if excluded is not None else positive


# Tokens -------------------------------------------------------------------------------

@dataclasses.dataclass
class _Token:
    kind: str  # "text", "phrase", "op", "(", ")", "range", "-", "field"
    value: str = ""
    start: int = 0


class _Parser:
    """A small recursive-descent parser over the few unmistakable operator forms."""

    def __init__(self, text: str, schema, fields):
        self.text = text
        self.schema = schema
        self.fields = tuple(fields)
        self.ignored: list[str] = []
        self.other_notes: list[str] = []
        self.short_wildcards: list[str] = []
        self.current_fields = self.fields
        self.operators_allowed = bool(re.search(r"[^\W\d_]", text)) and any(
            c.islower() for c in text)
        self.tokens = self._tokenise(text)
        self.pos = 0

    # Notes ------------------------------------------------------------------------

    def ignore(self, what: str) -> None:
        if what not in self.ignored:
            self.ignored.append(what)

    def note(self, text: str) -> None:
        """Add a note once: "a* b* c*" is one note, not three."""
        if text not in self.other_notes:
            self.other_notes.append(text)

    def notes(self) -> tuple[str, ...]:
        notes = list(self.other_notes)
        if self.short_wildcards:
            items = [f"'{w}'" for w in self.short_wildcards]
            listed = items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
            notes.append(f"Wildcards need at least {MIN_WILDCARD_PREFIX} letters before '*'; "
                         f"{listed} {'was' if len(items) == 1 else 'were'} read as text.")
        if self.ignored:
            items = self.ignored
            listed = items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
            notes.insert(0, f"Ignored {listed}; the rest was searched as words.")
        return tuple(notes)

    # Tokenising ---------------------------------------------------------------------

    def _tokenise(self, text: str) -> list[_Token]:
        tokens: list[_Token] = []
        # Balanced double quotes: pair them up; an odd one out (the last) is text.
        quotes = [m.start() for m in re.finditer('"', text)]
        if len(quotes) % 2:
            self.ignore('an unmatched quote mark (")')
            text = text[:quotes[-1]] + " " + text[quotes[-1] + 1:]
        self.text = text
        parts = text.split('"')
        offset = 0
        for i, part in enumerate(parts):
            if i % 2:
                tokens.append(_Token("phrase", part, offset - 1))
            else:
                tokens.extend(self._tokenise_plain(part, offset))
            offset += len(part) + 1
        return self._resolve_parens(tokens)

    def _tokenise_plain(self, text: str, offset: int) -> list[_Token]:
        tokens: list[_Token] = []
        pos = 0
        for match in _RANGE.finditer(text):
            tokens.extend(self._tokenise_words(text[pos:match.start()], offset + pos))
            tokens.append(_Token("range", match.group(0), offset + match.start()))
            pos = match.end()
        tokens.extend(self._tokenise_words(text[pos:], offset + pos))
        for match in _BARE_RANGE.finditer(_RANGE.sub(" ", text)):
            self.note(f"Only dates have ranges, as published:[2016-01-01 TO 2016-12-31]; "
                      f"'{_clip(match.group())}' was searched as words.")
        return tokens

    def _tokenise_words(self, text: str, offset: int) -> list[_Token]:
        tokens: list[_Token] = []
        for match in re.finditer(r"[()]|[^\s()]+", text):
            chunk, start = match.group(), offset + match.start()
            if chunk in "()":
                tokens.append(_Token(chunk, chunk, start))
                continue
            if chunk in OPERATORS:
                tokens.append(_Token("op", chunk, start))
                continue
            # "-" at the start of a word, followed by a word, a quote or a group.
            after = self.text[start + 1:start + 2]
            if (chunk.startswith("-") and (start == 0 or self.text[start - 1] in " (")
                    and (after.isalnum() or after in '_"(')):
                tokens.append(_Token("-", "-", start))
                chunk, start = chunk[1:], start + 1
            field = re.match(r"([A-Za-z_]+):(?!/)", chunk)
            if field:
                name = field.group(1)
                follows = self.text[start + field.end():start + field.end() + 1]
                if name.lower() in FIELD_NAMES and follows and not follows.isspace():
                    tokens.append(_Token("field", name.lower(), start))
                    chunk, start = chunk[field.end():], start + field.end()
                elif name.lower() in FIELD_NAMES and not self.text[start + field.end():].strip(" )"):
                    # "title:" at the end: nothing to search in the field.
                    example = KEYWORD_FIELDS[name.lower()][1] if name.lower() in KEYWORD_FIELDS else f"{name.lower()}:cancer"
                    self.note(f"'{name}:' has nothing after it (write the words right after the colon, "
                              f"as {example}); '{name}' was searched as a word.")
                elif name.lower() not in FIELD_NAMES and chunk[field.end():]:
                    self.note(f"Unknown field '{name}:' was searched as words "
                              f"(fields: {', '.join(FIELD_NAMES)}).")
                    # Two words, not the compound "name value" (a phrase no article has).
                    tokens.append(_Token("text", name, start))
                    chunk, start = chunk[field.end():], start + field.end()
            if chunk:
                tokens.append(_Token("text", chunk, start))
        return tokens

    def _resolve_parens(self, tokens: list[_Token]) -> list[_Token]:
        """Keep parentheses that group (around an operator, or after -, NOT or field:)."""
        stack: list[int] = []
        pairs: list[tuple[int, int]] = []
        for i, tok in enumerate(tokens):
            if tok.kind == "(":
                stack.append(i)
            elif tok.kind == ")":
                if stack:
                    pairs.append((stack.pop(), i))
                else:
                    tok.kind = "drop"
                    self.ignore("an unmatched ')'")
        for i in stack:
            tokens[i].kind = "drop"
            self.ignore("an unmatched '('")
        for open_, close in pairs:
            before = tokens[open_ - 1] if open_ else None
            inside = tokens[open_ + 1:close]
            grouping = (
                (before is not None and (before.kind in ("-", "field")
                                         or (before.kind == "op" and self.operators_allowed)))
                or (self.operators_allowed and any(t.kind == "op" for t in inside))
                or (self.operators_allowed and close + 1 < len(tokens) and tokens[close + 1].kind == "op")
            )
            if not grouping:
                tokens[open_].kind = tokens[close].kind = "drop"
        return [t for t in tokens if t.kind != "drop"]

    # Parsing --------------------------------------------------------------------------

    def peek(self) -> _Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def is_op(self, tok: _Token | None, name: str | None = None) -> bool:
        return (tok is not None and tok.kind == "op" and self.operators_allowed
                and (name is None or tok.value == name))

    def parse(self) -> tuple[list[Unit], wq.Query | None]:
        """Top level: a conjunction of units and exclusions."""
        if not self.operators_allowed:
            for tok in self.tokens:
                if tok.kind == "op":
                    tok.kind = "text"
        units: list[Unit] = []
        excluded: list[wq.Query] = []
        while self.pos < len(self.tokens):
            before = self.pos
            self._conjunct(units, excluded, top=True)
            if self.pos == before:  # a stray token no rule consumes
                tok = self.tokens[self.pos]
                self.ignore(f"'{tok.value}'" if tok.kind != "op" else f"{tok.value} with nothing to combine")
                self.pos += 1
        exclusion = None
        excluded = _unique(excluded)
        if excluded:
            exclusion = excluded[0] if len(excluded) == 1 else wq.Or(excluded)
        return units, exclusion

    def _conjunct(self, units: list[Unit], excluded: list[wq.Query], top: bool) -> None:
        tok = self.peek()
        if tok is None or tok.kind == ")":
            return
        if self.is_op(tok, "AND"):
            if not units and not excluded:
                self.ignore("AND with nothing before it")
            self.pos += 1
            if self.peek() is None:
                self.ignore("AND with nothing after it")
            return
        if self.is_op(tok, "OR"):
            self.pos += 1
            left = units.pop() if units else None
            right = self._negatable()
            if left is None or right is None or isinstance(right, tuple):
                what = "OR with nothing before it" if left is None else "OR with nothing after it"
                self.ignore(what)
                if left is not None:
                    units.append(left)
                if isinstance(right, tuple):
                    excluded.append(right[1])
                elif right is not None:
                    units.extend(right)
                return
            units.append(_or_units(left, right))
            return
        item = self._negatable()
        if item is None:
            return
        if isinstance(item, tuple):
            excluded.append(item[1])
        else:
            units.extend(item)

    def _negatable(self):
        """A possibly negated atom: a list of units, ("not", query), or None."""
        tok = self.peek()
        if tok is None:
            return None
        if tok.kind == "-" or self.is_op(tok, "NOT"):
            self.pos += 1
            nxt = self.peek()
            if nxt is None or nxt.kind in (")", "op"):
                self.ignore("NOT with nothing after it" if tok.kind == "op" else "a lone '-'")
                return None
            units = self._atom()
            if not units:
                return None
            queries = _unique([u.query for u in units])
            return ("not", _or_queries(queries) if len(queries) > 1 and tok.kind == "op"
                    else _and_queries(queries))
        return self._atom()

    def _atom(self) -> list[Unit] | None:
        tok = self.peek()
        if tok is None:
            return None
        if tok.kind == "field":
            self.pos += 1
            nxt = self.peek()
            if nxt is None or nxt.kind in (")", "op", "-", "field") or nxt.start != tok.start + len(tok.value) + 1:
                self.ignore(f"'{tok.value}:' with nothing after it")
                return None
            if tok.value == "published":
                return self._published(nxt)
            if tok.value in KEYWORD_FIELDS:
                return self._keyword(tok.value, nxt)
            outer = self.current_fields
            wanted = QUERY_FIELDS[tok.value]
            self.current_fields = tuple(f for f in self.fields if f in wanted) or wanted[:1]
            try:
                units = self._atom()
            finally:
                self.current_fields = outer
            if not units:
                return None
            label = tok.value + ":" + " ".join(u.label for u in units)
            query = _and_queries([u.query for u in units])
            return [Unit(label, query, terms=tuple(t for u in units for t in u.terms))]
        fields = self.current_fields
        if tok.kind == "range":
            self.pos += 1
            return self._range(tok.value)
        if tok.kind == "phrase":
            self.pos += 1
            return self._phrase(tok.value, fields)
        if tok.kind == "(":
            self.pos += 1
            inner_units: list[Unit] = []
            inner_excluded: list[wq.Query] = []
            while (inner := self.peek()) is not None and inner.kind != ")":
                before = self.pos
                self._conjunct(inner_units, inner_excluded, top=False)
                if self.pos == before:
                    self.pos += 1
            self.pos += 1  # the ")"
            if not inner_units and not inner_excluded:
                return None
            # A word or group repeated inside the group is required (or excluded) once.
            inner_excluded = _unique(inner_excluded)
            query = _combine(_unique([u.query for u in inner_units]),
                             _or_queries(inner_excluded) if inner_excluded else None)
            label = "(" + " ".join(u.label for u in inner_units) + ")"
            return [Unit(label, query, terms=tuple(t for u in inner_units for t in u.terms))]
        self.pos += 1
        if tok.kind == "text":
            return self._text(tok.value, fields)
        if tok.kind == "op":
            self.ignore(f"{tok.value} with nothing to combine")
        return None

    def _text(self, chunk: str, fields) -> list[Unit]:
        wildcard = _WILDCARD.fullmatch(chunk.strip(".,;:!?()[]{}<>'"))
        if wildcard:
            head, tail = wildcard.groups()
            if len(head) >= MIN_WILDCARD_PREFIX:
                return [self._wildcard(head, tail, fields)]
            if chunk not in self.short_wildcards:
                self.short_wildcards.append(chunk)
        units = []
        for match in _COMPOUND.finditer(chunk):
            if not _HAS_WORD.search(match.group()):
                continue  # "_" alone is punctuation, not a word
            unit = self._words(match.group(), fields, relaxable=True)
            if unit is not None:
                units.append(unit)
        return units

    def _phrase(self, text: str, fields) -> list[Unit]:
        units = []
        for piece in _ELLIPSIS.split(text):
            unit = self._words(piece, fields, relaxable=False, label=f'"{" ".join(piece.split())}"')
            if unit is not None:
                units.append(unit)
        if not units:
            self.ignore('an empty quote ("")')
        return units

    def _words(self, text: str, fields, relaxable: bool, label: str | None = None) -> Unit | None:
        per_field: list[wq.Query] = []
        terms: tuple[str, ...] = ()
        label = label or text
        if relaxable and script_of(text) == {"cjk"}:
            text = cjk_query_form(text)  # 서울에서 finds 서울's articles; a quote stays exact
        one_char = is_cjk_char(text.strip())
        for name in fields:
            field = self.schema[name] if name in self.schema else None
            if field is None or field.analyzer is None or not _script_allows(name, text):
                continue
            variants = _hyphen_variants(field.analyzer, text)
            if not variants:
                continue
            if not terms or name == "body":
                terms = variants[0]
            if one_char and isinstance(field.analyzer, LanguageAnalyzer):
                # One character is indexed only inside its bigrams: either one.
                char = variants[0][0]
                per_field.extend((wq.Term(name, char), wq.Prefix(name, char), wq.Wildcard(name, f"?{char}")))
                continue
            per_field.extend(wq.Term(name, words[0]) if len(words) == 1 else wq.Phrase(name, list(words))
                             for words in variants)
        if not per_field:
            return None
        return Unit(label.replace(_BREAK, "-"), _or_queries(per_field), relaxable=relaxable,
                    terms=terms)

    def _wildcard(self, head: str, tail: str, fields) -> Unit:
        per_field = []
        for name in fields:
            if not _script_allows(name, head):
                continue
            analyzer = self.schema[name].analyzer
            folded_head = next(iter(analyzer(head, tokenize=False))).text
            if tail:
                folded_tail = next(iter(analyzer(tail, tokenize=False))).text
                per_field.append(wq.Wildcard(name, f"{folded_head}*{folded_tail}"))
            else:
                per_field.append(wq.Prefix(name, folded_head))
        return Unit(f"{head}*{tail}", _or_queries(per_field))

    def _published(self, tok: _Token) -> list[Unit] | None:
        self.pos += 1
        if tok.kind != "text":
            self.ignore("'published:' with no date after it")
            return None
        try:
            query = self.schema["published"].parse_query("published", tok.value.rstrip(".,;"))
        except Exception:  # Whoosh raises assorted types on a bad date
            query = None
        if query is None or isinstance(query, type(wq.NullQuery)):
            self.ignore(f"'published:{tok.value}' (not a date)")
            return None
        return [Unit(f"published:{tok.value}", query)]

    def _keyword(self, name: str, tok: _Token) -> list[Unit] | None:
        """``year:2016`` or ``language:fr``: the exact value, as the filters match it."""
        self.pos += 1
        value = tok.value.strip(".,;:!?").lower()
        pattern, example = KEYWORD_FIELDS[name]
        if tok.kind not in ("text", "phrase") or not pattern.fullmatch(value):
            self.ignore(f"'{name}:{_clip(tok.value)}' (write it as {example})")
            return None
        return [Unit(f"{name}:{value}", wq.Term(name, value))]

    def _range(self, text: str) -> list[Unit] | None:
        match = _RANGE.fullmatch(text)
        assert match is not None  # the tokeniser made this token from a _RANGE match
        start, end = (match.group(2).strip() or None), (match.group(3).strip() or None)
        try:
            query = self.schema["published"].parse_range("published", start, end, True, True)
        except Exception:  # a date Whoosh cannot read
            query = None
        if query is None:
            self.ignore(f"the date range '{text}' (dates are YYYY-MM-DD)")
            return None
        low, high = getattr(query, "start", None), getattr(query, "end", None)
        if low is not None and high is not None and low > high:
            # published:[2018 TO 2017] would match nothing: search it the right way round, and say so.
            query = self.schema["published"].parse_range("published", end, start, True, True)
            self.note(f"The date range '{_clip(text)}' ends before it starts; "
                      f"it was searched as published:[{end} TO {start}].")
        return [Unit(text, query)]

    def words_only(self) -> list[Unit]:
        """The query's words, read literally: the last resort."""
        return self._text(" ".join(_COMPOUND.findall(self.text)), self.fields)


_HAS_WORD = re.compile(r"[^\W_]")


def _clip(text: str, chars: int = 60) -> str:
    """``text`` for a note: at most ``chars`` characters."""
    return text if len(text) <= chars else text[:chars - 1] + "…"


def _hyphen_variants(analyzer, text: str) -> list[tuple[str, ...]]:
    """Return the term sequences ``text`` may match: as written, then with its hyphenated
    compounds joined ("world-wide network" also as "worldwide network").

    Writers spell a compound with a hyphen, a non-breaking hyphen or none at all; a
    demanding reader expects any of them to find the others. Only the direction from
    the hyphen to the joined word is possible at query time (see docs/decisions.md).
    With more than ``MAX_JOINED_VARIANTS`` compounds, only all-split and all-joined.
    """
    tokens = [(t.text, t.startchar, t.endchar) for t in analyzer(text, mode="query", chars=True)]
    split = tuple(term for term, _, _ in tokens)
    if not split:
        return []
    # Runs of tokens joined by exactly one hyphen character, as (first, last) indexes.
    runs: list[list[int]] = []
    for i in range(1, len(tokens)):
        if text[tokens[i - 1][2]:tokens[i][1]] in _HYPHENS:
            if runs and runs[-1][1] == i - 1:
                runs[-1][1] = i
            else:
                runs.append([i - 1, i])
    if not runs:
        return [split]
    joined_terms: dict[int, tuple[int, str]] = {}
    for first, last in runs:
        word = "".join(text[start:end] for _, start, end in tokens[first:last + 1])
        joined = [t.text for t in analyzer(word, mode="query")]
        if len(joined) == 1:
            joined_terms[first] = (last, joined[0])
    choices = list(joined_terms)
    if len(choices) <= MAX_JOINED_VARIANTS:
        subsets = [frozenset(c for bit, c in enumerate(choices) if mask >> bit & 1)
                   for mask in range(1, 1 << len(choices))]
    else:
        subsets = [frozenset(choices)]
    # Compounds broken at a line break are more likely one word: that spelling first.
    broken = frozenset(c for c in choices if _BREAK in text[tokens[c][1]:tokens[joined_terms[c][0]][2]])
    if broken:
        preferred = broken if broken in subsets else frozenset(choices)
        subsets.remove(preferred)
        subsets.insert(0, preferred)
    variants = []
    for subset in subsets:
        words: list[str] = []
        i = 0
        while i < len(split):
            if i in subset:
                last, term = joined_terms[i]
                words.append(term)
                i = last + 1
            else:
                words.append(split[i])
                i += 1
        variants.append(tuple(words))
        if len(variants) == 1 and broken:
            variants.append(split)
    if not broken:
        variants.insert(0, split)
    return variants


def _or_queries(queries: list[wq.Query]) -> wq.Query:
    return queries[0] if len(queries) == 1 else wq.Or(queries)


def _and_queries(queries: list[wq.Query]) -> wq.Query:
    return queries[0] if len(queries) == 1 else wq.And(queries)


def _unique(queries: list[wq.Query]) -> list[wq.Query]:
    """``queries`` without repeats, in order: a word typed twice is one word."""
    return list(dict.fromkeys(queries))


def _or_units(left: Unit, right: list[Unit]) -> Unit:
    """``left OR right``; an alternative already among ``left``'s is the same term and
    leaves ``left`` as it is ("cancer OR cancer" x300 is "cancer", not 300 lists to merge)."""
    right_query = _and_queries(_unique([u.query for u in right]))
    alternatives = left.alternatives or (left.query,)
    if right_query in alternatives:
        return left
    label = f"{left.label} OR " + " ".join(u.label for u in right)
    # Nested as before (a flat OR sums scores in another order: ties fell differently).
    return Unit(label, wq.Or([left.query, right_query]),
                terms=left.terms + tuple(t for u in right for t in u.terms),
                alternatives=(*alternatives, right_query))


def _mark_scaffolding_units(units: list[Unit]) -> None:
    """Mark question scaffolding ("is it true that", "what is", "did … say") as optional."""
    # The query's words in order, each with the index of its unit; explicit units
    # (phrases, fields, groups) are barriers no scaffolding pattern crosses.
    flat: list[tuple[str | None, int]] = []
    for i, unit in enumerate(units):
        words = re.findall(r"[^\W_]+", unit.label.lower()) if unit.relaxable else [None]
        flat.extend((w, i) for w in words)
    seq = [w for w, _ in flat]
    marked: set[int] = set()

    def mark(lo: int, hi: int) -> bool:
        """Mark the units of words [lo, hi) if they are whole units; True if done."""
        idx = {flat[k][1] for k in range(lo, hi)}
        whole = all(sum(1 for _, i in flat if i == j) == sum(1 for k in range(lo, hi) if flat[k][1] == j)
                    for j in idx)
        if whole:
            marked.update(idx)
        return whole

    end = 0
    for _ in range(3):  # stacked: "fact check: is it really true that ..."
        for pattern in _LEADING_SCAFFOLDS:
            n = len(pattern)
            if end + n < len(seq) and tuple(seq[end:end + n]) == pattern and mark(end, end + n):
                end += n
                break
        else:
            break
    if end and end < len(seq) - 1 and seq[end] == "that" and mark(end, end + 1):
        end += 1
    if seq and seq[0] in ("did", "does", "do"):
        # "did <someone> say (that) ...": the asking verb is scaffolding too.
        for k in range(end, min(len(seq) - 1, end + 6)):
            if seq[k] in _SAY_WORDS and mark(k, k + 1):
                if k + 1 < len(seq) - 1 and seq[k + 1] == "that":
                    mark(k + 1, k + 2)
                break
    for pattern in _TRAILING_SCAFFOLDS:
        n = len(pattern)
        if n < len(seq) and tuple(seq[-n:]) == pattern and mark(len(seq) - n, len(seq)):
            break
    if len(marked) >= len(units) or not marked or _another_language(units):
        return
    for k in marked:
        units[k] = dataclasses.replace(units[k], scaffolding=True)


# The scaffolding lists are English: a query py3langid is sure is in another language
# ("do governo federal ..." is Portuguese "of the") keeps its words. "Is it true that" +
# a Russian sentence is still English scaffolding (ru at 0.81, under the bar).
SCAFFOLD_OTHER_LANGUAGE = 0.9


def _another_language(units: list[Unit]) -> bool:
    from index.language import guess_language
    # Only words in the Latin script can be English scaffolding, and only they are asked
    # about: "is it true that 臺北市政府…" is English scaffolding around Chinese (the whole
    # query is zh at 0.98, which kept "is it true that" and left out the Chinese).
    guess = guess_language(" ".join(u.label for u in units if u.relaxable and script_of(u.label) == {"latin"}))
    return guess.language not in ("", "en") and guess.confidence >= SCAFFOLD_OTHER_LANGUAGE


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


# Every double quotation mark the parser reads as a quote (typographic ones fold to '"').
QUOTE_MARKS = re.compile("[\"\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\uff02]")


def unquoted(text: str) -> str:
    """``text`` with its quotation marks taken out: its quotes searched as words."""
    return QUOTE_MARKS.sub(" ", text)


def misquote_note(unfound: list[str]) -> str:
    """What the page says when quotes no article contains were searched as their words."""
    quoted = ", ".join(unfound)
    note = (f"No article contains the quote {quoted}, so its words were searched without quotes"
            if len(unfound) == 1 else
            f"No article contains the quotes {quoted}, so their words were searched without quotes")
    return note + ": these are the closest passages, not exact matches."
