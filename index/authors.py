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
from email.utils import getaddresses

from nameparser import HumanName
from nameparser.config import CONSTANTS as NAME_CONSTANTS

from .markup import strip_html

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
    am pm et est edt cst cdt pst pdt gmt utc
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

# Separators between people. "and" in any case ("JANE DOE AND JOHN SMITH"); the Spanish,
# French and German ones only in lower case and between spaces, so the initials in
# "Robert Y. Chen" or "E. Jean Carroll" are never taken for a conjunction. Commas are
# handled apart (``_split_commas``): "Smith, John" is one person, "A, B and C" three.
_SPLIT = re.compile(r"\s*(?:;|\||\n|&|(?i:\band\b))\s*|\s+(?:y|et|und)\s+")
# A mail address with a display name: "jsmith@example.com (John Smith)" (old mail and
# Usenet archives) or "John Smith <jsmith@example.com>". The standard library parses both.
_MAILBOX = re.compile(r"<[^<>\s@]+@[^<>\s]+>|[^\s()<>@,;]+@[^\s()<>,;]+\s*\(")
_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
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


def _is_name_word(word: str) -> bool:
    """A word of a name: letters (with their combining marks, which ``\\w`` leaves out: Thai
    ใจดี, Hindi, Arabic with vowel signs), apostrophes, dots and hyphens."""
    return bool(_NAME_WORD.match("".join(c for c in word if unicodedata.category(c)[0] != "M")))
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
        parts.extend(split_byline(str(item), stop, words))
    names: list[str] = []
    seen = set()
    for part in parts:
        name = normalise_name(part, stop, words)
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return tuple(names)


def split_byline(text: str, stoplist: Set[str] = DEFAULT_STOPLIST,
                 stopwords: Set[str] = NON_NAME_WORDS) -> list[str]:
    """Split one byline into candidate names, in reading order.

    Mail addresses give their display name; HTML gives its text; "Last, First" is turned
    round ("COCHRANE, JAMES SHAPLEIGH" -> "JAMES SHAPLEIGH COCHRANE") by nameparser.
    """
    text = unicodedata.normalize("NFKC", text)
    if _MAILBOX.search(text):
        return [part for name, _ in getaddresses([text]) if name
                for part in split_byline(name, stoplist, stopwords)]
    text = strip_html(text)  # "<a href=...>John Smith</a>"
    parts: list[str] = []
    for chunk in _SPLIT.split(text):
        parts.extend(_split_commas(chunk, stoplist, stopwords))
    return parts


def _split_commas(chunk: str, stoplist: Set[str], stopwords: Set[str]) -> list[str]:
    pieces = [p.strip() for p in chunk.split(",")]
    suffix = ""
    if len(pieces) == 3 and pieces[2].casefold().strip(". ") in _NAME_SUFFIXES:
        suffix = pieces.pop()  # "MCNEIL, DONALD G., JR."
    if len(pieces) == 2 and _is_inverted(pieces[0], pieces[1], stoplist, stopwords):
        last = _BY.sub("", pieces[0])
        name = HumanName(f"{last}, {pieces[1]}" + (f", {suffix}" if suffix else ""))
        return [" ".join(p for p in (name.first, name.middle, name.last, name.suffix) if p)]
    return pieces + ([suffix] if suffix else [])


def _is_inverted(last: str, first: str, stoplist: Set[str], stopwords: Set[str]) -> bool:
    """Is "last, first" one person written surname first, rather than a list of two?

    Only a surname of one word (or a particle and a word: "van Beethoven") followed by
    one to three given names or initials counts: "Jane Doe, John Smith", "Jane Doe,
    Reuters" and "Jane Doe, PhD" stay lists.
    """
    last_words = _BY.sub("", last).split()
    first_words = first.split()
    if not 1 <= len(first_words) <= 3:
        return False
    if not (len(last_words) == 1 or (len(last_words) == 2 and last_words[0].casefold() in NAME_CONSTANTS.prefixes)):
        return False
    words = last_words + first_words
    if not all(_is_name_word(w) for w in words):
        return False
    if any(w.casefold().strip(".") in stopwords or w.casefold().strip(".") in TRAILING_WORDS for w in words):
        return False
    if last.casefold() in stoplist or first.casefold() in stoplist:
        return False
    return not _CREDENTIAL.match(" " + first)


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
    if not all(_is_name_word(w) for w in words):
        return ""
    if any(w.casefold().strip(".") in stopwords for w in words):
        return ""
    if any(w.endswith(".") and len(w) > 2 and w.casefold() not in _ABBREVIATIONS for w in words[:-1]):
        return ""
    if any(part in CSS_WORDS for w in words for part in w.casefold().split("-")):
        return ""
    # "Andrew M Seaman" and "Andrew M. Seaman" are one person.
    # Only a letter with case is an initial: 김 민수 and 王 小明 are a one-syllable surname.
    words = [w + "." if len(w) == 1 and w.isalpha() and w.lower() != w.upper() and i < len(words) - 1 else w
             for i, w in enumerate(words)]
    text = " ".join(words)
    if text.casefold() in stoplist:
        return ""
    if text.isupper() or text.islower():
        # "JANE DOE" / "jane doe": nameparser knows "McNeil", "O'Neil", "van".
        name = HumanName(text, string_format="{title} {first} {middle} {last} {suffix}")
        name.capitalize(force=True)
        text = " ".join(str(name).split())
    return text


# Sidebar names: page furniture ("More from our reporters", a staff box) that a crawler
# took for the byline puts the same few names on most of one outlet's articles. A name
# is reported when it is on at least SIDEBAR_MIN_ARTICLES articles and SIDEBAR_MIN_SHARE of
# an outlet's (of at least SIDEBAR_MIN_OUTLET), and another such name is on nearly the
# same articles (Jaccard >= SIDEBAR_SAME_SET): a reporter's byline has no fixed companion
# across unrelated stories; a sidebar's names move together. Reported, not dropped: the
# maintainer confirms them with --author-stoplist (docs/reindexing.md).
SIDEBAR_MIN_ARTICLES = 5
SIDEBAR_MIN_SHARE = 0.2
SIDEBAR_MIN_OUTLET = 10
SIDEBAR_SAME_SET = 0.9


class SidebarNames:
    """Collects (outlet, author) -> articles while a reindex reads, then reports sidebar names."""

    def __init__(self) -> None:
        self.articles: dict[str, int] = {}
        self.by_name: dict[str, dict[str, set[int]]] = {}

    def add(self, outlet: str, authors: Iterable[str]) -> None:
        number = self.articles.get(outlet, 0)
        self.articles[outlet] = number + 1
        names = self.by_name.setdefault(outlet, {})
        for name in authors:
            names.setdefault(name, set()).add(number)

    def report(self) -> list[dict]:
        """Suspected sidebar names, most articles first: outlet, name, articles, share, with."""
        found = []
        for outlet, names in self.by_name.items():
            total = self.articles[outlet]
            if total < SIDEBAR_MIN_OUTLET:
                continue
            candidates = {n: s for n, s in names.items()
                          if len(s) >= SIDEBAR_MIN_ARTICLES and len(s) >= SIDEBAR_MIN_SHARE * total}
            for name, docs in candidates.items():
                mates = sorted(other for other, theirs in candidates.items()
                               if other != name and len(docs & theirs) >= SIDEBAR_SAME_SET * len(docs | theirs))
                if mates:
                    found.append({"outlet": outlet, "name": name, "articles": len(docs), "outlet_articles": total,
                                  "share": round(len(docs) / total, 3), "with": mates[:5]})
        return sorted(found, key=lambda f: (-f["articles"], f["outlet"], f["name"]))
