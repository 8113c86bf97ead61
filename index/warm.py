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
    live = live_docs(reader)
    for field, multi in FACET_FIELDS:
        names, docs, offsets = _inverted(reader, field, live)
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
    years = arrays["year.doc"]
    dated_docs = live[years[live] != -1]
    undated = live[years[live] == -1]
    if reader.has_column("published"):
        # Unsigned: a document without a value holds the column's default, 2**64 - 1.
        # Leaf by leaf: Whoosh's MultiReader leaves out segments without the column (none of
        # their documents dated), which shifted every later document's value.
        published = np.full(size, np.iinfo(np.uint64).max, dtype=np.uint64)
        for leaf, offset in reader.leaf_readers():
            if leaf.has_column("published"):
                n = leaf.doc_count_all()
                published[offset:offset + n] = np.fromiter(leaf.column_reader("published", translate=False),
                                                           dtype=np.uint64, count=n)
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
    oldest_rank = arrays["oldest_rank"]
    names, docs, offsets = _inverted(reader, CLUSTER_FIELD, live)
    for number, name in enumerate(names):
        these = docs[offsets[number]:offsets[number + 1]].astype(np.int64)
        if len(these) < 2:  # deleted documents have no postings, so a cluster may shrink to one
            continue
        cluster_ids.append(name)
        members.append(these[np.lexsort((these, oldest_rank[these]))])
    flat = np.concatenate(members).astype(np.int32) if members else np.zeros(0, dtype=np.int32)
    lengths = np.array([len(m) for m in members], dtype=np.int64)
    arrays["cluster_members"] = flat
    arrays["cluster_offsets"] = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    cluster_of = np.full(size, -1, dtype=np.int32)
    cluster_of[flat] = np.repeat(np.arange(len(members), dtype=np.int32), lengths)
    arrays["cluster_of"] = cluster_of
    outlet = arrays["outlet_facet.doc"]
    arrays["cluster_outlets"] = np.array([len(set(outlet[m].tolist())) for m in members], dtype=np.int32)
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


def live_docs(reader) -> np.ndarray:
    """The live document numbers, ascending (read per segment: a multi-segment reader
    asks which segment a number is in for every number)."""
    leaves = [(reader, 0)] if reader.is_atomic() else reader.leaf_readers()
    parts = [np.fromiter(leaf.all_doc_ids(), dtype=np.int64) + offset for leaf, offset in leaves]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def _inverted(reader, field: str, live_docs: np.ndarray) -> tuple[list[str], np.ndarray, np.ndarray]:
    """A field's terms and, for each, its live documents: (names, docs, offsets).

    Read segment by segment through each codec's terms reader: Whoosh's
    ``SegmentReader.postings`` rebuilds the segment's set of deleted documents on every
    call (every rewritten copy from the cluster pass is one), which made this read 450 us
    a term on FakeNewsNet. Deleted documents are dropped here with one mask instead.
    """
    by_term: dict[bytes, list[np.ndarray]] = {}
    if field in reader.schema:
        live = np.zeros(reader.doc_count_all(), dtype=bool)
        live[live_docs] = True
        format_ = reader.schema[field].format
        leaves = [(reader, 0)] if reader.is_atomic() else reader.leaf_readers()
        for leaf, offset in leaves:
            terms = leaf.codec().terms_reader(leaf.storage(), leaf.segment())
            try:
                for fieldname, tbytes in terms.terms_from(field, b""):
                    if fieldname != field:
                        break
                    ids = np.fromiter(terms.matcher(field, tbytes, format_).all_ids(), dtype=np.int64) + offset
                    by_term.setdefault(tbytes, []).append(ids[live[ids]])
            finally:
                terms.close()
    names: list[str] = []
    chunks: list[np.ndarray] = []
    for tbytes in sorted(by_term):  # the reader's lexicon order
        # A term whose documents were all deleted stays, with none (as in the lexicon).
        names.append(tbytes.decode("utf-8"))
        chunks.append(np.concatenate(by_term[tbytes]).astype(np.int32))
    docs = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int32)
    offsets = np.concatenate(([0], np.cumsum([len(c) for c in chunks], dtype=np.int64))).astype(np.int64)
    return names, docs, offsets


def _inverse(order: np.ndarray, size: int) -> np.ndarray:
    rank = np.zeros(size, dtype=np.int32)
    rank[order] = np.arange(len(order), dtype=np.int32)
    return rank
