"""Read side of syndication clusters: who copies whom, collapsed result pages, similar articles.

Clusters are computed at index time (``index/clusters.py``) and stored as the ``cluster``
field. At commit, index/warm.py turns that field's postings (only clustered documents
have any) into per-document cluster numbers and each cluster's members in first-seen
order (earliest publication, undated last), which ``ClusterColumns`` maps.

A collapsed page shows one hit per story: the best-placed copy in the page's order
stands for its cluster, and the others are left out of that page (``total`` still
counts every article; ``stories`` says how many stories they form).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

import numpy as np
from whoosh import query as wq

from index.analysis import TEXT_ANALYZER, analyzer_for, language_field
from index.clusters import aware_utc
from index.warm import Columns, doc_array

from .query import FUNCTION_WORDS
from .results import Cluster, Copy, Hit

FIELD = "cluster"
# Key terms taken from an article to find similar ones (Whoosh's "more like this").
SIMILAR_TERMS = 15
SIMILAR_TEXT_CHARS = 20_000
# The title's words weigh this many times the strongest body key term (measured on 20
# judged FakeHealth articles, docs/decisions.md), and a body under SHORT_BODY_WORDS
# content words keeps only its key terms that are in the title or in SHORT_MIN_DOCS
# documents or more (a word in one or two says nothing about a topic).
TITLE_WEIGHT = 0.5
SHORT_BODY_WORDS = 300
SHORT_MIN_DOCS = 3
# Function words say nothing about a topic, but nothing drops them at index time (exact
# quotes need them), so Whoosh's key-term scoring ranks "the" among the top 15 terms of
# many long English bodies. They are left out, in both indexed forms (stemmed and folded).
_FUNCTION_TERMS = FUNCTION_WORDS | frozenset(TEXT_ANALYZER.term(word) for word in FUNCTION_WORDS)


class ClusterColumns:
    """For one reader: each clustered document's cluster and each cluster's members.

    From the warm-start arrays (index/warm.py): ``cluster_of`` (per document, -1: no
    copies) and each cluster's members first-seen first, as offsets into one array.
    """

    def __init__(self, columns: Columns):
        arrays = columns.arrays
        self.cluster_of: np.ndarray = arrays["cluster_of"]
        self._offsets = arrays["cluster_offsets"]
        self._members = arrays["cluster_members"]
        self._outlets = arrays["cluster_outlets"]
        self.ids: list[str] = list(columns.info["cluster_ids"])
        self.by_id = {cid: n for n, cid in enumerate(self.ids)}
        self._clustered: frozenset[int] | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def members(self, number: int) -> tuple[int, ...]:
        """Cluster ``number``'s documents, first seen first."""
        return tuple(self._members[self._offsets[number]:self._offsets[number + 1]].tolist())

    @property
    def clustered(self) -> frozenset[int]:
        """Every document with copies (built on first use: a benign race between threads)."""
        if self._clustered is None:
            self._clustered = frozenset(self._members.tolist())
        return self._clustered

    def docs_in(self, cluster_id: str) -> frozenset[int]:
        number = self.by_id.get(cluster_id)
        return frozenset(self.members(number)) if number is not None else frozenset()

    def copies_of(self, doc: int) -> tuple[int, ...]:
        """Every document of ``doc``'s cluster in first-seen order (empty: no copies)."""
        number = int(self.cluster_of[doc])
        return self.members(number) if number >= 0 else ()

    def story_count(self, docs: frozenset[int]) -> int:
        """How many stories ``docs`` form: clustered copies count once per cluster."""
        if not len(self.ids) or not docs:
            return len(docs)
        numbers = self.cluster_of[doc_array(docs)]
        clustered = numbers[numbers >= 0]
        return len(docs) - len(clustered) + len(set(clustered.tolist()))

    def collapse(self, ranked: Sequence[int]) -> list[int]:
        """Keep the first document of each story from ``ranked``, in order."""
        if not len(self.ids):
            return list(ranked)
        seen: set[int] = set()
        out = []
        for d, number in zip(ranked, self.cluster_of[doc_array(ranked)].tolist(), strict=True):
            if number >= 0:
                if number in seen:
                    continue
                seen.add(number)
            out.append(d)
        return out

    def page(self, fetch: Callable[[int], list[int]], offset: int, count: int, total: int) -> list[int]:
        """One page of stories, from ``fetch(n)`` = the first n of the ``total`` matching
        documents in order.

        Starts with twice the documents the page needs and fetches more only when
        copies used them up, so a page costs about what an uncollapsed one does.
        """
        wanted = offset + count
        n = min(wanted * 2 + 10, total)
        while True:
            docs = fetch(n)
            stories = self.collapse(docs)
            if len(stories) >= wanted or n >= total:
                return stories[offset:wanted]
            n = min(n * 4, total)

    def cluster(self, doc: int, stored_fields: Callable[[int], dict]) -> Cluster | None:
        number = int(self.cluster_of[doc])
        if number < 0:
            return None
        first = int(self._members[self._offsets[number]])
        return Cluster(
            id=self.ids[number], size=int(self._offsets[number + 1] - self._offsets[number]),
            outlets=int(self._outlets[number]),
            first=make_copy(first, stored_fields(first), first=True),
        )

    def annotate(self, hits: Sequence[Hit], docs: Sequence[int], stored_fields: Callable[[int], dict]) -> tuple[Hit, ...]:
        """Return ``hits`` (one per document in ``docs``) with their cluster attached."""
        return tuple(
            dataclasses.replace(hit, cluster=self.cluster(doc, stored_fields)) if int(self.cluster_of[doc]) >= 0 else hit
            for hit, doc in zip(hits, docs, strict=True)
        )


def make_copy(doc: int, fields: dict, *, first: bool = False) -> Copy:
    return Copy(
        id=fields["id"], slug=fields.get("slug", ""), title=fields.get("title", ""),
        outlet=fields.get("outlet", ""), published=aware_utc(fields.get("published")), first=first,
        date_kind=fields.get("date_kind", ""), date_only=bool(fields.get("date_only", False)),
    )


def copies(columns: ClusterColumns, doc: int, stored_fields: Callable[[int], dict]) -> tuple[Copy, ...]:
    """Every copy of ``doc``'s story (itself included), first seen first."""
    members = columns.copies_of(doc)
    return tuple(make_copy(d, stored_fields(d), first=i == 0) for i, d in enumerate(members))


def similar_terms(searcher, field: str, text: str) -> list[tuple[str, float]]:
    """The key terms of ``text`` that say what it is about: no function words."""
    candidates = searcher.key_terms_from_text(field, text, numterms=SIMILAR_TERMS * 3)
    return [(term, weight) for term, weight in candidates if term not in _FUNCTION_TERMS][:SIMILAR_TERMS]


def _terms(analyzer, text: str) -> list[str]:
    return [t.text for t in analyzer(text) if t.text not in _FUNCTION_TERMS]


def similar_query(searcher, fields: dict, *, junk: bool = False):
    """The "more like this" query of one stored article, or ``None`` if it has nothing to go on.

    Body key terms (Whoosh's), plus the title's content words, which say in a few words
    what the article is about: each searched in the title and the body at
    ``TITLE_WEIGHT`` times the strongest body term. A short body (under
    ``SHORT_BODY_WORDS`` words) uses each word about once, so key-term scoring ranks its
    rarest words first, a quoted name or a typo: it keeps only the terms that are in the
    title or in at least ``SHORT_MIN_DOCS`` documents. A crawl-junk body (a bot check, a
    stub) gives no terms at all; the title alone speaks for the article.
    """
    language = fields.get("language", "")
    field, title_field = language_field("body", language), language_field("title", language)
    analyzer = analyzer_for(language)
    body = fields.get("body", "")[:SIMILAR_TEXT_CHARS]
    title = _terms(analyzer, fields.get("title", ""))
    terms = [] if junk else similar_terms(searcher, field, body)
    words = _terms(analyzer, body) if terms else []
    if terms and len(words) < SHORT_BODY_WORDS:
        terms = [(term, weight) for term, weight in terms
                 if term in title or searcher.doc_frequency(field, term) >= SHORT_MIN_DOCS]
    top = max((weight for _, weight in terms), default=1.0)
    parts = [wq.Term(field, word, boost=weight) for word, weight in terms]
    for word in dict.fromkeys(title):
        parts += [wq.Term(title_field, word, boost=top * TITLE_WEIGHT), wq.Term(field, word, boost=top * TITLE_WEIGHT)]
    return wq.Or(parts) if parts else None


def similar_docs(searcher, columns: ClusterColumns, doc: int, limit: int, *, junk: bool = False) -> list[tuple[int, float]]:
    """Documents most like ``doc`` by its key terms and title, one per story, leaving out its own copies."""
    query = similar_query(searcher, searcher.stored_fields(doc), junk=junk)
    if query is None:
        return []
    mask = set(columns.copies_of(doc)) | {doc}
    # Extra hits so that collapsing copies of one story still fills the block.
    results = searcher.search(query, limit=limit * 3 + 5, mask=mask)
    scores = {hit.docnum: hit.score for hit in results}
    kept = columns.collapse([hit.docnum for hit in results])[:limit]
    return [(d, scores[d]) for d in kept]
