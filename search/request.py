"""``SearchRequest``: one immutable object for everything a search URL can say."""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime, time, timezone

from index.config import Config
from index.errors import InvalidFilterError

from .query import tidy_query_text

SORTS = ("relevance", "newest", "oldest")
FILTER_KEYS = ("author", "outlet", "year", "language")
CLUSTER_ID = re.compile(r"c[0-9a-f]{12}")


@dataclasses.dataclass(frozen=True)
class SearchRequest:
    q: str = ""
    author: tuple[str, ...] = ()
    outlet: tuple[str, ...] = ()
    year: tuple[str, ...] = ()
    language: tuple[str, ...] = ()  # ISO 639-1 codes
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10
    # Values to leave out (URL ``-author=…``, ``-outlet=…``, ``-year=…``).
    not_author: tuple[str, ...] = ()
    not_outlet: tuple[str, ...] = ()
    not_year: tuple[str, ...] = ()
    not_language: tuple[str, ...] = ()
    q_cut: bool = dataclasses.field(default=False, compare=False)  # q was longer than the limit
    # The configured page size: links leave per_page out only when it equals this one.
    default_per_page: int = dataclasses.field(default=10, compare=False)
    cluster: str = ""  # only the copies of one story (index/clusters.py)
    collapse: bool = True  # one hit per story; collapse=0 lists every copy

    @classmethod
    def from_args(cls, args, config: Config | None = None) -> SearchRequest:
        """Build a request from URL/CLI arguments (a MultiDict or a plain dict).

        Raise ``InvalidFilterError`` with a message a user can act on when a value is
        unusable: a malformed date, a page that is not a positive number, an unknown sort.
        """
        config = config or Config()
        getlist = args.getlist if hasattr(args, "getlist") else (
            lambda key: [v for v in (args.get(key) if isinstance(args.get(key), (list, tuple)) else [args.get(key)]) if v is not None]
        )

        def first(key: str) -> str:
            values = getlist(key)
            return str(values[0]).strip() if values else ""

        # Line breaks are kept: a word hyphenated at one ("infor-\nmation") is one word.
        q = tidy_query_text(first("q"))
        q_cut = len(q) > config.max_query_chars
        q = cut_query(q, config.max_query_chars)
        filters = {key: _distinct(v for v in getlist(key)) for key in FILTER_KEYS}
        filters.update({"not_" + key: _distinct(v for v in getlist("-" + key)) for key in FILTER_KEYS})
        given = sum(len(values) for values in filters.values())
        if given > config.max_filter_values:
            raise InvalidFilterError(
                f"At most {config.max_filter_values:,} author, outlet, year and language values can be combined "
                f"in one search (the limit); this one has {given:,}."
            )
        for year in filters["year"] + filters["not_year"]:
            if not (year.isdigit() and len(year) == 4):
                raise InvalidFilterError(f"year must be four digits, got {year!r}")
        date_from = _parse_day(first("from"), "from")
        date_to = _parse_day(first("to"), "to")
        if date_from and date_to and date_from > date_to:
            raise InvalidFilterError(f"'from' ({date_from}) is after 'to' ({date_to})")
        sort = first("sort") or ("relevance" if q else "newest")
        if sort not in SORTS:
            raise InvalidFilterError(f"sort must be one of {', '.join(SORTS)}; got {sort!r}")
        page = _parse_int(first("page"), "page", 1, 1, 10_000)
        per_page = _parse_int(first("per_page"), "per_page", config.page_size, 1, config.max_page_size)
        cluster = first("cluster")
        if cluster and not CLUSTER_ID.fullmatch(cluster):
            raise InvalidFilterError(f"cluster must be a cluster id such as c0123456789ab; got {cluster[:40]!r}")
        collapse = first("collapse")
        if collapse not in ("", "0", "1"):
            raise InvalidFilterError(f"collapse must be 0 (every copy) or 1 (one hit per story); got {collapse[:40]!r}")
        return cls(q=q, q_cut=q_cut, date_from=date_from, date_to=date_to, sort=sort, page=page,
                   per_page=per_page, default_per_page=config.page_size, cluster=cluster,
                   collapse=collapse != "0", **filters)

    @property
    def default_sort(self) -> str:
        """Relevance when there are words to rank by; newest first when browsing."""
        return _default_sort(self.q)

    @property
    def sort_is_default(self) -> bool:
        return self.sort == self.default_sort

    @property
    def filters(self) -> dict[str, tuple[str, ...]]:
        return {key: getattr(self, key) for key in FILTER_KEYS if getattr(self, key)}

    @property
    def exclusions(self) -> dict[str, tuple[str, ...]]:
        """Facet values to leave out, by facet key."""
        return {key: getattr(self, "not_" + key) for key in FILTER_KEYS if getattr(self, "not_" + key)}

    def exclude(self, key: str, value: str) -> SearchRequest:
        """Return the request leaving ``value`` of ``key`` out (no longer selecting it), page 1;
        or, when it is already left out, no longer leaving it out."""
        return self.replace(**self.exclude_changes(key, value))

    def exclude_changes(self, key: str, value: str) -> dict:
        """The field values ``exclude(key, value)`` changes (for ``to_args``)."""
        name = "not_" + key
        values = getattr(self, name)
        if value in values:
            return {name: tuple(v for v in values if v != value), "page": 1}
        return {name: values + (value,), key: tuple(v for v in getattr(self, key) if v != value), "page": 1}

    @property
    def collapsing(self) -> bool:
        """Fold copies into one hit: asked for, and not listing one cluster's copies."""
        return self.collapse and not self.cluster

    @property
    def start(self) -> datetime | None:
        return datetime.combine(self.date_from, time.min, timezone.utc) if self.date_from else None

    @property
    def end(self) -> datetime | None:
        """The last microsecond of ``date_to``: the range is inclusive of that day."""
        return datetime.combine(self.date_to, time.max, timezone.utc) if self.date_to else None

    def replace(self, **changes) -> SearchRequest:
        return dataclasses.replace(self, **changes)

    def toggle(self, key: str, value: str) -> SearchRequest:
        """Return the request with ``value`` added to or removed from filter ``key``, page 1."""
        return self.replace(**self.toggle_changes(key, value))

    def toggle_changes(self, key: str, value: str) -> dict:
        """The field values ``toggle(key, value)`` changes (for ``to_args``)."""
        values = getattr(self, key)
        new = tuple(v for v in values if v != value) if value in values else values + (value,)
        kept_out = tuple(v for v in getattr(self, "not_" + key) if v != value)
        return {key: new, "not_" + key: kept_out, "page": 1}

    def to_args(self, **overrides) -> list[tuple[str, str]]:
        """Return the query-string pairs for this request with ``overrides`` (field values,
        as for ``replace``) applied; defaults are left out.

        The overrides are read in place of the fields, with no new request built: a search
        page has a hundred links (tests/test_request.py holds this to
        ``replace(**overrides).to_args()``).
        """
        if overrides.keys() - _FIELD_NAMES:
            raise TypeError(f"not SearchRequest fields: {', '.join(sorted(overrides.keys() - _FIELD_NAMES))}")
        req = {**self.__dict__, **overrides} if overrides else self.__dict__
        pairs: list[tuple[str, str]] = []
        q = req["q"]
        if q:
            pairs.append(("q", q))
        for key in FILTER_KEYS:
            pairs.extend((key, v) for v in req[key])
        for key in FILTER_KEYS:
            pairs.extend(("-" + key, v) for v in req["not_" + key])
        if req["date_from"]:
            pairs.append(("from", req["date_from"].isoformat()))
        if req["date_to"]:
            pairs.append(("to", req["date_to"].isoformat()))
        if req["cluster"]:
            pairs.append(("cluster", req["cluster"]))
        if not req["collapse"]:
            pairs.append(("collapse", "0"))
        if req["sort"] != _default_sort(q):
            pairs.append(("sort", req["sort"]))
        if req["page"] != 1:
            pairs.append(("page", str(req["page"])))
        if req["per_page"] != req["default_per_page"]:
            pairs.append(("per_page", str(req["per_page"])))
        return pairs

    def to_dict(self) -> dict:
        return {
            "q": self.q,
            "author": list(self.author),
            "outlet": list(self.outlet),
            "year": list(self.year),
            "language": list(self.language),
            "exclude": {key: list(getattr(self, "not_" + key)) for key in FILTER_KEYS},
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "sort": self.sort,
            "page": self.page,
            "per_page": self.per_page,
            "cluster": self.cluster or None,
            "collapse": self.collapse,
        }


_FIELD_NAMES = frozenset(f.name for f in dataclasses.fields(SearchRequest))
MAX_FACET_LIMIT = 1000
MAX_PREFIX_CHARS = 100


def facet_list_args(args, default_limit: int = 100) -> tuple[str, int]:
    """Return ``(prefix, limit)`` for a facet's value list; ``limit`` is 1 to ``MAX_FACET_LIMIT``."""
    prefix = " ".join(str(args.get("prefix") or "").split())[:MAX_PREFIX_CHARS]
    limit = _parse_int(str(args.get("limit") or "").strip(), "limit", default_limit, 1, MAX_FACET_LIMIT)
    return prefix, limit


def cut_query(q: str, limit: int) -> str:
    """``q`` cut to at most ``limit`` characters at a word boundary: a word cut in two
    would be searched as another word ("trial" as "tria"). A query of one word longer than
    the limit is cut at the limit (there is no boundary to cut at)."""
    if len(q) <= limit:
        return q
    if q[limit].isspace():
        return q[:limit].rstrip()
    boundary = re.search(r"\s+\S*\Z", q[:limit])
    if boundary is None or not q[:boundary.start()].strip():
        return q[:limit]
    return q[:boundary.start()]


def cut_note(q: str, limit: int) -> str:
    """The note on a query that ``cut_query`` cut to ``q``."""
    last = q.split()[-1] if q.split() else q
    last = last if len(last) <= 40 else "…" + last[-39:]
    return (f"The query is longer than the limit of {limit:,} characters: it was cut after "
            f"the whole word '{last}' ({len(q):,} characters); the words after it were not searched.")


def _default_sort(q: str) -> str:
    return "relevance" if q else "newest"


def _distinct(values) -> tuple[str, ...]:
    out: dict[str, None] = {}
    for v in values:
        v = " ".join(str(v).split())
        if v:
            out.setdefault(v)
    return tuple(out)


def _parse_day(text: str, name: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidFilterError(f"'{name}' must be a date as YYYY-MM-DD; got {text[:40]!r}") from None


def _parse_int(text: str, name: str, default: int, low: int, high: int) -> int:
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise InvalidFilterError(f"'{name}' must be a whole number; got {text[:40]!r}") from None
    if not low <= value <= high:
        raise InvalidFilterError(f"'{name}' must be between {low} and {high}; got {value}")
    return value
