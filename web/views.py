"""Thin views: parse the request, ask the engine, render HTML or JSON from one result."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from markupsafe import Markup, escape

from index.errors import InvalidFilterError
from search.backend import SearchBackend
from search.deadline import Deadline
from search.request import MAX_FACET_LIMIT, SearchRequest, cut_query, facet_list_args

bp = Blueprint("artsearch", __name__)
SIMILAR_COUNT = 5

SYNTAX_HELP = (
    ("vaccine flu", "articles with both words (any form: vaccines, vaccinated)"),
    ('"exact phrase"', "the words together, in order (curly quotes work too)"),
    ("flu OR influenza", "either word"),
    ("vaccine -autism", "leave out articles with a word (also NOT autism)"),
    ("vacc*", "words starting with vacc (three letters or more before *)"),
    ("title:cancer  author:reinberg  outlet:reuters.com", "search one field"),
    ("published:[2016-01-01 TO 2016-12-31]", "a date range"),
    ("year:2016  language:fr", "one year (as the Year filter) or one language"),
    ("Is it true that …?", "paste a sentence, question or quote as it is, line breaks and all: punctuation is "
     "never syntax (Enter searches, Shift+Enter adds a line)"),
)


def engine() -> SearchBackend:
    return current_app.extensions["artsearch"]


def deadline() -> Deadline:
    """This request's time budget; it also ends when waitress sees the client hang up
    (``waitress.client_disconnected``, present when ``channel_request_lookahead`` > 0)."""
    return Deadline(engine().config.timeout, abandoned=request.environ.get("waitress.client_disconnected"))


def search_url(args) -> str:
    """The search page with the query-string pairs ``args``."""
    return url_for("artsearch.search", fmt="html") + ("?" + urlencode(list(args)) if args else "")


class PageSearchUrls:
    """``search_url`` for the links of one page: the path is resolved once and each
    query-string pair encoded once (a results page repeats its q=…, author=… in a hundred
    facet and timeline links). Writes exactly what ``search_url`` writes."""

    def __init__(self) -> None:
        self.base: str | None = None
        self.encoded: dict[tuple, str] = {}

    def __call__(self, args) -> str:
        if self.base is None:
            self.base = url_for("artsearch.search", fmt="html")
        if not args:
            return self.base
        encoded = self.encoded
        parts = []
        for pair in args:
            part = encoded.get(pair)
            if part is None:
                part = encoded[pair] = urlencode((pair,))
            parts.append(part)
        return self.base + "?" + "&".join(parts)


def facet_url(name: str, args, **extra) -> str:
    """The "show all" page of facet ``name`` under the search ``args`` (page left out)."""
    pairs = [(k, v) for k, v in args if k != "page"] + [(k, str(v)) for k, v in extra.items() if v]
    return url_for("artsearch.facet", name=name, fmt="html") + ("?" + urlencode(pairs) if pairs else "")


_BREAK_AFTER = re.compile(r"(?<=[./@_-])(?=[^\s./@_-])")


@bp.app_template_filter("breakable")
def breakable(value: str) -> Markup:
    """Escape ``value`` and let long host names and handles wrap after their dots,
    slashes, @, _ and -, instead of at whatever letter reaches the edge."""
    return Markup("<wbr>").join(escape(part) for part in _BREAK_AFTER.split(str(value)))


@bp.app_context_processor
def template_helpers() -> dict:
    return {"search_url": PageSearchUrls(), "facet_url": facet_url}


@bp.route("/", defaults={"fmt": "html"})
@bp.route("/api/search", defaults={"fmt": "json"})
def search(fmt: str):
    try:
        search_request = SearchRequest.from_args(request.args, engine().config)
    except InvalidFilterError as e:
        if fmt == "json":
            raise
        # Keep the user on the search page with their words and the reason.
        q = " ".join(request.args.get("q", "").split())
        search_request = SearchRequest(q=cut_query(q, engine().config.max_query_chars), per_page=engine().config.page_size,
                                       default_per_page=engine().config.page_size)
        result = engine().search(search_request, deadline())
        return render_template("search.html", result=result, req=search_request, error=e.message,
                               help=SYNTAX_HELP), 400
    result = engine().search(search_request, deadline())
    if fmt == "json":
        data = result.to_dict()
        if result.past_end:
            data["notes"].append(result.past_end_note())
            data["last_page"] = last_page_links(search_request, result.pages)
        return jsonify(data)
    last_page = last_page_links(search_request, result.pages) if result.past_end else None
    return render_template("search.html", result=result, req=search_request, error=None, help=SYNTAX_HELP,
                           last_page=last_page)


def last_page_links(req: SearchRequest, pages: int) -> dict:
    """The last page of a search, as a page and as the JSON API, for a page past the end."""
    args = req.to_args(page=pages)
    query = "?" + urlencode(args) if args else ""
    return {"page": pages, "html": url_for("artsearch.search", fmt="html") + query,
            "json": url_for("artsearch.search", fmt="json") + query}


@bp.route("/facets/<name>", defaults={"fmt": "html"})
@bp.route("/api/facets/<name>", defaults={"fmt": "json"})
def facet(name: str, fmt: str):
    """All values of one facet under the current search, optionally those with a word
    starting with ``prefix``: "show all" and the search within a facet's values."""
    search_request = SearchRequest.from_args(request.args, engine().config)
    prefix, limit = facet_list_args(request.args)
    listing = engine().facet_values(search_request, name, prefix, limit, deadline())
    if fmt == "json":
        return jsonify(listing.to_dict())
    more = min(limit * 5, MAX_FACET_LIMIT) if listing.total_values > limit else None
    return render_template("facet.html", listing=listing, req=search_request, more=more)


@bp.route("/articles/<article_id:article_id>", defaults={"slug": None})
@bp.route("/articles/<article_id:article_id>/<slug>")
def article(article_id: str, slug: str | None):
    found = engine().article(article_id)
    # The query only marks words here, but it is cut like a search's (the limit holds on
    # every route): an uncut one made 188 KB redirects and 10 s pages.
    q = cut_query(request.args.get("q", ""), engine().config.max_query_chars)
    if slug != found.slug:
        values: dict[str, Any] = {"article_id": found.id, "slug": found.slug}
        if q:
            values["q"] = q
        return redirect(url_for("artsearch.article", **values), 301)
    body_html = engine().highlight_article(found, q)
    title_html = engine().highlight_title(found, q)
    return render_template("article.html", article=found, body_html=body_html, title_html=title_html, q=q,
                           copies=engine().copies(found.id), similar=engine().similar(found.id, SIMILAR_COUNT),
                           junk=engine().crawl_junk(found.id))


@bp.route("/api/articles/<article_id:article_id>")
def article_json(article_id: str):
    data = engine().article(article_id).to_dict()
    data["copies"] = [c.to_dict() for c in engine().copies(article_id)]
    data["crawl_junk"] = engine().crawl_junk(article_id)
    return jsonify(data)


@bp.route("/api/articles/<article_id:article_id>/similar")
def similar_json(article_id: str):
    hits = engine().similar(article_id, SIMILAR_COUNT)
    return jsonify({"id": article_id, "results": [h.to_dict() for h in hits]})


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page says: answer with the SVG icon."""
    return current_app.send_static_file("favicon.svg")


@bp.route("/api/status")
def status():
    return jsonify(engine().status())
