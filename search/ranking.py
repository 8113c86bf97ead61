"""Relevance ranking: BM25F, then query words found side by side, then coverage.

The base score is Whoosh's BM25F over the query's words (title matches weigh double, by
the title field's boost). On top of it:

- **Proximity.** For each pair of neighbouring query words, a document where they also
  stand next to each other (in title or body) gets ``PROXIMITY`` times the pair's IDF,
  so a pasted sentence ranks its source first and an exact quote ranks above the same
  words scattered. Only the best ``RERANK_WINDOW`` documents by BM25F are re-ranked:
  positions are read from the postings for those documents only.
- **Coverage** (relaxed queries only: no document had every word). Documents are ranked
  first by the IDF-weighted share of the query's content words they contain, in steps
  of ``COVERAGE_STEP``, then by score; function words count for nothing, so "the" and
  "of" never decide between two documents.

The values are tuned on Cranfield and the known-item sets; see docs/decisions.md.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable

from whoosh import query as wq

from index.analysis import TEXT_ANALYZER

from .query import FUNCTION_WORDS, Unit

PROXIMITY = 0.6
# 1.0: of a relaxed query's matches, those with every content word come first.
COVERAGE_STEP = 1.0
RERANK_WINDOW = 100
PROXIMITY_FIELDS = ("title", "body")
# The same words as indexed terms (stemmed), for pairs of query terms.
FUNCTION_TERMS = frozenset(TEXT_ANALYZER.term(w) for w in FUNCTION_WORDS)


@dataclasses.dataclass(frozen=True)
class Ranked:
    docnum: int
    score: float


def rank(search: Callable, searcher, query: wq.Query, docs: frozenset[int], allow: set[int] | None,
         units: tuple[Unit, ...], wanted: int, *,
         coverage_of: Callable[[Unit], frozenset[int]] | None = None) -> list[Ranked]:
    """Return the first ``wanted`` of ``docs``, the non-empty result set of ``query``.

    ``search(query, allow, limit)`` is Whoosh's top-``limit`` scoring (the engine's, with
    its deadline); ``allow`` confines it to ``docs`` (None: the query's own matches).
    ``units`` are the query's words for proximity and coverage; ``coverage_of`` (given
    for a relaxed query only) returns the documents containing one unit.
    """
    limit = max(wanted, RERANK_WINDOW)
    tiers: dict[int, float] = {}
    if coverage_of is not None:
        # Function words add noise to a long question's scores; a relaxed query's
        # matches all have a content word (see matching.py), so they can be left out.
        content = [u.query for u in units if not u.function_word]
        if content and len(content) < len(units):
            query = (content[0] if len(content) == 1 else wq.Or(content)).normalize()
        tiers = _coverage_tiers(searcher, units, docs, coverage_of)
        # The re-ranked head comes from the best tiers holding RERANK_WINDOW documents,
        # whatever ``wanted`` is, so every page (and an export) agrees on the order.
        pool = _top_tiers(tiers, RERANK_WINDOW)
        results = search(query, pool, len(pool))
    else:
        results = search(query, allow, limit)
    ranked = [Ranked(hit.docnum, hit.score) for hit in results]
    if len(units) > 1 or any(len(u.terms) > 1 for u in units):
        head = ranked[:RERANK_WINDOW]
        bonus = proximity_bonus(searcher, units, [r.docnum for r in head])
        ranked[:RERANK_WINDOW] = sorted(
            (Ranked(r.docnum, r.score + bonus.get(r.docnum, 0.0)) for r in head),
            key=lambda r: -r.score)
    if tiers:
        ranked.sort(key=lambda r: -tiers.get(r.docnum, 0.0))  # stable: score order within a tier
        if wanted > len(ranked):
            # Deeper pages: the next tiers, by tier then base score, after the head's.
            more = _top_tiers(tiers, wanted) - pool
            if more:  # never an empty allow-set: Whoosh reads it as "no filter"
                rest = [Ranked(hit.docnum, hit.score) for hit in search(query, more, len(more))]
                rest.sort(key=lambda r: -tiers.get(r.docnum, 0.0))
                ranked.extend(rest)
    return ranked[:wanted]


def _coverage_tiers(searcher, units, docs, coverage_of) -> dict[int, float]:
    """The coverage step of every document in ``docs`` (higher is better)."""
    weights = {}
    for unit in units:
        if unit.function_word:
            continue
        weights[unit] = _idf(searcher, unit)
    total = sum(weights.values()) or 1.0
    coverage: dict[int, float] = dict.fromkeys(docs, 0.0)
    for unit, weight in weights.items():
        for doc in coverage_of(unit) & docs:
            coverage[doc] += weight / total
    return {doc: int(value / COVERAGE_STEP + 1e-9) for doc, value in coverage.items()}


def _top_tiers(tiers: dict[int, float], limit: int) -> set[int]:
    """The documents of the best tiers, whole tiers, until at least ``limit``."""
    by_tier: dict[float, list[int]] = {}
    for doc, tier in tiers.items():
        by_tier.setdefault(tier, []).append(doc)
    pool: set[int] = set()
    for tier in sorted(by_tier, reverse=True):
        pool.update(by_tier[tier])
        if len(pool) >= limit:
            break
    return pool


def _idf(searcher, unit: Unit) -> float:
    values = [searcher.idf(leaf.fieldname, leaf.text) for leaf in unit.query.leaves()
              if isinstance(leaf, wq.Term) and leaf.fieldname == "body"]
    if not values:
        values = [searcher.idf("body", t) for t in unit.terms if ("body", t) in searcher.reader()]
    return max(values) if values else 1.0


def proximity_bonus(searcher, units: Iterable[Unit], docnums: list[int]) -> dict[int, float]:
    """``PROXIMITY`` × mean IDF of every neighbouring query-word pair found side by side
    (in title or body; each pair counts once per document)."""
    sequence = [t for u in units for t in u.terms]
    pairs = {(a, b) for a, b in zip(sequence, sequence[1:], strict=False)
             if not (a in FUNCTION_TERMS and b in FUNCTION_TERMS)}
    if not pairs or not docnums:
        return {}
    reader = searcher.reader()
    wanted = sorted(set(docnums))
    words = {w for pair in pairs for w in pair}
    idf = {w: searcher.idf("body", w) if ("body", w) in reader else 0.0 for w in words}
    found: set[tuple[int, str, str]] = set()
    for field in PROXIMITY_FIELDS:
        positions = {w: _positions(reader, field, w, wanted) for w in words}
        for a, b in pairs:
            second_by_doc = positions[b]
            for doc, first in positions[a].items():
                second = second_by_doc.get(doc)
                if second and not first.isdisjoint(p - 1 for p in second):
                    found.add((doc, a, b))
    bonus: dict[int, float] = {}
    for doc, a, b in found:
        bonus[doc] = bonus.get(doc, 0.0) + PROXIMITY * (idf[a] + idf[b]) / 2
    return bonus


def _positions(reader, field: str, word: str, docnums: list[int]) -> dict[int, set[int]]:
    """Positions of ``word`` in ``field`` for each of ``docnums`` (sorted) containing it."""
    if (field, word) not in reader:
        return {}
    out = {}
    matcher = reader.postings(field, word)
    for doc in docnums:
        if not matcher.is_active():
            break
        if matcher.id() < doc:
            matcher.skip_to(doc)
            if not matcher.is_active():
                break
        if matcher.id() == doc:
            out[doc] = set(matcher.value_as("positions"))
    return out
