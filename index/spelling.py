"""The spelling table: every word form of the English bodies, with its stem.

"Did you mean" (search/suggest.py) looks for the index terms one typo away from an
unknown word. Without a table it stems every string one edit away (hundreds per word) and
looks each stem up, or walks the term index with a Levenshtein automaton, per segment, on
disk: 60-100 ms for one new misspelling on FakeHealth. The table is written at reindex,
beside the segments, as ``spelling.sqlite`` (one SQLite file, never modified once the build
is published): ``forms(form, surface, stem, docs)``, the folded word as typed, the word as
written (lowercased), the index term it stems to and how many articles use it. A form is looked up instead of
stemmed, its written forms come from the table instead of from stored bodies, and the
sorted stems are the term list a Levenshtein automaton walks in memory.

The table may hold forms of articles since deleted or changed (an incremental run adds
the forms of what it writes to the previous table): every stem found is checked against
the live index's document frequency, so a stale form never suggests anything.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from .analysis import FOLD_ANALYZER, TEXT_ANALYZER

SPELLING_FILE = "spelling.sqlite"
# SQLite's user_version of the table's layout: a reader finding another one falls back to
# the scan instead of misreading it.
SPELLING_VERSION = 1
# Runs of letters only: "Did you mean" respells only words of letters.
_WORD = re.compile(r"\w+")


def body_forms(body: str) -> set[str]:
    """The distinct word forms of one body that the table counts."""
    return {w for w in _WORD.findall(body.lower()) if w.isalpha()}


class SpellingForms:
    """The distinct word forms of the English bodies written by one reindex run."""

    def __init__(self) -> None:
        self.words: Counter[str] = Counter()  # word -> articles using it

    def add(self, body: str) -> None:
        self.words.update(body_forms(body))

    def add_forms(self, forms: set[str]) -> None:
        """``add`` for a body whose ``body_forms`` another process computed."""
        self.words.update(forms)

    def write(self, build: Path, previous: Path | None = None) -> int:
        """Write the table of ``build`` (with the forms of ``previous``, the table of the
        build this one updates); return the number of forms."""
        target = Path(build) / SPELLING_FILE
        temporary = target.with_name(SPELLING_FILE + ".tmp")
        temporary.unlink(missing_ok=True)
        db = sqlite3.connect(temporary)
        try:
            db.execute("PRAGMA journal_mode=OFF")
            db.execute("PRAGMA synchronous=OFF")
            db.execute(f"PRAGMA user_version={SPELLING_VERSION}")
            db.execute("CREATE TABLE forms (form TEXT PRIMARY KEY, surface TEXT NOT NULL, stem TEXT NOT NULL,"
                       " docs INTEGER NOT NULL) WITHOUT ROWID")
            if previous is not None and table_version(previous) == SPELLING_VERSION:
                db.execute("ATTACH DATABASE ? AS old", (str(previous),))
                db.execute("INSERT INTO forms SELECT form, surface, stem, docs FROM old.forms")
                db.commit()
                db.execute("DETACH DATABASE old")
            # Counts of an incremental run add up (an updated article counts twice: the
            # counts only rank a stem's written forms).
            db.executemany("INSERT INTO forms VALUES (?, ?, ?, ?) ON CONFLICT (form) DO UPDATE"
                           " SET docs = docs + excluded.docs", _rows(sorted(self.words.items())))
            db.execute("CREATE INDEX forms_stem ON forms (stem)")
            db.commit()
            count = db.execute("SELECT count(*) FROM forms").fetchone()[0]
        finally:
            db.close()
        # A new file, not the hard-linked one of the build this one copies (it stays whole).
        os.replace(temporary, target)
        return count


def table_version(path: Path) -> int | None:
    """The layout version of the table at ``path`` (None: absent or unreadable)."""
    if not path.is_file():
        return None
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return db.execute("PRAGMA user_version").fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error:
        return None


def _rows(words: Iterable[tuple[str, int]]):
    merged: dict[str, list] = {}
    for word, docs in words:
        stem = TEXT_ANALYZER.term(word)
        if not stem:
            continue
        form = FOLD_ANALYZER.fold(word)
        row = merged.get(form)
        if row is None:
            merged[form] = [form, word, stem, docs]
        else:  # "café" and "cafe": one form, written as the commoner
            if docs > row[3]:
                row[1] = word
            row[3] += docs
    return map(tuple, merged.values())
