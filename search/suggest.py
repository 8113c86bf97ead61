""""Did you mean": respell query words the index has never seen.

First every string one typo away from the word is stemmed and looked up in the body
field, and the stem in most documents wins; failing that, stems within two edits come
from the body lexicon. The stem is shown as the word form closest to what was typed
among the forms articles containing it actually use (stems are not words). No separate spelling field is indexed (it doubled indexing work).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from itertools import islice

from whoosh.support.levenshtein import damerau_levenshtein

from index.analysis import FOLD_ANALYZER, TEXT_ANALYZER, stem

from .deadline import Deadline

_WORD = re.compile(r"(?<![\w:*?\"-])([^\W\d_]{3,})(?![\w:*?])")
_OPERATORS = {"AND", "OR", "NOT", "TO"}
SURFACE_SCAN_CHARS = 20_000
SURFACE_DOCS = 8


def _known(reader, word: str) -> bool:
    stemmed = TEXT_ANALYZER.term(word)
    return (
        reader.doc_frequency("body", stemmed) > 0
        or reader.doc_frequency("title", stemmed) > 0
        or reader.doc_frequency("body_intl", FOLD_ANALYZER.fold(word)) > 0
    )


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


def suggest_query(searcher, text: str, *, deadline: Deadline | None = None, max_words: int = 5,
                  max_chars: int = 30) -> str | None:
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
    changed = False
    tried = 0

    def fix(match: re.Match) -> str:
        nonlocal changed, tried
        word = match.group(1)
        if word in _OPERATORS or len(word) > max_chars or tried >= max_words or _known(reader, word):
            return word
        tried += 1
        folded = FOLD_ANALYZER.fold(word)
        term = correct_word(reader, folded, deadline)
        if term is None and deadline is not None:
            deadline.check("looking for \"Did you mean\" words")
        term = term or correct_term(reader, TEXT_ANALYZER.term(word))
        changed = True
        if term is None:
            return ""  # a word nothing resembles ("zzqxw") is left out, not suggested again
        return surface_form(searcher, term, folded)

    parts = text.split('"')
    parts[::2] = [_WORD.sub(fix, part) for part in parts[::2]]
    suggestion = _DANGLING.sub("", " ".join('"'.join(parts).split()))
    if not changed or suggestion == text or not re.search(r"\w", suggestion):
        return None
    return suggestion


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
