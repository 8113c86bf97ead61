"""The ranked head is cached per result set (``SearchEngine._ranked_head``): pages served
from the cache must equal pages ranked afresh, and the cache rests on ``rank``'s promise
that a shorter listing is a prefix of a longer one."""

import pytest
from werkzeug.datastructures import MultiDict

from index.config import Config
from search.deadline import Deadline
from search.engine import SearchEngine, _unzip_ranked
from search.ranking import RERANK_WINDOW
from search.request import SearchRequest

REQUESTS = [
    [("q", "breast cancer")],
    [("q", "vitamin d supplements"), ("collapse", "0")],
    [("q", '"clinical trial"'), ("outlet", "reuters.com")],
    [("q", "heart -attack"), ("from", "2014-01-01")],
    [("q", "cancer"), ("-outlet", "nytimes.com")],
    # No article has every word: relaxed, ranked by coverage tiers first.
    [("q", "is it true that vaccines cause autism in zzqxnotaword children")],
    [("q", "blood pressure drugs zzqxnotaword"), ("year", "2016")],
]


def request_of(pairs, page=1) -> SearchRequest:
    return SearchRequest.from_args(MultiDict([*pairs, ("page", str(page))]))


@pytest.fixture(scope="module")
def plain_engine(fakehealth_index):
    """The same index, every ranking done afresh (the path before the cache)."""
    engine = SearchEngine(Config(index_dir=fakehealth_index))

    def ranked_head(searcher, view, found, final, final_key, n, deadline):
        return _unzip_ranked(engine._rank(searcher, view, found, final, n, deadline))

    engine._ranked_head = ranked_head  # type: ignore[method-assign]
    return engine


def page_of(engine: SearchEngine, request: SearchRequest) -> dict:
    return {**engine.search(request).to_dict(), "took_ms": 0}


@pytest.mark.parametrize("pairs", REQUESTS, ids=[str(p) for p in REQUESTS])
def test_cached_pages_equal_pages_ranked_afresh(fakehealth_index, plain_engine, pairs):
    engine = SearchEngine(Config(index_dir=fakehealth_index))
    for page in (1, 2, 3, 12):  # 12: deeper than the re-ranked window
        request = request_of(pairs, page)
        expected = page_of(plain_engine, request)
        assert page_of(engine, request) == expected, page  # filled from a cold cache
        assert page_of(engine, request) == expected, page  # served from the cache


def test_the_relaxed_requests_are_relaxed(fakehealth_engine):
    for pairs in REQUESTS[-2:]:
        assert fakehealth_engine.search(request_of(pairs)).relaxation is not None


@pytest.mark.parametrize("pairs", REQUESTS, ids=[str(p) for p in REQUESTS])
def test_a_shorter_ranking_is_a_prefix_of_a_longer_one(fakehealth_engine, pairs):
    """What the cache relies on: one entry answers every depth up to RERANK_WINDOW."""
    engine = fakehealth_engine
    request = request_of(pairs)
    matches = engine.match(request)
    assert matches.found is not None and matches.found.units
    longest = engine._rank(matches.searcher, matches.view, matches.found, matches.docs, 3 * RERANK_WINDOW,
                           Deadline.never())
    assert len(longest) == min(3 * RERANK_WINDOW, len(matches.docs))
    for n in (1, 10, 30, RERANK_WINDOW - 1, RERANK_WINDOW, RERANK_WINDOW + 1, 2 * RERANK_WINDOW):
        ranked = engine._rank(matches.searcher, matches.view, matches.found, matches.docs, n, Deadline.never())
        assert ranked == longest[:n], n


def test_paging_and_folding_copies_rank_once(fakehealth_index, monkeypatch):
    engine = SearchEngine(Config(index_dir=fakehealth_index))
    calls = []
    rank = engine._rank
    monkeypatch.setattr(engine, "_rank", lambda *args: calls.append(args[4]) or rank(*args))
    for page in (1, 2, 3, 1):
        engine.search(request_of([("q", "cancer")], page))
    assert calls == [RERANK_WINDOW]


def test_one_result_set_ranked_by_different_words_is_cached_apart(fakehealth_index, plain_engine):
    """Relaxed, both match any of "breast" and "cancer" (the same query and set), but
    "the" counts for the proximity bonus ("the breast")."""
    engine = SearchEngine(Config(index_dir=fakehealth_index))
    first = [("q", "the breast cancer zzqxnotaword")]
    second = [("q", "breast cancer zzqxnotaword")]
    assert page_of(engine, request_of(first)) == page_of(plain_engine, request_of(first))
    assert page_of(engine, request_of(second)) == page_of(plain_engine, request_of(second))
    assert page_of(plain_engine, request_of(first))["results"] != page_of(plain_engine, request_of(second))["results"]
