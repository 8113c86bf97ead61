"""The Typesense backend: the same pages, JSON and CLI, served by a Typesense cluster.

artsearch still parses the query (search/query.py), decides relaxation
(search/matching.py's rules, here on counts), writes the teasers and highlights
(search/teasers.py) and builds the result objects. Typesense finds, counts and orders:

- the parsed Whoosh query becomes a ``filter_by`` over each document's ``terms`` (the
  build's own analysed ``field:term`` tokens and phrase runs, index/typesense_writer.py), so
  a search matches exactly the articles it matches on the Whoosh backend;
- facets are counted by Typesense's ``facet_by``, each facet with every filter but its own
  (one ``multi_search`` per page), the timeline by the ``day`` facet;
- copies of one story fold by ``group_by=story``; date orders are the build's ranks.

What Typesense cannot do the same way is done here or said on the page and in the JSON
(docs/decisions.md, "Typesense backend: the gaps"); a count is never silently different.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timezone
from urllib.parse import urlsplit

from whoosh import query as wq

from index.clusters import article_from_stored, stored_bound
from index.config import Config
from index.errors import (
    ArtsearchError,
    IndexMissingError,
    NotFoundError,
    QueryError,
    SearchTimeoutError,
)
from index.models import Article
from index.schema import make_schema
from index.typesense_writer import (
    PHRASE_RUN,
    TypesenseError,
    doc_id,
    load_stored,
    meta_collection,
    micros,
    quotable,
)

from . import clusters as story_clusters
from .deadline import Deadline
from .export import Export, export_meta, stored_row
from .facets import FACETS, FACETS_BY_KEY, build_facets, list_facet_values
from .matching import FEW, LONG_QUERY, Relaxation, _describe, is_filter
from .query import (
    DEFAULT_FIELDS,
    ParsedQuery,
    build_query,
    fields_for_languages,
    highlight_terms,
    misquote_note,
    phrase_sequences,
    unquoted,
)
from .request import SearchRequest, cut_note, cut_query
from .results import Cluster, Copy, FacetList, Hit, SearchResult
from .teasers import HighlightSpec, highlight_paragraphs, highlight_text, make_teaser_parts
from .timeline import Timeline, timeline_from_days

# Values of one facet counted per search: every value (the "show all" page lists them).
FACET_VALUES = 100_000
PAGE = 250  # Typesense's largest page, for exports and copies
# Subsets of the words tried when finding what the closest articles have (relaxation).
MAX_SUBSETS = 400
NOTHING = "day:<-1"  # matches no document (every day is -1 or later)
RANK_NOTE = ("This backend could not rank every match by relevance (Typesense ranks only the articles "
             "its own matching of the words finds), so they are listed newest first.")
LONG_QUOTE_NOTE = ("A quote of more than {n} words matches articles with each run of {n} of its words "
                   "in order, which is nearly always the exact quote.")
FACET_FIELD = {spec.key: f"f_{spec.key}" for spec in FACETS}
# The Whoosh field each facet filters on (its terms are in each document's ``terms``).
FILTER_FIELD = {spec.key: spec.field for spec in FACETS}
_SCHEMA = make_schema()


class UnsupportedQueryError(QueryError):
    """Query syntax the Typesense backend cannot search exactly (docs/decisions.md)."""


def read_key(config: Config) -> str:
    path = config.typesense_api_key_file
    if path is None:
        raise TypesenseError("No Typesense API key file: --api-key-file FILE or ARTSEARCH_TYPESENSE_API_KEY_FILE",
                             status=503)
    try:
        key = path.read_text(encoding="utf-8").strip()
    except OSError as e:
        raise TypesenseError(f"Cannot read the Typesense API key file {path}: {e.strerror}", status=503) from None
    if not key:
        raise TypesenseError(f"The Typesense API key file {path} is empty", status=503)
    return key


def connect(config: Config, timeout: float | None = None):
    """A client of ``config``'s nodes: it retries a failed request on the other nodes.
    ``timeout``: seconds one request may take (default: the search budget, at most 5 s)."""
    import typesense

    nodes: list = []
    for url in config.typesense_nodes:
        parts = urlsplit(url)
        nodes.append({"host": parts.hostname, "port": parts.port, "protocol": parts.scheme})
    return typesense.Client({
        "nodes": nodes,
        "api_key": read_key(config),
        "connection_timeout_seconds": timeout or max(0.5, min(config.timeout, 5.0)),
        # Every node twice, so a search survives losing the node it was sent to.
        "num_retries": 2 * len(nodes) + 2,
        "retry_interval_seconds": 0.2,
        "healthcheck_interval_seconds": 2,
    })


@contextlib.contextmanager
def translate_errors(config: Config):
    """Typesense's and the network's errors as ``ArtsearchError`` naming what to check
    (never the key: the client's messages carry the server's answer, not the request)."""
    import httpx
    import typesense.exceptions as tse

    try:
        yield
    except ArtsearchError:
        raise
    except tse.ObjectNotFound as e:
        raise IndexMissingError(
            f"No Typesense collection {config.typesense_collection!r} on the cluster: run "
            f"artsearch reindex SOURCE --backend typesense --nodes ... --api-key-file ...") from e
    except tse.RequestUnauthorized as e:
        raise TypesenseError("The Typesense cluster refused the API key: check --api-key-file", status=503) from e
    except tse.RequestMalformed as e:
        raise TypesenseError(f"Typesense could not run the request: {_short(e)}", status=500) from e
    except (tse.TypesenseClientError, httpx.HTTPError, OSError) as e:
        raise TypesenseError(
            f"The Typesense cluster ({', '.join(config.typesense_nodes)}) cannot be reached or has no leader: "
            f"{_short(e)}", status=503) from e


def _short(error) -> str:
    return " ".join(str(error).split())[:300]


# Query translation ----------------------------------------------------------------------

def _q(value: str) -> str:
    return f"`{value}`"


def _token(field: str, text) -> str:
    text = text.decode("utf-8") if isinstance(text, bytes) else str(text)
    if not quotable(text):
        raise UnsupportedQueryError(f"This backend cannot search a word with a backtick (`): {text[:40]!r}")
    return f"{field}:{text}"


@dataclasses.dataclass
class Translation:
    """A Whoosh query as a Typesense ``filter_by`` (None: every document)."""

    notes: list[str] = dataclasses.field(default_factory=list)

    def runs(self, q: wq.Phrase) -> list[str]:
        words = list(q.words)
        if len(words) <= PHRASE_RUN:
            return [_token(q.fieldname, " ".join(words))]
        note = LONG_QUOTE_NOTE.format(n=PHRASE_RUN)
        if note not in self.notes:
            self.notes.append(note)
        return [_token(q.fieldname, " ".join(words[i:i + PHRASE_RUN])) for i in range(len(words) - PHRASE_RUN + 1)]

    def one(self, q) -> str | None:
        """The single token ``q`` stands for, if it is one."""
        if isinstance(q, wq.Term):
            return _token(q.fieldname, q.text)
        if isinstance(q, wq.Phrase):
            runs = self.runs(q)
            return runs[0] if len(runs) == 1 else None
        return None

    def alternatives(self, q) -> list[str] | None:
        """The tokens of an OR of single tokens (one ``terms:=[…]`` clause)."""
        if isinstance(q, (wq.Or, wq.DisjunctionMax)) and not getattr(q, "minmatch", 0):
            tokens = [self.one(c) for c in q.subqueries]
            if all(t is not None for t in tokens):
                return [t for t in tokens if t is not None]
        token = self.one(q)
        return [token] if token is not None else None

    def positive(self, q) -> str | None:
        if q is None or isinstance(q, wq.Every):
            return None
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            return NOTHING
        tokens = self.alternatives(q)
        if tokens is not None:
            return f"terms:=[{','.join(map(_q, tokens))}]"
        if isinstance(q, wq.Phrase):
            return " && ".join(f"terms:=[{_q(r)}]" for r in self.runs(q))
        if isinstance(q, (wq.Or, wq.DisjunctionMax)) and not getattr(q, "minmatch", 0):
            parts = [self.positive(c) for c in q.subqueries]
            if any(p is None for p in parts):
                return None
            return "(" + " || ".join(f"({p})" for p in parts) + ")"
        if isinstance(q, wq.And):
            parts = [p for p in (self.positive(c) for c in q.subqueries) if p is not None]
            return " && ".join(f"({p})" for p in parts) if parts else None
        if isinstance(q, wq.AndNot):
            return _and(self.positive(q.a), self.negative(q.b))
        if isinstance(q, wq.Not):
            return self.negative(q.query)
        if isinstance(q, wq.AndMaybe):
            return self.positive(q.a)
        if isinstance(q, wq.Require):
            return _and(self.positive(q.a), self.positive(q.b))
        if isinstance(q, wq.DateRange) and q.fieldname == "published":
            return _date_range(q.startdate, q.enddate)
        raise self.unsupported(q)

    def negative(self, q) -> str | None:
        """Documents not matching ``q`` (De Morgan: Typesense 0.24 has no NOT of a group)."""
        if q is None or isinstance(q, wq.Every):
            return NOTHING
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            return None
        tokens = self.alternatives(q)
        if tokens is not None:
            return f"terms:!=[{','.join(map(_q, tokens))}]"
        if isinstance(q, wq.Phrase):
            return "(" + " || ".join(f"terms:!=[{_q(r)}]" for r in self.runs(q)) + ")"
        if isinstance(q, (wq.Or, wq.DisjunctionMax)) and not getattr(q, "minmatch", 0):
            parts = [self.negative(c) for c in q.subqueries]
            parts = [p for p in parts if p is not None]
            return " && ".join(f"({p})" for p in parts) if parts else None
        if isinstance(q, wq.And):
            parts = [self.negative(c) for c in q.subqueries]
            if any(p is None for p in parts):
                return None
            return "(" + " || ".join(f"({p})" for p in parts) + ")"
        if isinstance(q, wq.Not):
            return self.positive(q.query)
        if isinstance(q, wq.AndNot):
            return _or(self.negative(q.a), self.positive(q.b))
        if isinstance(q, wq.AndMaybe):
            return self.negative(q.a)
        raise self.unsupported(q)

    @staticmethod
    def unsupported(q) -> UnsupportedQueryError:
        if isinstance(q, (wq.Prefix, wq.Wildcard)):
            what = "wildcards (vacc*)"
        elif isinstance(q, (wq.TermRange, wq.NumericRange)):
            what = "ranges other than published:[… TO …]"
        else:
            what = f"this kind of query ({type(q).__name__})"
        return UnsupportedQueryError(
            f"The Typesense backend cannot search {what} exactly yet; write the words out, or use the "
            f"Whoosh backend (docs/decisions.md lists what this backend cannot do).")


def _and(*parts: str | None) -> str | None:
    present = [p for p in parts if p is not None]
    if NOTHING in present:
        return NOTHING
    return " && ".join(f"({p})" for p in present) if present else None


def _or(*parts: str | None) -> str | None:
    if any(p is None for p in parts):
        return None
    return "(" + " || ".join(f"({p})" for p in parts) + ")"


def _date_range(start: datetime | None, end: datetime | None) -> str | None:
    parts = []
    if start is not None:
        parts.append(f"published:>={micros(start)}")
    if end is not None:
        parts.append(f"published:<={micros(end)}")
    return " && ".join(parts) if parts else "published:>=-9223372036854775807"


def request_filters(request: SearchRequest) -> dict[str, str]:
    """One ``filter_by`` clause per active filter, by facet key, ``date`` or ``cluster``."""
    out = {}
    for key, values in request.filters.items():
        out[key] = f"terms:=[{','.join(_q(_token(FILTER_FIELD[key], v)) for v in values)}]"
    if request.date_from or request.date_to:
        out["date"] = _date_range(request.start, request.end) or ""
    if request.cluster:
        out["cluster"] = f"story:=[{_q(request.cluster)}]"
    return out


def exclusion_filter(request: SearchRequest) -> str | None:
    tokens = [_q(_token(FILTER_FIELD[k], v)) for k, values in request.exclusions.items() for v in values]
    return f"terms:!=[{','.join(tokens)}]" if tokens else None


# Results --------------------------------------------------------------------------------

def _aware(value) -> datetime | None:
    if isinstance(value, datetime):
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value
    return None


def _cluster(doc: dict) -> Cluster | None:
    if not doc.get("cluster"):
        return None
    data = json.loads(doc["cluster"])
    first = data["first"]
    published = datetime.fromisoformat(first["published"]) if first.get("published") else None
    return Cluster(id=data["id"], size=data["size"], outlets=data["outlets"], first=Copy(
        id=first["id"], slug=first.get("slug", ""), title=first.get("title", ""), outlet=first.get("outlet", ""),
        published=published, first=True, date_kind=first.get("date_kind", ""),
        date_only=bool(first.get("date_only"))))


@dataclasses.dataclass(frozen=True)
class _Collection:
    name: str
    meta: dict
    documents: int


class _FacetValues:
    """Facet values and ids for ``build_facets`` from Typesense's facet counts."""

    def __init__(self, counts: dict[str, dict[str, int]], labels: dict[str, dict[str, str]]):
        self.labels = labels
        self.values = {key: list(values) for key, values in counts.items()}
        self.value_ids = {key: {v: i for i, v in enumerate(values)} for key, values in self.values.items()}

    def counter(self, key: str, counts: dict[str, int]) -> Counter:
        ids = self.value_ids[key]
        return Counter({ids[v]: n for v, n in counts.items()})


@dataclasses.dataclass
class _Plan:
    """One request's filters: the words' match, the exclusions and each filter."""

    parsed: ParsedQuery
    query: wq.Query | None  # what matched (relaxed when the words were)
    match: str | None
    filters: dict[str, str]
    exclusions: str | None
    notes: list[str]
    relaxation: Relaxation | None = None
    # When relaxed: the words rarest first, each one's filter and frequency (for the note
    # under filters, as ``Match.relaxation_within``).
    order: list = dataclasses.field(default_factory=list)
    unit_filter: dict = dataclasses.field(default_factory=dict)
    freq: dict = dataclasses.field(default_factory=dict)
    relaxable: list = dataclasses.field(default_factory=list)
    matched: dict = dataclasses.field(default_factory=dict)  # count of ``match``, by its filter

    @property
    def scope(self) -> str | None:
        return _and(self.match, self.exclusions)

    def without(self, name: str | None) -> str | None:
        return _and(self.scope, *(v for k, v in self.filters.items() if k != name))

    @property
    def final(self) -> str | None:
        return self.without(None)


# Tries of a search answered by a node that holds fewer articles than the build.
LAGGING_NODE_RETRIES = 3


class TypesenseBackend:
    """``SearchBackend`` on the Typesense collection alias ``config.typesense_collection``."""

    name = "typesense"

    def __init__(self, config: Config):
        self.config = config
        self._client = None
        self._lock = threading.Lock()
        self._collection: tuple[float, _Collection] | None = None

    # Plumbing -------------------------------------------------------------------------

    @property
    def client(self):
        if self._client is None:
            with self._lock:
                if self._client is None:
                    self._client = connect(self.config)
        return self._client

    def collection(self) -> _Collection:
        """The aliased collection and its build's metadata (looked up again after 2 s, so
        a swap by ``reindex --full`` is seen at once by new requests)."""
        cached = self._collection
        if cached is not None and time.monotonic() - cached[0] < 2.0:
            return cached[1]
        with translate_errors(self.config):
            name = self.client.aliases[self.config.typesense_collection].retrieve()["collection_name"]
            info = self.client.collections[name].retrieve()
            try:
                meta = json.loads(self.client.collections[meta_collection(name)].documents["build"].retrieve()["meta"])
            except Exception:  # a build without its metadata document: still searchable
                meta = {}
        collection = _Collection(name, meta, int(info.get("num_documents", 0)))
        self._collection = (time.monotonic(), collection)
        return collection

    def _searches(self, searches: list[dict], deadline: Deadline) -> list[dict]:
        """Run ``searches`` in one multi_search (POST: long filters fit) on the alias, which
        Typesense resolves itself: a search never meets a collection a swap just dropped."""
        deadline.check("asking the Typesense cluster")
        name = self.config.typesense_collection
        left = deadline.end - time.monotonic()
        cutoff = max(50, int(min(left, 3600.0) * 1000))
        body = {"searches": [{"collection": name, "q": "*", "query_by": "text", "search_cutoff_ms": cutoff,
                              **{k: v for k, v in s.items() if v is not None}} for s in searches]}
        expected = self.collection().meta.get("documents")
        for attempt in range(LAGGING_NODE_RETRIES + 1):
            with translate_errors(self.config):
                answers = self.client.multi_search.perform(body, {})["results"]
            held = min((int(a["out_of"]) for a in answers if "out_of" in a), default=None)
            # A node restarted from its data directory answers while it still loads the
            # build: its totals and facet counts would be silently short. The client sends
            # the next try to the next node; out of tries, the page says why.
            if not isinstance(expected, int) or held is None or held >= expected:
                break
            if attempt == LAGGING_NODE_RETRIES or deadline.end - time.monotonic() < 0.05:
                raise TypesenseError(
                    f"A Typesense node is still catching up (it holds {held:,} of the build's {expected:,} "
                    f"articles), so its counts would be short: try again in a moment.", status=503)
        for answer in answers:
            if "error" in answer:
                raise TypesenseError(f"Typesense could not run the search: {answer['error'][:300]}", status=500)
            if answer.get("search_cutoff"):
                raise SearchTimeoutError("The search ran out of time on the Typesense cluster: make the query "
                                         "narrower or add a filter.")
        return answers

    def _matched(self, plan: _Plan, deadline: Deadline) -> int:
        """How many articles the words match (asked once per filter a plan holds)."""
        if plan.match not in plan.matched:
            plan.matched[plan.match] = self._count(plan.match, deadline)
        return plan.matched[plan.match]

    def _count(self, filter_by: str | None, deadline: Deadline) -> int:
        return self._counts([filter_by], deadline)[0]

    def _counts(self, filters: list[str | None], deadline: Deadline) -> list[int]:
        out: list[int] = []
        for start in range(0, len(filters), 50):
            chunk = filters[start:start + 50]
            answers = self._searches([{"filter_by": f, "per_page": 0} for f in chunk], deadline)
            out.extend(int(a["found"]) for a in answers)
        return out

    # Parsing and matching -------------------------------------------------------------

    def _parse(self, text: str, languages=()) -> ParsedQuery:
        fields = tuple(self.collection().meta.get("query_fields") or DEFAULT_FIELDS)
        return build_query(text, _SCHEMA, fields_for_languages(fields, languages))

    def _plan(self, request: SearchRequest, deadline: Deadline) -> _Plan:
        parsed = self._parse(request.q, request.language)
        translation = Translation()
        match = translation.positive(parsed.query) if parsed.query is not None else None
        plan = _Plan(parsed, parsed.query, match, request_filters(request), exclusion_filter(request),
                     list(parsed.notes) + translation.notes)
        self._misquoted(plan, request, deadline)
        self._relax(plan, deadline)
        return plan

    def _misquoted(self, plan: _Plan, request: SearchRequest, deadline: Deadline) -> None:
        """A quote no article contains, in a query that then finds nothing, is searched as
        its words instead, with a note (as ``SearchEngine._parse_and_match``)."""
        parsed = plan.parsed
        if parsed.query is None or self._matched(plan, deadline):
            return
        t = Translation()
        quotes = [u for u in parsed.required if not u.relaxable and u.label.startswith('"')]
        unfound = [u.label for u in quotes if not self._count(t.positive(u.query), deadline)]
        if not unfound:
            return
        words = self._parse(unquoted(request.q), request.language)
        match = t.positive(words.query) if words.query is not None else None
        if not self._count(match, deadline):
            return
        plan.parsed = dataclasses.replace(words, notes=(*words.notes, misquote_note(unfound)),
                                          misquoted=tuple(unfound))
        plan.query, plan.match = words.query, match
        plan.notes = list(plan.parsed.notes) + t.notes

    def _relax(self, plan: _Plan, deadline: Deadline) -> None:
        """search/matching.py's ``match`` on counts: when no article (or too few, for a
        long query) has every word, require the explicit clauses and any of the words, and
        say what the closest articles have. A word set of maximal size that some article
        has is exactly what ``_closest`` finds (that article has no other word)."""
        parsed = plan.parsed
        required = parsed.required
        relaxable = [u for u in required if u.relaxable]
        if parsed.query is None or not relaxable:
            return
        total = self._matched(plan, deadline)
        if total and (total >= FEW or sum(1 for u in relaxable if not u.function_word) < LONG_QUERY):
            return
        t = Translation()
        fixed = [u for u in required if not u.relaxable]
        explicit = [u for u in fixed if not is_filter(u)]  # year:/language: restrict as the filters do
        unit_filter = {u: t.positive(u.query) for u in relaxable}
        freqs = self._counts(list(unit_filter.values()), deadline)
        freq = dict(zip(relaxable, freqs, strict=True))
        order = sorted((u for u in relaxable if freq[u] > 0), key=lambda u: (freq[u], relaxable.index(u)))
        base = t.positive(parsed.with_units(fixed)) if fixed or parsed.excluded is not None else None
        if not order or not self._count(base, deadline):
            return
        if not explicit and not self._count(_and(base, _or_filters([unit_filter[u] for u in order])), deadline):
            return
        kept = self._closest(order, unit_filter, freq, relaxable, base, deadline)
        if kept is None:
            plan.notes.append("Not every word could be required, and this backend could not work out which "
                              "ones the closest articles have (too many words).")
            return
        content = [u for u in order if not u.function_word] or order
        # With explicit clauses they are what is required, and the words only rank.
        anyword = base if explicit else _and(base, _or_filters([unit_filter[u] for u in content]))
        if total and self._count(anyword, deadline) <= total:
            return
        if explicit:
            required_query = wq.And([u.query for u in fixed]) if len(fixed) > 1 else fixed[0].query
            relaxed = wq.AndMaybe(required_query, wq.Or([u.query for u in content])) if content else required_query
        else:
            relaxed = wq.Or([u.query for u in content]) if len(content) > 1 else content[0].query
            if fixed:
                relaxed = wq.And([u.query for u in fixed] + [relaxed])
        if parsed.excluded is not None:
            relaxed = wq.AndNot(relaxed, parsed.excluded)
        plan.query = relaxed
        plan.match = anyword
        plan.relaxation = _describe(required, kept, freq, complete=total)
        plan.order, plan.unit_filter, plan.freq, plan.relaxable = order, unit_filter, freq, relaxable

    def _closest(self, order, unit_filter, freq, relaxable, among: str | None, deadline: Deadline):
        """The words the closest articles of ``among`` have (see ``matching._closest``)."""
        for size in range(len(order), 0, -1):
            subsets = list(itertools.islice(itertools.combinations(order, size), MAX_SUBSETS + 1))
            if len(subsets) > MAX_SUBSETS:
                return None
            counts = self._counts([_and(among, *(unit_filter[u] for u in s)) for s in subsets], deadline)
            found = [frozenset(s) for s, n in zip(subsets, counts, strict=True) if n]
            if found:
                return min(found, key=lambda units: sorted((freq[u], relaxable.index(u)) for u in units))
        return frozenset()

    def _relaxation_within(self, plan: _Plan, deadline: Deadline) -> Relaxation | None:
        """The relaxation as true of the articles the filters leave (``Match.relaxation_within``)."""
        if plan.relaxation is None or not (plan.filters or plan.exclusions):
            return plan.relaxation
        shown = plan.final
        listed = self._count(shown, deadline)
        if not listed or listed == self._matched(plan, deadline):
            return plan.relaxation
        t = Translation()
        complete = self._count(_and(t.positive(plan.parsed.query), plan.exclusions,
                                    *plan.filters.values()), deadline)
        kept = self._closest(plan.order, plan.unit_filter, plan.freq, plan.relaxable, shown, deadline)
        if kept is None:
            return plan.relaxation
        return _describe(plan.parsed.required, kept, plan.freq, complete=complete, filtered=True)

    # Search ---------------------------------------------------------------------------

    def search(self, request: SearchRequest, deadline: Deadline | None = None) -> SearchResult:
        started = time.perf_counter()
        deadline = deadline or Deadline(self.config.timeout)
        collection = self.collection()
        plan = self._plan(request, deadline)
        notes = list(plan.notes)
        if request.q_cut:
            notes.append(cut_note(request.q, self.config.max_query_chars))
        relaxation = self._relaxation_within(plan, deadline)
        if relaxation is not None:
            notes.append(relaxation.note())
        counts, total, timeline, undated = self._facet_counts(plan, deadline)
        facets = self._facets(counts, request, collection)
        hits, stories, ordered = self._page(plan, request, total, deadline)
        if not ordered:
            notes.append(RANK_NOTE)
        return SearchResult(
            request=request, total=total, hits=tuple(hits), facets=facets, timeline=timeline,
            notes=tuple(notes), relaxation=relaxation, misquoted=plan.parsed.misquoted,
            took_ms=(time.perf_counter() - started) * 1000, index_build=str(collection.meta.get("build", "")),
            stories=stories, collapsed=request.collapsing, undated_left_out=undated,
        )

    def _facet_counts(self, plan: _Plan, deadline: Deadline):
        """Each facet's counts (disjunctive), the total, the timeline and the undated matches
        a date range leaves out, in one multi_search."""
        searches = [{"filter_by": plan.final, "per_page": 0, "max_facet_values": FACET_VALUES,
                     "facet_by": ",".join(["day"] + [FACET_FIELD[s.key] for s in FACETS if s.key not in plan.filters])}]
        own = [s.key for s in FACETS if s.key in plan.filters]
        for key in own:
            searches.append({"filter_by": plan.without(key), "per_page": 0, "max_facet_values": FACET_VALUES,
                             "facet_by": FACET_FIELD[key]})
        if "date" in plan.filters:
            searches.append({"filter_by": _and(plan.without("date"), "day:=-1"), "per_page": 0})
        answers = self._searches(searches, deadline)
        counts: dict[str, dict[str, int]] = {}
        days: Counter = Counter()
        for answer in answers[:1 + len(own)]:
            for facet in answer.get("facet_counts", []):
                values = {c["value"]: int(c["count"]) for c in facet["counts"]}
                if facet["field_name"] == "day":
                    days = Counter({int(v): n for v, n in values.items()})
                else:
                    counts[facet["field_name"][2:]] = values
        total = int(answers[0]["found"])
        undated = int(answers[-1]["found"]) if "date" in plan.filters else None
        return counts, total, timeline_from_days(days), undated

    def _facets(self, counts: dict[str, dict[str, int]], request: SearchRequest, collection: _Collection):
        values = _FacetValues({s.key: counts.get(s.key, {}) for s in FACETS},
                              {"language": dict(collection.meta.get("language_names") or {})})
        return build_facets(values, {s.key: values.counter(s.key, counts.get(s.key, {})) for s in FACETS},  # type: ignore[arg-type]
                            request, self.config.facet_size)

    def _order(self, plan: _Plan, request: SearchRequest, sort: str) -> dict:
        """Typesense's parameters for ``sort``: the build's date ranks, or its text match."""
        if sort == "oldest":
            return {"sort_by": "oldest:asc"}
        if sort == "relevance" and plan.parsed.query is not None and plan.parsed.required:
            words = _rank_words(plan.query)
            if words:
                return {"q": " ".join(words), "query_by": "text", "sort_by": "_text_match:desc,newest:asc",
                        "num_typos": 0, "prefix": "false", "drop_tokens_threshold": 1_000_000,
                        "typo_tokens_threshold": 0}
        return {"sort_by": "newest:asc"}

    def _page(self, plan: _Plan, request: SearchRequest, total: int, deadline: Deadline):
        """The page's hits, the story count, and whether the order is the one asked for."""
        order = self._order(plan, request, request.sort)
        group = {"group_by": "story", "group_limit": 1} if request.collapsing else {}
        base = {"filter_by": plan.final, "page": request.page, "per_page": request.per_page, **group}
        searches = [{**base, **order}]
        if "q" in order:
            searches.append({**base, "sort_by": "newest:asc"})  # the fallback, and the exact count
        answers = self._searches(searches, deadline)
        ordered = True
        answer = answers[0]
        if "q" in order and int(answers[0]["found"]) != int(answers[1]["found"]):
            answer, ordered = answers[1], False
        exact = answers[-1]
        stories = int(exact["found"]) if request.collapsing else self._stories(plan, total, deadline)
        docs = [g["hits"][0]["document"] for g in answer.get("grouped_hits", [])] if request.collapsing else \
            [h["document"] for h in answer.get("hits", [])]
        scores = [g["hits"][0].get("text_match") for g in answer.get("grouped_hits", [])] if request.collapsing \
            else [h.get("text_match") for h in answer.get("hits", [])]
        query = plan.query
        hits = [self._hit(doc, query, float(s) if s is not None and "q" in order and ordered else None)
                for doc, s in zip(docs, scores, strict=True)]
        return hits, stories, ordered

    def _stories(self, plan: _Plan, total: int, deadline: Deadline) -> int:
        if not total:
            return 0
        answer = self._searches([{"filter_by": plan.final, "per_page": 1, "group_by": "story",
                                  "group_limit": 1, "include_fields": "id"}], deadline)[0]
        return int(answer["found"])

    def _hit(self, doc: dict, query, score: float | None) -> Hit:
        fields = load_stored(doc["stored"])
        language = fields.get("language", "")
        analyzer = analyzer_for(language)
        teaser = self._teaser_parts(fields, query)
        title = fields.get("title", "")
        return Hit(
            id=fields["id"], slug=fields.get("slug", ""), title=title, authors=tuple(fields.get("authors") or ()),
            outlet=fields.get("outlet", ""), published=_aware(fields.get("published")), url=fields.get("url", ""),
            teaser_html=" ".join(teaser), date_kind=fields.get("date_kind", ""),
            date_only=bool(fields.get("date_only", False)), date_bound=stored_bound(fields), score=score,
            teaser_parts=teaser, title_html=highlight_text(title, analyzer, _spec(query, "title", language)),
            language=language, cluster=_cluster(doc),
        )

    def _teaser_parts(self, fields: dict, query) -> tuple[str, ...]:
        language = fields.get("language", "")
        return make_teaser_parts(fields.get("body", ""), analyzer_for(language), _spec(query, "body", language),
                                 self.config.teaser_chars)

    def facet_values(self, request: SearchRequest, key: str, prefix: str = "", limit: int = 100,
                     deadline: Deadline | None = None) -> FacetList:
        if key not in FACETS_BY_KEY:
            raise NotFoundError(f"No facet named {key!r}; facets: {', '.join(FACETS_BY_KEY)}.")
        deadline = deadline or Deadline(self.config.timeout)
        plan = self._plan(request, deadline)
        answer = self._searches([{"filter_by": plan.without(key), "per_page": 0, "facet_by": FACET_FIELD[key],
                                  "max_facet_values": FACET_VALUES}], deadline)[0]
        counts = {c["value"]: int(c["count"]) for f in answer.get("facet_counts", []) for c in f["counts"]}
        collection = self.collection()
        values = _FacetValues({key: counts}, {"language": dict(collection.meta.get("language_names") or {})})
        return list_facet_values(values, values.counter(key, counts), request, key, prefix, limit)  # type: ignore[arg-type]

    def timeline(self, request: SearchRequest, deadline: Deadline | None = None) -> Timeline | None:
        deadline = deadline or Deadline(self.config.timeout)
        return self._facet_counts(self._plan(request, deadline), deadline)[2]

    # Exports --------------------------------------------------------------------------

    def export(self, request: SearchRequest, *, every: bool = True, deadline: Deadline | None = None,
               body: bool = False) -> Export:
        deadline = deadline or Deadline(self.config.timeout)
        plan = self._plan(request, deadline)
        relaxation = self._relaxation_within(plan, deadline)
        notes = list(plan.notes) + ([relaxation.note()] if relaxation else [])
        total = self._count(plan.final, deadline)
        order = self._order(plan, request, request.sort)
        if "q" in order:
            ranked = self._searches([{"filter_by": plan.final, "per_page": 0, **order}], deadline)[0]
            if int(ranked["found"]) != total:
                order = {"sort_by": "newest:asc"}
                notes.append(RANK_NOTE)
        meta = export_meta(request, index_build=str(self.collection().meta.get("build", "")), total=total,
                           notes=tuple(notes), every=every, body=body)
        pages = (request.page,) if not every else None
        per_page = request.per_page if not every else PAGE
        query = plan.query

        def rows() -> Iterator[dict]:
            for page in pages or itertools.count(1):
                answer = self._searches([{"filter_by": plan.final, "page": page, "per_page": per_page, **order}],
                                        Deadline(max(self.config.timeout, 30.0)))[0]
                hits = answer.get("hits", [])
                for hit in hits:
                    fields = load_stored(hit["document"]["stored"])
                    yield stored_row(fields, self._teaser_parts(fields, query), body)
                if len(hits) < per_page:
                    return

        return Export(meta, rows())

    # Articles -------------------------------------------------------------------------

    def _document(self, article_id: str) -> dict:
        import typesense.exceptions

        self.collection()  # a missing collection is a 503 naming the remedy, not a 404
        try:
            with translate_errors(self.config):
                alias = self.config.typesense_collection
                return self.client.collections[alias].documents[doc_id(article_id)].retrieve()
        except (typesense.exceptions.ObjectNotFound, IndexMissingError):
            raise NotFoundError(f"No article with id {article_id!r} in this index.") from None

    def article(self, article_id: str) -> Article:
        return article_from_stored(load_stored(self._document(article_id)["stored"]))

    def copies(self, article_id: str) -> tuple[Copy, ...]:
        doc = self._document(article_id)
        if not doc.get("cluster"):
            return ()
        answer = self._searches([{"filter_by": f"story:=[{_q(doc['story'])}]", "sort_by": "oldest:asc",
                                  "per_page": PAGE}], Deadline(self.config.timeout))[0]
        return tuple(story_clusters.make_copy(0, load_stored(h["document"]["stored"]), first=i == 0)
                     for i, h in enumerate(answer.get("hits", [])))

    def similar(self, article_id: str, limit: int = 5) -> tuple[Hit, ...]:
        """The build's own "similar articles" (worked out at reindex by the Whoosh engine:
        Typesense 0.24 has no more-like-this)."""
        doc = self._document(article_id)
        found = json.loads(doc.get("similar") or "[]")[:limit]
        if not found:
            return ()
        ids = ",".join(_q(doc_id(i)) for i, _ in found)
        answer = self._searches([{"filter_by": f"id:=[{ids}]", "per_page": len(found)}],
                                Deadline(self.config.timeout))[0]
        by_id = {h["document"]["article_id"]: h["document"] for h in answer.get("hits", [])}
        return tuple(self._hit(by_id[i], None, score) for i, score in found if i in by_id)

    def crawl_junk(self, article_id: str) -> dict | None:
        flag = load_stored(self._document(article_id)["stored"]).get("junk")
        return json.loads(flag) if flag else None

    def highlight_article(self, article: Article, q: str) -> str:
        query = self._highlight_query(q)
        return highlight_paragraphs(article.body, analyzer_for(article.language), _spec(query, "body", article.language))

    def highlight_title(self, article: Article, q: str) -> str:
        query = self._highlight_query(q)
        return highlight_text(article.title, analyzer_for(article.language), _spec(query, "title", article.language))

    def _highlight_query(self, q: str):
        parsed = self._parse(cut_query(q, self.config.max_query_chars))
        return parsed.query if parsed.query is not wq.NullQuery else None

    # Status ---------------------------------------------------------------------------

    def status(self) -> dict:
        collection = self.collection()
        meta = {k: v for k, v in collection.meta.items() if k not in ("query_fields", "backend")}
        return {"backend": self.name, **meta, "collection": collection.name, "documents": collection.documents,
                "nodes": len(self.config.typesense_nodes)}

    def info(self) -> dict:
        return self.status()

    def check(self) -> None:
        self.collection()

    def warm_up(self) -> None:
        self.collection()

    def close(self) -> None:
        self._client = None


def analyzer_for(language: str):
    from index.analysis import analyzer_for as whoosh_analyzer

    return whoosh_analyzer(language)


def _spec(query, field: str, language: str) -> HighlightSpec:
    from index.analysis import language_field

    if query is None:
        return HighlightSpec(frozenset())
    name = language_field(field, language)
    try:
        terms = highlight_terms(query, None, name)
    except AttributeError:  # a wildcard needs the index's word list
        terms = frozenset()
    return HighlightSpec(terms, tuple(phrase_sequences(query, name)))


def _rank_words(query) -> list[str]:
    """The distinct words of the query's positive clauses, English fields' forms first,
    for Typesense's text match (it ranks; the filter decides what matches)."""
    from .query import _positive_leaves

    first: list[str] = []
    rest: list[str] = []
    for leaf in _positive_leaves(query):
        words = [leaf.text] if isinstance(leaf, wq.Term) else list(getattr(leaf, "words", ()))
        target = first if getattr(leaf, "fieldname", "") in ("title", "body") else rest
        for w in words:
            w = w.decode("utf-8") if isinstance(w, bytes) else str(w)
            if w not in first and w not in rest:
                target.append(w)
    return (first + rest)[:32]


def _or_filters(parts: list[str | None]) -> str | None:
    if not parts:
        return NOTHING
    if len(parts) == 1:
        return parts[0]
    return _or(*parts)

