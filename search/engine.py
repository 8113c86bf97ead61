"""``SearchEngine``: the one entry point of the read path.

The engine opens the live index once and gives each thread its own searcher, refreshed
(a cheap check) before every search, so incremental commits are seen at once. When a
full rebuild swaps ``CURRENT`` the engine opens the new build on the next request;
requests already running finish on the old one. Per-generation data (facet columns,
sort orders, filter sets) is computed once per reader generation and shared.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
import threading
import time
from array import array
from collections.abc import Iterator
from datetime import datetime, timezone
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh.util.times import datetime_to_long

from index import warm
from index.analysis import analyzer_for, language_field
from index.clusters import article_from_stored, stored_bound
from index.config import Config
from index.errors import ArtsearchError, NotFoundError, QueryError, SearchTimeoutError
from index.models import Article
from index.store import IndexStore
from index.verify import MANIFEST_KEY

from . import clusters
from .cache import ByteBudgetCache
from .deadline import Deadline, docs_for_query
from .facets import FACETS, FACETS_BY_KEY, FacetColumns, build_facets, list_facet_values
from .limits import check_expansions, for_matching
from .matching import Match, match, unit_frequency
from .query import (
    DEFAULT_FIELDS,
    ParsedQuery,
    build_query,
    fields_for_languages,
    highlight_terms,
    phrase_sequences,
)
from .ranking import RERANK_WINDOW, FieldLengths, Ranked, rank
from .request import SearchRequest, cut_note, cut_query
from .results import Copy, FacetList, Hit, SearchResult
from .suggest import SpellingTable, short_suggestion, suggest_query
from .teasers import HighlightSpec, highlight_paragraphs, highlight_text, make_teaser_parts
from .timeline import DayColumn, build_timeline
from .topk import TopDocs

# Every double quotation mark the parser reads as a quote (search/query.py folds the
# typographic ones to '"').
_QUOTE_MARKS = re.compile("[\"\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\uff02]")


class IndexView:
    """Everything derived from one reader generation, shared by all threads.

    The per-document arrays (facet values, date orders and their inverses, publication
    times and days, clusters, content-word lengths) are mapped from the build's warm-start
    files when they describe this reader (index/warm.py), so a server's first request
    does not build them; otherwise (an older build, an incremental commit seen live) they
    are built from the reader, with the same code that writes them.
    """

    def __init__(self, build: str, searcher, cache_bytes: int, path: Path | None = None,
                 language_names: dict | None = None):
        reader = searcher.reader()
        # "Did you mean"'s table (None: a build from before it; suggestions scan instead).
        self.spelling = SpellingTable.open(path)
        self.build = build
        self.size = reader.doc_count_all()
        # Read per segment (a multi-segment reader's all_doc_ids asks which segment every
        # number is in: seconds at a million documents).
        self.all_docs = frozenset(warm.live_docs(reader).tolist())
        arrays = warm.load_columns(path, reader) or warm.build_columns(reader)
        self.warm = arrays.mapped
        # Each language's own name, worked out at reindex (index/indexer.py): loading the
        # names' data costs about a second, too much for a search.
        self.columns = FacetColumns(arrays, {"language": dict(language_names or {})})
        self.query_fields = tuple(f for f in DEFAULT_FIELDS if reader.field_length(f) > 0) or ("title", "body")
        # Sort orders: dated documents by time, undated ones last in both directions.
        # Publication times (microseconds, as the column holds them) in the same order,
        # for date-range filters by binary search (Whoosh's DateRange walks the numeric
        # trie: seconds at a million articles).
        self.dated = arrays.arrays["dated"]
        self.dated_times = arrays.arrays["dated_times"]
        self.oldest = arrays.arrays["oldest"]
        self.newest = arrays.arrays["newest"]
        self.oldest_rank = arrays.arrays["oldest_rank"]
        self.newest_rank = arrays.arrays["newest_rank"]
        self._undated = arrays.arrays["undated"]
        self._undated_set: frozenset[int] | None = None
        self.days = DayColumn.from_array(arrays.arrays["days"])
        self.cache = ByteBudgetCache(cache_bytes)
        self.clusters = clusters.ClusterColumns(arrays)
        self.lengths = _Lengths(arrays)

    @property
    def undated(self) -> frozenset[int]:
        """The live documents without a publication date (built on first use)."""
        if self._undated_set is None:
            self._undated_set = frozenset(self._undated.tolist())
        return self._undated_set

    def published_between(self, start: datetime | None, end: datetime | None) -> list[int]:
        """Documents published in [start, end] (either may be None: open-ended)."""
        # The column holds naive UTC datetimes, as microseconds since datetime.min.
        times = self.dated_times
        lo = int(np.searchsorted(times, _column_time(start), side="left")) if start else 0
        hi = int(np.searchsorted(times, _column_time(end), side="right")) if end else len(self.dated)
        return self.dated[lo:hi].tolist()

    def cached(self, key, make):
        """Return the cached value for ``key`` (a document set, facet counts or a
        suggestion), computing it with ``make()`` on a miss. The cache is budgeted in
        bytes (``Config.cache_mb``) and keyed by a digest of ``key``."""
        return self.cache.get_or_make(key, make)

    def filter_set(self, key, make) -> frozenset[int]:
        return self.cached(key, lambda: frozenset(make()))


class _Lengths(FieldLengths):
    """``FieldLengths`` from the warm-start arrays (copied: ranking reads them per document)."""

    def __init__(self, columns: warm.Columns):  # not FieldLengths(reader): the arrays hold it
        self.lengths = {}
        self.means = {}
        for group in ("title", "body"):
            column = f"{group}_words"
            values = array("I")
            values.frombytes(np.ascontiguousarray(columns.arrays[column], dtype=np.uint32).tobytes())
            self.lengths[group] = values
            self.means[group] = columns.info["means"][column]


@dataclasses.dataclass(frozen=True)
class Matches:
    """Every document one request matches, before paging (for exports)."""

    searcher: Any
    view: IndexView
    query: Any  # the Whoosh query that matched; None when browsing
    docs: frozenset[int]  # matching the words, the exclusions and every filter
    notes: tuple[str, ...]
    found: Match | None = None  # the words' match (ranking units, relaxation)


def _damage_checked(method):
    """Turn an unexpected error from reading the index into ``IndexDamagedError`` when a
    check of the live build finds damaged files (a 503 naming the remedy)."""
    @functools.wraps(method)
    def checked(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except ArtsearchError:
            raise
        except RecursionError as e:
            # Only a query raised past the default length limit nests this deep (Whoosh
            # hashes and prints query trees recursively).
            raise QueryError("The query is nested too deeply to search: use fewer operators "
                             "or parentheses.") from e
        except Exception as e:
            try:
                problems = self.store.check()
            except ArtsearchError:
                raise e from None
            if problems:
                raise self.store.damaged(problems) from e
            raise
    return checked


@dataclasses.dataclass(frozen=True)
class _Matched:
    """A request's query parsed, matched and scoped by its filters (see ``_matched_scope``)."""

    searcher: Any
    view: IndexView
    parsed: ParsedQuery
    found: Match
    scope: _Scope


class SearchEngine:
    def __init__(self, config: Config | None = None):
        self.config = config or Config()
        self.store = IndexStore(self.config.index_dir)
        self._lock = threading.Lock()
        self._index = None
        self._build: str | None = None
        self._views: dict = {}
        self._local = threading.local()

    # Index lifetime -----------------------------------------------------------------

    def _current_index(self):
        build = self.store.current_name()
        if self._index is None or build != self._build:
            with self._lock:
                build = self.store.current_name()
                if self._index is None or build != self._build:
                    self._index = self.store.open_current()
                    self._build = build
        return self._index, self._build

    @_damage_checked
    def searcher(self):
        """Return this thread's searcher on the live index, opened or refreshed as needed."""
        ix, build = self._current_index()
        local = self._local
        searcher = getattr(local, "searcher", None)
        if searcher is None or local.build != build:
            if searcher is not None:
                searcher.close()
            searcher = ix.searcher()
        else:
            searcher = searcher.refresh()
        local.searcher, local.build = searcher, build
        return searcher

    def view(self, searcher) -> IndexView:
        build = self._local.build
        key = (build, searcher.reader().generation())
        view = self._views.get(key)
        if view is None:
            with self._lock:
                view = self._views.get(key)
                if view is None:
                    # A new generation: check its files first (cheap: sizes, last values).
                    problems = self.store.check()
                    if problems:
                        raise self.store.damaged(problems)
                    current = self.store.current_path()
                    meta = self.store.read_meta(current) if current is not None else {}
                    view = IndexView(build, searcher, self.config.cache_bytes, self.store.builds_dir / build,
                                     language_names=meta.get("language_names") or {})
                    self._views = {key: view}  # drop views of older generations
        return view

    @_damage_checked
    def info(self) -> dict:
        """The live build's metadata; ``IndexDamagedError`` if a check finds damaged files."""
        searcher = self.searcher()
        problems = self.store.check()
        if problems:
            raise self.store.damaged(problems)
        current = self.store.current_path()
        meta = self.store.read_meta(current) if current is not None else {}
        meta.pop(MANIFEST_KEY, None)
        return {"build": self._local.build, "documents": searcher.doc_count(), **meta}

    # Search ---------------------------------------------------------------------------

    @_damage_checked
    def search(self, request: SearchRequest, deadline: Deadline | None = None) -> SearchResult:
        """Run ``request`` within ``deadline`` (default: ``Config.timeout`` from now).

        Raise ``QueryTooBroadError`` when a wildcard or range covers too many words, and
        ``SearchTimeoutError`` (naming the slow part) when the budget runs out while
        matching, ranking or counting; a "Did you mean" that runs out is dropped with a note.
        """
        started = time.perf_counter()
        deadline = deadline or Deadline(self.config.timeout)
        searcher = self.searcher()
        view = self.view(searcher)
        parsed, found = self._parse_and_match(searcher, view, request.q, deadline, request.language)
        notes = list(parsed.notes)
        if request.q_cut:
            notes.append(cut_note(request.q, self.config.max_query_chars))
        query, matched = found.query, found.docs
        scope = self._scope(view, request, query, matched)
        filter_keys = scope.filter_keys
        final = _intersect(scope.docs, scope.filter_sets.values())
        # A date range leaves out every undated match: say how many (cached with the sets).
        undated_left_out = None
        if "date" in scope.filter_sets:
            undated_left_out = view.cached(("undated", scope.key, tuple(sorted(filter_keys.values()))), lambda: (
                len(view.undated.intersection(_intersect(
                    scope.docs, [v for k, v in scope.filter_sets.items() if k != "date"]))),))[0]
        # What was relaxed, told of the articles listed (filters may leave out the ones
        # with every word).
        relaxation = found.relaxation_within(final)
        if relaxation is not None:
            notes.append(relaxation.note())
        counts = {}
        for spec in FACETS:
            deadline.check("counting facets")
            counts[spec.key] = scope.count(spec.key)
        facets = build_facets(view.columns, counts, request, self.config.facet_size)
        # Counted with every filter (a date range zooms in), cached like the facets.
        timeline = view.cached(("timeline", scope.key, tuple(sorted(filter_keys.values()))),
                               lambda: (build_timeline(view.days, final),))[0]

        offset = (request.page - 1) * request.per_page
        wanted = offset + request.per_page
        scores: dict[int, float] = {}
        final_key = (scope.key, tuple(sorted(filter_keys.values())))

        def fetch(n: int) -> list[int]:
            """The first ``n`` documents of ``final`` in the requested order."""
            if not final:
                # Never hand Whoosh an empty allow-set: it reads filter=set() as "no filter".
                return []
            if request.sort == "relevance" and found.units:
                docs, doc_scores = self._ranked_head(searcher, view, found, final, final_key, n, deadline)
                scores.update(zip(docs, doc_scores, strict=True))
                return list(docs)
            if request.sort == "oldest":
                return _top_in_order(final, view.oldest, view.oldest_rank, n)
            return _top_in_order(final, view.newest, view.newest_rank, n)

        # Copies of one story fold into one hit (search/clusters.py); ``total`` still
        # counts articles and ``stories`` the stories they form.
        if request.collapsing and view.clusters:
            page_docs = view.clusters.page(fetch, offset, request.per_page, len(final))
        else:
            page_docs = fetch(wanted)[offset:wanted]
        stories = view.cached(("stories", scope.key, tuple(sorted(filter_keys.values()))),
                              lambda: (view.clusters.story_count(final),))[0]

        plain_hits = []
        for doc in page_docs:
            deadline.check("writing teasers")
            plain_hits.append(self._make_hit(searcher, doc, query, scores.get(doc)))
        hits = view.clusters.annotate(plain_hits, page_docs, searcher.stored_fields)
        suggestion = None
        if parsed.text and (len(final) < 5 or relaxation is not None):
            suggestion = self._suggestion(searcher, view, parsed.text, deadline, notes)
        return SearchResult(
            request=request,
            total=len(final),
            hits=tuple(hits),
            facets=facets,
            timeline=timeline,
            suggestion=suggestion,
            suggestion_label=short_suggestion(parsed.text, suggestion) if suggestion else None,
            notes=tuple(notes),
            relaxation=relaxation,
            misquoted=parsed.misquoted,
            took_ms=(time.perf_counter() - started) * 1000,
            index_build=view.build,
            stories=stories,
            collapsed=request.collapsing,
            undated_left_out=undated_left_out,
        )

    def facet_values(self, request: SearchRequest, key: str, prefix: str = "", limit: int = 100,
                     deadline: Deadline | None = None) -> FacetList:
        """Every value of facet ``key`` with its disjunctive count under ``request`` (as on
        the search page), those with a word starting with ``prefix``, the first ``limit``
        by count then value. Raise ``NotFoundError`` for an unknown facet."""
        if key not in FACETS_BY_KEY:
            raise NotFoundError(f"No facet named {key!r}; facets: {', '.join(FACETS_BY_KEY)}.")
        deadline = deadline or Deadline(self.config.timeout)
        m = self._matched_scope(request, deadline)
        deadline.check("counting facets")
        return list_facet_values(m.view.columns, m.scope.count(key), request, key, prefix, limit)

    def match(self, request: SearchRequest, deadline: Deadline | None = None) -> Matches:
        """Every document ``request`` matches, as ``search`` counts them in ``total``."""
        deadline = deadline or Deadline(self.config.timeout)
        m = self._matched_scope(request, deadline)
        searcher, view, parsed, found, scope = m.searcher, m.view, m.parsed, m.found, m.scope
        final = _intersect(scope.docs, scope.filter_sets.values())
        relaxation = found.relaxation_within(final)
        notes = tuple(parsed.notes) + ((relaxation.note(),) if relaxation else ())
        return Matches(searcher, view, found.query, final, notes, found)

    def iter_docs(self, matches: Matches, sort: str, deadline: Deadline | None = None) -> Iterator[int]:
        """Every matching document number in ``sort`` order, produced lazily: the order
        paging through the search page shows.

        Date orders walk the per-generation order and yield as they go. Relevance goes
        through the page's own ranking (``_rank``: BM25F, proximity, relaxed-query
        coverage), which scores every match first (a list of numbers, not of stored
        rows); a query without words to rank by (browsing, only exclusions) is listed
        newest first, as on the page. The ranking runs here, within ``deadline``, before the
        first row is sent; streaming the rows has no deadline (one deliberate download).
        """
        docs = matches.docs
        if not docs:
            # Never hand Whoosh filter=set(): it reads an empty set as "no filter".
            return iter(())
        if sort == "relevance" and matches.found is not None and matches.found.units:
            deadline = deadline or Deadline(self.config.timeout)  # 200 wildcards ran 6 s past a 2 s budget
            ranked = self._rank(matches.searcher, matches.view, matches.found, docs, len(docs), deadline)
            return (hit.docnum for hit in ranked)
        order = matches.view.oldest if sort == "oldest" else matches.view.newest
        return filter(docs.__contains__, _walk(order))

    def _matched_scope(self, request: SearchRequest, deadline: Deadline) -> _Matched:
        """Parse ``request.q``, check its expansions, match it and scope it by the filters:
        the shared start of ``facet_values`` and ``match``."""
        searcher = self.searcher()
        view = self.view(searcher)
        parsed, found = self._parse_and_match(searcher, view, request.q, deadline, request.language)
        return _Matched(searcher, view, parsed, found, self._scope(view, request, found.query, found.docs))

    def _parse_and_match(self, searcher, view: IndexView, text: str, deadline: Deadline,
                         languages=()) -> tuple[ParsedQuery, Match]:
        """Parse ``text``, check its expansions and match it. A quote no article contains,
        in a query that then finds nothing, is searched as its words instead, with a note
        (CACM: four pasted questions cited a title or a phrase that no record has)."""
        fields = fields_for_languages(view.query_fields, languages)
        parsed = build_query(text, searcher.schema, fields)
        deadline.advice = parsed.timeout_advice()
        check_expansions(parsed.query, searcher.reader(), self.config, deadline)
        found = self._match(searcher, view, parsed, deadline)
        if found.docs or parsed.query is None:
            return parsed, found
        unfound = [u for u in parsed.required if not u.relaxable and u.label.startswith('"')
                   and not self._query_docs(searcher, view, u.query, deadline)]
        if not unfound:
            return parsed, found
        words = build_query(_QUOTE_MARKS.sub(" ", text), searcher.schema, fields)
        check_expansions(words.query, searcher.reader(), self.config, deadline)
        again = self._match(searcher, view, words, deadline)
        if not again.docs:
            return parsed, found
        quoted = ", ".join(u.label for u in unfound)
        note = (f"No article contains the quote {quoted}, so its words were searched without quotes"
                if len(unfound) == 1 else
                f"No article contains the quotes {quoted}, so their words were searched without quotes")
        note += ": these are the closest passages, not exact matches."
        return dataclasses.replace(words, notes=(*words.notes, note),
                                   misquoted=tuple(u.label for u in unfound)), again

    def _match(self, searcher, view: IndexView, parsed: ParsedQuery, deadline: Deadline) -> Match:
        """The query and its documents: every word required if some article has them
        all, else relaxed (see ``matching.py``)."""
        def docs_of(query):
            return self._query_docs(searcher, view, query, deadline)

        return match(parsed, docs_of, lambda unit: unit_frequency(searcher.reader(), unit, docs_of))

    def _rank(self, searcher, view: IndexView, found: Match, final: frozenset[int], wanted: int,
              deadline: Deadline) -> list[Ranked]:
        """The first ``wanted`` of ``final`` (non-empty) in relevance order: the one ranking
        path of the search page and of exports, so both list the same articles in the same
        order. The listing is confined to ``final``, part of ``query``'s document set (the
        set algebra's, exact with negations: see ``matching_docs``), so ranked by ``query``
        itself a conjunction is scored on those documents alone (search/topk.py)."""
        query = found.query
        allow = set(final)
        return rank(lambda q, allow, limit: self._ranked(searcher, q, allow, limit, deadline,
                                                         within_matches=q is query),
                    searcher, query, final, allow, found.units, wanted, lengths=view.lengths, deadline=deadline,
                    coverage_of=(lambda u: self._query_docs(searcher, view, u.query, deadline))
                    if found.relaxation else None)

    def _ranked_head(self, searcher, view: IndexView, found: Match, final: frozenset[int], final_key: tuple,
                     n: int, deadline: Deadline) -> tuple[tuple[int, ...], tuple[float, ...]]:
        """The first ``n`` of ``final`` (non-empty; ``final_key`` names it) in relevance
        order and their scores: ``_rank``'s answer, cached per generation like the document
        sets, so paging, re-faceting the same set or a second fetch for folded copies
        reuses it instead of ranking again.

        ``rank`` re-ranks the best ``RERANK_WINDOW`` whatever the depth asked for, so a
        shorter list is a prefix of a longer one; every depth up to ``RERANK_WINDOW`` is
        one entry (tests/test_ranked_cache.py holds ``rank`` to that).
        """
        depth = max(n, RERANK_WINDOW)
        key = ("ranked", final_key, repr(found.units), found.relaxation is not None, depth)
        docs, scores = view.cached(key, lambda: _unzip_ranked(self._rank(searcher, view, found, final, depth,
                                                                         deadline)))
        return docs[:n], scores[:n]

    def _scope(self, view: IndexView, request: SearchRequest, query, matched: frozenset[int]) -> _Scope:
        """The query's documents less the excluded facet values, and the filter sets."""
        exclusions = tuple(sorted((k, tuple(sorted(v))) for k, v in request.exclusions.items()))
        docs = matched
        if exclusions:
            dropped = view.filter_set(("x", exclusions), lambda: set().union(
                *(view.columns.docs_with(k, v) for k, v in request.exclusions.items())))
            docs = view.filter_set(("qx", repr(query), exclusions), lambda: matched - dropped)
        keys = self._filter_keys(request)
        return _Scope(view, (repr(query), exclusions), docs, keys, self._filter_sets(view, request, keys))

    def _ranked(self, searcher, query, allow, limit: int, deadline: Deadline, within_matches: bool = False):
        """The exact top-``limit`` scoring (``TopDocs``: MaxScore, the same answer as scoring
        every match, ties by document number), with the deadline checked as it goes."""
        collector = TopDocs(limit, allow=allow, deadline=deadline, within_matches=within_matches)
        searcher.search_with_collector(self._matching(query, deadline), collector)
        return collector.results()

    def _suggestion(self, searcher, view: IndexView, text: str, deadline: Deadline, notes: list[str]) -> str | None:
        """"Did you mean", cached like facets; dropped with a note if the budget runs out."""
        try:
            return view.cached(("suggest", text), lambda: (suggest_query(
                searcher, text, deadline=deadline, max_words=self.config.max_suggest_words,
                max_chars=self.config.max_suggest_word_chars, table=view.spelling),))[0]
        except SearchTimeoutError:
            notes.append("\"Did you mean\" was skipped: the search had used its time budget.")
            return None

    def _query_docs(self, searcher, view: IndexView, query, deadline: Deadline) -> frozenset[int]:
        if query is None:
            return view.all_docs
        if query is wq.NullQuery:
            return frozenset()
        return view.filter_set(("q", repr(query)), lambda: matching_docs(
            searcher, view.all_docs, self._matching(query, deadline), deadline))

    def _matching(self, query, deadline: Deadline):
        """``query`` as matched: wildcards and ranges as one document list each, built once
        per search and shared by matching and ranking (the original query stays the cache
        key and drives highlighting)."""
        memo = getattr(self._local, "matching", None)
        if memo is None or memo[0] is not query or memo[1] is not deadline:
            memo = (query, deadline, for_matching(query, deadline))
            self._local.matching = memo
        return memo[2]

    @staticmethod
    def _filter_keys(request: SearchRequest) -> dict[str, tuple]:
        """One hashable cache key per active filter: facet values, or the date range."""
        keys: dict[str, tuple] = {
            key: ("f", key, tuple(sorted(values))) for key, values in request.filters.items()
        }
        if request.date_from or request.date_to:
            keys["date"] = ("d", request.start, request.end)
        if request.cluster:
            keys["cluster"] = ("c", request.cluster)
        return keys

    def _filter_sets(self, view: IndexView, request: SearchRequest, keys: dict[str, tuple]) -> dict[str, frozenset[int]]:
        sets = {}
        for name, key in keys.items():
            if name == "date":
                sets[name] = view.filter_set(key, lambda: view.published_between(request.start, request.end))
            elif name == "cluster":
                sets[name] = view.clusters.docs_in(request.cluster)
            else:
                values = getattr(request, name)
                sets[name] = view.filter_set(key, lambda k=name, v=values: view.columns.docs_with(k, v))
        return sets

    def _highlight_spec(self, searcher, query, field: str) -> HighlightSpec:
        if query is None:
            return HighlightSpec(frozenset())
        # Per thread, the specs of the last query (title and body fields, both languages).
        cache = getattr(self._local, "spec_cache", None)
        generation = (repr(query), searcher.reader().generation())
        if cache is None or cache[0] != generation:
            specs: dict[str, HighlightSpec] = {}
            cache = (generation, specs)
            self._local.spec_cache = cache
        spec = cache[1].get(field)
        if spec is None:
            terms = highlight_terms(query, searcher.reader(), field)
            spec = cache[1][field] = HighlightSpec(terms, tuple(phrase_sequences(query, field)))
        return spec

    def teaser_parts(self, searcher, fields: dict, query) -> tuple[str, ...]:
        """The teaser of one article's stored ``fields`` under ``query``, as the results
        page shows it: passages of HTML in which only ``<mark>`` occurs."""
        language = fields.get("language", "")
        analyzer = analyzer_for(language)
        spec = self._highlight_spec(searcher, query, language_field("body", language))
        return make_teaser_parts(fields.get("body", ""), analyzer, spec, self.config.teaser_chars)

    def _make_hit(self, searcher, docnum: int, query, score: float | None) -> Hit:
        fields = searcher.stored_fields(docnum)
        language = fields.get("language", "")
        analyzer = analyzer_for(language)
        teaser = self.teaser_parts(searcher, fields, query)
        title = fields.get("title", "")
        title_spec = self._highlight_spec(searcher, query, language_field("title", language))
        return Hit(
            id=fields["id"],
            slug=fields.get("slug", ""),
            title=title,
            authors=tuple(fields.get("authors") or ()),
            outlet=fields.get("outlet", ""),
            published=_aware(fields.get("published")),
            url=fields.get("url", ""),
            teaser_html=" ".join(teaser),
            date_kind=fields.get("date_kind", ""),
            date_only=bool(fields.get("date_only", False)),
            date_bound=stored_bound(fields),
            score=score,
            teaser_parts=teaser,
            title_html=highlight_text(title, analyzer, title_spec),
            language=language,
        )

    # Articles -------------------------------------------------------------------------

    @_damage_checked
    def get_article(self, article_id: str) -> Article:
        """Return the stored article with this id; raise ``NotFoundError`` otherwise."""
        searcher = self.searcher()
        fields = searcher.document(id=article_id)
        if fields is None:
            raise NotFoundError(f"No article with id {article_id!r} in this index.")
        return article_from_stored(fields)

    @_damage_checked
    def copies(self, article_id: str) -> tuple[Copy, ...]:
        """Every copy of the article's story, itself included, first seen first (empty: none)."""
        searcher = self.searcher()
        view = self.view(searcher)
        doc = searcher.document_number(id=article_id)
        if doc is None:
            raise NotFoundError(f"No article with id {article_id!r} in this index.")
        return clusters.copies(view.clusters, doc, searcher.stored_fields)

    @_damage_checked
    def crawl_junk(self, article_id: str) -> dict | None:
        """What marks the article's body as crawl junk (a bot check, an error page or a
        byline box shared by unrelated articles): ``reason`` ("titles": one body under many
        titles in one outlet; "short": a short body on many articles), ``articles``,
        ``titles`` and ``outlets``; ``None`` when it is not."""
        fields = self.searcher().document(id=article_id)
        if fields is None:
            raise NotFoundError(f"No article with id {article_id!r} in this index.")
        flag = fields.get("junk")
        return json.loads(flag) if flag else None

    @_damage_checked
    def similar(self, article_id: str, limit: int = 5) -> tuple[Hit, ...]:
        """Articles most like this one (one per story), leaving out its own copies."""
        searcher = self.searcher()
        view = self.view(searcher)
        doc = searcher.document_number(id=article_id)
        if doc is None:
            raise NotFoundError(f"No article with id {article_id!r} in this index.")
        junk = bool(searcher.stored_fields(doc).get("junk"))
        found = clusters.similar_docs(searcher, view.clusters, doc, limit, junk=junk)
        hits = tuple(self._make_hit(searcher, d, None, score) for d, score in found)
        return view.clusters.annotate(hits, [d for d, _ in found], searcher.stored_fields)

    @_damage_checked
    def highlight_article(self, article: Article, q: str) -> str:
        """Return the article body as sanitised HTML paragraphs with the query's words marked."""
        analyzer, spec = self._article_spec(article, q, "body")
        return highlight_paragraphs(article.body, analyzer, spec)

    def highlight_title(self, article: Article, q: str) -> str:
        """Return the article title as sanitised HTML with the query's words marked."""
        analyzer, spec = self._article_spec(article, q, "title")
        return highlight_text(article.title, analyzer, spec)

    def _article_spec(self, article: Article, q: str, field: str):
        searcher = self.searcher()
        parsed: ParsedQuery = build_query(cut_query(q, self.config.max_query_chars), searcher.schema,
                                          self.view(searcher).query_fields)
        query = parsed.query if parsed.query is not wq.NullQuery else None
        spec = self._highlight_spec(searcher, query, language_field(field, article.language))
        return analyzer_for(article.language), spec

    def close(self) -> None:
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None:
            searcher.close()
            self._local.searcher = None


@dataclasses.dataclass(frozen=True)
class _Scope:
    """What one request counts over: matching documents (exclusions applied), filters."""

    view: IndexView
    key: tuple  # cache key of ``docs``
    docs: frozenset[int]
    filter_keys: dict[str, tuple]
    filter_sets: dict[str, frozenset[int]]

    def count(self, key: str):
        """Facet ``key`` counted with every filter but its own (disjunctive), cached, so
        paging, re-sorting or toggling another facet reuses it."""
        others = tuple(k for name, k in sorted(self.filter_keys.items()) if name != key)
        return self.view.cached(
            ("counts", self.key, key, others),
            lambda: self.view.columns.count(
                key, _intersect(self.docs, [s for name, s in self.filter_sets.items() if name != key])),
        )


def matching_docs(searcher, all_docs: frozenset[int], query, deadline: Deadline) -> frozenset[int]:
    """Return the documents matching ``query``, by set algebra over its boolean structure.

    Whoosh 2.7.4 miscounts negations: ``AndNotMatcher._find_first`` only checks the
    first document against the excluded matcher when both start on the same document,
    so ``cancer -study`` kept a first "cancer" article that mentions a study; and a Not
    at the top level of a multi-segment reader misses documents. Leaf queries (terms,
    phrases, wildcards, ranges) are exact, and ``docs_for_query`` runs them per segment
    within the deadline.
    """
    def docs(q) -> frozenset[int]:
        if isinstance(q, wq.Not):
            return all_docs - docs(q.query)
        if isinstance(q, wq.AndNot):
            return docs(q.a) - docs(q.b)
        if isinstance(q, wq.AndMaybe):
            return docs(q.a)
        if isinstance(q, wq.Require):
            return docs(q.a) & docs(q.b)
        if isinstance(q, wq.And):
            positive = [c for c in q.subqueries if not isinstance(c, wq.Not)]
            negative = [c.query for c in q.subqueries if isinstance(c, wq.Not)]
            found = _intersect(docs(positive[0]), map(docs, positive[1:])) if positive else all_docs
            for child in negative:
                found = found - docs(child)
            return found
        if isinstance(q, (wq.Or, wq.DisjunctionMax)) and not getattr(q, "minmatch", 0):
            return frozenset().union(*map(docs, q.subqueries))
        return frozenset(docs_for_query(searcher, q, deadline))

    return docs(query)


def _unzip_ranked(ranked: list[Ranked]) -> tuple[tuple[int, ...], tuple[float, ...]]:
    """Document numbers and scores as two tuples: compact to cache, and sized right by it."""
    return tuple(r.docnum for r in ranked), tuple(r.score for r in ranked)


def _naive_utc(value: datetime) -> datetime:
    return value.astimezone(timezone.utc).replace(tzinfo=None) if value.tzinfo else value


def _column_time(value: datetime) -> int:
    """``value`` as the published column holds it (naive UTC, microseconds since datetime.min)."""
    return datetime_to_long(_naive_utc(value))


def _aware(value) -> datetime | None:
    if isinstance(value, datetime):
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value
    return None


def _intersect(base: frozenset[int], others) -> frozenset[int]:
    result = base
    for other in sorted(others, key=len):
        result = result & other if len(result) <= len(other) else other & result
    return result


def _top_in_order(docs: frozenset[int], order: np.ndarray, rank: np.ndarray, n: int) -> list[int]:
    """The first ``n`` of ``docs`` in the precomputed ``order`` (``rank`` is its inverse)."""
    if not docs or n <= 0:
        return []
    if len(docs) * 16 >= len(order):
        # A large share of the index: walking the global order finds n quickly.
        return list(islice(filter(docs.__contains__, _walk(order)), n))
    found = warm.doc_array(docs)
    ranks = rank[found]
    if n < len(found):
        head = np.argpartition(ranks, n - 1)[:n]
        found, ranks = found[head], ranks[head]
    return found[np.argsort(ranks, kind="stable")].tolist()


def _walk(order: np.ndarray, chunk: int = 4096) -> Iterator[int]:
    """The document numbers of ``order`` as ints, converted a chunk at a time."""
    for start in range(0, len(order), chunk):
        yield from order[start:start + chunk].tolist()
