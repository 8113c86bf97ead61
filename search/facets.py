"""Facet specifications and disjunctive facet counting.

Counts are computed from per-document value-id arrays written at commit (index/warm.py;
built from the facet fields' postings when a build has none), not by Whoosh's
``groupedby``: counting a result set is one gather and one ``numpy.bincount``.
Each facet is counted over the documents matching the query and every filter except
its own, so ticking a second outlet widens the result instead of emptying it.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections import Counter

import numpy as np

from index.warm import Columns, doc_array

from .request import SearchRequest
from .results import Facet, FacetList, FacetValue


@dataclasses.dataclass(frozen=True)
class FacetSpec:
    key: str  # URL filter key and JSON key
    field: str  # Whoosh field holding exact values
    title: str
    multi: bool = False  # several values per article
    sort_by: str = "count"  # "count" (desc, then label) or "value_desc" (years: newest first)


FACETS = (
    FacetSpec("outlet", "outlet_facet", "Outlet"),
    FacetSpec("author", "author_facet", "Author", multi=True),
    FacetSpec("year", "year", "Year", sort_by="value_desc"),
    # Values are ISO codes; each is shown by the language's own name (Русский, 中文).
    FacetSpec("language", "language", "Language"),
)
FACETS_BY_KEY = {spec.key: spec for spec in FACETS}


class FacetColumns:
    """For one reader: each facet's distinct values and each document's value ids.

    The arrays come from ``index/warm.py`` (mapped from the build, or built from the
    reader when the build has none for this generation): per single-valued facet one
    value id per document (-1: none), per multi-valued facet a CSR of value ids per
    document, and per facet each value's documents. Counting gathers the value ids of a
    result set and counts them with ``numpy.bincount``.
    """

    def __init__(self, columns: Columns, labels: dict[str, dict[str, str]] | None = None):
        # What a value is shown as, by facet key and value (languages: their own names).
        self.labels = labels or {}
        self.values: dict[str, list[str]] = {}
        self.value_ids: dict[str, dict[str, int]] = {}
        self.doc_values: dict[str, np.ndarray] = {}  # single-valued facets: value id per document
        self._multi: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # (offsets, value ids)
        self._postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # (offsets, documents)
        arrays = columns.arrays
        for spec in FACETS:
            values = list(columns.info["values"][spec.field])
            self.values[spec.key] = values
            self.value_ids[spec.key] = {v: i for i, v in enumerate(values)}
            self._postings[spec.key] = (arrays[f"{spec.field}.post_offsets"], arrays[f"{spec.field}.post_docs"])
            if spec.multi:
                self._multi[spec.key] = (arrays[f"{spec.field}.doc_offsets"], arrays[f"{spec.field}.doc_ids"])
            else:
                self.doc_values[spec.key] = arrays[f"{spec.field}.doc"]

    def docs_of(self, key: str, vid: int) -> list[int]:
        """The documents having value ``vid`` of facet ``key``."""
        offsets, docs = self._postings[key]
        return docs[offsets[vid]:offsets[vid + 1]].tolist()

    def docs_with(self, key: str, values) -> set[int]:
        """Documents having any of ``values`` in facet ``key`` (OR within one facet)."""
        ids = self.value_ids[key]
        out: set[int] = set()
        for value in values:
            vid = ids.get(value)
            if vid is not None:
                out.update(self.docs_of(key, vid))
        return out

    def count(self, key: str, docs) -> Counter:
        """How many of ``docs`` have each value id of facet ``key`` (ids with none left out)."""
        vids = self.value_ids_of(key, doc_array(docs))
        counts = np.bincount(vids[vids >= 0])
        present = np.flatnonzero(counts)
        return Counter(dict(zip(present.tolist(), counts[present].tolist(), strict=True)))

    def value_ids_of(self, key: str, docs: np.ndarray) -> np.ndarray:
        """The value ids of ``docs`` (an array of document numbers) in facet ``key``: one
        per document (-1: none), or every id of every document for a multi-valued facet."""
        if key not in self._multi:
            return self.doc_values[key][docs]
        offsets, ids = self._multi[key]
        starts = offsets[docs]
        lengths = offsets[docs + 1] - starts
        total = int(lengths.sum())
        if not total:
            return np.zeros(0, dtype=np.int32)
        # Positions starts[i] .. ends[i] - 1 for every document, concatenated: the
        # running index plus, per document, where its run starts less where it lands.
        lands = np.cumsum(lengths) - lengths
        return ids[np.arange(total) + np.repeat(starts - lands, lengths)]


def build_facets(columns: FacetColumns, counts_by_facet: dict[str, Counter], request: SearchRequest,
                 size: int) -> tuple[Facet, ...]:
    """Return the facets for ``request`` from each facet's value-id counts."""
    facets = []
    for spec in FACETS:
        counts = counts_by_facet[spec.key]
        names = columns.values[spec.key]
        pairs = [(names[vid], n) for vid, n in counts.items() if n > 0]
        if spec.sort_by == "value_desc":
            pairs.sort(key=lambda p: p[0], reverse=True)
        else:
            pairs.sort(key=_by_count)
        shown = pairs[:size]
        # Selected values stay visible (with their count) even when outside the top N.
        shown_names = {name for name, _ in shown}
        for name in getattr(request, spec.key):
            if name not in shown_names:
                shown.append((name, counts.get(columns.value_ids[spec.key].get(name, -2), 0)))
        values = tuple(_value(request, spec.key, name, n, columns.labels.get(spec.key)) for name, n in shown)
        facets.append(Facet(spec.key, spec.title, values, truncated=len(pairs) > size, total_values=len(pairs)))
    return tuple(facets)


def list_facet_values(columns: FacetColumns, counts: Counter, request: SearchRequest, key: str, prefix: str,
                      limit: int) -> FacetList:
    """Every value of facet ``key`` with a count, those matching ``prefix`` (see
    ``matches_prefix``), by count then value, the first ``limit`` of them."""
    names = columns.values[key]
    pairs = [(names[vid], n) for vid, n in counts.items() if n > 0 and matches_prefix(names[vid], prefix)]
    pairs.sort(key=_by_count)
    values = tuple(_value(request, key, name, n, columns.labels.get(key)) for name, n in pairs[:limit])
    return FacetList(request, key, FACETS_BY_KEY[key].title, prefix, limit, values, len(pairs))


def matches_prefix(value: str, prefix: str) -> bool:
    """Whether a word of ``value`` starts with ``prefix``, ignoring case and accents
    ("serd" and "arg" find "Serdar Argic"; "serdar a" does too)."""
    wanted = _fold(" ".join(prefix.split()))
    if not wanted:
        return True
    folded = _fold(value)
    return any(folded.startswith(wanted, m.start()) for m in _WORD_START.finditer(folded))


_WORD_START = re.compile(r"(?<!\w)\w")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _by_count(pair: tuple[str, int]):
    return (-pair[1], pair[0].casefold(), pair[0])


def _value(request: SearchRequest, key: str, name: str, count: int,
           labels: dict[str, str] | None = None) -> FacetValue:
    return FacetValue(
        value=name, label=(labels or {}).get(name, name), count=count, selected=name in getattr(request, key),
        toggle_args=tuple(request.to_args(**request.toggle_changes(key, name))),
        exclude_args=tuple(request.to_args(**request.exclude_changes(key, name))),
    )
