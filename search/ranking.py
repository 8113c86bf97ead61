"""Relevance ranking: BM25F, then query words found side by side, then coverage.

Whoosh's BM25F (title matches weigh double, by the title field's boost) picks the best
``RERANK_WINDOW`` documents. Those are then scored again, each term read from the
postings of the shown candidates only:

- **BM25F over content words** (``bm25f``): a term's frequency is summed over title and
  body (the title weighted ``TITLE_WEIGHT``, each field normalised by its own length),
  then saturated once with ``K1`` (Robertson and Zaragoza's BM25F, where Whoosh's
  "BM25F" saturates each field apart). Lengths count content words only (the
  ``title_words``/``body_words`` columns): function words stay indexed for exact quotes
  but no longer make an article look longer than its content.
- **Feedback** (relaxed queries of ``FEEDBACK_MIN_WORDS`` content words or more: a long
  question no article answers word for word): the ``FEEDBACK_DOCS`` best candidates'
  most telling words (RM3-style relevance model: each document's term frequencies
  weighted by its score) join the query with weight ``FEEDBACK_WEIGHT``.
- **Proximity.** For each pair of neighbouring query words, a document where they also
  stand next to each other (in title or body) gets ``PROXIMITY`` times the pair's IDF,
  so a pasted sentence ranks its source first and an exact quote ranks above the same
  words scattered.
- **Coverage** (relaxed queries only: no document had every word). Documents are ranked
  first by the IDF-weighted share of the query's content words they contain, in steps
  of ``COVERAGE_STEP``, then by score; function words count for nothing, so "the" and
  "of" never decide between two documents.

Documents past the window keep Whoosh's order. The values are chosen by leave-one-collection-
out over every judged collection (``bench/tune_ranking.py``) with the known-item sets held;
see docs/decisions.md.
"""

from __future__ import annotations

import dataclasses
import math
from array import array
from collections import Counter
from collections.abc import Callable, Iterable

from whoosh import query as wq

from index.analysis import LANGUAGE_SUFFIXES, TEXT_ANALYZER

from .deadline import Deadline
from .query import FUNCTION_WORDS, Unit

# BM25F over content words (every judged collection, docs/decisions.md): saturation, the title's
# weight against the body's, and each field's length normalisation.
K1 = 3.0
TITLE_WEIGHT = 3.0
B_TITLE = 0.75
B_BODY = 0.75
# Feedback for long relaxed queries: words from the best FEEDBACK_DOCS candidates.
FEEDBACK_MIN_WORDS = 4
FEEDBACK_DOCS = 10
FEEDBACK_TERMS = 10
FEEDBACK_WEIGHT = 0.5
# Words added to every feedback document's length when its term frequencies are divided by
# it (0: maximum likelihood, as RM3), so a short document's few words weigh less.
FEEDBACK_SMOOTHING = 0
FEEDBACK_BODIES_ONLY = True
# Only so much of a huge article is read for its words.
FEEDBACK_CHARS = 20_000
PROXIMITY = 0.3
# A relaxed query of more content words than this finds its candidates by its rarest ones
# (100: in practice never; 8 cost CACM and MED, whose questions run to 20 content words).
FIRST_STAGE_WORDS = 100
# 1.0: of a relaxed query's matches, those with every content word come first.
COVERAGE_STEP = 1.0
RERANK_WINDOW = 100
PROXIMITY_FIELDS = ("title", "body")
# The same words as indexed terms (stemmed), for pairs of query terms.
FUNCTION_TERMS = frozenset(TEXT_ANALYZER.term(w) for w in FUNCTION_WORDS)
# Which BM25F field each indexed text field adds to.
FIELD_GROUPS = {"title": "title", "body": "body",
                **{f"{group}_{suffix}": group for group in ("title", "body") for suffix in LANGUAGE_SUFFIXES}}


class FieldLengths:
    """Every document's content-word count in title and body, and their means: the
    lengths BM25F normalises by. Built once per index generation from the columns."""

    def __init__(self, reader):
        size = reader.doc_count_all()
        self.lengths = {}
        self.means = {}
        for group in ("title", "body"):
            column = f"{group}_words"
            values = array("I", reader.column_reader(column)) if reader.has_column(column) else array("I", [0] * size)
            self.lengths[group] = values
            live = list(reader.all_doc_ids()) if reader.has_deletions() else None
            total = sum(values[d] for d in live) if live is not None else sum(values)
            count = len(live) if live is not None else len(values)
            self.means[group] = total / count if count else 0.0


@dataclasses.dataclass(frozen=True)
class Ranked:
    docnum: int
    score: float


def rank(search: Callable, searcher, query: wq.Query, docs: frozenset[int], allow: set[int] | None,
         units: tuple[Unit, ...], wanted: int, *, lengths: FieldLengths | None = None,
         coverage_of: Callable[[Unit], frozenset[int]] | None = None,
         deadline: Deadline | None = None) -> list[Ranked]:
    """Return the first ``wanted`` of ``docs``, the non-empty result set of ``query``.

    ``search(query, allow, limit)`` is Whoosh's top-``limit`` scoring (the engine's, with
    its deadline); ``allow`` confines it to ``docs`` (None: the query's own matches).
    ``units`` are the query's words for BM25F, proximity and coverage; ``lengths`` the
    index generation's content-word counts (None: Whoosh's scores are kept);
    ``coverage_of`` (given for a relaxed query only) returns the documents containing one
    unit.
    """
    deadline = deadline or Deadline.never()
    limit = max(wanted, RERANK_WINDOW)
    tiers: dict[int, float] = {}
    if coverage_of is not None:
        # Function words add noise to a long question's scores; a relaxed query's
        # matches all have a content word (see matching.py), so they can be left out.
        content = [u for u in units if not u.function_word]
        if content and len(content) < len(units):
            query = _or_query(content)
        tiers = _coverage_tiers(searcher, units, docs, coverage_of)
        # The re-ranked head comes from the best tiers holding RERANK_WINDOW documents,
        # whatever ``wanted`` is, so every page (and an export) agrees on the order.
        pool = _top_tiers(tiers, RERANK_WINDOW)
        # A long question's rarest words pick the candidates: Whoosh scores every document
        # with any of the words (a pasted sentence: 12,000 of FakeNewsNet's 20,900, 0.5 s),
        # and those with only its common words never reach the head. Every word still
        # counts in BM25F below, and the rest of the pool follows on deeper pages.
        first = query
        if len(content) > FIRST_STAGE_WORDS:
            first = _or_query(sorted(content, key=lambda u: len(coverage_of(u)))[:FIRST_STAGE_WORDS])
        ranked = _pool_by_tiers(search, first, tiers, pool, wanted)
    else:
        ranked = [Ranked(hit.docnum, hit.score) for hit in search(query, allow, limit)]
    head = ranked[:RERANK_WINDOW]
    docnums = [r.docnum for r in head]
    scores = {r.docnum: r.score for r in head}
    words = _content_words(units)
    reads = HeadPostings(searcher.reader(), docnums)  # BM25F and proximity share the walks
    if lengths is not None and words and head:
        scores = bm25f(searcher, lengths, words, reads, deadline)
        if coverage_of is not None and len(words) >= FEEDBACK_MIN_WORDS:
            extra = _feedback_words(searcher, scores, words, deadline, lengths)
            for doc, score in bm25f(searcher, lengths, extra, reads, deadline).items():
                scores[doc] += score
    if len(units) > 1 or any(len(u.terms) > 1 for u in units):
        for doc, bonus in proximity_bonus(searcher, units, reads).items():
            scores[doc] += bonus
    ranked[:RERANK_WINDOW] = sorted((Ranked(d, scores.get(d, 0.0)) for d in docnums), key=lambda r: -r.score)
    if tiers:
        ranked.sort(key=lambda r: -tiers.get(r.docnum, 0.0))  # stable: score order within a tier
        if wanted > len(ranked) and first is not query:
            # Deeper pages: the pool's documents with none of the rarest words.
            missing = pool - {r.docnum for r in ranked}
            if missing:
                rest = [Ranked(hit.docnum, hit.score) for hit in search(query, missing, len(missing))]
                rest.sort(key=lambda r: -tiers.get(r.docnum, 0.0))
                ranked.extend(rest)
        if wanted > len(ranked):
            # Deeper pages: the next tiers, by tier then base score, after the head's.
            more = _top_tiers(tiers, wanted) - pool
            if more:  # never an empty allow-set: Whoosh reads it as "no filter"
                rest = [Ranked(hit.docnum, hit.score) for hit in search(query, more, len(more))]
                rest.sort(key=lambda r: -tiers.get(r.docnum, 0.0))
                ranked.extend(rest)
    return ranked[:wanted]


def _pool_by_tiers(search: Callable, first: wq.Query, tiers: dict[int, float], pool: set[int],
                   wanted: int) -> list[Ranked]:
    """The pool's matches of ``first`` as ``rank`` lists them before re-ranking: the best
    ``RERANK_WINDOW`` by score (the head), then the others, only as many as the first
    ``wanted`` after the tier sort can use.

    Listing every match of the pool by score (a pasted sentence: most of the index) gives
    the same ``wanted`` first once the list is sorted by tier: each tier's best
    ``RERANK_WINDOW + wanted`` (exact top-k, search/topk.py) hold its share of the head
    and, past the head, its first ``wanted``. A tier with fewer matches is complete, and if
    every tier is, so is the list (its length then decides the deeper pages, as before).
    """
    by_tier: dict[float, list[int]] = {}
    for doc in pool:
        by_tier.setdefault(tiers.get(doc, 0.0), []).append(doc)
    depth = RERANK_WINDOW + wanted
    lists = [[Ranked(hit.docnum, hit.score) for hit in search(first, set(docs), depth)]
             for _, docs in sorted(by_tier.items(), reverse=True)]
    head = sorted((r for found in lists for r in found[:RERANK_WINDOW]),
                  key=lambda r: (-r.score, r.docnum))[:RERANK_WINDOW]
    in_head = {r.docnum for r in head}
    return head + [r for found in lists for r in found if r.docnum not in in_head]


def _or_query(units: list[Unit]) -> wq.Query:
    return (units[0].query if len(units) == 1 else wq.Or([u.query for u in units])).normalize()


# One query word as BM25F sees it: the (field, term) pairs it is indexed as, and its weight.
Word = tuple[tuple[tuple[str, str], ...], float]


def _content_words(units: Iterable[Unit]) -> list[Word]:
    """The query's content words, each with the text fields it is looked up in (a
    phrase's words one by one; wildcards, ranges and author/outlet clauses only match)."""
    words: dict[object, list[tuple[str, str]]] = {}
    for unit in units:
        if unit.function_word:
            continue
        for leaf in unit.query.leaves():
            if isinstance(leaf, wq.Term) and leaf.fieldname in FIELD_GROUPS:
                pieces = [(0, leaf.text)]
            elif isinstance(leaf, wq.Phrase) and leaf.fieldname in FIELD_GROUPS:
                pieces = list(enumerate(leaf.words))
            else:
                continue
            for index, text in pieces:
                if text not in FUNCTION_TERMS and text not in FUNCTION_WORDS:
                    words.setdefault((unit.query, index), []).append((leaf.fieldname, text))
    return [(tuple(dict.fromkeys(pairs)), 1.0) for pairs in words.values()]


def bm25f(searcher, lengths: FieldLengths, words: list[Word], reads: HeadPostings,
          deadline: Deadline) -> dict[int, float]:
    """BM25F of each head document for ``words``: per word, the frequencies in title
    (× ``TITLE_WEIGHT``) and body, each divided by its length normalisation, summed, then
    saturated once; times the word's IDF and weight. Scores ``reads.docnums``."""
    reader = searcher.reader()
    size = reader.doc_count() or 1
    wanted = reads.docnums
    scores = dict.fromkeys(wanted, 0.0)
    norm = {}
    for group, b in (("title", B_TITLE), ("body", B_BODY)):
        mean, values = lengths.means[group], lengths.lengths[group]
        norm[group] = {d: (1 - b + b * values[d] / mean) if mean else 1.0 for d in wanted}
    field_weight = {"title": TITLE_WEIGHT, "body": 1.0}
    schema = searcher.schema
    for pairs, weight in words:
        deadline.check("ranking the matches")
        frequency = max((reader.doc_frequency(f, t) for f, t in pairs), default=0)
        if not frequency:
            continue
        idf = math.log(1 + (size - frequency + 0.5) / (frequency + 0.5))
        tf: dict[int, float] = {}
        for field, text in pairs:
            group = FIELD_GROUPS[field]
            # The posting's weight is frequency x the field's boost.
            boost = schema[field].format.field_boost or 1.0
            for doc, (weight_, _) in reads.get(field, text).items():
                tf[doc] = tf.get(doc, 0.0) + field_weight[group] * (weight_ / boost) / norm[group][doc]
        for doc, x in tf.items():
            scores[doc] += weight * idf * x * (K1 + 1) / (K1 + x)
    return scores


def _feedback_words(searcher, scores: dict[int, float], words: list[Word], deadline: Deadline,
                    lengths: FieldLengths | None = None) -> list[Word]:
    """The words of the best-scored documents that say most about them (an RM3-style
    relevance model: term frequencies over length, weighted by the document's score),
    less the query's own and function words; weights relative to the best's. With
    ``lengths``, documents without body text are passed over (a headline is mostly the
    query's own words: it only repeats them)."""
    ordered = sorted(scores, key=lambda d: (-scores[d], d))
    if lengths is not None and FEEDBACK_BODIES_ONLY:
        body = lengths.lengths["body"]
        ordered = [d for d in ordered if body[d]] or ordered
    top = ordered[:FEEDBACK_DOCS]
    best = max((scores[d] for d in top), default=0.0)
    if best <= 0:
        return []
    own = {text for pairs, _ in words for _, text in pairs}
    relevance: dict[str, float] = {}
    for doc in top:
        deadline.check("ranking the matches")
        stored = searcher.stored_fields(doc)
        text = f"{stored.get('title') or ''}\n{(stored.get('body') or '')[:FEEDBACK_CHARS]}"
        terms = [t for t in TEXT_ANALYZER.terms(text) if t not in FUNCTION_TERMS]
        if terms:
            # p(w|d) smoothed by FEEDBACK_SMOOTHING words: a headline-only document (five
            # words, mostly the query's own) must not outweigh a whole abstract.
            share = scores[doc] / best / (len(terms) + FEEDBACK_SMOOTHING)
            for term, count in Counter(terms).items():
                relevance[term] = relevance.get(term, 0.0) + share * count
    # Strongest first; ties in first-seen order, as Counter.most_common would give.
    ranked = sorted(relevance.items(), key=lambda item: -item[1])
    picked = [(t, w) for t, w in ranked if t not in own][:FEEDBACK_TERMS]
    if not picked:
        return []
    strongest = picked[0][1]
    return [((("title", t), ("body", t)), FEEDBACK_WEIGHT * w / strongest) for t, w in picked]


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


def proximity_bonus(searcher, units: Iterable[Unit], reads: HeadPostings) -> dict[int, float]:
    """``PROXIMITY`` × mean IDF of every neighbouring query-word pair found side by side
    (in title or body; each pair counts once per document of ``reads.docnums``)."""
    sequence = [t for u in units for t in u.terms]
    pairs = {(a, b) for a, b in zip(sequence, sequence[1:], strict=False)
             if not (a in FUNCTION_TERMS and b in FUNCTION_TERMS)}
    if not pairs or not reads.docnums:
        return {}
    reader = searcher.reader()
    words = {w for pair in pairs for w in pair}
    idf = {w: searcher.idf("body", w) if ("body", w) in reader else 0.0 for w in words}
    found: set[tuple[int, str, str]] = set()
    for field in PROXIMITY_FIELDS:
        positions = {w: {d: set(p) for d, (_, p) in reads.get(field, w).items()} for w in words}
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


class HeadPostings:
    """The postings of the re-ranked head's documents, each (field, word) walked once per
    ranking: BM25F needs the weights and proximity the positions of the same lists, and
    a Whoosh block unpickles ids, weights and positions together whichever is read."""

    def __init__(self, reader, docnums: Iterable[int]):
        self.reader = reader
        self.docnums = sorted(set(docnums))
        self._read: dict[tuple[str, str], dict[int, tuple[float, list[int]]]] = {}

    def get(self, field: str, word: str) -> dict[int, tuple[float, list[int]]]:
        """(weight, positions) of ``word`` in ``field`` for each head document holding it."""
        key = (field, word)
        found = self._read.get(key)
        if found is None:
            found = self._read[key] = self._walk(field, word)
        return found

    def _walk(self, field: str, word: str) -> dict[int, tuple[float, list[int]]]:
        if (field, word) not in self.reader:
            return {}
        out = {}
        matcher = self.reader.postings(field, word)
        for doc in self.docnums:
            if not matcher.is_active():
                break
            if matcher.id() < doc:
                matcher.skip_to(doc)
                if not matcher.is_active():
                    break
            if matcher.id() == doc:
                out[doc] = (matcher.weight(), matcher.value_as("positions"))
        return out
