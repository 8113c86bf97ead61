"""URL converter for article ids: every id round-trips through a path segment.

Ids come from the corpus and may hold anything. A ``/`` splits the path, ``%2F`` is
decoded by the WSGI server before routing, and browsers resolve ``.``/``..`` segments,
so such ids cannot travel as they are. Ids made only of letters, digits, ``.``, ``_``
and ``-`` (and not ``.``/``..``) appear unchanged, so common URLs stay readable;
every other id is written as ``~`` plus its UTF-8 in unpadded URL-safe base64.
"""

from __future__ import annotations

import base64
import binascii
import re

from werkzeug.routing import BaseConverter

_PLAIN = re.compile(r"[A-Za-z0-9._-]+")
MARK = "~"


def encode_id(article_id: str) -> str:
    if _PLAIN.fullmatch(article_id) and article_id not in (".", ".."):
        return article_id
    return MARK + base64.urlsafe_b64encode(article_id.encode("utf-8")).decode("ascii").rstrip("=")


def decode_id(segment: str) -> str:
    if not segment.startswith(MARK):
        return segment
    data = segment[len(MARK):]
    try:
        decoded = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)).decode("utf-8")
    except (binascii.Error, ValueError):
        return segment
    # base64 skips characters outside its alphabet ("~!!!" would be the id ""): a segment
    # that is not exactly an encoded id (or not base64 at all) is the id as given, so the
    # 404 quotes what was asked for.
    return decoded if encode_id(decoded) == segment else segment


class ArticleIdConverter(BaseConverter):
    """``<article_id:name>`` in a route: one path segment, decoded with ``decode_id``."""

    def to_python(self, value: str) -> str:
        return decode_id(value)

    def to_url(self, value: str) -> str:
        return encode_id(value)
