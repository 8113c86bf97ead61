"""Exports of every match (CSV and JSON Lines) that say where they came from.

An export never holds its rows in memory: the engine yields matching document numbers
in order (``SearchEngine.iter_docs``) and each article's stored fields are read only when
its line is written, so 100k rows cost what one row costs (plus the set of matching
document numbers the search page holds anyway).

Every export records the query, the filters, the sort, the index build and the export
time: JSON Lines in its first record (``{"export": {...}}``), CSV in constant
``export_*`` columns on every row (see docs/decisions.md for why not a header block).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from itertools import islice
from urllib.parse import urlencode

from index.clusters import stored_bound

from .deadline import Deadline
from .engine import SearchEngine
from .request import SearchRequest
from .teasers import plain_teaser

FORMATS = ("csv", "jsonl")
# ``date_kind``: where ``published`` came from (stated, body, bound, none; index/normalise.py).
# ``published_before``: for date_kind "bound" only, the upper bound (the archive snapshot).
ARTICLE_COLUMNS = ("id", "title", "authors", "outlet", "published", "published_before", "date_kind", "url",
                   "language", "teaser")
# With ``body=1`` (``--body``): the whole article text too, after the teaser.
BODY_COLUMN = "body"
META_COLUMNS = ("export_query", "export_filters", "export_sort", "export_index_build", "exported_at")
# Spreadsheets run a cell that starts with one of these as a formula ("=HYPERLINK(...)").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Lines are sent in batches: one write per row would make streaming 100k rows slow.
BATCH_ROWS = 200
# Excel reads a CSV as the local code page unless it starts with a UTF-8 byte-order mark.
CSV_BOM = "\ufeff"


@dataclasses.dataclass(frozen=True)
class ExportMeta:
    query: str
    filters: dict
    filters_text: str  # the filters as URL parameters: outlet=reuters.com&-year=2016&from=…
    sort: str
    index_build: str
    exported_at: str  # ISO 8601, UTC, seconds
    total: int
    page: int | None = None  # set when only one page was exported
    per_page: int | None = None
    notes: tuple[str, ...] = ()
    body: bool = False  # the rows carry the article text (``BODY_COLUMN``)

    @property
    def columns(self) -> tuple[str, ...]:
        return ARTICLE_COLUMNS + ((BODY_COLUMN,) if self.body else ())

    def to_dict(self) -> dict:
        data = {"query": self.query, "filters": self.filters, "sort": self.sort,
                "index_build": self.index_build, "exported_at": self.exported_at,
                "total": self.total}
        if self.page is not None:
            data.update(page=self.page, per_page=self.per_page)
        if self.notes:
            data["notes"] = list(self.notes)
        data["columns"] = list(self.columns)
        return data


@dataclasses.dataclass(frozen=True)
class Export:
    meta: ExportMeta
    rows: Iterator[dict]  # one dict per article (``meta.columns``), produced lazily


def export_matches(engine: SearchEngine, request: SearchRequest, *, every: bool = True,
                   deadline: Deadline | None = None, body: bool = False) -> Export:
    """Every match of ``request`` (or only its page when ``every`` is false), lazily.

    Each row has the article's teaser as the results page shows it, in plain text (the
    query's passages, marks dropped), and with ``body`` its whole text. Matching and
    ranking run within ``deadline`` (default: ``Config.timeout`` from now); the rows are
    read as they are written."""
    deadline = deadline or Deadline(engine.config.timeout)
    matches = engine.match(request, deadline)
    docs: Iterable[int] = engine.iter_docs(matches, request.sort, deadline)
    if not every:
        start = (request.page - 1) * request.per_page
        docs = islice(docs, start, start + request.per_page)
    meta = export_meta(request, index_build=matches.view.build, total=len(matches.docs), notes=matches.notes,
                       every=every, body=body)
    searcher = matches.searcher

    def row(doc: int) -> dict:
        fields = searcher.stored_fields(doc)
        return stored_row(fields, engine.teaser_parts(searcher, fields, matches.query), body)

    return Export(meta, (row(doc) for doc in docs))


def export_meta(request: SearchRequest, *, index_build: str, total: int, notes: tuple[str, ...], every: bool,
                body: bool) -> ExportMeta:
    """What an export of ``request`` says of itself (shared by every backend)."""
    request_dict = request.to_dict()
    filters = {k: request_dict[k] for k in ("author", "outlet", "year", "language", "exclude", "from", "to")}
    filters_text = urlencode([(k, v) for k, v in request.to_args() if k not in ("q", "sort", "page", "per_page")])
    page = per_page = None
    if not every:
        page, per_page = request.page, request.per_page
    return ExportMeta(
        query=request.q, filters=filters, filters_text=filters_text, sort=request.sort, index_build=index_build,
        exported_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        total=total, page=page, per_page=per_page, notes=notes, body=body,
    )


def stored_row(fields: dict, teaser_parts: tuple[str, ...], body: bool) -> dict:
    """One export row of an article's stored ``fields``: the teaser as the results page
    shows it, in plain text, and with ``body`` the whole text."""
    out = _row(fields)
    out["teaser"] = plain_teaser(" ".join(teaser_parts))
    if body:
        out[BODY_COLUMN] = fields.get("body", "")
    return out


def _row(fields: dict) -> dict:
    kind, bound = fields.get("date_kind") or "none", stored_bound(fields)
    published = fields.get("published")
    if isinstance(published, datetime):
        published = published.replace(tzinfo=timezone.utc).isoformat() if published.tzinfo is None else published.isoformat()
    return {
        "id": fields.get("id", ""),
        "title": fields.get("title", ""),
        "authors": list(fields.get("authors") or ()),
        "outlet": fields.get("outlet", ""),
        "published": published or None,
        "published_before": bound.isoformat() if kind == "bound" and bound else None,
        "date_kind": kind,
        "url": fields.get("url", ""),
        "language": fields.get("language", ""),
    }


def safe_cell(value) -> str:
    """A CSV cell a spreadsheet shows as text: a leading ``'`` defuses formula starts."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_lines(export: Export) -> Iterator[str]:
    """The export as CSV text in chunks: a header row, then one row per article."""
    meta = export.meta
    constant = [safe_cell(v) for v in (meta.query, meta.filters_text, meta.sort, meta.index_build,
                                       meta.exported_at)]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    columns = meta.columns
    writer.writerow(columns + META_COLUMNS)
    yield CSV_BOM + _take(buffer)
    for batch in _batches(export.rows):
        for row in batch:
            cells = [safe_cell("; ".join(row[c]) if c == "authors" else row[c]) for c in columns]
            writer.writerow(cells + constant)
        yield _take(buffer)


def jsonl_lines(export: Export) -> Iterator[str]:
    """The export as JSON Lines in chunks: ``{"export": meta}``, then one article per line."""
    yield json.dumps({"export": export.meta.to_dict()}, ensure_ascii=False) + "\n"
    for batch in _batches(export.rows):
        yield "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in batch)


def render(export: Export, fmt: str) -> Iterator[str]:
    return csv_lines(export) if fmt == "csv" else jsonl_lines(export)


def filename(export: Export, fmt: str) -> str:
    stamp = export.meta.exported_at.replace(":", "").replace("-", "").replace("+0000", "Z")
    return f"artsearch-{stamp}.{fmt}"


def _batches(rows: Iterator[dict]) -> Iterator[list[dict]]:
    while batch := list(islice(rows, BATCH_ROWS)):
        yield batch


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
