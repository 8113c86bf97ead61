"""Named analyzers, built once and shared by the schema, the query parser and teasers.

``TEXT_ANALYZER`` (English articles): words, lowercased, accents folded, Porter-stemmed.
``FOLD_ANALYZER`` (other languages, author and outlet names): the same without stemming,
so a French article is never run through an English stemmer.

There are no stop words: exact-quote search must match "to be or not to be", and the
teaser highlighter must see every word. Words are runs of ``\\w``; apostrophes and other
punctuation separate words in both documents and queries, so a quote pasted with curly
apostrophes (don’t) matches one typed with straight ones (don't).

Typography is folded the same way on both sides (see ``WORD`` and ``fold``): a soft
hyphen, zero-width space/joiner/non-joiner, word joiner or BOM inside a word is dropped
("infor\u00admation" is one word), as is a hyphen at a line break between letters
("infor-\nmation"); each word is NFKC-normalised (ligatures, full-width forms), then
lowercased and accent-folded. Dashes, ellipses, non-breaking spaces and hyphens are not
word characters, so they separate words like their ASCII forms. Token offsets always
point into the original text, so highlighting marks what the article says.

The chain is fused into one tokenizer with a memo of word -> term. Whoosh's generic
``RegexTokenizer | LowercaseFilter | CharsetFilter | StemFilter`` runs four generator
stages per token; the memo makes the common case one dict lookup. It still behaves as a
Whoosh analyzer: it honours ``positions``, ``chars``, ``tokenize=False`` and
``no_morph`` (used for spelling words).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from array import array
from collections import defaultdict

from whoosh.analysis import Token, Tokenizer
from whoosh.formats import Positions
from whoosh.lang.porter2 import stem  # also search/suggest.py's: one stemmer for both
from whoosh.support.charset import accent_map
from whoosh.system import _INT_SIZE, pack_uint, unpack_uint

from .language import FUNCTION_WORDS

# Characters that are invisible inside a word: soft hyphen, zero-width space, non-joiner
# and joiner, word joiner, BOM (zero-width no-break space).
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
# A hyphen at a line break between two letters: a word hyphenated by typesetting
# ("infor-\nmation"). Text copied from a PDF or a typeset page carries the hyphen as "-",
# as U+2010 or as the soft hyphen the typesetter chose to break at.
LINE_BREAK_HYPHEN = r"(?<=[^\W\d_])[-\u2010\u00ad][ \t]*(?:\r\n|\r|\n)[ \t]*(?=[^\W\d_])"
# A word: runs of \w joined by invisible characters or by a line-break hyphen.
WORD = re.compile(rf"\w+(?:(?:{LINE_BREAK_HYPHEN}|[{INVISIBLE}]+)\w+)*", re.UNICODE)
# The line-break hyphen goes first: a soft hyphen before a line break is one joint.
_JOINERS = re.compile(rf"[-\u2010\u00ad][ \t]*(?:\r\n|\r|\n)[ \t]*|[{INVISIBLE}]")


def has_typography(text: str) -> bool:
    """True when a word of ``text`` is folded by more than lowercasing and accents.

    Code that maps folded text back to the original character by character (the
    teaser fast path) must not be used on such text.

    Answers what ``_typography_pattern().search(text)`` does (tests/test_analysis.py
    checks both on every FakeHealth body), about 30 times faster: that pattern's
    alternation is tried at every character of a 10,000-character teaser scan, so here
    the line-break hyphen is looked for from the hyphen itself, and the characters only
    among the text's non-ASCII ones (all of them are non-ASCII).
    """
    if _HYPHEN_FIRST.search(text):
        return True
    if text.isascii():
        return False
    return _typography_chars().search(_ASCII_RUNS.sub("", text)) is not None


# LINE_BREAK_HYPHEN starting from the hyphen (a literal the regex engine scans for fast),
# the letter before it checked by a look-behind over two characters.
_HYPHEN_FIRST = re.compile(r"[-\u2010\u00ad](?<=[^\W\d_].)[ \t]*(?:\r\n|\r|\n)[ \t]*(?=[^\W\d_])")
_ASCII_RUNS = re.compile(r"[\x00-\x7f]+")


@functools.cache
def _typography_chars() -> re.Pattern:
    """The characters of ``_typography_pattern`` alone (every one of them non-ASCII)."""
    return re.compile(_typography_class())


@functools.cache
def _typography_pattern() -> re.Pattern:
    """Invisible and compatibility characters, or a line-break hyphen: the reference
    definition ``has_typography`` answers for."""
    return re.compile(rf"{_typography_class()}|{LINE_BREAK_HYPHEN}")


@functools.cache
def _typography_class() -> str:
    # Word characters NFKC changes (ligatures, full-width and other compatibility forms).
    # The planes scanned cover every such letter or digit but the rare CJK compatibility
    # ideographs, which no Latin-script corpus contains.
    codes = [c for c in (*range(0x80, 0x10000), *range(0x1D400, 0x1D800), *range(0x1F100, 0x1F200))
             if (chr(c).isalnum() or chr(c) == "_") and unicodedata.normalize("NFKC", chr(c)) != chr(c)]
    ranges: list[list[int]] = []
    for c in codes:
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1][1] = c
        else:
            ranges.append([c, c])
    compat = "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in ranges)
    return f"[{INVISIBLE}{compat}]"
_MEMO_LIMIT = 500_000


class FoldingTokenizer(Tokenizer):
    """Split on ``\\w+``; lowercase, fold accents, and (when ``stemming``) Porter-stem."""

    def __init__(self, stemming: bool = True):
        self.stemming = stemming
        self.is_morph = stemming
        self._memo: dict[str, str] = {}
        self._fold_memo: dict[str, str] = {}
        self._last: tuple[str, list[str]] | None = None
        self._function_terms: frozenset[str] | None = None

    def __eq__(self, other):
        return type(self) is type(other) and self.stemming == other.stemming

    def __getstate__(self):
        return {"stemming": self.stemming}

    def __setstate__(self, state):
        FoldingTokenizer.__init__(self, state["stemming"])

    def fold(self, word: str) -> str:
        folded = self._fold_memo.get(word)
        if folded is None:
            folded = unicodedata.normalize("NFKC", _JOINERS.sub("", word)).lower().translate(accent_map)
            if len(self._fold_memo) > _MEMO_LIMIT:
                self._fold_memo.clear()
            self._fold_memo[word] = folded
        return folded

    def term(self, word: str) -> str:
        term = self._memo.get(word)
        if term is None:
            term = self.fold(word)
            if self.stemming:
                term = stem(term)
            if len(self._memo) > _MEMO_LIMIT:
                self._memo.clear()
            self._memo[word] = term
        return term

    def terms(self, value: str) -> list[str]:
        """Return the indexed terms of ``value`` in order: the fast path for indexing.

        The last answer is kept: the indexer counts a text's content words
        (``content_length``) just before Whoosh indexes the same string.
        """
        last = self._last
        if last is not None and last[0] is value:
            return last[1]
        memo = self._memo
        convert = self.term
        terms = [memo.get(w) or convert(w) for w in WORD.findall(value)]
        self._last = (value, terms)
        return terms

    def content_length(self, value: str) -> int:
        """How many of ``value``'s words are not English function words: the length that
        relevance ranking normalises by (``search/ranking.py``). Function words stay in
        the index for exact quotes; counted in the length, they made long articles look
        longer than their content and cost Cranfield 0.02 nDCG@10 (docs/decisions.md)."""
        function_terms = self._function_terms
        if function_terms is None:
            function_terms = self._function_terms = frozenset(self.term(w) for w in FUNCTION_WORDS)
        return sum(1 for t in self.terms(value) if t not in function_terms)

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True,
                 mode="", no_morph=False, **kwargs):
        convert = self.fold if (no_morph or not self.stemming) else self.term
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            # Wildcard and prefix queries: fold, never stem ("vacc*" must stay "vacc").
            t.original = value
            t.text = self.fold(value)
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar = start_char
                t.endchar = start_char + len(value)
            yield t
            return
        for pos, match in enumerate(WORD.finditer(value), start_pos):
            word = match.group()
            t.text = convert(word)
            if keeporiginal:
                t.original = word
            t.boost = 1.0
            t.stopped = False
            if positions:
                t.pos = pos
            if chars:
                t.startchar = start_char + match.start()
                t.endchar = start_char + match.end()
            yield t


# A Whoosh tokenizer is itself a complete analyzer. It is used unwrapped because
# CompositeAnalyzer does not pass ``no_morph`` down to its tokenizer.
TEXT_ANALYZER = FoldingTokenizer(stemming=True)
FOLD_ANALYZER = FoldingTokenizer(stemming=False)


class FastPositions(Positions):
    """Whoosh's ``Positions`` format with a faster indexing path and encoding.

    ``word_values`` asks a ``FoldingTokenizer`` for plain term lists instead of
    iterating Token objects, and positions are stored as a raw unsigned array of deltas
    (2 or 4 bytes each) instead of a pickle. Query-time behaviour is unchanged:
    frequency, weight and positions decode as ``Positions`` defines them.
    """

    def word_values(self, value, analyzer, **kwargs):
        if not isinstance(analyzer, FoldingTokenizer) or kwargs.get("mode", "index") != "index":
            yield from super().word_values(value, analyzer, **kwargs)
            return
        poses: dict[str, list[int]] = defaultdict(list)
        for pos, term in enumerate(analyzer.terms(value)):
            poses[term].append(pos)
        fb = self.field_boost
        encode = self.encode
        for term, poslist in poses.items():
            yield (term, len(poslist), len(poslist) * fb, encode(poslist))

    def encode(self, poslist):
        deltas = [b - a for a, b in zip([0] + poslist, poslist, strict=False)] if len(poslist) > 1 else poslist
        try:
            return pack_uint(len(deltas)) + b"H" + array("H", deltas).tobytes()
        except OverflowError:  # a delta of 65536+ words: only in huge documents
            return pack_uint(len(deltas)) + b"I" + array("I", deltas).tobytes()

    def decode_positions(self, valuestring):
        deltas = array(valuestring[_INT_SIZE:_INT_SIZE + 1].decode("ascii"))
        deltas.frombytes(valuestring[_INT_SIZE + 1:])
        positions = []
        position = 0
        for delta in deltas:
            position += delta
            positions.append(position)
        return positions

    def decode_frequency(self, valuestring):
        return unpack_uint(valuestring[:_INT_SIZE])[0]
