"""The ids one reindex run has seen and the live build's content hashes, on disk.

A reindex must report every duplicate id (with where the first copy was read), skip
articles whose content hash is unchanged and, with ``--prune``, delete ids gone from
the sources. Held in dicts that cost about 250 bytes per article in the main process
(~0.25 GB at 1M, growing with the corpus); in a sqlite3 file (stdlib) beside the builds
the process stays flat and the page cache does the caching.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path

BATCH = 10_000  # rows per transaction


def _as_os_error(method):
    """sqlite3 errors (a full disk, an unwritable directory) as OSError, which ``reindex``
    reports in one line like any other failure to write the index."""
    @functools.wraps(method)
    def wrapped(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as e:
            raise OSError(f"cannot use the scratch id table {self.path}: {e}") from None
    return wrapped


class IdTable:
    """``seen`` (id -> where, hash) for this run and ``live`` (id -> hash) of the live build."""

    @_as_os_error
    def __init__(self, path: Path):
        self.path = path
        with contextlib.suppress(FileNotFoundError):
            path.unlink()  # left by a run that was killed
        self.db = sqlite3.connect(str(path), isolation_level=None)
        # A scratch file: a crash loses nothing that the next run does not rebuild.
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute("PRAGMA cache_size=-16000")  # 16 MB
        self.db.execute("CREATE TABLE seen (id TEXT PRIMARY KEY, at TEXT, hash TEXT) WITHOUT ROWID")
        self.db.execute("CREATE TABLE live (id TEXT PRIMARY KEY, hash TEXT) WITHOUT ROWID")
        self.db.execute("BEGIN")
        self._pending = 0
        self.live_count = 0

    @_as_os_error
    def load_live(self, pairs: Iterable[tuple[str, str]]) -> None:
        self.db.executemany("INSERT OR REPLACE INTO live VALUES (?, ?)", pairs)
        self.live_count = self.db.execute("SELECT count(*) FROM live").fetchone()[0]

    @_as_os_error
    def first_seen(self, article_id: str) -> tuple[str, str] | None:
        """Where and with what hash ``article_id`` was first read in this run (None: not yet)."""
        row = self.db.execute("SELECT at, hash FROM seen WHERE id = ?", (article_id,)).fetchone()
        return (row[0], row[1]) if row else None

    @_as_os_error
    def see(self, article_id: str, where: str, content_hash: str) -> None:
        self.db.execute("INSERT INTO seen VALUES (?, ?, ?)", (article_id, where, content_hash))
        self._tick()

    @_as_os_error
    def live_hash(self, article_id: str) -> str | None:
        if not self.live_count:
            return None
        row = self.db.execute("SELECT hash FROM live WHERE id = ?", (article_id,)).fetchone()
        return row[0] if row else None

    @_as_os_error
    def gone(self) -> list[str]:
        """Live ids this run did not see, in id order."""
        rows = self.db.execute("SELECT id FROM live WHERE id NOT IN (SELECT id FROM seen) ORDER BY id")
        return [article_id for (article_id,) in rows.fetchall()]

    def _tick(self) -> None:
        self._pending += 1
        if self._pending >= BATCH:
            self.db.execute("COMMIT")
            self.db.execute("BEGIN")
            self._pending = 0

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.db.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)

    def __enter__(self) -> IdTable:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
