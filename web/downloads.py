"""``/search.csv`` and ``/search.jsonl``: every match of a search, streamed.

The view only parses the request and hands ``search.export`` a generator to stream; the
rows are read from the index while the response is being sent.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, request, url_for

from index.errors import InvalidFilterError
from search.export import filename, render
from search.request import SearchRequest

from .views import deadline, engine

bp = Blueprint("exports", __name__)

MIMETYPES = {"csv": "text/csv", "jsonl": "application/x-ndjson"}


@bp.route("/search.csv", defaults={"fmt": "csv"})
@bp.route("/search.jsonl", defaults={"fmt": "jsonl"})
def export(fmt: str):
    search_request = SearchRequest.from_args(request.args, engine().config)
    body = request.args.get("body", "").strip()
    if body not in ("", "0", "1"):
        raise InvalidFilterError(f"body must be 1 (add each article's text) or 0; got {body[:40]!r}")
    result = engine().export(search_request, deadline=deadline(), body=body == "1")
    return Response(render(result, fmt), mimetype=MIMETYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="{filename(result, fmt)}"',
        "X-Total-Count": str(result.meta.total),
    })


def format_url(endpoint: str, req: SearchRequest, extra: tuple[tuple[str, str], ...] = (), **values) -> str:
    """The URL of ``req`` (without its page) under another format: an export or the feed;
    ``extra`` query-string pairs go last (``body=1``)."""
    args = req.to_args(page=1, per_page=req.default_per_page) + list(extra)
    return url_for(endpoint, **values) + ("?" + urlencode(args) if args else "")


@bp.app_context_processor
def template_helpers() -> dict:
    return {"format_url": format_url}
