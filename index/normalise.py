"""Turn one raw corpus record (a dict) into an ``Article``.

Column names are mapped automatically (``FIELD_ALIASES``) and explicitly
(``NormaliseOptions.field_map``, from ``--map body=content``). Text is cleaned of HTML
(bleach, behind ``strip_html``), NFC-normalised and whitespace-normalised with paragraph
breaks kept. A record that cannot become an article raises ``SkipRecord`` with the reason.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import re
import unicodedata
from datetime import datetime, timedelta, timezone, tzinfo
from urllib.parse import urlsplit

from slugify import slugify

from .aliases import AliasTable, make_aliases
from .authors import DEFAULT_STOPLIST, NON_NAME_WORDS, normalise_authors
from .dates import DateError, find_dateline, is_date_only, parse_date
from .language import guess_language, language_name
from .markup import strip_html
from .models import Article

# Searched in order; the first non-empty value wins.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "uuid", "guid", "_id", "article_id", "doc_id"),
    "title": ("title", "headline", "heading", "name"),
    "authors": ("authors", "author", "byline", "creator", "writer", "by"),
    "outlet": ("outlet", "publication", "publisher", "source", "site", "site_name", "site_url", "domain", "newspaper"),
    "published": ("published", "date", "publish_date", "pubdate", "published_at", "publication_date", "datetime", "timestamp", "created_at"),
    "body": ("body", "text", "content", "article", "article_body", "full_text", "maintext"),
    "url": ("url", "link", "href", "canonical_link", "permalink", "uri"),
    "language": ("language", "lang", "locale"),
}

# Body text beyond this many bytes of UTF-8 is cut (and reported) so one pathological
# record cannot blow up memory, indexing time or page size.
MAX_BODY_BYTES = 2_000_000
MAX_TITLE_CHARS = 1_000
SLUG_MAX_LENGTH = 80

_ARCHIVE_TIME = re.compile(r"^(?:https?://)?(?:web\.)?archive\.org/web/(\d{8,14})", re.I)
# Local midnight crawled as 04:00Z/05:00Z can sit a few hours past a same-day snapshot.
ARCHIVE_SLACK = timedelta(days=1)
# A record's date this much later than the body's own dateline is a crawl or update
# time (FakeHealth's FDA releases carry the 2019 crawl), not the publication date.
DATELINE_SLACK = timedelta(days=2)
# What ``Article.date_kind`` can be, and why a record's own date was not used.
DATE_KINDS = ("stated", "body", "bound", "")
DATE_REASONS = {
    "after_snapshot": "dated after the page was archived",
    "after_dateline": "dated later than the body's own dateline",
    "unusable": "with an unusable date",
    "missing": "with no date",
}
# What became of an article's date, by kind, in the reindex report.
DATE_OUTCOMES = {"stated": "kept", "body": "dated from the body", "bound": "upper bound only", "": "undated"}
_ARCHIVE = re.compile(r"^(?:https?://)?(?:web\.)?archive\.org/web/[^/]*/(.*)$", re.I)
_HOST = re.compile(r"^[\w\-]+(?:\.[\w\-]+)+$")
_SPACES = re.compile(r"[^\S\n]+")
_BLANKS = re.compile(r"\n\s*\n\s*")
_INDENTED = re.compile(r"(?<=\S)\n[ \t]+(?=\S)")
# Control characters (but not tab/newline), zero-width spaces, bidi marks and BOMs. The
# zero-width non-joiner and joiner stay: Persian spells with the first (می‌دهد, not
# میدهد), Indic scripts and emoji sequences with both; the analyzers join words across them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2060\ufeff\ufff9-\ufffb]")
_LANGUAGE = re.compile(r"^([a-zA-Z]{2,3})(?:[-_][a-zA-Z]{2,4})?$")


class SkipRecord(ValueError):
    """The record cannot be indexed; the message is the reason shown in the report."""


@dataclasses.dataclass(frozen=True)
class NormaliseOptions:
    field_map: dict[str, str] = dataclasses.field(default_factory=dict)  # article field -> column
    default_tz: tzinfo = timezone.utc
    author_stoplist: frozenset = DEFAULT_STOPLIST
    author_stopwords: frozenset = NON_NAME_WORDS
    detect_language: bool = True
    # Name variants merged into one facet value (index/aliases.py); counts what it merged.
    aliases: AliasTable = dataclasses.field(default_factory=make_aliases)


DEFAULT_OPTIONS = NormaliseOptions()


def clean_text(text, *, paragraphs: bool = True) -> str:
    """Normalise a text field: HTML removed, NFC, whitespace collapsed, paragraphs kept."""
    if text is None:
        return ""
    if isinstance(text, (list, tuple)):
        text = "\n\n".join(str(t) for t in text if t)
    text = strip_html(str(text))
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\u200b", "")
    text = _CONTROL.sub("", text)
    if not paragraphs:
        return " ".join(text.split())
    text = _SPACES.sub(" ", text)
    # An indented line starts a paragraph (newswire, mail): the indent itself is
    # stripped below, so it is kept as a blank line; other single line breaks stay.
    text = _INDENTED.sub("\n\n", text)
    text = _BLANKS.sub("\n\n", text)
    return "\n".join(line.strip() for line in text.strip().split("\n"))


def archive_snapshot_time(url: str) -> datetime | None:
    """Return when a web.archive.org URL was captured (its 14-digit timestamp), in UTC."""
    match = _ARCHIVE_TIME.match(url or "")
    if not match:
        return None
    digits = match.group(1).ljust(14, "0")
    try:
        return datetime.strptime(digits, "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def outlet_from_url(url: str) -> str:
    """Return the host of ``url`` without ``www.``, port, or a web.archive.org wrapper."""
    if not url:
        return ""
    url = url.strip()
    match = _ARCHIVE.match(url)
    if match:
        url = match.group(1)
    if "://" not in url:
        url = "http://" + url
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    host = host.lower().rstrip(".")
    if not _HOST.match(host):
        return ""
    return host[4:] if host.startswith("www.") else host


def normalise_outlet(value, url: str = "") -> str:
    """Return the outlet name: the field's value (hosts cleaned like URLs), else the URL host."""
    text = clean_text(value, paragraphs=False) if value else ""
    if text:
        if re.match(r"^(?:https?://)?[\w\-.]+\.[a-z]{2,}(?:[:/].*)?$", text, re.I) and " " not in text:
            return outlet_from_url(text)
        return text
    return outlet_from_url(url)


def normalise_language(value) -> str:
    """Return the ISO 639 code of a ``language`` value, or "" when it names no language.

    Tags ("en-US", "fr_FR", "ZH_tw"), three-letter and retired codes ("eng", "deu", "iw")
    and names ("Portuguese", "Deutsch") give the shortest code ("en", "fr", "zh", "de",
    "he", "pt"), the one the analyzers and the facet know; "xx-YY" or "und" give "".
    """
    if not value or not isinstance(value, str):
        return ""
    return _language_code(value.strip())


@functools.lru_cache(maxsize=1024)
def _language_code(text: str) -> str:
    import langcodes
    try:
        tag = langcodes.Language.get(text.replace("_", "-"))
        if tag.is_valid() and tag.language not in (None, "und", "mul", "mis", "zxx"):
            return tag.language
    except ValueError:  # langcodes' LanguageTagError: not tag-shaped, perhaps a name
        pass
    if _LANGUAGE.match(text):
        return ""  # shaped like a code, but not one ("xx", "zz-QQ")
    try:
        return langcodes.find(text).language or ""
    except LookupError:
        return ""


def cut_text(text: str, max_bytes: int) -> str:
    """Return ``text`` cut to at most ``max_bytes`` of UTF-8, at a word boundary if one is near."""
    data = text.encode("utf-8")
    if len(data) <= max_bytes:
        return text
    cut = data[:max_bytes].decode("utf-8", errors="ignore")
    space = cut.rfind(" ", len(cut) - 200)
    return (cut[:space] if space > 0 else cut).rstrip()


def _byline_text(byline) -> str:
    """A byline as a reader wrote it: a list's names joined by "; ", never Python's list syntax."""
    if isinstance(byline, (list, tuple)):
        return "; ".join(_byline_text(item) for item in byline if item not in (None, ""))
    if isinstance(byline, dict):
        return str(byline.get("name") or "")
    return str(byline)


def _shorten(value, limit: int = 120) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def make_slug(title: str, article_id: str) -> str:
    slug = slugify(title or "", max_length=SLUG_MAX_LENGTH, word_boundary=True)
    return slug or slugify(article_id, max_length=SLUG_MAX_LENGTH) or "article"


def stable_id(data: dict, body: str, title: str, url: str) -> str:
    """Derive an id from the content, so the same record gets the same id on every run."""
    basis = url or f"{title}\n{body}"
    return hashlib.sha1(basis.encode("utf-8")).hexdigest()[:16]


def pick(data: dict, field: str, options: NormaliseOptions = DEFAULT_OPTIONS):
    """Return the raw value for an article field, honouring the explicit column map."""
    if field in options.field_map:
        return data.get(options.field_map[field])
    lowered = None
    for key in FIELD_ALIASES[field]:
        value = data.get(key)
        if value not in (None, "", []):
            return value
    lowered = {str(k).lower().strip(): v for k, v in data.items()}
    for key in FIELD_ALIASES[field]:
        value = lowered.get(key)
        if value not in (None, "", []):
            return value
    return None


def normalise(data: dict, options: NormaliseOptions = DEFAULT_OPTIONS, warnings: list[str] | None = None) -> Article:
    """Return the ``Article`` for a raw record; raise ``SkipRecord`` if it has neither
    a usable body nor a title.

    Problems that do not stop the record (an odd date, a cut body) are appended to
    ``warnings`` when a list is given.
    """
    warn = warnings.append if warnings is not None else (lambda message: None)
    raw_body = pick(data, "body", options)
    if isinstance(raw_body, dict):
        raise SkipRecord("body is a JSON object, not text")
    body = clean_text(raw_body)
    title = clean_text(pick(data, "title", options), paragraphs=False)[:MAX_TITLE_CHARS]
    if not body:
        # A mapped body column the record lacks is a mapping mistake, not a headline.
        if "body" in options.field_map and options.field_map["body"] not in data:
            raise SkipRecord(f"no body text (no column {options.field_map['body']!r})")
        # A headline with no text (a wire flash, a catalogue entry) is still an article:
        # it is indexed by its title (and counted as title-only in the report).
        if not title:
            raise SkipRecord("no title or body text")
    size = len(body.encode("utf-8"))
    if size > MAX_BODY_BYTES:
        body = cut_text(body, MAX_BODY_BYTES)
        warn(f"body cut from {size:,} to {len(body.encode('utf-8')):,} bytes (limit {MAX_BODY_BYTES:,})")
    url = clean_text(pick(data, "url", options), paragraphs=False)
    if url and not re.match(r"^https?://", url, re.I):
        # Scheme-less crawl URLs ("www.etonline.com/...") still deserve a working link;
        # anything else (javascript:, data:) is dropped rather than linked.
        url = "http://" + url if re.match(r"^[\w\-]+(\.[\w\-]+)+(/|$)", url) else ""
    raw_id = pick(data, "id", options)
    article_id = clean_text(str(raw_id), paragraphs=False) if raw_id not in (None, "") else ""
    if not article_id:
        article_id = stable_id(data, body, title, url)
    dating = decide_date(pick(data, "published", options), body, url, options.default_tz, warn)
    byline = pick(data, "authors", options)
    authors = options.aliases.apply_all(
        "author", normalise_authors(byline, options.author_stoplist, options.author_stopwords))
    if not authors and clean_text(str(byline) if isinstance(byline, dict) else byline, paragraphs=False):
        warn(f"no author: no person's name in byline {_shorten(_byline_text(byline))!r}")
    raw_language = pick(data, "language", options)
    language = normalise_language(raw_language)
    if not language and raw_language not in (None, "") and str(raw_language).strip():
        warn(f"language field {_shorten(raw_language, 40)!r} names no language; "
             + ("the language is guessed from the text" if options.detect_language else "left unset"))
    if not language and options.detect_language:
        guess = guess_language(f"{title}\n{body}")
        language = guess.language
        if guess.low:
            warn(f"language guessed: {language_name(language)} ({language}) with confidence "
                 f"{guess.confidence:.2f}; give the record a language field if that is wrong")
    return Article(
        id=article_id,
        title=title,
        body=body,
        slug=make_slug(title, article_id),
        authors=authors,
        outlet=options.aliases.apply("outlet", normalise_outlet(pick(data, "outlet", options), url)),
        url=url,
        language=language,
        **dating,
    )


def decide_date(raw, body: str, url: str, default_tz: tzinfo, warn) -> dict:
    """Return the ``Article`` date fields: the record's own date when credible, else the
    body's dateline, else the archive snapshot as an upper bound (docs/reindexing.md)."""
    reason = note = ""
    try:
        stated = parse_date(raw, default_tz)
    except DateError as e:
        warn(f"undated: {e}")
        stated, reason, note = None, "unusable", f"The record's date is unusable: {e}."
    if stated is None and not reason:
        reason, note = "missing", "The record has no date."
    snapshot = archive_snapshot_time(url)
    if stated and snapshot and stated > snapshot + ARCHIVE_SLACK:
        warn(f"undated: published {stated:%Y-%m-%d} is after the page was archived "
             f"({snapshot:%Y-%m-%d}), so it cannot be the publication date")
        reason = "after_snapshot"
        note = (f"The record says {_day(stated)}, after the page was archived on {_day(snapshot)}, "
                "so that cannot be the publication date.")
        stated = None
    dateline = find_dateline(body, default_tz)
    if dateline and snapshot and dateline[0] > snapshot + ARCHIVE_SLACK:
        dateline = None  # a "dateline" after the snapshot is no dateline
    if stated and dateline and dateline[0] < stated - DATELINE_SLACK:
        reason = "after_dateline"
        note = (f"The record says {_day(stated)}, later than the body's dateline "
                f"({dateline[1]}): a crawl or update time, not the publication date.")
        warn(f"date from the body: published {stated:%Y-%m-%d} is later than the body's dateline "
             f"{dateline[1]!r}, so the dateline is used")
        snapshot = snapshot or stated
        stated = None
    if stated:
        return {"published": stated, "date_kind": "stated", "date_only": is_date_only(raw, stated, default_tz)}
    fields = {"date_reason": reason, "date_note": note, "date_bound": snapshot}
    if dateline:
        if reason == "after_snapshot":
            warn(f"date from the body: {dateline[1]!r} from the dateline")
        return {**fields, "published": dateline[0], "date_kind": "body", "date_only": True,
                "date_note": f"{note} Date read from the body's dateline: “{dateline[1]}”.".strip()}
    if snapshot:
        return {**fields, "date_kind": "bound", "date_bound": snapshot,
                "date_note": f"{note} Published on or before {_day(snapshot)}, when the page was archived.".strip()}
    return {**fields, "date_kind": ""}


def _day(when: datetime) -> str:
    """A date in a note as the pages write it: "1 March 2021" (no leading zero)."""
    return f"{when.day} {when:%B %Y}"
