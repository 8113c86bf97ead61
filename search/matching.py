"""The matching strategy: which words a result must contain.

Every word is required when some article has them all, unless the query is long
(``LONG_QUERY`` content words or more: a pasted question or passage) and fewer than
``FEW`` articles have them all; then those few come first and the articles with most of
the words follow (Cranfield: 40 of 225 questions had one or two such articles, which hid
every other relevant one). Otherwise as few bare words as
possible are left out (what the closest articles lack), and of equally close choices the
most common words (the least telling: "the", "true"), keeping the rarest, like
Meilisearch's ``frequency`` matching strategy; a word no article contains is left out at
once. Phrases, ``field:`` clauses, wildcards and OR groups are
what the user asked for explicitly and stay required; question scaffolding ("is it true
that") is never required. ``Relaxation`` says what was left out, for the page and JSON.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from whoosh import query as wq

from .query import KEYWORD_FIELDS, ParsedQuery, Unit

LONG_QUERY = 4
FEW = 10
# Clauses that only say which articles may be listed, as the filters do (year:2016,
# language:fr, published:[...]): never words, neither counted nor what the words only rank.
FILTER_FIELDS = frozenset(KEYWORD_FIELDS) | {"published"}


def is_filter(unit: Unit) -> bool:
    """Whether ``unit`` is a filter written in the query (``year:2016``, ``language:fr``)."""
    if unit.relaxable:
        return False
    # A date range has no terms: its own field says.
    fields = {name for name, _ in unit.query.iter_all_terms()} or {getattr(unit.query, "fieldname", None)}
    return fields <= FILTER_FIELDS


@dataclasses.dataclass(frozen=True)
class Relaxation:
    """Not every word was required: ``kept`` of ``total`` words were, by the closest
    articles; ``complete`` articles have every word (fewer than ``FEW``; they come first)."""

    kept: int
    total: int
    dropped: tuple[str, ...]  # the words left out, as typed, most common first
    complete: int = 0
    filtered: bool = False  # counted among the articles the filters allow

    def note(self) -> str:
        words = ", ".join(self.dropped)
        where = " with these filters" if self.filtered else ""
        if self.complete:
            few = (f"{self.complete} article{where} contains" if self.complete == 1
                   else f"{self.complete} articles{where} contain")
            return (f"Only {few} all {self.total} words; they come first, then articles with some "
                    f"of the words, by relevance.")
        closest = "the closest has" if self.kept == 1 else "the closest have"
        return (f"No article{where} contains all {self.total} words; {closest} {self.kept} of {self.total} "
                f"(not required: {words}). Articles with fewer of the words may rank above them by relevance.")

    def to_dict(self) -> dict:
        return {"kept": self.kept, "total": self.total, "dropped": list(self.dropped), "complete": self.complete}


@dataclasses.dataclass(frozen=True)
class Match:
    """The result set: ``docs`` match ``query``; ``units`` are the words to rank by.

    When relaxed, ``query`` matches every article with the explicit clauses and any of
    the content words.
    """

    query: wq.Query | None
    docs: frozenset[int]
    units: tuple[Unit, ...] = ()
    relaxation: Relaxation | None = None
    # When relaxed: the articles with every word, and each word's articles and frequency
    # (rarest first), so the relaxation can be told of the filtered results too.
    complete: frozenset[int] = frozenset()
    words: tuple[tuple[Unit, frozenset[int], int], ...] = ()

    def relaxation_within(self, shown: frozenset[int]) -> Relaxation | None:
        """The relaxation as true of ``shown``, the results the filters leave (the note
        must not count articles the page does not list)."""
        if self.relaxation is None or shown == self.docs or not shown:
            return self.relaxation
        relaxable = [u for u in self.units if u.relaxable]
        unit_docs = {u: docs for u, docs, _ in self.words}
        freq = {u: n for u, _, n in self.words}
        kept = _closest([u for u, _, _ in self.words], unit_docs, freq, relaxable, shown)
        return _describe(self.units, kept, freq, complete=len(self.complete & shown), filtered=True)


def match(parsed: ParsedQuery, docs_of: Callable[[wq.Query | None], frozenset[int]],
          frequency: Callable[[Unit], int]) -> Match:
    """Return the result set of ``parsed``: all words if possible, else relaxed.

    ``docs_of`` evaluates a query to its document set (cached by the engine; ``None``
    is every document); ``frequency`` estimates how many documents contain a unit.
    """
    query = parsed.query
    docs = docs_of(query)
    required = parsed.required
    relaxable = [u for u in required if u.relaxable]
    if query is None or query is wq.NullQuery or not relaxable:
        return Match(query, docs, required)
    if docs and (len(docs) >= FEW or sum(1 for u in relaxable if not u.function_word) < LONG_QUERY):
        return Match(query, docs, required)
    fixed = [u for u in required if not u.relaxable]
    # year:/language: restrict like the filters; only other explicit clauses leave the words to rank.
    explicit = [u for u in fixed if not is_filter(u)]
    freq = {u: frequency(u) for u in relaxable}
    # Rarest first; a word no article contains is left out at once. Ties: query order.
    order = sorted((u for u in relaxable if freq[u] > 0), key=lambda u: (freq[u], relaxable.index(u)))
    base = docs_of(parsed.with_units(fixed)) if fixed or parsed.excluded is not None else docs_of(None)
    unit_docs = {u: docs_of(u.query) for u in order}
    # The closest articles: those with the most words. Of their word sets, the one that
    # leaves out the most common words decides what the page says was not required, so
    # "kept of total" is true of the best results (a greedy pass from the rarest word
    # stopped at the first word that emptied the set and could say 1 of 4 when 3 was there).
    if not base or not (explicit or any(unit_docs[u] & base for u in order)):
        return Match(query, docs, required)
    kept = _closest(order, unit_docs, freq, relaxable, base)
    # Every article with the explicit clauses and any word, the best ones first: a long
    # question's relevant articles rarely have every one of its rarest words. Function
    # words ("the", "of") alone do not make an article a match.
    content = [u for u in order if not u.function_word] or order
    present = [u.query for u in content]
    if explicit:
        # The explicit clauses are what is required; the words only rank.
        anyword = base
        required_query = _and_all([u.query for u in fixed])
        relaxed_query = wq.AndMaybe(required_query, _or_all(present)) if present else required_query
    else:
        anyword = frozenset().union(*(unit_docs[u] for u in content)) & base
        relaxed_query = _or_all(present)
        if fixed:
            relaxed_query = _and_all([u.query for u in fixed] + [relaxed_query])
    if docs and anyword <= docs:
        # The explicit clauses allow no article beyond those with every word: none follows.
        return Match(query, docs, required)
    if parsed.excluded is not None:
        relaxed_query = wq.AndNot(relaxed_query, parsed.excluded)
    relaxation = _describe(required, kept, freq, complete=len(docs))
    return Match(relaxed_query.normalize(), anyword, required, relaxation, complete=docs,
                 words=tuple((u, unit_docs[u], freq[u]) for u in order))


def _closest(order: list[Unit], unit_docs: dict[Unit, frozenset[int]], freq: dict[Unit, int],
             relaxable: list[Unit], among: frozenset[int]) -> frozenset[Unit]:
    """The words the closest articles of ``among`` have: those with the most words; of
    their word sets, the one that leaves out the most common words."""
    counts: dict[int, int] = {}
    for unit in order:
        for doc in unit_docs[unit] & among:
            counts[doc] = counts.get(doc, 0) + 1
    if not counts:
        return frozenset()
    most = max(counts.values())
    kept_sets = {frozenset(u for u in order if doc in unit_docs[u]) for doc, count in counts.items() if count == most}
    return min(kept_sets, key=lambda units: sorted((freq[u], relaxable.index(u)) for u in units))


def _describe(required: tuple[Unit, ...], kept: frozenset[Unit], freq: dict[Unit, int], *, complete: int,
              filtered: bool = False) -> Relaxation:
    words = [u for u in required if not is_filter(u)]
    dropped = [u for u in words if u.relaxable and u not in kept]
    dropped.sort(key=lambda u: -freq.get(u, 0))
    return Relaxation(kept=len(words) - len(dropped), total=len(words),
                      dropped=tuple(u.label for u in dropped), complete=complete, filtered=filtered)


def _and_all(queries: list[wq.Query]) -> wq.Query:
    return queries[0] if len(queries) == 1 else wq.And(queries)


def _or_all(queries: list[wq.Query]) -> wq.Query:
    return queries[0] if len(queries) == 1 else wq.Or(queries)


def unit_frequency(reader, unit: Unit, docs_of: Callable[[wq.Query], frozenset[int]]) -> int:
    """How many documents contain ``unit``: a word's document frequency (the largest of
    its fields'), a compound's (covid-19) by evaluating the phrase."""
    best = 0
    for leaf in unit.query.leaves():
        if isinstance(leaf, wq.Term):
            best = max(best, reader.doc_frequency(leaf.fieldname, leaf.text))
        else:
            return len(docs_of(unit.query))
    return best
