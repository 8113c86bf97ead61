"""Progress of a reindex on stderr, for terminals and for logs alike.

A background thread writes the current state every few seconds: while reading, the
records read, the rate and how much of the sources' bytes remain (the estimate is for
reading, from the average rate so far, and says so); while Whoosh commits,
which can take as long as the reading, how long the commit has been running. On a
terminal the line is rewritten in place; elsewhere (a log, CI, a pipe) each update is a
new line.
"""

from __future__ import annotations

import os
import threading
import time
from typing import TextIO

from .corpus import SourceRecord

# Seconds between lines when stderr is not a terminal (env ARTSEARCH_PROGRESS_SECONDS).
LOG_INTERVAL = 5.0
TTY_INTERVAL = 0.5


def format_duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


class ReindexProgress:
    """Collects counts from the indexer (``record``, ``committing``) and reports them."""

    def __init__(self, total_bytes: int, stream: TextIO, *, tty: bool, interval: float | None = None):
        self.total_bytes = total_bytes
        self.stream = stream
        self.tty = tty
        default = TTY_INTERVAL if tty else float(os.environ.get("ARTSEARCH_PROGRESS_SECONDS", LOG_INTERVAL))
        self.interval = interval if interval is not None else default
        self.records = 0
        self.bytes = 0
        self.started = time.monotonic()
        self.commit_started: float | None = None
        self.commit_articles = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="reindex-progress", daemon=True)
        self._last_width = 0
        self._lock = threading.Lock()

    # Called by the indexer --------------------------------------------------------------

    def record(self, record: SourceRecord) -> None:
        self.records += 1
        self.bytes += record.size

    def committing(self, articles: int) -> None:
        self.commit_articles = articles
        self.commit_started = time.monotonic()
        self._write(self.line())  # the phase change is news at once

    # Reporting --------------------------------------------------------------------------

    def __enter__(self) -> ReindexProgress:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        if self.tty and self._last_width:
            self.stream.write("\r" + " " * self._last_width + "\r")
            self.stream.flush()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._write(self.line())

    def line(self) -> str:
        now = time.monotonic()
        if self.commit_started is not None:
            return (f"Committing {self.commit_articles:,} changed articles to the index: "
                    f"{format_duration(now - self.commit_started)} so far "
                    f"(read {self.records:,} records in {format_duration(self.commit_started - self.started)})")
        # The average since the start, not a recent window: Whoosh pauses the reading
        # while it flushes its in-memory postings, and a windowed rate swings from
        # "0/s, no end" to optimistic; over the whole run the pauses are priced in.
        span = max(now - self.started, 1e-6)
        records_rate = self.records / span
        bytes_rate = self.bytes / span
        text = f"Reading: {self.records:,} records, {records_rate:,.0f}/s"
        if self.total_bytes:
            done = min(self.bytes / self.total_bytes, 1.0)
            text += f", {done:.0%} of {self.total_bytes / 1e6:,.1f} MB"
            if bytes_rate > 0 and done < 1:
                text += f", about {format_duration((self.total_bytes - self.bytes) / bytes_rate)} left to read"
        return text + "; then the commit"

    def _write(self, text: str) -> None:
        with self._lock:
            self._write_locked(text)

    def _write_locked(self, text: str) -> None:
        if self.tty:
            pad = max(0, self._last_width - len(text))
            self.stream.write("\r" + text + " " * pad)
            self._last_width = len(text)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()
