"""Split and clean author bylines so that one person is one facet value.

Real crawls put many things in the author field that are not people: "Min Read",
"Staff Writer", section names, CSS class names, URLs, biography fragments. The rules
below remove them; ``DEFAULT_STOPLIST`` is the configurable part (extend it with
``artsearch reindex --author-stoplist FILE``, one name per line).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

DEFAULT_STOPLIST = frozenset(
    s.casefold()
    for s in (
        "Min Read", "Staff Writer", "Staff Reporter", "Staff", "Editor", "Editors",
        "Reuters Editorial", "Reuters", "Associated Press", "AP", "The Associated Press",
        "AFP", "Agence France-Presse", "Bloomberg", "Press Release", "Contributor",
        "Guest Contributor", "Correspondent", "News Desk", "Web Desk", "Wire Services",
        "Healthday Reporter", "Healthday", "Dailymail.Com Reporter", "Daily Mail Reporter",
        "People Editorial Guidelines", "Associated Press Writer", "Special To",
        "Science", "Health", "Nutrition", "Obesity", "Politics", "Entertainment",
        "Opinion", "News", "Lifestyle", "Celebrity", "Tv", "Movies", "Music",
        "Https", "Http", "Facebook", "Twitter", "Instagram", "Getty Images",
        "Height Auto Max-Width", "Max-Width", "Height Auto", "Admin", "Administrator",
        "Anonymous", "Unknown", "Guest", "Author", "By",
    )
)

_SPLIT = re.compile(r"\s*(?:;|\||\n|&|\band\b|\bund\b|\bet\b|\by\b|,)\s*", re.I)
_BY = re.compile(r"^(?:by|written by|posted by|von|par|por)\s*[:\-]?\s+", re.I)
_EMAIL = re.compile(r"\S+@\S+\.\w+")
# "Jane Doe Is A Health Reporter ..." or "Jane Doe Has Covered ...": keep the name only.
_BIO = re.compile(r"\s+(?:is|was|has|covers|writes|reports)\s+.*$", re.I)
_ROLE_SUFFIX = re.compile(
    r"\s*[-–—,(]\s*(?:staff|senior|chief|contributing|special|health|science|political|"
    r"white house|national|reporter|writer|editor|correspondent|columnist|for)\b.*$",
    re.I,
)
_NAME_WORD = re.compile(r"^[^\W\d_][\w'’.\-]*$")


def normalise_authors(value, stoplist: Iterable[str] = DEFAULT_STOPLIST) -> tuple[str, ...]:
    """Return the distinct, cleaned author names found in ``value`` (a string or a list)."""
    stop = stoplist if isinstance(stoplist, (set, frozenset)) else frozenset(s.casefold() for s in stoplist)
    if value is None:
        return ()
    parts: list[str] = []
    items = value if isinstance(value, (list, tuple)) else [value]
    for item in items:
        if item is None:
            continue
        parts.extend(_SPLIT.split(str(item)))
    names: list[str] = []
    seen = set()
    for part in parts:
        name = normalise_name(part, stop)
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return tuple(names)


def normalise_name(text: str, stoplist: frozenset = DEFAULT_STOPLIST) -> str:
    """Return one cleaned person name, or ``""`` when ``text`` is not a plausible name."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _EMAIL.sub(" ", text)
    text = " ".join(text.split()).strip(" .,;:-–—|\"'()[]")
    text = _BY.sub("", text)
    text = _BIO.sub("", text)
    text = _ROLE_SUFFIX.sub("", text)
    text = text.strip(" .,;:-–—|\"'()[]")
    if not text or text.casefold() in stoplist:
        return ""
    lowered = text.lower()
    if "http" in lowered or "www" in lowered or "/" in text or re.search(r"\.(com|org|net|co|html?)\b", lowered):
        return ""
    words = text.split()
    # One word is a section, outlet or role far more often than a person; five or more
    # words are a biography fragment.
    if not 2 <= len(words) <= 4:
        return ""
    if not all(_NAME_WORD.match(w) for w in words):
        return ""
    if any(w.casefold() in {"wp-block", "auto", "max-width", "px", "div", "span"} for w in words):
        return ""
    if text.isupper() or text.islower():
        text = " ".join(_capitalise(w) for w in words)
    return text


def _capitalise(word: str) -> str:
    return "-".join(p[:1].upper() + p[1:].lower() for p in word.split("-"))
