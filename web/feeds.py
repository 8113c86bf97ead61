"""``/search.atom``: any search, with its filters, as an Atom feed (RFC 4287), newest first.

Entry ids are tag URIs (RFC 4151) built from the article id, so they survive reindexes
and full rebuilds: a feed reader never shows an article twice because the index changed.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone
from urllib.parse import quote, urlencode

from flask import Blueprint, make_response, render_template, request, url_for

from search.request import SearchRequest
from search.results import Hit

from .views import engine

bp = Blueprint("feeds", __name__)

FEED_SIZE = 50
# The date part of the tag URIs. It must never change, or every entry id changes.
TAG_DATE = "2026"


@dataclasses.dataclass(frozen=True)
class Entry:
    hit: Hit
    id: str
    updated: datetime  # publication time; undated articles carry the index's update time
    link: str


def tag_uri(authority: str, specific: str) -> str:
    return f"tag:{authority},{TAG_DATE}:{specific}"


def feed_request(args, config) -> SearchRequest:
    """The search of ``args``, newest first, first page, ``FEED_SIZE`` entries unless asked."""
    search_request = SearchRequest.from_args(args, config)
    per_page = search_request.per_page if args.get("per_page") else FEED_SIZE
    return search_request.replace(sort="newest", page=1, per_page=per_page)


def feed_title(req: SearchRequest) -> str:
    parts = [f"“{req.q}”" if req.q else "all articles"]
    for key, values in req.filters.items():
        parts.append(f"{key}: {', '.join(values)}")
    if req.date_from or req.date_to:
        parts.append(f"{req.date_from or '…'} to {req.date_to or '…'}")
    return "artsearch: " + "; ".join(parts)


@bp.route("/search.atom")
def feed():
    req = feed_request(request.args, engine().config)
    result = engine().search(req)
    info = engine().info()
    indexed_at = _parse_time(info.get("updated_at")) or datetime.now(timezone.utc)
    authority = (request.host.split(":")[0] or "localhost").lower()
    args = req.to_args(sort="newest", page=1, per_page=req.default_per_page)
    # The default sort is left out of the args; the search page shows this search newest first.
    page_args = req.to_args(page=1, per_page=req.default_per_page)
    entries = [
        Entry(hit, tag_uri(authority, "article:" + quote(hit.id, safe="")), hit.published or indexed_at,
              url_for("artsearch.article", article_id=hit.id, slug=hit.slug, _external=True))
        for hit in result.hits
    ]
    updated = max((e.updated for e in entries), default=indexed_at)
    response = make_response(render_template(
        "feed.atom.xml", result=result, entries=entries, title=feed_title(req),
        feed_id=tag_uri(authority, "search?" + urlencode([(k, v) for k, v in args])),
        updated=updated, self_url=request.url,
        page_url=url_for("artsearch.search", fmt="html", _external=True) + ("?" + urlencode(page_args) if page_args else ""),
    ))
    response.mimetype = "application/atom+xml"
    return response


def _parse_time(text) -> datetime | None:
    try:
        value = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
