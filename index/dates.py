"""Turn whatever a crawl calls a date into an aware UTC datetime, or ``None``.

Parsing is delegated to python-dateutil (ISO 8601 and free-form human dates) and the
standard library (RFC 2822 via ``email.utils``); this module only decides policy:

- naive times are taken in ``default_tz`` (UTC unless ``--timezone`` says otherwise);
- numbers are Unix epoch seconds, or milliseconds when too large to be seconds; a
  4-digit number is a year, 8 digits are ``YYYYMMDD`` and 14 digits ``YYYYMMDDhhmmss``
  (the web.archive.org timestamp);
- a date without a year, an epoch before 1973 (0 is the classic "no date" sentinel),
  a date before 1800 or more than two days in the future is "undated" (``DateError``).
"""

from __future__ import annotations

import email.utils
import re
import warnings
from datetime import datetime, timedelta, timezone, tzinfo

from dateutil import parser as date_parser
from dateutil import tz as date_tz

EARLIEST = datetime(1800, 1, 1, tzinfo=timezone.utc)
# A publication date more than two days in the future is a crawl artefact.
FUTURE_SLACK = timedelta(days=2)
# Epoch values below this (1973-03-03) are sentinels or counters, not publication times.
MIN_EPOCH_SECONDS = 100_000_000

# Zone abbreviations that news sites print after a time. dateutil knows only UTC/GMT
# and the local zone; without this table "2:05 pm EST" would silently become UTC.
_H = 3600
TZ_ABBREVIATIONS = {
    "UTC": 0, "GMT": 0, "Z": 0, "UT": 0,
    "EST": -5 * _H, "EDT": -4 * _H, "CST": -6 * _H, "CDT": -5 * _H,
    "MST": -7 * _H, "MDT": -6 * _H, "PST": -8 * _H, "PDT": -7 * _H,
    "AKST": -9 * _H, "AKDT": -8 * _H, "HST": -10 * _H,
    "BST": 1 * _H, "IST": int(5.5 * _H), "CET": 1 * _H, "CEST": 2 * _H,
    "EET": 2 * _H, "EEST": 3 * _H, "WET": 0, "WEST": 1 * _H,
    "JST": 9 * _H, "KST": 9 * _H, "AEST": 10 * _H, "AEDT": 11 * _H,
}

# "Published: Nov 8, 2016", "Updated on 8 November 2016", "Posted 2016-11-08".
_PREFIX = re.compile(
    r"^\s*(?:(?:first\s+)?published|updated|last\s+updated|posted|modified|date|created)"
    r"(?:\s+(?:on|at))?\s*[:\-]?\s*",
    re.I,
)
_DIGITS = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_NULLS = {"none", "null", "nan", "n/a", "na", "unknown", "undefined", "0000-00-00", "0000-00-00 00:00:00"}


class DateError(ValueError):
    """The value is not a usable date; the message says why."""


def get_timezone(name: str | None) -> tzinfo:
    """Return the tzinfo for an IANA name such as ``Europe/Paris`` (``UTC`` by default)."""
    if not name or name.upper() == "UTC":
        return timezone.utc
    zone = date_tz.gettz(name)
    if zone is None:
        raise DateError(f"unknown time zone {name!r}")
    return zone


def parse_date(value, default_tz: tzinfo = timezone.utc, now: datetime | None = None) -> datetime | None:
    """Return ``value`` as an aware UTC datetime, ``None`` when empty; raise ``DateError``."""
    if value is None or value == "":
        return None
    parsed: datetime | None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        parsed = _from_number(str(value) if isinstance(value, int) else repr(value))
    elif isinstance(value, str):
        parsed = _parse_text(" ".join(value.split()))
        if parsed is None:
            return None
    else:
        raise DateError(f"unsupported date value {value!r}")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=default_tz)
    try:
        parsed = parsed.astimezone(timezone.utc)
    except (OverflowError, ValueError) as e:
        raise DateError(f"date {value!r} is out of range") from e
    now = now or datetime.now(timezone.utc)
    if parsed < EARLIEST:
        raise DateError(f"date {value!r} is before {EARLIEST.year}")
    if parsed > now + FUTURE_SLACK:
        raise DateError(f"date {value!r} is in the future")
    return parsed


def _from_number(text: str) -> datetime:
    """Read a bare number: a year, YYYYMMDD, YYYYMMDDhhmmss, or epoch s/ms."""
    if text.isdigit() and len(text) in (4, 8, 14):
        fmt = {4: "%Y", 8: "%Y%m%d", 14: "%Y%m%d%H%M%S"}[len(text)]
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            if len(text) == 4:
                raise DateError(f"{text!r} is not a year") from None
            # Not a calendar date: fall through and try it as an epoch value.
    number = float(text)
    # Millisecond timestamps are 1000x larger: anything past the year 5138 in seconds is ms.
    if abs(number) > 1e11:
        number /= 1000.0
    if number < MIN_EPOCH_SECONDS:
        raise DateError(f"{text!r} is not a plausible Unix timestamp")
    try:
        return datetime.fromtimestamp(number, tz=timezone.utc)
    except (OverflowError, OSError, ValueError) as e:
        raise DateError(f"epoch value {text!r} is out of range") from e


def _parse_text(text: str) -> datetime | None:
    if not text or text.lower() in _NULLS:
        return None
    if _DIGITS.match(text):
        return _from_number(text)
    try:
        return date_parser.isoparse(text)
    except (ValueError, OverflowError):
        pass
    try:
        return email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        pass
    text = _PREFIX.sub("", text)
    # Two parses with different default years tell us whether the text has a year at
    # all: "Nov 8" must be undated, not 8 November of the current year.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            first = date_parser.parse(text, default=datetime(2000, 1, 1), tzinfos=TZ_ABBREVIATIONS)
            second = date_parser.parse(text, default=datetime(2004, 1, 1), tzinfos=TZ_ABBREVIATIONS)
    except (ValueError, OverflowError, TypeError) as e:
        raise DateError(f"unrecognised date {text[:60]!r}") from e
    if first.year != second.year:
        raise DateError(f"date {text[:60]!r} has no year")
    return first


# Locating (not parsing) a dateline: "Month D, YYYY" or "D Month YYYY" near the start of
# the body, in a dateline position: followed by a dash, a closing bracket, "@" or the
# end of its line ("DALLAS, Aug. 22, 2018 --", "(May 1, 2018)--", a line of its own), or
# after "Release:" / "Embargoed until" on the same line. A date inside a sentence ("on
# July 25, 2018.", the photo captions "... July 12, 2018. REUTERS/") is not a dateline.
# The matched text is parsed by ``parse_date`` (python-dateutil).
DATELINE_CHARS = 300
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_DAY_DATE = re.compile(
    rf"\b(?:{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH}\.?,?\s+\d{{4}})\b", re.I)
_DATELINE_END = re.compile(r"[^\S\n]*(?:[-\u2013\u2014)@]|\n|$)")
_RELEASE_LEAD = re.compile(r"\b(?:release|released|embargoed\s+until)\b[^\n]{0,40}$", re.I)
# A correction or update note dates the change, not the article.
_NOT_PUBLICATION = re.compile(r"\b(?:correct|updat|revis|modif)\w*\b[^\n]{0,40}$", re.I)
# Nor does a life: "Natalie Wood (born Natalia Zakharenko; July 20, 1938 – November 29,
# 1981)" opens a Wikipedia biography (54 of 90 'datelines' in a FakeNewsNet trial). A date
# after "born" on its line, or either end of a span (a date or year, a dash, a date or
# year) is no dateline. A bracket alone says nothing: "LOS ANGELES (Embargoed Until
# Oct. 18, 2018 @ 10:05AM ET)" and "(New York, NY - January 18, 2017)" are datelines.
_BORN = re.compile(r"born", re.I)
_SPAN_NEXT = re.compile(rf"(?:\[\w+\])*[^\S\n]*[-\u2013\u2014][^\S\n]*(?:{_MONTH}\.?\s+\d{{1,2}}|\d{{1,2}}\s+{_MONTH}|\d{{4}}\b|present\b)", re.I)


_SPAN_END = re.compile(rf"(?:{_DAY_DATE.pattern}|\b\d{{4}})[^\S\n]*[-\u2013\u2014][^\S\n]*$", re.I)


def _inside_a_life(line_before: str, after: str) -> bool:
    return bool(_BORN.search(line_before) or _SPAN_NEXT.match(after) or _SPAN_END.search(line_before))


def find_dateline(body: str, default_tz: tzinfo = timezone.utc) -> tuple[datetime, str] | None:
    """Return the date of the body's dateline and the text it was read from, or ``None``."""
    head = body[:DATELINE_CHARS]
    for match in _DAY_DATE.finditer(head):
        before = head[:match.start()]
        if _NOT_PUBLICATION.search(before):
            continue
        if _inside_a_life(before.rsplit("\n", 1)[-1], head[match.end():]):
            continue
        if not (_DATELINE_END.match(head, match.end()) or _RELEASE_LEAD.search(before)):
            continue
        text = match.group(0)
        try:
            parsed = parse_date(text.replace(".", " "), default_tz)
        except DateError:
            continue
        if parsed is not None:
            return parsed, " ".join(text.split())
    return None


# Local midnight, as crawlers store a date that had no time: midnight UTC, in the value's
# own offset, in the --timezone zone, or US Eastern (newspaper3k's FakeHealth crawl turned
# date-only values into 04:00Z/05:00Z).
_EASTERN = date_tz.gettz("America/New_York")


def is_date_only(value, parsed: datetime, default_tz: tzinfo = timezone.utc) -> bool:
    """True when ``value`` gave a day but no time of day (so none should be shown)."""
    if isinstance(value, str):
        text = " ".join(value.split())
        if _DIGITS.match(text):
            return len(text) in (4, 8)
        if not re.search(r"\d:\d|T\d", text):
            return True
        own = _own_offset(text)
        if own is not None and _is_midnight(parsed.astimezone(own)):
            return True
    elif isinstance(value, datetime):
        return False
    zones: list[tzinfo] = [timezone.utc, default_tz]
    if _EASTERN is not None:
        zones.append(_EASTERN)
    return any(_is_midnight(parsed.astimezone(zone)) for zone in zones)


def _is_midnight(moment: datetime) -> bool:
    return (moment.hour, moment.minute, moment.second, moment.microsecond) == (0, 0, 0, 0)


def _own_offset(text: str) -> tzinfo | None:
    try:
        return date_parser.isoparse(text).tzinfo
    except (ValueError, OverflowError):
        return None
