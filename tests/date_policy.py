"""The documented date policy (docs/reindexing.md, "Dates and time zones"), written again
for tests without artsearch's code: a row's publication date and where it comes from.

1. The record's own date (ISO here: FakeHealth and the fixtures), naive meaning UTC.
2. Not credible when more than a day after the page's web.archive.org snapshot.
3. The body's dateline: the first "Month D, YYYY" or "D Month YYYY" in its first 300
   characters that ends its line or is followed by a dash, ")" or "@", or comes after
   "release"/"embargoed until" on its line (not after "correct…"/"updat…"), and not after
   the snapshot; not a birth date or life span (after "born" on its line, or at either
   end of a dash between dates or years). It replaces a record date more than two days later than itself.
4. Else the snapshot is an upper bound only; else there is no date.

Month names are matched from a list and parsed with ``strptime`` here, not dateutil.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]
_WORD = re.compile(r"[A-Za-z]+\.?,?|\d+(?:st|nd|rd|th)?,?|\S")


def _month(word: str) -> int | None:
    word = word.rstrip(".,").lower()
    for i, name in enumerate(MONTHS, 1):
        if len(word) >= 3 and (name == word or (name.startswith(word) and word in (name[:3], "sept"))):
            return i
    return None


def _dates_in(head: str):
    """(start, end, date) of every 'Month D, YYYY' / 'D Month YYYY' in ``head``."""
    tokens = [(m.start(), m.end(), m.group(0)) for m in _WORD.finditer(head)]
    for i in range(len(tokens) - 2):
        (s, _, a), (_, _, b), (_, e, c) = tokens[i:i + 3]
        year = c.rstrip(",")
        if not (year.isdigit() and len(year) == 4):
            continue
        for month_word, day_word in ((a, b), (b, a)):
            month = _month(month_word)
            day = re.sub(r"(st|nd|rd|th)?,?$", "", day_word)
            if month and day.isdigit():
                try:
                    yield s, e, datetime(int(year), month, int(day), tzinfo=timezone.utc)
                except ValueError:
                    pass
                break


def dateline(body: str) -> datetime | None:
    head = body[:300]
    for start, end, when in _dates_in(head):
        line_before = head[:start].rsplit("\n", 1)[-1]
        after = head[end:end + 3].lstrip(" \t")
        if re.search(r"(correct|updat|revis|modif)", line_before, re.I):
            continue
        # A birth date or a life span is no dateline: after "born" on its line, or at
        # either end of a dash between two dates or years.
        if "born" in re.findall(r"[a-z]+", line_before.lower()):
            continue
        tail = line_before.rstrip(" \t")
        if tail[-1:] in ("-", "\u2013", "\u2014"):
            lead = tail[:-1].rstrip(" \t")
            if re.search(r"\d{4}$", lead):
                continue  # the end of a span
        rest = re.sub(r"^(\[\w+\])+", "", head[end:]).lstrip(" \t")  # a footnote mark: "1990[1] –"
        if rest[:1] in ("-", "\u2013", "\u2014"):
            following = rest[1:].lstrip(" \t")
            nxt = list(_dates_in(following[:30]))
            if (nxt and nxt[0][0] == 0) or re.match(r"(\d{4}\b|present\b)", following, re.I):
                continue
        if after[:1] in ("-", "\u2013", "\u2014", ")", "@", "\n", "") or \
                re.search(r"(release|embargoed until)", line_before, re.I):
            return when
    return None


def snapshot(row: dict) -> datetime | None:
    match = re.search(r"archive\.org/web/(\d{14})", row.get("url") or "")
    return datetime.strptime(match.group(1), "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc) if match else None


def record_date(row: dict) -> datetime | None:
    raw = row.get("published")
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None  # unusable (the fixtures' only non-ISO value is no date at all)
    return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)


def expected(row: dict) -> tuple[datetime | None, str, str]:
    """(date, kind, reason): kind stated/body/bound/none; reason why the record's date
    was not used ("" when it was)."""
    stated, taken = record_date(row), snapshot(row)
    reason = "" if stated else "unusable" if row.get("published") else "missing"
    if stated and taken and stated > taken + timedelta(days=1):
        stated, reason = None, "after_snapshot"
    line = dateline(row.get("body") or "")
    if line and taken and line > taken + timedelta(days=1):
        line = None
    if stated and line and line < stated - timedelta(days=2):
        stated, reason = None, "after_dateline"
    if stated:
        return stated, "stated", ""
    if line:
        return line, "body", reason
    return None, "bound" if taken else "none", reason


def published(row: dict) -> datetime | None:
    """The date filters, facets and the timeline use (stated or read from the body)."""
    return expected(row)[0]
