"""The optimised read path (cached document sets, column facets, own sort orders) must
return exactly what a plain Whoosh implementation returns: same total, same hits in the
same order, same facet counts. The reference below uses only stock Whoosh calls:
``search(filter=Query, groupedby=FieldFacet, maptype=Count, sortedby=...)``.

Relevance order: Whoosh's best ``RERANK_WINDOW`` re-ordered by BM25F over content words
(search/ranking.py), recomputed here from each article's stored text; the rest in
Whoosh's order."""

import math
import re
from datetime import datetime, time, timezone

import pytest
from werkzeug.datastructures import MultiDict
from whoosh import query as wq
from whoosh import sorting

from index.analysis import FOLD_ANALYZER, TEXT_ANALYZER
from index.indexer import ENGLISH
from index.language import FUNCTION_WORDS
from search import ranking
from search.facets import FACETS
from search.query import build_query
from search.request import SearchRequest

REQUESTS = [
    [("q", "vaccine")],
    [("q", "cancer"), ("outlet", "reuters.com")],
    [("q", "cancer"), ("outlet", "reuters.com"), ("outlet", "nytimes.com"), ("year", "2017")],
    [("q", '"breast cancer"'), ("from", "2015-01-01"), ("to", "2017-12-31")],
    [("q", "flu OR influenza"), ("sort", "newest"), ("from", "2010-01-01")],
    [("q", "heart -attack"), ("sort", "oldest"), ("from", "2010-01-01"), ("page", "2")],
    [("q", "study"), ("page", "3")],
    [("outlet", "healthday.com"), ("from", "2016-01-01"), ("to", "2018-12-31")],
    [("q", "author:reinberg")],
]


def without_andnot(query: wq.Query) -> wq.Query:
    """``query`` with each AndNot(a, b) as And([a, Not(b)]): the same documents, without
    Whoosh's AndNotMatcher, which keeps a document that has ``b`` (FakeHealth,
    ``heart -attack`` from 2010: 236 where the sets of ``heart`` less ``attack`` and
    And([heart, Not(attack)]) give 235; news_reviews_00107 has "attack")."""
    if isinstance(query, wq.AndNot):
        return wq.And([without_andnot(query.a), wq.Not(without_andnot(query.b))])
    if isinstance(query, wq.compound.CompoundQuery):
        return query.__class__([without_andnot(q) for q in query.subqueries], boost=query.boost)
    return query


def reference_filters(request: SearchRequest) -> dict:
    filters = {}
    for spec in FACETS:
        values = getattr(request, spec.key)
        if values:
            filters[spec.key] = wq.Or([wq.Term(spec.field, v) for v in values])
    if request.date_from or request.date_to:
        start = datetime.combine(request.date_from, time.min) if request.date_from else None
        end = datetime.combine(request.date_to, time.max) if request.date_to else None
        filters["date"] = wq.DateRange("published", start, end)
    return filters


def reference_relevance(searcher, q: str, hits) -> list[dict]:
    """``hits`` (Whoosh's order) with the first RERANK_WINDOW re-ordered by BM25F: per
    query word, title (x TITLE_WEIGHT) and body frequencies over their length
    normalisation, summed and saturated once, times the IDF. Frequencies and lengths come
    from the stored text: the content words of title and body, those whose term is not a
    function word's."""
    words = [w for w in re.findall(r"\w+", q.split(":", 1)[-1]) if w.lower() not in FUNCTION_WORDS]
    stored = [searcher.stored_fields(hit.docnum) for hit in hits]
    if ":" in q or not words:  # field: clauses only match; Whoosh's order stays
        return stored
    head = stored[:ranking.RERANK_WINDOW]
    reader = searcher.reader()
    size = reader.doc_count()
    counts = []
    for fields in head:
        analyzer = TEXT_ANALYZER if fields.get("language") in ENGLISH else FOLD_ANALYZER
        per_field = {}
        for group in ("title", "body"):
            text = fields.get(group) or ""
            terms = analyzer.terms(text)
            # Content words: those whose term is not a function word's ("doing" is "do").
            function_terms = {analyzer.term(w) for w in FUNCTION_WORDS}
            per_field[group] = (terms, sum(1 for t in terms if t not in function_terms))
        counts.append((analyzer, per_field))
    lengths = searcher.reader().column_reader
    means = {g: sum(lengths(f"{g}_words")[d] for d in reader.all_doc_ids()) / size for g in ("title", "body")}
    scores = []
    for analyzer, per_field in counts:
        score = 0.0
        for word in words:
            term = analyzer.term(word)
            # A word is looked up in both spellings: stemmed (English), folded (*_intl).
            stemmed, folded = TEXT_ANALYZER.term(word), FOLD_ANALYZER.term(word)
            frequency = max(reader.doc_frequency(f, t) for f, t in (
                ("title", stemmed), ("body", stemmed), ("title_intl", folded), ("body_intl", folded)))
            if not frequency:
                continue
            idf = math.log(1 + (size - frequency + 0.5) / (frequency + 0.5))
            x = 0.0
            for group, weight, b in (("title", ranking.TITLE_WEIGHT, ranking.B_TITLE),
                                     ("body", 1.0, ranking.B_BODY)):
                terms, length = per_field[group]
                tf = terms.count(term)
                if tf:
                    x += weight * tf / (1 - b + b * length / means[group])
            if x:
                score += idf * x * (ranking.K1 + 1) / (ranking.K1 + x)
        scores.append(round(score, 9))
    order = sorted(range(len(head)), key=lambda i: -scores[i])  # stable: Whoosh's order on ties
    return [head[i] for i in order] + stored[ranking.RERANK_WINDOW:]


def combine(queries):
    queries = list(queries)
    return wq.And(queries) if queries else None


@pytest.mark.slow
@pytest.mark.parametrize("pairs", REQUESTS, ids=[str(p) for p in REQUESTS])
def test_optimised_path_equals_plain_whoosh(fakehealth_engine, pairs):
    engine = fakehealth_engine
    request = SearchRequest.from_args(MultiDict(pairs))
    result = engine.search(request)
    # A second run is served from the per-generation caches and must not differ.
    again = engine.search(request).to_dict()
    assert {**again, "took_ms": 0} == {**result.to_dict(), "took_ms": 0}

    searcher = engine.searcher()
    parsed = build_query(request.q, searcher.schema)
    query = without_andnot(parsed.query) if parsed.query is not None else wq.Every()
    filters = reference_filters(request)
    every_filter = combine(filters.values())

    everything = searcher.search(query, filter=every_filter, limit=None)
    assert result.total == len(everything)

    wanted = request.page * request.per_page
    if request.sort == "relevance" and request.q:
        reference = reference_relevance(searcher, request.q, searcher.search(query, filter=every_filter,
                                                                              limit=max(wanted, ranking.RERANK_WINDOW)))
    else:
        reference = searcher.search(query, filter=every_filter, limit=wanted,
                                    sortedby=sorting.FieldFacet("published", reverse=request.sort != "oldest"))
    expected_ids = [hit["id"] for hit in reference][(request.page - 1) * request.per_page:wanted]
    got_ids = [hit.id for hit in result.hits]
    if request.sort == "relevance" and request.q:
        assert got_ids == expected_ids
    else:
        # Same dates in the same order; articles published at the same instant may swap.
        by_id = {h.id: h.published for h in result.hits}
        assert [by_id[i] for i in got_ids] == [
            searcher.stored_fields(searcher.document_number(id=i))["published"].replace(tzinfo=timezone.utc)
            for i in expected_ids
        ]

    for spec in FACETS:
        others = combine(q for key, q in filters.items() if key != spec.key)
        grouped = searcher.search(query, filter=others, limit=None, maptype=sorting.Count,
                                  groupedby=sorting.FieldFacet(spec.field, allow_overlap=spec.multi))
        counts = {(k.decode() if isinstance(k, bytes) else k): n
                  for k, n in grouped.groups(spec.field).items() if k is not None}
        if spec.sort_by == "count":
            ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].casefold()))
        else:
            ranked = sorted(counts.items(), reverse=True)
        expected = ranked[:engine.config.facet_size]
        for selected in getattr(request, spec.key):
            if selected not in dict(expected):
                expected.append((selected, counts.get(selected, 0)))
        assert [(v.value, v.count) for v in result.facet(spec.key).values] == expected, spec.key
