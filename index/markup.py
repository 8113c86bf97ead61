"""HTML to text, the one place the write path uses bleach (kept behind ``strip_html``)."""

from __future__ import annotations

import html
import re

import bleach

_LOOKS_LIKE_HTML = re.compile(r"<[a-zA-Z/!]|&[#a-zA-Z0-9]+;")
_DROP_WITH_CONTENT = re.compile(r"<(script|style|noscript|template|iframe)\b.*?(?:</\1\s*>|$)", re.I | re.S)
_LINE_BREAK = re.compile(r"<\s*br\s*/?\s*>", re.I)
_BLOCK_TAG = re.compile(r"<\s*/?\s*(?:p|div|br|h[1-6]|li|ul|ol|tr|table|blockquote|section|article|header|footer|pre|hr)\b[^>]*>", re.I)


def strip_html(text: str) -> str:
    """Return the visible text of an HTML fragment: tags removed, entities decoded.

    Scripts and styles are dropped with their content; block elements become paragraph
    breaks. Plain text passes through untouched apart from entity decoding.
    """
    if not _LOOKS_LIKE_HTML.search(text):
        return text
    text = _DROP_WITH_CONTENT.sub(" ", text)
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    if _BLOCK_TAG.search(text):
        # Real markup: line breaks in the source are just spaces, as a browser shows
        # them; paragraphs come from the block tags. (Plain text with a stray inline
        # tag keeps its own line breaks.)
        text = re.sub(r"\s+", " ", text)
    text = _LINE_BREAK.sub("\n", text)
    text = _BLOCK_TAG.sub("\n\n", text)
    cleaned = bleach.clean(text, tags=set(), attributes={}, strip=True, strip_comments=True)
    return html.unescape(cleaned)
