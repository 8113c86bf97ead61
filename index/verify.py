"""Find damaged index files: missing, truncated or unreadable.

Every commit records a manifest of the build's files (size and CRC-32) in the build's
metadata. A quick check (run when a server or an incremental reindex opens a build)
opens the table of contents, compares the sizes of the current segments' files with
the manifest and reads the last document's stored fields and column values: cheap, and
it catches a truncated or deleted file. A thorough check (``artsearch check``) also
compares every CRC and reads every posting list, stored document and column value.
"""

from __future__ import annotations

import os
import zlib
from pathlib import Path

from whoosh import index as whoosh_index

MANIFEST_KEY = "files"
_CHUNK = 1 << 20


def file_manifest(build: Path, previous: dict | None = None) -> dict[str, list[int]]:
    """``{file name: [size, crc32, mtime_ns]}`` for the build's Whoosh files.

    Segment files never change once written, so entries of ``previous`` whose size and
    mtime still match are reused instead of read again.
    """
    previous = previous or {}
    manifest = {}
    for entry in os.scandir(build):
        if not entry.is_file() or not _is_whoosh_file(entry.name):
            continue
        stat = entry.stat()
        old = previous.get(entry.name)
        if old and old[0] == stat.st_size and old[2] == stat.st_mtime_ns:
            manifest[entry.name] = old
        else:
            manifest[entry.name] = [stat.st_size, _crc32(Path(entry.path)), stat.st_mtime_ns]
    return manifest


def check_build(build: Path, manifest: dict | None, *, thorough: bool = False) -> list[str]:
    """Return the problems found in ``build`` (empty when it is sound)."""
    manifest = manifest or {}
    try:
        ix = whoosh_index.open_dir(str(build))
        segments = ix._segments()
    except Exception as e:  # Whoosh raises whatever unpickling or struct decoding raises
        return [f"the table of contents cannot be read ({_reason(e)})"]
    toc = f"_{ix.indexname}_{ix.latest_generation()}.toc"
    problems = _compare(build, manifest, [toc], thorough)
    for segment in segments:
        prefix = segment.segment_id() + "."
        names = [name for name in manifest if name.startswith(prefix)]
        problems += _compare(build, manifest, names, thorough)
        missing = f"{prefix}trm is missing"
        if not (build / (prefix + "trm")).exists() and missing not in problems:  # once, not per check
            problems.append(missing)
    if problems:
        return problems
    try:
        reader = ix.reader()
    except Exception as e:
        return [f"the segments cannot be opened ({_reason(e)})"]
    try:
        leaves = [leaf for leaf, _ in reader.leaf_readers()] if not reader.is_atomic() else [reader]
        for leaf in leaves:
            problems += _read_segment(leaf, ix.schema, thorough)
    finally:
        reader.close()
    return problems


def _compare(build: Path, manifest: dict, names: list[str], thorough: bool) -> list[str]:
    problems = []
    for name in names:
        expected = manifest.get(name)
        if expected is None:
            continue  # written by a commit after the manifest (or an index from before manifests)
        path = build / name
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            problems.append(f"{name} is missing")
            continue
        if size != expected[0]:
            problems.append(f"{name} has {size:,} bytes, {expected[0]:,} were written")
        elif thorough and _crc32(path) != expected[1]:
            problems.append(f"{name} does not hold the bytes that were written (checksum differs)")
    return problems


def _read_segment(leaf, schema, thorough: bool) -> list[str]:
    name = leaf.segment().segment_id() if hasattr(leaf, "segment") else "segment"
    size = leaf.doc_count_all()
    docs = range(size) if thorough else range(max(0, size - 1), size)
    try:
        for doc in docs:
            leaf.stored_fields(doc)
    except Exception as e:
        return [f"{name}: stored fields cannot be read ({_reason(e)})"]
    for field in schema.names():
        if not leaf.has_column(field):
            continue
        try:
            column = leaf.column_reader(field, translate=False)
            for doc in docs:
                column[doc]
        except Exception as e:
            return [f"{name}: column '{field}' cannot be read ({_reason(e)})"]
    if not thorough:
        return []  # truncated postings show in the file sizes; reading them all is for `check`
    for field in schema.names():
        if not schema[field].indexed:
            continue
        try:
            for term in leaf.lexicon(field):
                for _ in leaf.postings(field, term).all_ids():
                    pass
        except Exception as e:
            return [f"{name}: postings of '{field}' cannot be read ({_reason(e)})"]
    return []


def _is_whoosh_file(name: str) -> bool:
    return not name.startswith(".") and not name.endswith(("LOCK", ".json", ".tmp"))


def _crc32(path: Path) -> int:
    crc = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            crc = zlib.crc32(chunk, crc)
    return crc


def _reason(error: Exception) -> str:
    text = str(error).strip().splitlines()[0][:160] if str(error).strip() else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
