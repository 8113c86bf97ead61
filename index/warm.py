"""Warm-start columns: what the first search of a build needs, as arrays written at commit.

A server's first request used to build, from the postings and column files, each
document's facet values, the date orders and their inverses, publication times and days,
the clusters' members and the content-word lengths (4.6 s at 1M articles). The indexer
now computes them once, after clustering and before publishing, and writes them as
``.npy`` files in the build's ``warm/`` directory with a small ``warm.json`` naming the
reader they belong to (toc generation and every segment's id and counts). A server maps
them read-only (``numpy.load(mmap_mode="r")``): every thread and every ``serve`` worker
shares one page-cached copy, and opening costs milliseconds at any size.

``load_columns`` returns ``None`` for a build without the files, with files of another
generation or a damaged/short file, and the read path then builds the same arrays from
the reader with ``build_columns`` (the same code that writes them), so a stale file can
cost time but never give a wrong answer. A published build is never written again, and an
incremental run's hard-linked copy skips directories (index/store.py), so the files of a
build always describe that build or are absent.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from pathlib import Path

import numpy as np

WARM_DIR = "warm"
WARM_META = "warm.json"
# Bumped when an array's meaning or layout changes: other versions are not read.
WARM_VERSION = 1
# (field, several values per document): the facet fields search/facets.py counts.
FACET_FIELDS = (("outlet_facet", False), ("author_facet", True), ("year", False), ("language", False))
CLUSTER_FIELD = "cluster"
LENGTH_COLUMNS = ("title_words", "body_words")
# DATETIME columns hold microseconds since datetime.min (day 1 of the proleptic calendar).
_US_PER_DAY = 86_400_000_000


@dataclasses.dataclass
class Columns:
    """One reader's warm-start arrays (mapped or built) and the small data beside them.

    ``arrays`` by name (see ``build_columns``); ``info``: ``values`` (each facet field's
    distinct values, in lexicon order), ``cluster_ids`` and ``means`` (mean content-word
    length of the live documents, per length column).
    """

    arrays: dict[str, np.ndarray]
    info: dict
    mapped: bool = False


def reader_tag(reader) -> list:
    """What identifies a reader's documents: the toc generation and each segment's id,
    document count and live count (a deletion changes the last)."""
    leaves = [reader] if reader.is_atomic() else [leaf for leaf, _ in reader.leaf_readers()]
    return [reader.generation()] + [
        [leaf.segment().segment_id(), leaf.doc_count_all(), leaf.doc_count()] for leaf in leaves
    ]


def build_columns(reader) -> Columns:
    """Compute the warm-start arrays from ``reader``'s postings and columns."""
    size = reader.doc_count_all()
    arrays: dict[str, np.ndarray] = {}
    values: dict[str, list[str]] = {}
    for field, multi in FACET_FIELDS:
        names, docs, offsets = _inverted(reader, field)
        values[field] = names
        arrays[f"{field}.post_offsets"] = offsets
        arrays[f"{field}.post_docs"] = docs
        vids = np.repeat(np.arange(len(names), dtype=np.int32), np.diff(offsets))
        if multi:
            # Each document's value ids in lexicon order (a stable sort by document).
            order = np.argsort(docs, kind="stable")
            arrays[f"{field}.doc_ids"] = vids[order]
            arrays[f"{field}.doc_offsets"] = np.concatenate(
                ([0], np.cumsum(np.bincount(docs, minlength=size)))).astype(np.int64)
        else:
            per_doc = np.full(size, -1, dtype=np.int32)
            np.maximum.at(per_doc, docs, vids)  # the last value in lexicon order, if several
            arrays[f"{field}.doc"] = per_doc
    # Date orders: dated documents by (publication time, number), undated ones last in
    # both directions, by number. "Dated" means having a year value.
    live = np.fromiter(reader.all_doc_ids(), dtype=np.int64)
    years = arrays["year.doc"]
    dated_docs = live[years[live] != -1]
    undated = live[years[live] == -1]
    if reader.has_column("published"):
        # Unsigned: a document without a value holds the column's default, 2**64 - 1.
        published = np.fromiter(reader.column_reader("published", translate=False), dtype=np.uint64, count=size)
        dated = dated_docs[np.lexsort((dated_docs, published[dated_docs]))]
        times = published[dated].astype(np.int64)
    else:
        dated, times = dated_docs, np.zeros(len(dated_docs), dtype=np.int64)
    oldest = np.concatenate((dated, undated))
    newest = np.concatenate((dated[::-1], undated))
    arrays["dated"] = dated.astype(np.int32)
    arrays["dated_times"] = times
    arrays["undated"] = undated.astype(np.int32)
    arrays["oldest"] = oldest.astype(np.int32)
    arrays["newest"] = newest.astype(np.int32)
    arrays["oldest_rank"] = _inverse(oldest, size)
    arrays["newest_rank"] = _inverse(newest, size)
    days = np.full(size, -1, dtype=np.int32)
    days[dated] = times // _US_PER_DAY + 1
    arrays["days"] = days
    # Clusters of two or more live copies, members first-seen first (oldest order).
    cluster_ids: list[str] = []
    members: list[np.ndarray] = []
    if CLUSTER_FIELD in reader.schema:
        oldest_rank = arrays["oldest_rank"]
        for term in reader.lexicon(CLUSTER_FIELD):
            docs = np.fromiter(reader.postings(CLUSTER_FIELD, term).all_ids(), dtype=np.int64)
            if len(docs) < 2:
                continue
            cluster_ids.append(term.decode("utf-8"))
            members.append(docs[np.lexsort((docs, oldest_rank[docs]))])
    flat = np.concatenate(members).astype(np.int32) if members else np.zeros(0, dtype=np.int32)
    lengths = np.array([len(m) for m in members], dtype=np.int64)
    arrays["cluster_members"] = flat
    arrays["cluster_offsets"] = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    cluster_of = np.full(size, -1, dtype=np.int32)
    cluster_of[flat] = np.repeat(np.arange(len(members), dtype=np.int32), lengths)
    arrays["cluster_of"] = cluster_of
    outlet = arrays["outlet_facet.doc"]
    arrays["cluster_outlets"] = np.array([len(np.unique(outlet[m])) for m in members], dtype=np.int32)
    # Content-word lengths (BM25F) and their means over the live documents.
    means = {}
    for column in LENGTH_COLUMNS:
        if reader.has_column(column):
            lens = np.fromiter(reader.column_reader(column), dtype=np.uint32, count=size)
        else:
            lens = np.zeros(size, dtype=np.uint32)
        arrays[column] = lens
        total = int(lens[live].sum(dtype=np.int64)) if reader.has_deletions() else int(lens.sum(dtype=np.int64))
        count = len(live) if reader.has_deletions() else size
        means[column] = total / count if count else 0.0
    info = {"values": values, "cluster_ids": cluster_ids, "means": means, "size": size}
    return Columns(arrays, info)


def write_columns(build: Path, ix) -> Path:
    """Compute ``ix``'s warm-start arrays and write them to ``build/warm`` (replacing any)."""
    with ix.reader() as reader:
        columns = build_columns(reader)
        tag = reader_tag(reader)
    target = Path(build) / WARM_DIR
    partial = target.with_name(WARM_DIR + ".tmp")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    files = {}
    for name, array in columns.arrays.items():
        path = partial / f"{name}.npy"
        np.save(path, np.ascontiguousarray(array), allow_pickle=False)
        files[name] = path.stat().st_size
    meta = {"version": WARM_VERSION, "tag": tag, "files": files, **columns.info}
    (partial / WARM_META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    os.replace(partial, target)
    return target


def load_columns(build: Path | None, reader) -> Columns | None:
    """Map ``build``'s warm-start arrays if they describe ``reader``; else ``None``."""
    if build is None:
        return None
    folder = Path(build) / WARM_DIR
    try:
        meta = json.loads((folder / WARM_META).read_text(encoding="utf-8"))
        if meta.get("version") != WARM_VERSION or meta.get("tag") != reader_tag(reader):
            return None
        arrays = {}
        for name, size in meta["files"].items():
            path = folder / f"{name}.npy"
            if path.stat().st_size != size:
                return None
            arrays[name] = np.load(path, mmap_mode="r", allow_pickle=False)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    info = {key: meta[key] for key in ("values", "cluster_ids", "means", "size") if key in meta}
    if info.get("size") != reader.doc_count_all():
        return None
    return Columns(arrays, info, mapped=True)


def doc_array(docs) -> np.ndarray:
    """Document numbers (a set, list or range) as an int64 array, for gathering."""
    if isinstance(docs, np.ndarray):
        return docs.astype(np.int64, copy=False)
    return np.fromiter(docs, dtype=np.int64, count=len(docs))


def _inverted(reader, field: str) -> tuple[list[str], np.ndarray, np.ndarray]:
    """A field's terms and, for each, its live documents: (names, docs, offsets)."""
    names: list[str] = []
    chunks: list[np.ndarray] = []
    if field in reader.schema:
        for term in reader.lexicon(field):
            names.append(term.decode("utf-8"))
            chunks.append(np.fromiter(reader.postings(field, term).all_ids(), dtype=np.int32))
    docs = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int32)
    offsets = np.concatenate(([0], np.cumsum([len(c) for c in chunks], dtype=np.int64))).astype(np.int64)
    return names, docs, offsets


def _inverse(order: np.ndarray, size: int) -> np.ndarray:
    rank = np.zeros(size, dtype=np.int32)
    rank[order] = np.arange(len(order), dtype=np.int32)
    return rank
