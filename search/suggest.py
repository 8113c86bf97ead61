""""Did you mean": respell query words the index has never seen."""

from __future__ import annotations

import re

from index.analysis import FOLD_ANALYZER, TEXT_ANALYZER

_WORD = re.compile(r"(?<![\w:*?\"-])([^\W\d_]{3,})(?![\w:*?])")


def _known(reader, word: str) -> bool:
    folded = FOLD_ANALYZER.fold(word)
    stemmed = TEXT_ANALYZER.term(word)
    return (
        reader.doc_frequency("body", stemmed) > 0
        or reader.doc_frequency("title", stemmed) > 0
        or reader.doc_frequency("body_intl", folded) > 0
    )


def suggest_query(reader, text: str) -> str | None:
    """Return ``text`` with unknown words replaced by their likeliest spelling, or None.

    Only bare words outside phrases are respelled; operators, fields and wildcards are
    left as typed. Candidates come from the unstemmed spelling field of the body, are
    within two edits, and are ranked by how many documents contain them.
    """
    if not text:
        return None
    corrector = reader.corrector("spell_body") if "spell_body" in reader.schema else None
    if corrector is None:
        return None
    changed = False
    parts = text.split('"')

    def fix(match: re.Match) -> str:
        nonlocal changed
        word = match.group(1)
        if word in {"AND", "OR", "NOT"} or _known(reader, word):
            return word
        candidates = corrector.suggest(FOLD_ANALYZER.fold(word), limit=1, maxdist=2, prefix=1)
        if not candidates:
            return word
        changed = True
        return candidates[0]

    parts[::2] = [_WORD.sub(fix, part) for part in parts[::2]]
    suggestion = '"'.join(parts)
    return suggestion if changed and suggestion != text else None
