"""The exact top-k first stage (search/topk.py, issue 15 item 2): on random queries over
FakeHealth, MaxScore's top k is exhaustive scoring's top k (same documents, same scores,
ties by document number), a shorter list is a prefix of a longer one, the scores are
Whoosh's own, and pruning really skips work."""

from __future__ import annotations

import random

import pytest
from whoosh import query as wq
from whoosh.collectors import UnlimitedCollector

from index.config import Config
from search.engine import SearchEngine
from search.request import SearchRequest
from search.topk import TopDocs, top_docs, upper_bound

SEED = 15


@pytest.fixture(scope="module")
def searcher(fakehealth_engine):
    return fakehealth_engine.searcher()


@pytest.fixture(scope="module")
def vocabulary(searcher) -> list[str]:
    """Body words of every document frequency, common ones included ("the", "of")."""
    reader = searcher.reader()
    words = [t.decode() if isinstance(t, bytes) else t for t in reader.lexicon("body")]
    words = [w for w in words if w.isalpha() and reader.doc_frequency("body", w) >= 2]
    assert len(words) > 1000
    return words


def random_query(rng: random.Random, vocabulary: list[str]) -> wq.Query:
    """An OR of 1-24 words in title and body, like a relaxed paste's first stage; some
    words common ("the", "and"), some phrases and some boosted."""
    n = rng.randint(1, 24)
    words = rng.sample(vocabulary, n) + rng.sample(["the", "and", "of", "to", "in", "is", "that"], rng.randint(0, 4))
    parts: list[wq.Query] = []
    for w in words:
        parts.append(wq.Term("title", w, boost=rng.choice([1.0, 1.0, 2.0])))
        parts.append(wq.Term("body", w))
    if len(words) > 1 and rng.random() < 0.3:
        parts.append(wq.Phrase("body", words[:2]))
    return wq.Or(parts).normalize()


def exhaustive(searcher, query, limit, allow=None):
    return top_docs(searcher, query, limit, allow=allow, prune=False)


def test_random_queries_top_k_equals_exhaustive_scoring(searcher, vocabulary):
    rng = random.Random(SEED)
    size = searcher.doc_count_all()
    pruned_runs = 0
    for _ in range(80):
        query = random_query(rng, vocabulary)
        allow = None
        if rng.random() < 0.3:
            allow = set(rng.sample(range(size), rng.randint(1, size // 3)))
        reference = exhaustive(searcher, query, 10_000, allow)
        for k in (1, 3, 10, 99, 100, 101, 300):
            found = top_docs(searcher, query, k, allow=allow)
            assert found == reference[:k], (query, k)
        if reference:
            pruned_runs += 1
    assert pruned_runs > 60


def test_a_shorter_list_is_a_prefix_of_a_longer_one_with_ties(searcher):
    """Common words alone: many documents tie on a score; ties go by document number,
    whatever k is."""
    query = wq.Or([wq.Term("body", "the"), wq.Term("body", "of")])
    longest = top_docs(searcher, query, 2000)
    scores = [s for s, _ in longest]
    assert len(set(scores)) < len(scores)  # there are ties to break
    assert longest == sorted(longest, key=lambda t: (-t[0], t[1]))
    for k in (1, 7, 50, 100, 500, 1999):
        assert top_docs(searcher, query, k) == longest[:k], k


def test_scores_are_whooshs_exhaustive_scores(searcher, vocabulary):
    """Against Whoosh's own unpruned collector: the same matches, the same scores (up to
    the order Whoosh's matcher tree adds the clauses in)."""
    rng = random.Random(SEED + 1)
    for _ in range(20):
        query = random_query(rng, vocabulary)
        collector = UnlimitedCollector()
        searcher.search_with_collector(query, collector)
        whoosh = {hit.docnum: hit.score for hit in collector.results()}
        ours = dict((d, s) for s, d in exhaustive(searcher, query, 100_000))
        assert ours.keys() == whoosh.keys()
        for doc, score in ours.items():
            assert score == pytest.approx(whoosh[doc], rel=1e-9), doc


def test_a_conjunction_on_its_own_matches_scores_as_whoosh_does(searcher, vocabulary):
    """``within_matches``: an AND (and AND NOT, AND MAYBE) scored as the sum of its parts on
    its document set: Whoosh's matches and scores, and the same top k as unpruned."""
    rng = random.Random(SEED + 4)
    common = ["cancer", "study", "patients", "drug", "risk", "women", "health"]
    checked = 0
    for _ in range(30):
        units = [wq.Or([wq.Term("title", w), wq.Term("body", w)]) for w in rng.sample(common, 2)]
        word = rng.choice(vocabulary)
        extra = wq.Or([wq.Term("title", word), wq.Term("body", word)])
        query = rng.choice([wq.And(units), wq.AndNot(wq.And(units), extra), wq.AndMaybe(wq.And(units), extra)])
        collector = UnlimitedCollector()
        searcher.search_with_collector(query, collector)
        whoosh = {hit.docnum: hit.score for hit in collector.results()}
        docs = set(searcher.docs_for_query(query))
        assert docs == whoosh.keys()
        if not docs:
            continue
        ours = top_docs(searcher, query, 100_000, allow=docs, within_matches=True, prune=False)
        assert {d for _, d in ours} == docs
        for score, doc in ours:
            assert score == pytest.approx(whoosh[doc], rel=1e-9), (query, doc)
        for k in (1, 10, 100):
            assert top_docs(searcher, query, k, allow=docs, within_matches=True) == ours[:k]
        checked += 1
    assert checked >= 10


def test_term_bounds_hold_for_every_posting(searcher, vocabulary):
    """MaxScore's premise: no posting scores above its term's bound, in any segment."""
    rng = random.Random(SEED + 2)
    words = rng.sample(vocabulary, 150) + ["the", "cancer", "study"]
    checked = 0
    for sub, _ in searcher.leaf_searchers():
        for field in ("title", "body"):
            for w in words:
                m = wq.Term(field, w).matcher(sub, sub.context())
                if not m.is_active():
                    continue
                bound = upper_bound(m)
                assert bound < float("inf")
                while m.is_active():
                    assert m.score() <= bound, (field, w)
                    checked += 1
                    m.next()
    assert checked > 10_000


@pytest.mark.parametrize("text", ["tamoxifen trial stopped first times", "said study new people health"])
def test_pruning_skips_the_common_words(searcher, text):
    """A page's top 10 of content words: once the heap is full the common words produce
    no candidates, so far fewer documents are looked at than match."""
    query = wq.Or([wq.Term(f, w) for w in text.split() for f in ("title", "body")]).normalize()
    matches = len(set(searcher.docs_for_query(query)))
    collector = TopDocs(10)
    searcher.search_with_collector(query, collector)
    assert [(h.score, h.docnum) for h in collector.results()] == exhaustive(searcher, query, 10)
    assert matches > 1000
    assert collector.candidates < matches / 3, (collector.candidates, matches)


def test_pastes_rank_as_exhaustive_scoring_ranks_them(fakehealth_index, fakehealth_rows):
    """Through the engine: relaxed pastes and ordinary queries rank the same with MaxScore
    as with every match scored, on the page and deeper."""
    pruned = SearchEngine(Config(index_dir=fakehealth_index))
    plain = SearchEngine(Config(index_dir=fakehealth_index))

    def unpruned(searcher, query, allow, limit, deadline, within_matches=False):
        collector = TopDocs(limit, allow=allow, deadline=deadline, prune=False, within_matches=within_matches)
        searcher.search_with_collector(plain._matching(query, deadline), collector)
        return collector.results()

    plain._ranked = unpruned  # type: ignore[method-assign]
    rng = random.Random(SEED + 3)
    queries = ["breast cancer", "vitamin d", '"clinical trial" drug', "heart -attack"]
    for row in rng.sample(fakehealth_rows, 12):
        sentences = [s for s in (row.get("body") or "").split(". ") if 12 <= len(s.split()) <= 30]
        if sentences:
            queries.append(rng.choice(sentences))
    assert len(queries) > 10
    relaxed = 0
    for q in queries:
        for page in (1, 3):
            a = pruned.search(SearchRequest(q=q, page=page))
            b = plain.search(SearchRequest(q=q, page=page))
            assert [h.id for h in a.hits] == [h.id for h in b.hits], (q, page)
            assert [h.score for h in a.hits] == [h.score for h in b.hits], (q, page)
            assert a.total == b.total
        relaxed += a.relaxation is not None
    assert relaxed >= 3
