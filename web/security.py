"""Security headers on every response, and redirects that stay on this site.

The pages load their script and style from ``/static`` only, so the policy allows no
inline code at all; nothing is fetched from another origin, and no page may be framed.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from flask import Flask, Response, request

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
])

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # Article pages link out to the outlets; their URLs carry the reader's query, which
    # other sites have no business seeing.
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
}


def relative_location(url: str) -> str:
    """Return ``url`` as a path on this site: no scheme, no host, never ``//host``."""
    parts = urlsplit(url)
    return urlunsplit(("", "", "/" + parts.path.lstrip("/"), parts.query, ""))


def init_app(app: Flask) -> None:
    @app.after_request
    def add_security_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        # Werkzeug answers a merged slash (``/articles//x``) or a missing one with an
        # absolute URL built from the Host header: send the path alone instead.
        location = response.headers.get("Location")
        if location and urlsplit(location).netloc in {request.host, ""}:
            response.headers["Location"] = relative_location(location)
        return response
