"""Where indexes live on disk, how a new build replaces the live one, and the writer lock.

Layout of an index directory (default ``instance/index``)::

    CURRENT          name of the live build, replaced atomically (os.replace)
    builds/<name>/   one complete Whoosh index per build
    .lock            held (flock) by the one reindex allowed at a time
    META.json        per-build metadata lives inside each build directory

Every reindex that changes something writes a new build directory (a fresh index, or
a hard-linked copy of the live one to update) and then swaps ``CURRENT``; a published
build is never modified. Readers that opened an older build keep using it until they
notice the swap, so superseded builds are kept for ``RETAIN_SECONDS``. A SIGKILL at any moment leaves ``CURRENT`` pointing
at a complete build; the kernel drops the flock with the process, so no stale lock.
"""

from __future__ import annotations

import fcntl
import json
import multiprocessing.util
import os
import shlex
import shutil
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import TextIO

from whoosh import index as whoosh_index

from .errors import IndexDamagedError, IndexLockedError, IndexMissingError, SchemaMismatchError
from .schema import SCHEMA_VERSION, make_schema
from .verify import MANIFEST_KEY, check_build, file_manifest

META_FILE = "artsearch.json"
# Written into a build when another replaces it; its mtime says when.
SUPERSEDED_FILE = "SUPERSEDED"
# How long a superseded build is kept for requests that opened it before the swap. Far
# longer than any request (the search deadline is 2 s by default).
RETAIN_SECONDS = 15 * 60


class IndexStore:
    """The directory that holds artsearch's builds."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    @property
    def builds_dir(self) -> Path:
        return self.root / "builds"

    def current_name(self) -> str | None:
        try:
            name = (self.root / "CURRENT").read_text(encoding="utf-8").strip()
        except (FileNotFoundError, NotADirectoryError):
            return None
        return name or None

    def current_path(self) -> Path | None:
        name = self.current_name()
        if not name:
            return None
        path = self.builds_dir / name
        return path if path.is_dir() else None

    def read_meta(self, build: Path) -> dict:
        try:
            return json.loads((build / META_FILE).read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return {}

    def write_meta(self, build: Path, meta: dict) -> None:
        """Write the build's metadata, with a fresh manifest of its files (index/verify.py)."""
        meta = {**meta, MANIFEST_KEY: file_manifest(build, meta.get(MANIFEST_KEY))}
        tmp = build / (META_FILE + ".tmp")
        tmp.write_text(json.dumps(meta, indent=2), encoding="utf-8")
        os.replace(tmp, build / META_FILE)

    def open_current(self):
        """Open the live build, checking that this version of artsearch can read it."""
        path = self.current_path()
        if path is None or not _has_toc(path):
            raise IndexMissingError(
                f"No index at {self.root}. Build one with: artsearch reindex [SOURCE ...] --index {self.root}"
            )
        meta = self.read_meta(path)
        if meta.get("schema_version") != SCHEMA_VERSION:
            raise SchemaMismatchError(
                f"The index at {self.root} was built by another artsearch version "
                f"(schema {meta.get('schema_version')}, need {SCHEMA_VERSION}). "
                "Rebuild it with: artsearch reindex --full"
            )
        problems = check_build(path, meta.get(MANIFEST_KEY))
        if problems:
            raise self.damaged(problems, meta)
        return whoosh_index.open_dir(str(path))

    def check(self, *, thorough: bool = False) -> list[str]:
        """Problems with the live build's files (empty when sound); ``IndexMissingError``
        when there is no build at all."""
        path = self.current_path()
        if path is None or not _has_toc(path):
            raise IndexMissingError(f"No index at {self.root}.")
        return check_build(path, self.read_meta(path).get(MANIFEST_KEY), thorough=thorough)

    def damaged(self, problems: list[str], meta: dict | None = None) -> IndexDamagedError:
        """The error for a damaged live build, naming the problems and the remedy."""
        if meta is None:
            path = self.current_path()
            meta = self.read_meta(path) if path else {}
        sources = " ".join(_quote(s) for s in meta.get("sources", ())) or "SOURCE ..."
        shown = "; ".join(problems[:3]) + (f"; and {len(problems) - 3:,} more" if len(problems) > 3 else "")
        return IndexDamagedError(
            f"The index at {self.root} is damaged: {shown}. "
            f"Rebuild it with: artsearch reindex --full {sources} --index {self.root}"
        )

    def new_build(self, base: Path | None = None) -> Path:
        """Create a build directory: a fresh Whoosh index, or a copy of ``base`` to update.

        The copy is made of hard links (segment files are never modified after they
        are written, only deleted), so it costs no disk space and no time to speak of;
        Whoosh merging or deleting files in the copy leaves ``base`` whole.
        """
        self.builds_dir.mkdir(parents=True, exist_ok=True)
        # Names sort by creation time (microseconds), which _remove_abandoned_builds relies on.
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
        path = self.builds_dir / f"{stamp}-{os.getpid()}"
        path.mkdir()
        if base is None:
            whoosh_index.create_in(str(path), make_schema())
            return path
        for source in base.iterdir():
            if not source.is_file() or "LOCK" in source.name or source.name == SUPERSEDED_FILE:
                continue
            if source.name == META_FILE:
                shutil.copy2(source, path / source.name)  # rewritten for the new build
                continue
            try:
                os.link(source, path / source.name)
            except OSError:  # a file system without hard links
                shutil.copy2(source, path / source.name)
        return path

    def publish(self, build: Path) -> None:
        """Make ``build`` the live index atomically, then drop builds no reader can still use.

        A published build is never written again. The one it replaces is marked with the
        time it was superseded and kept, with every other build superseded less than
        ``RETAIN_SECONDS`` ago, so a request that opened it a moment before the swap can
        still open the files it reads lazily (stored fields, columns).
        """
        previous = self.current_name()
        tmp = self.root / "CURRENT.tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(build.name + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.root / "CURRENT")
        keep = {build.name}
        if previous and previous != build.name:
            keep.add(previous)
            try:
                (self.builds_dir / previous / SUPERSEDED_FILE).touch()
            except FileNotFoundError:
                pass
        now = time.time()
        for path in self.builds_dir.iterdir():
            try:
                if now - (path / SUPERSEDED_FILE).stat().st_mtime < RETAIN_SECONDS:
                    keep.add(path.name)
            except (FileNotFoundError, NotADirectoryError):
                pass
        self.remove_builds(keep)

    def remove_builds(self, keep: set) -> None:
        """Delete build directories not named in ``keep`` (abandoned or superseded builds)."""
        if not self.builds_dir.is_dir():
            return
        for path in self.builds_dir.iterdir():
            if path.name not in keep and path.is_dir():
                shutil.rmtree(path, ignore_errors=True)

    def lock(self) -> WriterLock:
        return WriterLock(self.root / ".lock")


class WriterLock:
    """An exclusive, non-blocking flock; the kernel releases it if the process dies."""

    def __init__(self, path: Path):
        self.path = path
        self._fh: TextIO | None = None

    def __enter__(self) -> WriterLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+", encoding="utf-8")
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            fh.close()
            raise IndexLockedError(
                f"Another reindex ({holder}) is writing {self.path.parent}; wait for it to finish."
            ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()}")
        fh.flush()
        self._fh = fh
        # A forked worker (Whoosh's multiprocessing writer) inherits this descriptor, and
        # a flock lives until every copy is closed: were the parent SIGKILLed, a surviving
        # worker would keep the index locked. Workers drop their copy at once.
        multiprocessing.util.register_after_fork(self, WriterLock._forget_in_child)
        return self

    def _forget_in_child(self) -> None:
        # Close only this process's descriptor; flock(LOCK_UN) would unlock the parent too.
        if self._fh is not None:
            try:
                os.close(self._fh.fileno())
            except OSError:
                pass
            self._fh = None

    def __exit__(self, *exc) -> None:
        if self._fh is not None:
            self._fh.seek(0)
            self._fh.truncate()
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None


def _has_toc(build: Path) -> bool:
    # Not whoosh's exists_in(): it opens the index, and a damaged table of contents
    # would raise from there instead of being reported as damage.
    return any(build.glob("_MAIN_*.toc"))


def _quote(text: str) -> str:
    return shlex.quote(str(text))
