"""``/search.atom``: any search, with its filters, as an Atom feed (RFC 4287), newest first.

Entry ids are tag URIs (RFC 4151) built from a fixed authority and the article id, so they
survive reindexes and full rebuilds and do not depend on the host name the feed was read
under: a feed reader never shows an article twice. Links never come from the request's
Host header (a forged one would put its links into a cached feed): they are absolute under
``Config.base_url`` when it is set, else host-relative ("/article/…").
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone
from urllib.parse import quote, urlencode

from flask import Blueprint, make_response, render_template, request, url_for

from search.query import one_line
from search.request import SearchRequest
from search.results import Hit

from .views import engine

bp = Blueprint("feeds", __name__)

FEED_SIZE = 50
# The tag URIs' authority and date. They must never change, or every entry id changes.
TAG_AUTHORITY = "artsearch"
TAG_DATE = "2026"


@dataclasses.dataclass(frozen=True)
class Entry:
    hit: Hit
    id: str
    updated: datetime  # publication time; undated articles carry the index's update time
    link: str


def tag_uri(specific: str) -> str:
    return f"tag:{TAG_AUTHORITY},{TAG_DATE}:{specific}"


def public_url(path: str, config) -> str:
    """``path`` (host-relative, from ``url_for``) under the configured public base URL,
    or unchanged when none is configured."""
    return config.base_url + path if config.base_url else path


def feed_request(args, config) -> SearchRequest:
    """The search of ``args``, newest first, first page, ``FEED_SIZE`` entries unless asked."""
    search_request = SearchRequest.from_args(args, config)
    per_page = search_request.per_page if args.get("per_page") else FEED_SIZE
    return search_request.replace(sort="newest", page=1, per_page=per_page)


def feed_title(req: SearchRequest) -> str:
    # A title is one line: a pasted query's line breaks are spaces here.
    parts = [f"“{one_line(req.q)}”" if req.q else "all articles"]
    for key, values in req.filters.items():
        parts.append(f"{key}: {', '.join(values)}")
    if req.date_from or req.date_to:
        parts.append(f"{req.date_from or '…'} to {req.date_to or '…'}")
    return "artsearch: " + "; ".join(parts)


@bp.route("/search.atom")
def feed():
    config = engine().config
    req = feed_request(request.args, config)
    result = engine().search(req)
    info = engine().status()
    indexed_at = _parse_time(info.get("updated_at")) or datetime.now(timezone.utc)
    args = req.to_args(sort="newest", page=1, per_page=req.default_per_page)
    # The default sort is left out of the args; the search page shows this search newest first.
    page_args = req.to_args(page=1, per_page=req.default_per_page)
    entries = [
        Entry(hit, tag_uri("article:" + quote(hit.id, safe="")), hit.published or indexed_at,
              public_url(url_for("artsearch.article", article_id=hit.id, slug=hit.slug), config))
        for hit in result.hits
    ]
    updated = max((e.updated for e in entries), default=indexed_at)
    response = make_response(render_template(
        "feed.atom.xml", result=result, entries=entries, title=feed_title(req),
        feed_id=tag_uri("search?" + urlencode([(k, v) for k, v in args])),
        updated=updated,
        self_url=public_url(url_for("feeds.feed") + _query(request.query_string.decode("utf-8", "replace")), config),
        page_url=public_url(url_for("artsearch.search", fmt="html") + _query(urlencode(page_args)), config),
    ))
    response.mimetype = "application/atom+xml"
    return response


def _query(text: str) -> str:
    return "?" + text if text else ""


def _parse_time(text) -> datetime | None:
    try:
        value = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
