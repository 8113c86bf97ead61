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
import threading
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
    return f"[{INVISIBLE}{char_ranges(codes)}]"


def char_ranges(codes: list[int]) -> str:
    """The inside of a regex character class matching exactly ``codes`` (ascending)."""
    ranges: list[list[int]] = []
    for c in codes:
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1][1] = c
        else:
            ranges.append([c, c])
    return "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in ranges)
_MEMO_LIMIT = 500_000


class _OneSetting:
    """Equality and pickling by the one constructor argument an analyzer is made from
    (the schema pickles analyzers; their memos are rebuilt, never stored)."""

    _setting = ""

    def __eq__(self, other):
        return type(self) is type(other) and getattr(self, self._setting) == getattr(other, self._setting)

    def __hash__(self):
        return hash((type(self), getattr(self, self._setting)))

    def __getstate__(self):
        return {self._setting: getattr(self, self._setting)}

    def __setstate__(self, state):
        type(self).__init__(self, state[self._setting])  # type: ignore[call-arg]


class FoldingTokenizer(_OneSetting, Tokenizer):
    """Split on ``\\w+``; lowercase, fold accents, and (when ``stemming``) Porter-stem."""

    _setting = "stemming"

    def __init__(self, stemming: bool = True):
        self.stemming = stemming
        self.is_morph = stemming
        self._memo: dict[str, str] = {}
        self._fold_memo: dict[str, str] = {}
        self._last: tuple[str, list[str]] | None = None
        self._function_terms: frozenset[str] | None = None

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
            yield _whole_value(t, value, self.fold(value), positions, chars, start_pos, start_char)
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


def _whole_value(t: Token, value: str, folded: str, positions: bool, chars: bool, start_pos: int,
                 start_char: int) -> Token:
    """The one token of an untokenized value (``tokenize=False``: wildcards, prefixes)."""
    t.original = value
    t.text = folded
    t.boost = 1.0
    if positions:
        t.pos = start_pos
    if chars:
        t.startchar = start_char
        t.endchar = start_char + len(value)
    return t


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
        if not isinstance(analyzer, (FoldingTokenizer, LanguageAnalyzer)) or kwargs.get("mode", "index") != "index":
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


# Every other language ----------------------------------------------------------------
#
# Articles in a language Whoosh has a Snowball stemmer for (and Arabic, with ISRI) are
# indexed in fields of their own, ``title_<code>``/``body_<code>``, analysed by that
# language's ``LanguageAnalyzer``; every other language goes to ``title_intl``/``body_intl``
# (folded, unstemmed). English keeps ``title``/``body`` and ``TEXT_ANALYZER`` unchanged.
# A query is analysed by each field's analyzer, so both sides always agree.

WHOOSH_STEMMED = ("da", "nl", "fi", "fr", "de", "hu", "it", "no", "pt", "ro", "ru", "es", "sv", "ar")
# Whoosh ships no stemmer for these (for Turkish only a stop list): the Snowball project's
# own Python stemmers (snowballstemmer) have them.
SNOWBALL_STEMMED = {"tr": "turkish", "fa": "persian", "hi": "hindi", "pl": "polish", "el": "greek"}
# No Snowball stemmer at all: simplemma's dictionary lemmatizer (loaded on first use).
LEMMATIZED = ("uk",)
STEMMED_LANGUAGES = (*WHOOSH_STEMMED, *SNOWBALL_STEMMED, *LEMMATIZED)
INTL = "intl"
LANGUAGE_SUFFIXES = (*STEMMED_LANGUAGES, INTL)
# Which scripts each field's words may be in: a query word in another script is not
# looked up there (a Cyrillic word is never searched in the German fields).
SUFFIX_SCRIPTS = {**{code: frozenset({"latin"}) for code in STEMMED_LANGUAGES},
                  "ru": frozenset({"cyrillic"}), "uk": frozenset({"cyrillic"}), "el": frozenset({"greek"}),
                  "ar": frozenset({"arabic"}), "fa": frozenset({"arabic"}),
                  "hi": frozenset({"devanagari"}), INTL: frozenset()}


def language_suffix(language: str) -> str:
    """The field suffix for an article in ``language``: "" for English (and unknown)."""
    if language in ("", "en"):
        return ""
    return language if language in STEMMED_LANGUAGES else INTL


def language_field(base: str, language: str) -> str:
    suffix = language_suffix(language)
    return f"{base}_{suffix}" if suffix else base


def field_suffix(field: str) -> str:
    """"ru" for "body_ru", "" for "body"."""
    return field.rpartition("_")[2] if "_" in field else ""


# Combining marks (Devanagari vowel signs and virama, Arabic diacritics, ...) are part of a
# word: Python's ``\w`` leaves them out, which cut "प्रदूषण" into three pieces.
@functools.cache
def _marks() -> str:
    return char_ranges([c for c in range(0x300, 0x10000) if unicodedata.category(chr(c)) in ("Mn", "Mc", "Me")])


MARKS = _marks()
INTL_WORD = re.compile(rf"[\w{MARKS}]+(?:(?:{LINE_BREAK_HYPHEN}|[{INVISIBLE}]+)[\w{MARKS}]+)*")
# Han, kana and Hangul: written without spaces, indexed as overlapping bigrams.
CJK_CHARS = ("\u1100-\u11ff\u3040-\u30ff\u3131-\u318e\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
             "\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f")
_CJK_SPLIT = re.compile(f"[{CJK_CHARS}]+|[^{CJK_CHARS}]+")
_CJK = re.compile(f"[{CJK_CHARS}]")

# Arabic-script normalisation: diacritics (harakat, superscript alef) and tatweel go;
# alef forms become bare alef, alef maqsura ya, ta marbuta ha; Persian ya and kaf are
# folded with the Arabic letters so either spelling finds the other.
_ARABIC_DROP = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_MAP = str.maketrans({"\u0622": "\u0627", "\u0623": "\u0627", "\u0625": "\u0627", "\u0671": "\u0627",
                             "\u0649": "\u064a", "\u06cc": "\u064a", "\u06a9": "\u0643", "\u0629": "\u0647"})
# Clitics written onto an Arabic word: the article and the prepositions/conjunction before it.
_ARABIC_CLITICS = ("\u0648\u0627\u0644", "\u0628\u0627\u0644", "\u0643\u0627\u0644", "\u0641\u0627\u0644",
                   "\u0644\u0644", "\u0627\u0644")
_ARABIC_LETTER = re.compile("[\u0600-\u06ff]")


def normalise_arabic(word: str) -> str:
    return _ARABIC_DROP.sub("", word).translate(_ARABIC_MAP)


def strip_arabic_clitics(word: str) -> str:
    for clitic in _ARABIC_CLITICS:
        if word.startswith(clitic) and len(word) - len(clitic) >= 2:
            return word[len(clitic):]
    return word


def script_of(text: str) -> frozenset[str]:
    """The scripts of ``text``'s letters, among latin, cyrillic, arabic, cjk and other."""
    scripts = set()
    for c in text:
        if not c.isalpha():
            continue
        if c < "\u0250" or "\u1e00" <= c <= "\u1eff":
            scripts.add("latin")
        elif "\u0400" <= c <= "\u052f":
            scripts.add("cyrillic")
        elif "\u0370" <= c <= "\u03ff" or "\u1f00" <= c <= "\u1fff":
            scripts.add("greek")
        elif "\u0600" <= c <= "\u06ff" or "\u0750" <= c <= "\u077f" or "\ufb50" <= c <= "\ufdff" or "\ufe70" <= c <= "\ufeff":
            scripts.add("arabic")
        elif _CJK.match(c):
            scripts.add("cjk")
        elif "\u0900" <= c <= "\u097f":
            scripts.add("devanagari")
        else:
            scripts.add("other")
    return frozenset(scripts)


# A query word's CJK endings that are inflection, not the word (unquoted queries only;
# the index keeps every character, so a quote stays exact). Korean particles (josa) and
# the plural 들 are written onto the noun: 서울에서 is 서울 + "in". Longest first.
_KOREAN_PARTICLES = tuple(sorted((
    "에서는 에서도 에게서 으로는 으로도 에서 에게 한테 께서 으로 까지 부터 마저 조차 처럼 보다 이나 이랑 "
    "하고 에는 에도 와 과 은 는 이 가 을 를 의 에 로 도 만 들").split(), key=len, reverse=True))
_HANGUL_WORD = re.compile("[\uac00-\ud7af]+")
# Japanese: kanji, then the hiragana that inflect it (okurigana, する/した, particles).
_KANJI_THEN_KANA = re.compile("([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff][\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]*?)[\u3041-\u309f]+")


def cjk_query_form(word: str) -> str:
    """The part of an unquoted query word that its articles contain whatever its form:
    a Korean noun without its particles (서울에서 -> 서울, 상인들이 -> 상인), a Japanese
    word without the hiragana after its kanji (発表する -> 発表, 値上げする -> 値上, 東京で ->
    東京). At least two characters stay: a shorter word is searched as typed."""
    if _HANGUL_WORD.fullmatch(word):
        stripped = True
        while stripped:
            stripped = False
            for particle in _KOREAN_PARTICLES:
                if word.endswith(particle) and len(word) - len(particle) >= 2:
                    word = word[:-len(particle)]
                    stripped = True
                    break
        return word
    match = _KANJI_THEN_KANA.fullmatch(word)
    if match and len(match.group(1)) >= 2:
        return match.group(1)
    return word


def is_cjk_char(text: str) -> bool:
    """One Han, kana or Hangul character: indexed only inside bigrams."""
    return len(text) == 1 and bool(_CJK.match(text))


def spanish_singular(word: str) -> str:
    """A Spanish plural's singular, before the Snowball stemmer, which reads the two
    apart in whole classes of nouns (ciudad/ciudades, mujer/mujeres, joven/jóvenes) and
    reads gobiernos as gobier + nos. With this and accents folded first, 67 of 67
    singular/plural pairs meet (Snowball alone: 54; docs/decisions.md); a word typed
    without its accent (sequia) meets the written one (sequía)."""
    if len(word) > 4 and word.endswith("ces"):
        return word[:-3] + "z"  # luces -> luz
    if len(word) > 4 and word.endswith("es") and word[-3] in "dlnrsyjx":
        return word[:-2]  # ciudades -> ciudad (the consonants a Spanish word ends in)
    if len(word) > 3 and word.endswith("s") and word[-2] in "aeiou":
        return word[:-1]  # gobiernos -> gobierno (not autobús)
    if len(word) > 4 and word.endswith("s") and word[-2] not in "aeiouáéíóús":
        return word[:-1]  # récords -> récord
    return word


def _isri():
    from whoosh.lang.isri import ISRIStemmer

    class _ISRI(ISRIStemmer):
        """Whoosh's ISRI stemmer; its ``norm`` passes ``r'\\u0627'`` as a replacement
        template, which Python 3.7+ rejects ("bad escape \\u"), so every stem raised.
        Same behaviour, with the character itself."""

        def norm(self, num):
            word: str = self.stm  # type: ignore[has-type]
            if num in (1, 3):
                word = self.re_short_vowels.sub("", word)
            if num in (2, 3):
                word = self.re_intial_hamza.sub("\u0627", word)
            self.stm = word
            return word

    stemmer = _ISRI()
    lock = threading.Lock()

    def stem_arabic(word: str) -> str:
        with lock:  # the stemmer keeps its word in an attribute: one at a time
            return stemmer.stem(word)
    return stem_arabic


def _lemmatizer(language: str):
    """simplemma's lemma of a word (Ukrainian: Дніпра, Дніпрі -> Дніпро), lowercased.

    Its dictionary is loaded by the first word (0.65 s in ``low_memory`` mode, 1.4 s
    without; a lookup costs 17 µs instead of 3, and each word is looked up once, the
    analyzer keeps its terms), so only a reindex of articles in the language pays for
    it, or a server whose index has some, at start-up (``preload``); a CLI search
    loads it for a Cyrillic-script query only."""
    lock = threading.Lock()

    def lemma(word: str) -> str:
        import simplemma
        with lock:
            return simplemma.lemmatize(word, lang=language, low_memory=True).lower()
    return lemma


def preload(fields) -> None:
    """Load the dictionaries the analyzers of ``fields`` need (the fields an index has
    articles in, when a server starts): never inside a search's time budget."""
    for suffix in {field_suffix(f) for f in fields} & set(LEMMATIZED):
        LANGUAGE_ANALYZERS[suffix].term("\u0430")


class LanguageAnalyzer(_OneSetting, Tokenizer):
    """Words of one language: folded like ``FoldingTokenizer``, stemmed by Whoosh's
    stemmer for the language (Snowball, ISRI for Arabic), Arabic script normalised and its
    clitics removed, and runs of Han, kana or Hangul cut into overlapping bigrams, as
    Lucene's CJKAnalyzer does (a run of one character is one term). A word's letters
    keep their combining marks. Stop words stay indexed (exact quotes); they are left out
    only of ``content_length``.
    """

    is_morph = True
    _setting = "language"

    def __init__(self, language: str = INTL):
        self.language = language
        self._memo: dict[str, tuple[str, ...]] = {}
        self._fold_memo: dict[str, str] = {}
        self._last: tuple[str, list[str]] | None = None
        self._stem = self._make_stemmer(language)
        from whoosh.lang import has_stopwords, stopwords_for_language
        self._stopwords = frozenset(stopwords_for_language(language)) if has_stopwords(language) else frozenset()

    @staticmethod
    def _make_stemmer(language: str):
        if language == "ar":
            return _isri()
        if language == "es":
            from whoosh.lang import stemmer_for_language
            spanish = stemmer_for_language("es")
            return lambda word: spanish(spanish_singular(word).translate(accent_map))
        if language in WHOOSH_STEMMED:
            from whoosh.lang import stemmer_for_language
            return stemmer_for_language(language)
        if language in LEMMATIZED:
            return _lemmatizer(language)
        if language in SNOWBALL_STEMMED:
            import snowballstemmer
            stemmer = snowballstemmer.stemmer(SNOWBALL_STEMMED[language])
            lock = threading.Lock()

            def stem(word: str) -> str:
                with lock:  # a Snowball stemmer object keeps its word while it works
                    return stemmer.stemWord(word)
            return stem
        return None

    def fold(self, word: str) -> str:
        """Fold one word (no stemming): for wildcards and "Did you mean"."""
        folded = self._fold_memo.get(word)
        if folded is None:
            folded = unicodedata.normalize("NFKC", _JOINERS.sub("", word)).lower().replace("i\u0307", "i")
            if _ARABIC_LETTER.search(folded):
                folded = normalise_arabic(folded)
            folded = folded.translate(accent_map)
            if len(self._fold_memo) > _MEMO_LIMIT:
                self._fold_memo.clear()
            self._fold_memo[word] = folded
        return folded

    def _word_term(self, word: str) -> str:
        lowered = unicodedata.normalize("NFKC", _JOINERS.sub("", word)).lower().replace("i\u0307", "i")
        if _ARABIC_LETTER.search(lowered):
            lowered = normalise_arabic(lowered)
            if self.language == "ar":
                lowered = strip_arabic_clitics(lowered)
        if self._stem is not None:
            # Stemmed before accents are folded: Snowball's rules are written for the
            # language's own letters (Turkish ı, German ü).
            lowered = self._stem(lowered)
        return lowered.translate(accent_map)

    def pieces(self, word: str) -> tuple[str, ...]:
        """The terms of one word: one, or a CJK run's bigrams (each with its offset)."""
        terms = self._memo.get(word)
        if terms is None:
            terms = tuple(t for t, _, _ in self._split(word))
            if len(self._memo) > _MEMO_LIMIT:
                self._memo.clear()
            self._memo[word] = terms
        return terms

    def _split(self, word: str, no_morph: bool = False):
        """(term, start, end) within ``word``."""
        convert = self.fold if no_morph else self._word_term
        if not _CJK.search(word):
            yield convert(word), 0, len(word)
            return
        for run in _CJK_SPLIT.finditer(word):
            text, start = run.group(), run.start()
            if not _CJK.match(text):
                if any(c.isalnum() for c in text):
                    yield convert(text), start, run.end()
                continue
            folded = unicodedata.normalize("NFKC", text)
            if len(folded) != len(text):  # half-width kana: offsets would drift
                folded = text
            if len(folded) == 1:
                yield folded, start, start + 1
            for i in range(len(folded) - 1):
                yield folded[i:i + 2], start + i, start + i + 2

    def terms(self, value: str) -> list[str]:
        """The indexed terms of ``value`` in order (the indexing fast path)."""
        last = self._last
        if last is not None and last[0] is value:
            return last[1]
        pieces = self.pieces
        terms = [t for w in INTL_WORD.findall(value) for t in pieces(w)]
        self._last = (value, terms)
        return terms

    def term(self, word: str) -> str:
        pieces = self.pieces(word)
        return pieces[0] if pieces else ""

    def content_length(self, value: str) -> int:
        """The terms of words that are not the language's stop words (see
        ``FoldingTokenizer``); a stop word is a word as written, lowercased, not a stem
        (French "sûrs" stems and folds to the stop word "sur")."""
        stop = self._stopwords
        pieces = self.pieces
        return sum(len(pieces(w)) for w in INTL_WORD.findall(value) if w.lower() not in stop)

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True,
                 mode="", no_morph=False, **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            yield _whole_value(t, value, self.fold(value), positions, chars, start_pos, start_char)
            return
        pos = start_pos
        for match in INTL_WORD.finditer(value):
            word = match.group()
            base = start_char + match.start()
            for text, start, end in self._split(word, no_morph):
                t.text = text
                if keeporiginal:
                    t.original = word[start:end]
                t.boost = 1.0
                t.stopped = False
                if positions:
                    t.pos = pos
                if chars:
                    t.startchar = base + start
                    t.endchar = base + end
                pos += 1
                yield t


LANGUAGE_ANALYZERS = {suffix: LanguageAnalyzer(suffix) for suffix in LANGUAGE_SUFFIXES}


def analyzer_for(language: str):
    """The analyzer of an article in ``language`` (English: ``TEXT_ANALYZER``)."""
    suffix = language_suffix(language)
    return LANGUAGE_ANALYZERS[suffix] if suffix else TEXT_ANALYZER
