"""Limits where a query's cost is: wildcard and range expansion.

A wildcard or a term range stands for every indexed word it covers, and Whoosh ORs the
postings of all of them: ``[a TO z]`` is the whole vocabulary. Before a query runs, each
such term is expanded here, stopping one past the configured limit, so a term that covers
too much is refused with a message naming it instead of being matched. The numbers come
from ``Config`` (``max_expansions``, ``max_query_expansions``).
"""

from __future__ import annotations

from itertools import islice

from whoosh import query as wq
from whoosh.matching import ListMatcher, NullMatcher

from index.config import Config
from index.errors import QueryTooBroadError

from .deadline import Deadline


def check_expansions(query: wq.Query | None, reader, config: Config, deadline: Deadline) -> int:
    """Return how many indexed words the query's wildcards and ranges stand for.

    Raise ``QueryTooBroadError`` when one of them covers more than ``max_expansions``
    words, or all of them together more than ``max_query_expansions``.
    """
    total = 0
    for leaf in _multiterm_leaves(query):
        words = deadline.watch(leaf._btexts(reader), "expanding wildcards and ranges")
        count = sum(1 for _ in islice(words, config.max_expansions + 1))
        if count > config.max_expansions:
            raise QueryTooBroadError(
                f"{describe(leaf)} stands for more than {config.max_expansions:,} different words "
                f"in the index (the limit); {_advice(leaf)}"
            )
        total += count
        if total > config.max_query_expansions:
            raise QueryTooBroadError(
                f"The wildcards and ranges of this query stand for more than "
                f"{config.max_query_expansions:,} words together (the limit); use fewer or narrower ones."
            )
    return total


def describe(leaf: wq.MultiTerm) -> str:
    """The term as the user wrote it, quoted: 'co*', '[a TO c]'."""
    if isinstance(leaf, wq.TermRange):
        start, end = leaf.start or "", leaf.end or ""
        return f"'[{start} TO {end}]'"
    if isinstance(leaf, wq.Prefix):
        return f"'{leaf.text}*'"
    return f"'{getattr(leaf, 'text', leaf)}'"


def _advice(leaf: wq.MultiTerm) -> str:
    if isinstance(leaf, wq.TermRange):
        return "make the range narrower."
    return "add more letters before the wildcard."


def _multiterm_leaves(query: wq.Query | None):
    # Excluded terms (NOT co*) are matched too, so every leaf counts, not just positive ones.
    if query is None:
        return
    if isinstance(query, wq.MultiTerm):
        yield query
    elif not query.is_leaf():
        for child in query.children():
            yield from _multiterm_leaves(child)


def for_matching(query: wq.Query | None, deadline: Deadline) -> wq.Query | None:
    """Return ``query`` with each wildcard and term range matched as one document list."""
    if query is None:
        return None

    def swap(node: wq.Query) -> wq.Query:
        if isinstance(node, wq.MultiTerm) and node.constantscore:
            return UnionOfTerms(node, deadline)
        return node

    return query.accept(swap)


class UnionOfTerms(wq.MultiTerm):
    """A constant-score wildcard or range, matched from the union of its postings."""

    def __init__(self, original: wq.MultiTerm, deadline: Deadline):
        self.original = original
        self.fieldname = original.fieldname
        self.boost = original.boost
        self.constantscore = True
        self.deadline = deadline
        # One search matches the query twice (the document set, then the ranked top N):
        # each segment's list is built once.
        self._lists: dict[int, list[int]] = {}

    def __eq__(self, other) -> bool:
        return isinstance(other, UnionOfTerms) and self.original == other.original

    def __hash__(self) -> int:
        return hash(self.original)

    def __repr__(self) -> str:
        return f"UnionOfTerms({self.original!r})"

    def __str__(self) -> str:
        return str(self.original)

    def _btexts(self, ixreader):
        return self.original._btexts(ixreader)

    def _ids(self, reader) -> list[int]:
        ids = self._lists.get(id(reader))
        if ids is None:
            docs: set[int] = set()
            for text in self.deadline.watch(self._btexts(reader), "matching wildcards and ranges"):
                docs.update(reader.postings(self.fieldname, text).all_ids())
            ids = self._lists[id(reader)] = sorted(docs)
        return ids

    # Whoosh sizes every branch of an OR tree while building its matcher, again at each
    # level: MultiTerm's own estimates re-walk the vocabulary each time, with no deadline
    # (200 wildcards took 6 s past a 2 s budget). The list, once built, is the exact size.
    def estimate_size(self, ixreader) -> int:
        return len(self._ids(ixreader))

    def estimate_min_size(self, ixreader) -> int:
        return len(self._ids(ixreader))

    def matcher(self, searcher, context=None):
        ids = self._ids(searcher.reader())
        if not ids:
            return NullMatcher()
        return ListMatcher(ids, all_weights=self.boost)
