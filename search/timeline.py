"""The timeline of matches: how many matching articles were published per day, week,
month or year.

It is counted like the facets, from a per-generation column: ``DayColumn`` holds each
document's publication day (a ``date.toordinal()`` number, -1 when undated), built once
per reader generation from the sort order the engine already keeps. A result set is
counted per day with one ``Counter`` pass in C; only the distinct days (a few thousand
at most) are then grouped into buckets, so the timeline costs a small fraction of a page.

The interval is picked from the span of the matches so that there are about 20 to 60
bars (``pick_interval``). Buckets run without gaps from the first match to the last;
empty ones are kept (with count 0) so the bars sit on a true time axis.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import date, timedelta

import numpy as np

from index.warm import doc_array

INTERVALS = ("day", "week", "month", "year")
MIN_BARS, MAX_BARS = 20, 60
# Beyond this many bars the chart is unreadable whatever the span (a corpus spanning
# 120 years still gets year bars: day/week/month/year are the only intervals).
HARD_MAX_BARS = 100


@dataclasses.dataclass(frozen=True)
class Bucket:
    start: date
    end: date  # last day of the bucket, inclusive (a from/to filter selects exactly it)
    count: int

    def label(self, interval: str) -> str:
        if interval == "year":
            return str(self.start.year)
        if interval == "month":
            return self.start.strftime("%B %Y")
        if interval == "week":
            return f"Week of {self.start.day} {self.start.strftime('%b %Y')}"
        return f"{self.start.day} {self.start.strftime('%b %Y')}"

    def short_label(self, interval: str) -> str:
        if interval == "year":
            return str(self.start.year)
        if interval == "month":
            return self.start.strftime("%b %Y")
        return f"{self.start.day} {self.start.strftime('%b %Y')}"

    def to_dict(self) -> dict:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "count": self.count}


@dataclasses.dataclass(frozen=True)
class Bar:
    """One bar of the chart in SVG user units (the chart is ``CHART_WIDTH`` x ``CHART_HEIGHT``)."""

    bucket: Bucket
    label: str
    x: float
    y: float
    width: float
    height: float


CHART_WIDTH, CHART_HEIGHT = 600.0, 100.0
BUCKET_BYTES = 8 + 56 + 2 * 32 + 32  # tuple slot, Bucket, two dates, count


@dataclasses.dataclass(frozen=True)
class Timeline:
    interval: str | None  # None when no match is dated
    buckets: tuple[Bucket, ...]
    undated: int = 0

    @property
    def dated(self) -> int:
        return sum(b.count for b in self.buckets)

    @property
    def peak(self) -> int:
        return max((b.count for b in self.buckets), default=0)

    @property
    def peak_index(self) -> int:
        """The first bucket with the most matches: the tallest bar the "peak" label sits under."""
        return max(range(len(self.buckets)), key=lambda i: (self.buckets[i].count, -i), default=0)

    def bars(self) -> list[Bar]:
        """Geometry of the non-empty buckets; bar heights are proportional to counts."""
        if not self.buckets:
            return []
        width = CHART_WIDTH / len(self.buckets)
        gap = min(2.0, width * 0.2)
        peak = self.peak
        bars = []
        for i, bucket in enumerate(self.buckets):
            if not bucket.count:
                continue
            # At least 2 units tall, so a single article stays visible next to a peak.
            height = max(2.0, CHART_HEIGHT * bucket.count / peak)
            bars.append(Bar(bucket, bucket.label(self.interval or "day"), round(i * width + gap / 2, 2),
                            round(CHART_HEIGHT - height, 2), round(width - gap, 2), round(height, 2)))
        return bars

    def to_dict(self) -> dict:
        return {"interval": self.interval, "buckets": [b.to_dict() for b in self.buckets],
                "undated": self.undated}

    def __sizeof__(self) -> int:
        # For the engine's byte-budgeted cache (sys.getsizeof): each bucket holds an
        # object, two dates and an int.
        return object.__sizeof__(self) + 64 + len(self.buckets) * BUCKET_BYTES


class DayColumn:
    """Each document's publication day as an ordinal number (-1 when undated)."""

    def __init__(self, dated_docs, dated_times, size: int):
        days = np.full(size, -1, dtype=np.int32)
        for doc, when in zip(dated_docs, dated_times, strict=True):
            days[doc] = when.toordinal()
        self.days = days

    @classmethod
    def from_array(cls, days: np.ndarray) -> DayColumn:
        """The column of ``days`` (one ordinal per document, -1: undated; index/warm.py)."""
        column = cls.__new__(cls)
        column.days = days
        return column

    def count(self, docs) -> Counter:
        """Documents per day ordinal (-1: undated), by ``numpy.bincount`` over the span."""
        days = self.days[doc_array(docs)]
        dated = days[days >= 0]
        counts: Counter = Counter()
        if len(dated):
            first = int(dated.min())
            per_day = np.bincount(dated - first)
            present = np.flatnonzero(per_day)
            counts.update(dict(zip((present + first).tolist(), per_day[present].tolist(), strict=True)))
        if len(dated) < len(days):
            counts[-1] = len(days) - len(dated)
        return counts


def build_timeline(column: DayColumn, docs) -> Timeline:
    """Count ``docs`` per bucket of the interval that suits their span."""
    return timeline_from_days(column.count(docs))


def timeline_from_days(per_day: Counter) -> Timeline:
    """The timeline of per-day counts (day ordinals; -1 counts the undated), as
    ``build_timeline`` draws it: shared by every backend."""
    per_day = Counter(per_day)
    undated = per_day.pop(-1, 0)
    if not per_day:
        return Timeline(None, (), undated)
    first, last = date.fromordinal(min(per_day)), date.fromordinal(max(per_day))
    interval = pick_interval(first, last)
    counts: Counter = Counter()
    for day, n in per_day.items():
        counts[bucket_start(date.fromordinal(day), interval)] += n
    buckets = []
    start = bucket_start(first, interval)
    while start <= last:
        following = next_start(start, interval)
        buckets.append(Bucket(start, following - timedelta(days=1), counts.get(start, 0)))
        start = following
    return Timeline(interval, tuple(buckets), undated)


def pick_interval(first: date, last: date) -> str:
    """The interval whose bar count is nearest (by ratio) to 20-60 bars.

    A span of 45 days gives days, a year weeks, three years months, a decade years. On a
    tie the finer interval wins unless it would draw more than 60 bars (one day: "day";
    120 months against 10 years: "year").
    """
    best, best_key = "year", (float("inf"), True)
    for interval in INTERVALS:
        bars = bucket_count(first, last, interval)
        if bars > HARD_MAX_BARS and interval != "year":
            continue
        score = MIN_BARS / bars if bars < MIN_BARS else bars / MAX_BARS if bars > MAX_BARS else 1.0
        key = (score, bars > MAX_BARS)
        if key < best_key:
            best, best_key = interval, key
    return best


def bucket_count(first: date, last: date, interval: str) -> int:
    if interval == "day":
        return (last - first).days + 1
    if interval == "week":
        return (bucket_start(last, "week") - bucket_start(first, "week")).days // 7 + 1
    if interval == "month":
        return (last.year - first.year) * 12 + last.month - first.month + 1
    return last.year - first.year + 1


def bucket_start(day: date, interval: str) -> date:
    if interval == "week":  # ISO weeks start on Monday
        return day - timedelta(days=day.weekday())
    if interval == "month":
        return day.replace(day=1)
    if interval == "year":
        return day.replace(month=1, day=1)
    return day


def next_start(start: date, interval: str) -> date:
    if interval == "day":
        return start + timedelta(days=1)
    if interval == "week":
        return start + timedelta(days=7)
    if interval == "month":
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return date(start.year + 1, 1, 1)
