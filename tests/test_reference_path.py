"""The optimised read path (cached document sets, column facets, own sort orders) must
return exactly what a plain Whoosh implementation returns: same total, same hits in the
same order, same facet counts. The reference below uses only stock Whoosh calls:
``search(filter=Query, groupedby=FieldFacet, maptype=Count, sortedby=...)``."""

from datetime import datetime, time, timezone

import pytest
from werkzeug.datastructures import MultiDict
from whoosh import query as wq
from whoosh import sorting

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
    query = parsed.query if parsed.query is not None else wq.Every()
    filters = reference_filters(request)
    every_filter = combine(filters.values())

    everything = searcher.search(query, filter=every_filter, limit=None)
    assert result.total == len(everything)

    wanted = request.page * request.per_page
    if request.sort == "relevance" and request.q:
        reference = searcher.search(query, filter=every_filter, limit=wanted)
    else:
        reference = searcher.search(query, filter=every_filter, limit=wanted,
                                    sortedby=sorting.FieldFacet("published", reverse=request.sort != "oldest"))
    expected_ids = [hit["id"] for hit in reference][(request.page - 1) * request.per_page:]
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
