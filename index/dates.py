"""Turn whatever a crawl calls a date into an aware UTC datetime, or ``None``.

Parsing is delegated to python-dateutil (ISO 8601 and free-form human dates) and the
standard library (RFC 2822 via ``email.utils``); this module only decides policy:
naive times are taken in ``default_tz`` (UTC unless configured), numbers are Unix
epoch seconds or milliseconds, and impossible or far-future dates become "undated".
"""

from __future__ import annotations

import email.utils
from datetime import datetime, timedelta, timezone, tzinfo

from dateutil import parser as date_parser
from dateutil import tz as date_tz

EARLIEST = datetime(1800, 1, 1, tzinfo=timezone.utc)
# A publication date more than two days in the future is a crawl artefact.
FUTURE_SLACK = timedelta(days=2)


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
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        parsed = _from_epoch(float(value))
    elif isinstance(value, str):
        parsed = _parse_text(value.strip())
        if parsed is None:
            return None
    else:
        raise DateError(f"unsupported date value {value!r}")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=default_tz)
    parsed = parsed.astimezone(timezone.utc)
    now = now or datetime.now(timezone.utc)
    if parsed < EARLIEST:
        raise DateError(f"date {value!r} is before {EARLIEST.year}")
    if parsed > now + FUTURE_SLACK:
        raise DateError(f"date {value!r} is in the future")
    return parsed


def _from_epoch(number: float) -> datetime:
    # Millisecond timestamps are 1000x larger: anything past the year 5138 in seconds is ms.
    if abs(number) > 1e11:
        number /= 1000.0
    try:
        return datetime.fromtimestamp(number, tz=timezone.utc)
    except (OverflowError, OSError, ValueError) as e:
        raise DateError(f"epoch value {number!r} is out of range") from e


def _parse_text(text: str) -> datetime | None:
    if not text or text.lower() in {"none", "null", "nan", "n/a", "unknown"}:
        return None
    if text.lstrip("-").replace(".", "", 1).isdigit():
        return _from_epoch(float(text))
    try:
        return date_parser.isoparse(text)
    except (ValueError, OverflowError):
        pass
    try:
        return email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return date_parser.parse(text, dayfirst=False, fuzzy=False)
    except (ValueError, OverflowError, date_parser.ParserError) as e:
        raise DateError(f"unrecognised date {text[:60]!r}") from e
