"""Exact top-k scoring for ranking's first stage (issue 15, item 2): MaxScore over an OR.

Whoosh's ``TopCollector(limit)`` prunes with block qualities and replaces matchers as
its threshold rises; its ``UnionMatcher.skip_to_quality`` compares one sub-matcher's block
against the other's *current* block, which need not cover the same documents, so its
top ``limit`` is not always the best ``limit``, and a shorter list need not be a prefix
of a longer one (tests/test_ranked_cache.py caught "breast cancer" doing that). Without
pruning (``limit=None``) it scores every match: a pasted sentence's common words scored
in every article that has them.

``TopDocs`` is a Whoosh ``Collector`` of artsearch's own that returns exactly what
exhaustive scoring returns, ordered by score (descending) then document number
(ascending) whatever ``limit`` is. A query is scored as the sum of its clauses (a
top-level ``Or``'s subqueries, else the query alone), each clause by its own Whoosh
matcher, summed in query order. MaxScore (Turtle and Flood 1995) reads what can enter
the top ``limit``: each term clause has an upper bound (``max_quality``: BM25 of the
term's highest weight in its shortest field, per segment); once the heap is full, the
clauses whose bounds together cannot beat its lowest score are "non-essential": they
never produce a candidate, and are only probed (``skip_to``) for a candidate of the
others while its score could still enter. A clause without a sound bound (a phrase, a
wildcard, an AND) is always essential. A score above its clause's bound (a bound that
was not one) makes the segment be scored again without pruning, so the answer stays
exact.

``allow`` (a filter, or a relaxed query's candidate pool) confines the listing: the
candidates jump to the next allowed document, so a small pool is scored by ``skip_to``
rather than by walking the postings. Totals never come from here: the engine counts
document sets (search/engine.py ``matching_docs``).
"""

from __future__ import annotations

from bisect import bisect_left
from heapq import heappush, heapreplace

from whoosh import query as wq
from whoosh.collectors import Collector
from whoosh.matching import FilterMatcher, LeafMatcher, WrappingMatcher
from whoosh.scoring import WeightLengthScorer, WeightScorer

from .deadline import CHECK_EVERY, Deadline

# Relative slack on every sum of upper bounds, so float rounding never prunes a document
# whose exact score (summed in another order) would enter.
SLACK = 1e-9
INF = float("inf")


def clauses(query: wq.Query, within_matches: bool = False) -> list[wq.Query]:
    """The parts a query's score is the sum of, in query order: a plain ``Or``'s
    subqueries' parts, else the query itself.

    ``within_matches``: only documents that match ``query`` will be listed (the caller's
    ``allow`` set came from its document-set algebra), so an ``And`` is scored as the sum
    of its parts too, ``AndNot`` and ``Require`` as their first part and ``AndMaybe`` as
    both parts' sum (what Whoosh's matchers add on a match); a clause then only has to be
    found on an allowed document, never intersected.
    """
    if query.boost != 1.0:
        return [query]
    if isinstance(query, wq.Or) and not query.minmatch and not query.scale:
        # A match of the OR need not match each part.
        return [c for sub in query.subqueries for c in clauses(sub)]
    if within_matches:
        if isinstance(query, wq.And) and not any(isinstance(sub, wq.Not) for sub in query.subqueries):
            return [c for sub in query.subqueries for c in clauses(sub, within_matches)]
        if isinstance(query, (wq.AndNot, wq.Require)):
            return clauses(query.a, within_matches)
        if isinstance(query, wq.AndMaybe):
            return clauses(query.a, True) + clauses(query.b)
    return [query]


def upper_bound(matcher) -> float:
    """A score no document of ``matcher`` exceeds: a term's ``max_quality`` (times the
    boosts of the plain wrappers around it); ``inf`` when there is no sound bound."""
    factor = 1.0
    while type(matcher) in (WrappingMatcher, FilterMatcher):
        factor *= matcher.boost
        matcher = matcher.child
    if isinstance(matcher, LeafMatcher) and isinstance(getattr(matcher, "scorer", None),
                                                       (WeightLengthScorer, WeightScorer)):
        return matcher.max_quality() * factor
    return INF


def _inflate(x: float) -> float:
    return x + SLACK * abs(x)


class TopDocs(Collector):
    """The best ``limit`` documents for the query, exactly (see the module docstring).

    ``allow``: the documents that may be listed (None: every match);
    ``within_matches``: every one of them matches the query (see ``clauses``). ``prune=False``
    scores every candidate (the reference the tests compare with). ``deadline`` is
    checked every ``CHECK_EVERY`` candidates.
    """

    def __init__(self, limit: int, allow=None, deadline: Deadline | None = None, prune: bool = True,
                 within_matches: bool = False):
        self.limit = limit
        self.within_matches = within_matches and allow is not None
        self.allow: list[int] | None = None if allow is None else sorted(allow)
        self.deadline = deadline or Deadline.never()
        self.prune = prune
        # What the run did, for the benchmarks and tests.
        self.candidates = 0
        self.probes = 0
        self.rescored_segments = 0

    def prepare(self, top_searcher, q, context):
        super().prepare(top_searcher, q, context)
        self.items: list[tuple[float, int]] = []  # heap of (score, -docnum)
        self.clauses = clauses(q, self.within_matches)

    def set_subsearcher(self, subsearcher, offset):
        self.subsearcher = subsearcher
        self.offset = offset
        self.matcher = None  # collect_matches builds one matcher per clause

    def collect(self, sub_docnum):  # pragma: no cover - collect_matches does the work
        raise NotImplementedError

    def sort_key(self, sub_docnum):  # pragma: no cover
        raise NotImplementedError

    def collect_matches(self):
        if self.limit <= 0:
            return
        allowed = None
        if self.allow is not None:
            lo = bisect_left(self.allow, self.offset)
            hi = bisect_left(self.allow, self.offset + self.subsearcher.doc_count_all())
            if lo == hi:
                return
            allowed = [d - self.offset for d in self.allow[lo:hi]]
        before = list(self.items)
        if not self._segment(allowed, self.prune):
            # A clause scored above its bound: score the segment again, unpruned.
            self.rescored_segments += 1
            self.items = before
            self._segment(allowed, False)

    def _segment(self, allowed: list[int] | None, prune: bool) -> bool:
        """Collect one segment; False when a bound proved unsound (nothing is trusted)."""
        matchers = []
        for position, clause in enumerate(self.clauses):
            m = clause.matcher(self.subsearcher, self.context)
            if m.is_active():
                matchers.append((upper_bound(m) if prune and len(self.clauses) > 1 else INF, position, m))
        if not matchers:
            return True
        matchers.sort(key=lambda t: t[0])  # ascending bounds; stable: query order on ties
        bounds = [b for b, _, _ in matchers]
        positions = [p for _, p, _ in matchers]
        ms = [m for _, _, m in matchers]
        n = len(ms)
        # prefix[i]: the sum of the bounds of clauses 0..i (inflated for rounding).
        prefix = []
        total = 0.0
        for b in bounds:
            total += b
            prefix.append(_inflate(total))
        allowed = allowed if allowed is not None else []
        allowed_set = frozenset(allowed) if self.allow is not None else None
        items = self.items
        limit = self.limit
        offset = self.offset
        deadline = self.deadline
        theta = items[0][0] if len(items) >= limit else -INF
        # Clauses first..n-1 are essential: a document only in clauses 0..first-1 cannot
        # beat theta.
        first = 0
        while first < n and prefix[first] <= theta:
            first += 1
        count = 0
        scores = [0.0] * len(self.clauses)
        while first < n:
            # The next candidate: the smallest id among the essential clauses.
            doc = -1
            for i in range(first, n):
                m = ms[i]
                if m.is_active():
                    d = m.id()
                    if doc < 0 or d < doc:
                        doc = d
            if doc < 0:
                break
            count += 1
            if count % CHECK_EVERY == 0:
                deadline.check("ranking the matches")
            if allowed_set is not None and doc not in allowed_set:
                k = bisect_left(allowed, doc)
                if k == len(allowed):
                    break
                target = allowed[k]
                for i in range(first, n):
                    m = ms[i]
                    if m.is_active() and m.id() < target:
                        m.skip_to(target)
                continue
            self.candidates += 1
            # Score the essential clauses on the candidate and move them past it.
            hit = []
            partial = 0.0
            for i in range(first, n):
                m = ms[i]
                if m.is_active() and m.id() == doc:
                    s = m.score()
                    if s > _inflate(bounds[i]):
                        return False
                    scores[positions[i]] = s
                    hit.append(positions[i])
                    partial += s
                    m.next()
            # Probe the non-essential clauses, largest bound first, while it may enter.
            entered = True
            for i in range(first - 1, -1, -1):
                if _inflate(partial) + prefix[i] <= theta:
                    entered = False
                    break
                m = ms[i]
                if not m.is_active():
                    continue
                self.probes += 1
                if m.id() < doc:
                    m.skip_to(doc)
                    if not m.is_active():
                        continue
                if m.id() == doc:
                    s = m.score()
                    if s > _inflate(bounds[i]):
                        return False
                    scores[positions[i]] = s
                    hit.append(positions[i])
                    partial += s
            if not entered:
                continue
            # The exact score: the clauses' scores summed in query order.
            hit.sort()
            score = 0.0
            for p in hit:
                score += scores[p]
            if len(items) < limit:
                heappush(items, (score, -(doc + offset)))
            elif score > theta:
                heapreplace(items, (score, -(doc + offset)))
            else:
                continue
            if len(items) >= limit:
                theta = items[0][0]
                while first < n and prefix[first] <= theta:
                    first += 1
        return True

    def results(self):
        ranked = sorted(((score, -negdoc) for score, negdoc in self.items), key=lambda t: (-t[0], t[1]))
        return self._results(ranked)


def top_docs(searcher, query: wq.Query, limit: int, allow=None, deadline: Deadline | None = None,
             prune: bool = True, within_matches: bool = False) -> list[tuple[float, int]]:
    """The best ``limit`` (score, docnum) pairs of ``query``, best first (ties: lower
    docnum first)."""
    collector = TopDocs(limit, allow=allow, deadline=deadline, prune=prune, within_matches=within_matches)
    searcher.search_with_collector(query, collector)
    return list(collector.results().top_n)
