""""Did you mean": respell query words the index has never seen.

Candidates come from the body field's own (stemmed) lexicon, within one and then two
edits, ranked by document frequency; no separate spelling field is indexed (it doubled
the indexing work). A stem is shown to the user as the word form an article actually
uses, found in the first document that contains it.
"""

from __future__ import annotations

import re

from whoosh.support.levenshtein import damerau_levenshtein

from index.analysis import FOLD_ANALYZER, TEXT_ANALYZER

_WORD = re.compile(r"(?<![\w:*?\"-])([^\W\d_]{3,})(?![\w:*?])")
_OPERATORS = {"AND", "OR", "NOT", "TO"}
SURFACE_SCAN_CHARS = 100_000


def _known(reader, word: str) -> bool:
    stemmed = TEXT_ANALYZER.term(word)
    return (
        reader.doc_frequency("body", stemmed) > 0
        or reader.doc_frequency("title", stemmed) > 0
        or reader.doc_frequency("body_intl", FOLD_ANALYZER.fold(word)) > 0
    )


def correct_term(reader, stem: str) -> str | None:
    """Return the most frequent body term within two edits of ``stem``, or None."""
    for distance in (1, 2):
        candidates = {t for t in reader.terms_within("body", stem, distance, prefix=1) if t != stem}
        if candidates:
            return max(candidates, key=lambda t: (reader.doc_frequency("body", t), t))
    return None


def surface_form(searcher, term: str, typed: str) -> str:
    """Return the form of ``term`` closest to ``typed`` in the first article that has it."""
    reader = searcher.reader()
    postings = reader.postings("body", term)
    if not postings.is_active():
        return term
    body = searcher.stored_fields(postings.id()).get("body", "")[:SURFACE_SCAN_CHARS]
    forms = {t.original.lower() for t in TEXT_ANALYZER(body, keeporiginal=True) if t.text == term}
    if not forms:
        return term
    typed = typed.lower()
    return min(forms, key=lambda form: (damerau_levenshtein(form, typed), form))


def suggest_query(searcher, text: str) -> str | None:
    """Return ``text`` with unknown words respelled, or None when nothing changes.

    Only bare words outside phrases are respelled; operators, fields and wildcards are
    left as typed.
    """
    if not text:
        return None
    reader = searcher.reader()
    changed = False

    def fix(match: re.Match) -> str:
        nonlocal changed
        word = match.group(1)
        if word in _OPERATORS or _known(reader, word):
            return word
        term = correct_term(reader, TEXT_ANALYZER.term(word))
        if term is None:
            return word
        changed = True
        return surface_form(searcher, term, word)

    parts = text.split('"')
    parts[::2] = [_WORD.sub(fix, part) for part in parts[::2]]
    suggestion = '"'.join(parts)
    return suggestion if changed and suggestion != text else None
