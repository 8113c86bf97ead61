"""Split and clean author bylines so that one person is one facet value.

Real crawls put many things in the author field that are not people: "Min Read",
"Staff Writer", section names, CSS class names, URLs, biography fragments, company
names on press releases. The rules below remove them. The configurable part is the
stoplist: ``DEFAULT_STOPLIST`` holds whole values to drop and ``NON_NAME_WORDS`` words
that never occur in a person's name ("news", "university", "pharmaceuticals"). Extend
both with ``artsearch reindex --author-stoplist FILE`` (see ``read_stoplist``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Set

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

# Words that mark a value as an organisation, section, role or sentence rather than a
# person. Trailing ones are cut ("Jane Doe Associated Press" -> "Jane Doe"); anywhere
# else they drop the value ("For The Inquirer", "Columbia University").
NON_NAME_WORDS = frozenset(
    """
    the for of in on with at from is was has are as about to covering reporting wrote
    covered writes where she he her his this that
    news newsroom health healthday webmd reuters associated press media magazine desk
    staff team editorial editors editor reporter reporters writer writers correspondent
    columnist contributor contributors producer critic chief senior national foreign
    international medical medicine wire guidelines copyright sections section navigation
    menu subscribe newsletter updated published photo photos video image images getty
    university college institute center centre hospital foundation association society
    academy department school council agency administration ministry consortium clinic
    inc ltd plc llc corp corporation company group holdings pharmaceuticals pharma
    therapeutics biosciences sciences biosystems systems technologies technology labs
    laboratories network channel radio tv online digital blog today times tribune
    chronicle globe gazette herald journal enquirer inquirer oregonian sentinel republic
    bureau cnn abc nbc cbs bbc msnbc npr usa buzzfeed huffpost
    policy treatments issues initiatives diet nutrition fitness wellness well
    entertainment lifestyle culture showbusiness celebrity weekly story trending found
    view all read more posts authored articles covers like particularly
    """.split()
)

# CSS that a crawler took for a byline: "Display Inline", "Border-Radius Box-Shadow
# Rgba", ".Wp-Block-Co-Authors-Plus-Avatar". Checked on each hyphen-separated part.
CSS_WORDS = frozenset(
    """
    wp block display inline none solid rgba rgb border radius box shadow margin padding
    width max min height auto px em div span font color decoration text flex align
    """.split()
)

# Words cut from the end of a name: bylines often run on into the outlet or role
# ("Jane Doe Associated Press", "Susannah Palk For Cnn", "Marilynn Marchione Ap").
TRAILING_WORDS = frozenset(
    """
    associated press reuters ap afp cnn staff writer reporter editor correspondent
    contributor columnist for the health news healthday webmd special to senior medical
    """.split()
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
_PARENTHESES = re.compile(r"\s*[(\[][^)\]]*[)\]]")
_HONORIFIC = re.compile(r"^(?:dr|prof|professor|mr|mrs|ms|mx|sir|dame|rev)\.?\s+", re.I)
_CREDENTIAL = re.compile(r"(?:\s*,?\s+(?:md|m\.d\.|phd|ph\.d\.|mph|rn|dds|msc|mba))+$", re.I)
# A word ending in a full stop that is not an initial ("A.") or a known abbreviation is
# the end of a sentence: "Area. She", "Msnbc. Ellis".
_ABBREVIATIONS = {"jr.", "sr.", "st.", "ste."}


def read_stoplist(text: str) -> tuple[frozenset, frozenset]:
    """Parse a stoplist file: return (whole values to drop, words to drop).

    One entry per line; ``#`` starts a comment. A line is a whole value to drop
    ("Inquirer Staff Writer"); a line starting with ``~`` is a word ("~inquirer") that
    drops every value containing it.
    """
    names: set[str] = set()
    words: set[str] = set()
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("~"):
            words.update(w.lstrip("~").casefold() for w in line[1:].split())
        elif line:
            names.add(" ".join(line.split()).casefold())
    return frozenset(names), frozenset(words)


def normalise_authors(value, stoplist: Iterable[str] = DEFAULT_STOPLIST,
                      stopwords: Iterable[str] = NON_NAME_WORDS) -> tuple[str, ...]:
    """Return the distinct, cleaned author names found in ``value`` (a string or a list)."""
    stop = stoplist if isinstance(stoplist, (set, frozenset)) else frozenset(s.casefold() for s in stoplist)
    words = stopwords if isinstance(stopwords, (set, frozenset)) else frozenset(w.casefold() for w in stopwords)
    if value is None:
        return ()
    parts: list[str] = []
    items = value if isinstance(value, (list, tuple)) else [value]
    for item in items:
        if isinstance(item, dict):  # {"name": "Jane Doe", "url": ...} from JSON-LD crawls
            item = item.get("name") or ""
        if item is None:
            continue
        parts.extend(_SPLIT.split(str(item)))
    names: list[str] = []
    seen = set()
    for part in parts:
        name = normalise_name(part, stop, words)
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return tuple(names)


def normalise_name(text: str, stoplist: Set[str] = DEFAULT_STOPLIST,
                   stopwords: Set[str] = NON_NAME_WORDS) -> str:
    """Return one cleaned person name, or ``""`` when ``text`` is not a plausible name."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _EMAIL.sub(" ", text)
    text = _PARENTHESES.sub(" ", text)
    text = " ".join(text.split()).strip(" .,;:-–—|\"'()[]")
    text = _BY.sub("", text)
    text = _BIO.sub("", text)
    text = _ROLE_SUFFIX.sub("", text)
    text = text.strip(" .,;:-–—|\"'()[]")
    if not text or text.casefold() in stoplist:
        return ""
    text = _HONORIFIC.sub("", text)
    text = _CREDENTIAL.sub("", text).strip(" ,")
    lowered = text.lower()
    if "http" in lowered or "www" in lowered or "/" in text or re.search(r"\.(com|org|net|co|html?)\b", lowered):
        return ""
    words = text.split()
    # "Jane Doe Associated Press", "Susannah Palk For Cnn": cut trailing non-name words.
    while len(words) > 2 and words[-1].casefold().strip(".") in TRAILING_WORDS:
        words.pop()
    # One word is a section, outlet or role far more often than a person; five or more
    # words are a biography fragment.
    if not 2 <= len(words) <= 4:
        return ""
    if not all(_NAME_WORD.match(w) for w in words):
        return ""
    if any(w.casefold().strip(".") in stopwords for w in words):
        return ""
    if any(w.endswith(".") and len(w) > 2 and w.casefold() not in _ABBREVIATIONS for w in words[:-1]):
        return ""
    if any(part in CSS_WORDS for w in words for part in w.casefold().split("-")):
        return ""
    # "Andrew M Seaman" and "Andrew M. Seaman" are one person.
    words = [w + "." if len(w) == 1 and w.isalpha() and i < len(words) - 1 else w for i, w in enumerate(words)]
    text = " ".join(words)
    if text.casefold() in stoplist:
        return ""
    if text.isupper() or text.islower():
        text = " ".join(_capitalise(w) for w in words)
    return text


def _capitalise(word: str) -> str:
    return "-".join(p[:1].upper() + p[1:].lower() for p in word.split("-"))
