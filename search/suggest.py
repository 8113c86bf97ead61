""""Did you mean": respell query words the index has never seen.

First every string one typo away from the word is stemmed and looked up in the body
field, and the stem in most documents wins; failing that, stems within two edits come
from the body lexicon. The stem is shown as the word form closest to what was typed
among the forms articles containing it actually use (stems are not words). No separate spelling field is indexed (it doubled indexing work).

With the build's spelling table (index/spelling.py), the same three steps read it
instead: the one-typo strings are looked up as word forms (the stem of a string no article
contains is never a body term's but by chance), the stems within two edits come from a
Levenshtein automaton walking the table's sorted stems in memory (the same walk Whoosh makes
over each segment's term file on disk), and the written forms come from the table. An index
built before the table falls back to the scan.
"""

from __future__ import annotations

import difflib
import re
import sqlite3
import threading
from bisect import bisect_left
from collections.abc import Iterable
from itertools import islice
from pathlib import Path

from whoosh.codec.base import Automata
from whoosh.support.levenshtein import damerau_levenshtein, levenshtein

from index.analysis import FOLD_ANALYZER, LANGUAGE_ANALYZERS, TEXT_ANALYZER, script_of, stem
from index.spelling import SPELLING_FILE, SPELLING_VERSION, table_version

from .deadline import Deadline

_WORD = re.compile(r"(?<![\w:*?\"-])([^\W\d_]{3,})(?![\w:*?])")
_OPERATORS = {"AND", "OR", "NOT", "TO"}
SURFACE_SCAN_CHARS = 20_000
SURFACE_DOCS = 8


def _known(reader, word: str) -> bool:
    stemmed = TEXT_ANALYZER.term(word)
    if reader.doc_frequency("body", stemmed) > 0 or reader.doc_frequency("title", stemmed) > 0:
        return True
    # A word of another language is known when its own fields have it (German "Maßnahme"
    # is not respelled as an English word).
    for suffix, analyzer in LANGUAGE_ANALYZERS.items():
        term = analyzer.term(word)
        if reader.doc_frequency(f"body_{suffix}", term) > 0 or reader.doc_frequency(f"title_{suffix}", term) > 0:
            return True
    return False


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def one_edit_away(word: str) -> set[str]:
    """Every string one deletion, transposition, replacement or insertion from ``word``."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    transposes = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    inserts = {a + c + b for a, b in splits for c in _LETTERS}
    return (deletes | transposes | replaces | inserts) - {word}


def correct_word(reader, word: str, deadline: Deadline | None = None) -> str | None:
    """Return the most frequent body term that a word one typo away from ``word`` stems
    to ("celebrety" -> "celebr", the stem of celebrity), or None."""
    own = TEXT_ANALYZER.term(word)
    candidates: Iterable[str] = one_edit_away(word)
    if deadline is not None:
        candidates = deadline.watch(candidates, "looking for \"Did you mean\" words")
    # The analyzer's stemmer directly, not its memo: the candidates are already folded, and
    # a few hundred throwaway variants per unknown word would fill the memo that
    # indexing and every query share.
    stems = {stem(candidate) for candidate in candidates} - {own}
    scored = [(reader.doc_frequency("body", stem), stem) for stem in stems]
    best = max(scored, default=(0, None))
    return best[1] if best[0] > 0 else None


def correct_term(reader, stem: str) -> str | None:
    """Return the most frequent body term within two edits of ``stem``, or None."""
    # Per segment: a segment reader walks its term index with a Levenshtein automaton,
    # while the multi-segment reader's fallback computes the distance to every term.
    leaves = [leaf for leaf, _ in reader.leaf_readers()]
    for distance in (1, 2):
        candidates = {t for leaf in leaves for t in leaf.terms_within("body", stem, distance, prefix=1)}
        candidates.discard(stem)
        if candidates:
            return max(candidates, key=lambda t: (reader.doc_frequency("body", t), t))
    return None


def surface_form(searcher, term: str, typed: str) -> str:
    """Return the written form of ``term`` closest to ``typed``, from the first articles
    that contain it (one stem covers several words: celebrity, celebrated)."""
    reader = searcher.reader()
    postings = reader.postings("body", term)
    forms: set[str] = set()
    for docnum in islice(postings.all_ids(), SURFACE_DOCS):
        body = searcher.stored_fields(docnum).get("body", "")[:SURFACE_SCAN_CHARS]
        forms.update(t.original.lower() for t in TEXT_ANALYZER(body, keeporiginal=True) if t.text == term)
    if not forms:
        return term
    typed = typed.lower()
    return min(forms, key=lambda form: (damerau_levenshtein(form, typed), form))


# Below this many stems of the right first letter and length, measure each instead of
# building an automaton.
BUCKET_SCAN = 300
# A written form is shown when at least this share of the stem's commonest form's articles
# use it ("able", not the stray "abl" of one article, for "labl").
SURFACE_SHARE = 0.05


class SpellingTable:
    """One build's spelling table, read-only (the file never changes once published)."""

    # SQLite's limit on the parameters of one statement is 32,766; a 30-letter word has
    # about 1,650 one-typo strings.
    CHUNK = 2000

    def __init__(self, path: Path):
        self.path = path
        self._db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        self._stems: list[str] | None = None
        self._buckets: dict[tuple[str, int], list[str]] = {}

    @classmethod
    def open(cls, build: Path | None) -> SpellingTable | None:
        """The table of ``build``, or None for a build written before tables existed."""
        path = build / SPELLING_FILE if build is not None else None
        if path is None or table_version(path) != SPELLING_VERSION:
            return None  # none, or of another layout: the scan answers
        try:
            return cls(path)
        except sqlite3.Error:
            return None

    def _query(self, sql: str, params: tuple | list = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def stems_of(self, forms: Iterable[str]) -> set[str]:
        """The stems of those of ``forms`` that some body contains."""
        forms = list(forms)
        found: set[str] = set()
        for i in range(0, len(forms), self.CHUNK):
            chunk = forms[i:i + self.CHUNK]
            marks = ",".join("?" * len(chunk))
            found.update(row[0] for row in self._query(f"SELECT stem FROM forms WHERE form IN ({marks})", chunk))
        return found

    def surfaces(self, stem: str) -> list[tuple[str, int]]:
        """The written forms of ``stem`` and how many articles use each."""
        return self._query("SELECT surface, docs FROM forms WHERE stem = ?", (stem,))

    def stems(self) -> list[str]:
        """Every stem, sorted (read once per build, on the first walk)."""
        if self._stems is None:
            rows = self._query("SELECT DISTINCT stem FROM forms ORDER BY stem")
            stems = [row[0] for row in rows]
            buckets: dict[tuple[str, int], list[str]] = {}
            for term in stems:
                buckets.setdefault((term[0], len(term)), []).append(term)
            self._buckets = buckets
            self._stems = stems
        return self._stems

    def within(self, stem: str, distance: int) -> list[str]:
        """The stems within ``distance`` edits of ``stem`` sharing its first letter: Whoosh's
        ``terms_within(..., prefix=1)``, over the sorted stems in memory."""
        terms = self.stems()
        if not terms or not stem:
            return []
        # Few stems have the word's first letter and a length within ``distance`` of a long
        # word's, and the automaton of a long word is slow to build (30 letters: ~20 ms):
        # those few are measured one by one.
        nearby = [t for n in range(len(stem) - distance, len(stem) + distance + 1)
                  for t in self._buckets.get((stem[0], n), ())]
        if len(nearby) <= BUCKET_SCAN:
            # Plain Levenshtein, as Whoosh's automaton counts (a transposition is two edits).
            return [t for t in nearby if levenshtein(t, stem, distance) <= distance]
        dfa = Automata().levenshtein_dfa(stem, distance, 1)
        found = []
        i = 0
        match = dfa.next_valid_string(terms[0])
        while match:
            i = bisect_left(terms, match, i)
            if i >= len(terms):
                break
            term = terms[i]
            if term == match:
                found.append(term)
                term += "\0"
            match = dfa.next_valid_string(term)
        return found

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _table_word(reader, table: SpellingTable, word: str, deadline: Deadline | None) -> str | None:
    """``correct_word`` from the table: the one-typo strings that are word forms."""
    if deadline is not None:
        deadline.check("looking for \"Did you mean\" words")
    stems = table.stems_of(one_edit_away(word)) - {TEXT_ANALYZER.term(word)}
    scored = [(reader.doc_frequency("body", s), s) for s in stems]
    best = max(scored, default=(0, None))
    return best[1] if best[0] > 0 else None


def _table_term(reader, table: SpellingTable, stem: str) -> str | None:
    """``correct_term`` from the table's stems (those the live index still has)."""
    for distance in (1, 2):
        candidates = [(reader.doc_frequency("body", t), t) for t in table.within(stem, distance) if t != stem]
        best = max(candidates, default=(0, None))
        if best[0] > 0:
            return best[1]
    return None


def _table_surface(table: SpellingTable, term: str, typed: str) -> str:
    """The written form closest to ``typed`` among those in common use; of equally close
    ones, the commonest ("mechanims": mechanism, not mechanics)."""
    forms = table.surfaces(term)
    if not forms:
        return term
    most = max(docs for _, docs in forms)
    typed = typed.lower()
    used = [(form, docs) for form, docs in forms if docs >= most * SURFACE_SHARE]
    return min(used, key=lambda f: (damerau_levenshtein(f[0], typed), -f[1], f[0]))[0]


def suggest_query(searcher, text: str, *, deadline: Deadline | None = None, max_words: int = 5,
                  max_chars: int = 30, table: SpellingTable | None = None) -> str | None:
    """Return ``text`` with unknown words respelled, or None when nothing changes.

    A word that nothing in the index resembles is left out of the suggestion (when
    other words remain), since keeping it would suggest a search that finds nothing.

    Only bare words outside phrases are respelled; operators, fields and wildcards are
    left as typed. At most ``max_words`` unknown words of at most ``max_chars`` letters
    are tried: the one-typo variants of a word grow with the square of its length.
    """
    if not text:
        return None
    reader = searcher.reader()
    if _in_another_language(reader, text):
        return None
    changed = False
    tried = 0

    def fix(match: re.Match) -> str:
        nonlocal changed, tried
        word = match.group(1)
        if word in _OPERATORS or len(word) > max_chars or tried >= max_words:
            return word
        # Respelling knows the Latin alphabet only: a Cyrillic, Arabic or CJK word is
        # never "corrected" into a Latin one.
        if script_of(word) != {"latin"} or _known(reader, word):
            return word
        tried += 1
        folded = FOLD_ANALYZER.fold(word)
        changed = True
        if table is not None:
            term = _table_word(reader, table, folded, deadline) or _table_term(reader, table, TEXT_ANALYZER.term(word))
            return "" if term is None else _table_surface(table, term, folded)
        term = correct_word(reader, folded, deadline)
        if term is None and deadline is not None:
            deadline.check("looking for \"Did you mean\" words")
        term = term or correct_term(reader, TEXT_ANALYZER.term(word))
        if term is None:
            return ""  # a word nothing resembles ("zzqxw") is left out, not suggested again
        return surface_form(searcher, term, folded)

    parts = text.split('"')
    parts[::2] = [_WORD.sub(fix, part) for part in parts[::2]]
    suggestion = _DANGLING.sub("", " ".join('"'.join(parts).split()))
    if not changed or suggestion == text or not re.search(r"\w", suggestion):
        return None
    return suggestion


# The respelling is English's (its words and stems): a query most of whose known words
# are known only in another language's fields ("Est-il vrai que le gouvernement…") is
# not respelled word by word into English, nor its unknown words dropped.
def _in_another_language(reader, text: str) -> bool:
    english = other = 0
    for word in _WORD.findall(text):
        if word in _OPERATORS or script_of(word) != {"latin"}:
            continue
        stemmed = TEXT_ANALYZER.term(word)
        if reader.doc_frequency("body", stemmed) or reader.doc_frequency("title", stemmed):
            english += 1
        elif _known(reader, word):
            other += 1
    return other > english


# An operator left at either end once a word is dropped ("zzqxw OR flu" -> "flu").
_DANGLING = re.compile(r"^(?:(?:AND|OR|NOT)\s+)+|(?:\s+(?:AND|OR|NOT))+$")


SHORT_SUGGESTION_CHARS = 80


def short_suggestion(text: str, suggestion: str, max_chars: int = SHORT_SUGGESTION_CHARS) -> str:
    """What "Did you mean" shows for ``suggestion``: itself when short, else only its
    respelled words with a word of context each side ("… blood *vaccine* trial …"); the
    link still searches the whole suggestion. A pasted paragraph made a 1,000-character link."""
    if len(suggestion) <= max_chars:
        return suggestion
    typed, fixed = text.split(), suggestion.split()
    spans: list[list[int]] = []
    opcodes = difflib.SequenceMatcher(a=typed, b=fixed, autojunk=False).get_opcodes()
    for tag, _, _, lo, hi in opcodes:
        if tag == "equal":
            continue
        lo, hi = max(0, lo - 1), min(len(fixed), max(hi, lo + 1) + 1)
        if spans and lo <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], hi)
        else:
            spans.append([lo, hi])
    if not spans:
        return suggestion[:max_chars].rsplit(" ", 1)[0] + " …"
    shown = " … ".join(" ".join(fixed[lo:hi]) for lo, hi in spans)
    shown = ("… " if spans[0][0] > 0 else "") + shown + (" …" if spans[-1][1] < len(fixed) else "")
    if len(shown) > 2 * max_chars:
        shown = shown[:2 * max_chars].rsplit(" ", 1)[0] + " …"
    return shown
