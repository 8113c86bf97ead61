"""Full builds written segment by segment from per-term arrays, without Whoosh's pool.

Whoosh's ``SegmentWriter`` puts every posting into a ``PostingPool`` as a tuple
(field, term, docnum, weight, value), sorts all of them at commit (spilling pickled runs
to disk past ``limitmb``) and hands them one by one to the codec's field writer, which
reads each document's field length back from disk per posting. The profile of a full
build (bench/analysis.md) put that pool and the per-posting writer at half of the
writers' time. ``SegmentBuilder`` keeps each term's postings as lists while documents are
added (one dict lookup and three appends per posting), sorts only the terms, and gives
each term's lists to the codec at once: ``ArtFieldWriter.add_term`` writes the array
layout straight from them; any other codec gets its ``FieldWriter`` calls, so the
segment is the one Whoosh would write.

Everything else is Whoosh's: the schema's fields analyse the values (``field.index``),
the codec's per-document writer stores fields, lengths and columns exactly as
``SegmentWriter.add_document`` calls it, and the segments are published in a Whoosh
``TOC``. Results are those of the stock writer (tests/test_bulkwrite.py compares every
posting, stored field and column, and search pages).

``BulkWriter`` is what ``build_index`` uses for a full build: in-process with one
worker, else one forked process per worker, each fed batches of documents round-robin
and writing final-sized segments of its own (a new one past ``limitmb``), so nothing is
merged at commit.
"""

from __future__ import annotations

import multiprocessing
import queue
import traceback
from array import array
from collections.abc import Callable
from itertools import accumulate
from typing import Any

from whoosh.index import TOC
from whoosh.util.numeric import byte_to_length, length_to_byte

BATCH = 100  # documents per message to a writer process (as Whoosh's MpWriter)
# Bytes one posting and one term hold in the builder's arrays (``_Postings``; with the
# arrays' spare capacity and the term's dict entry), for the ``limitmb`` budget.
POSTING_BYTES = 24
TERM_BYTES = 450


def supported(schema) -> bool:
    """Whether ``SegmentBuilder`` writes everything this schema indexes (no spelling
    twins, no term vectors: artsearch's schema has neither)."""
    return not any(f.separate_spelling() or f.vector for _, f in schema.items())


class SegmentBuilder:
    """Writes documents into segments of ``ix``'s storage; ``finish()`` returns them."""

    def __init__(self, ix, codec, limitmb: int = 256):
        self.storage = ix.storage
        self.indexname = ix.indexname
        self.schema = ix.schema
        self.codec = codec
        self.limit = limitmb * 1024 * 1024
        self.segments: list = []
        self._start()

    def _start(self) -> None:
        """A new segment, its files created with its first document."""
        self.segment: Any = None
        self.perdoc: Any = None
        self.docnum = 0
        self.postings: dict[str, dict[bytes, _Postings]] = {}  # fieldname -> term bytes -> postings
        self.size = 0

    def add_document(self, **fields) -> None:
        """As ``SegmentWriter.add_document``: the same calls to the per-document writer,
        the same postings (collected per term instead of pooled)."""
        schema = self.schema
        if self.perdoc is None:
            self.segment = self.codec.new_segment(self.storage, self.indexname)
            self.perdoc = self.codec.per_document_writer(self.storage, self.segment)
        perdoc = self.perdoc
        docnum = self.docnum
        docboost = float(fields.get("_boost", 1.0))
        names = sorted(name for name in fields if not name.startswith("_"))
        for name in names:
            if name not in schema:
                from whoosh.writing import UnknownFieldError
                raise UnknownFieldError(f"No field named {name!r} in {schema}")
        perdoc.start_doc(docnum)
        size = 0
        for name in names:
            value = fields.get(name)
            if value is None:
                continue
            field = schema[name]
            length = 0
            if field.indexed:
                boost = float(fields.get(f"_{name}_boost", docboost))
                items = list(field.index(value))
                if field.scorable:
                    length = sum(item[1] for item in items)
                # What the field writer's length lookup answers: the stored byte's length
                # (0 for none: the lookup's None).
                stored_length = byte_to_length(length_to_byte(length)) if length else 0
                terms = self.postings.get(name)
                if terms is None:
                    terms = self.postings[name] = {}
                for tbytes, _freq, weight, vbytes in items:
                    arrays = terms.get(tbytes)
                    if arrays is None:
                        arrays = terms[tbytes] = _Postings()
                        size += TERM_BYTES
                    arrays.ids.append(docnum)
                    arrays.weights.append(weight * boost)
                    arrays.values += vbytes
                    arrays.sizes.append(len(vbytes))
                    arrays.lengths.append(stored_length)
                    size += POSTING_BYTES + len(vbytes)
            custom = fields.get(f"_stored_{name}", value)
            perdoc.add_field(name, field, custom if field.stored else None, length)
            column = field.column_type
            if column and custom is not None:
                perdoc.add_column_value(name, column, field.to_column_value(custom))
        perdoc.finish_doc()
        self.docnum += 1
        self.size += size
        if self.size >= self.limit:
            self._flush()

    def _flush(self) -> None:
        """Close the current segment: per-document files, then every term's postings."""
        if not self.docnum:
            return
        self.perdoc.close()
        fieldwriter = self.codec.field_writer(self.storage, self.segment)
        add_term = getattr(fieldwriter, "add_term", None) or _term_writer(fieldwriter)
        for name in sorted(self.postings):
            terms = self.postings[name]
            fieldwriter.start_field(name, self.schema[name])
            for tbytes in sorted(terms):
                p = terms[tbytes]
                add_term(tbytes, p.ids, p.weights, p.values, p.sizes, p.lengths)
            fieldwriter.finish_field()
        fieldwriter.close()
        self.segment.set_doc_count(self.docnum)
        self.segments.append(self.segment)
        self.postings = {}
        self._start()

    def finish(self) -> list:
        self._flush()
        return self.segments


class _Postings:
    """One term's postings in a segment being built, as compact arrays: about 20 bytes a
    posting plus its value bytes (Python lists of objects took about 100)."""

    __slots__ = ("ids", "weights", "values", "sizes", "lengths")

    def __init__(self) -> None:
        self.ids = array("I")  # document numbers, ascending
        self.weights = array("d")  # exact: the stock codec sums them as Python floats
        self.values = bytearray()  # the Format's value bytes, concatenated
        self.sizes = array("I")  # each posting's value size
        self.lengths = array("I")  # the document's field length as stored (0: none)


def _term_writer(fieldwriter) -> Callable:
    """A term's arrays through the generic ``FieldWriter`` calls (stock codecs)."""

    def add_term(tbytes, ids, weights, values, sizes, lengths):
        fieldwriter.start_term(tbytes)
        add = fieldwriter.add
        ends = list(accumulate(sizes))
        for docnum, weight, end, size, length in zip(ids, weights, ends, sizes, lengths, strict=True):
            add(docnum, weight, bytes(values[end - size:end]), length or None)
        fieldwriter.finish_term()
    return add_term


def publish(ix, segments: list) -> None:
    """Make ``segments`` the index's content: a new TOC generation, as a writer's commit."""
    generation = ix.latest_generation() + 1
    TOC(ix.schema, segments, generation).write(ix.storage, ix.indexname)
    # The per-document writers' scratch files (Whoosh's writer destroys it at commit too).
    ix.storage.temp_storage(f"{ix.indexname}.tmp").destroy()


class BulkWriter:
    """A writer for a fresh, empty index: ``add_document``, then ``commit`` or ``cancel``.

    ``prepare(fields, schema)`` completes each document just before it is analysed, in
    the process that analyses it (the indexer adds the content lengths there)."""

    def __init__(self, ix, codec, *, procs: int = 1, limitmb: int = 256,
                 after_fork: Callable[[], None] | None = None,
                 prepare: Callable[[dict, Any], dict] | None = None):
        self.ix = ix
        self.codec = codec
        self.limitmb = limitmb
        self.procs = max(1, procs)
        self._prepare = prepare
        self._sent = 0
        self._buffer: list[dict] = []
        self._builder: SegmentBuilder | None = None
        self._tasks: list[Any] = []
        if self.procs == 1:
            self._builder = SegmentBuilder(ix, codec, limitmb)
            return
        context = multiprocessing.get_context("fork")
        self._results = context.Queue()
        for k in range(self.procs):
            jobs = context.Queue(4)
            task = context.Process(target=_work, args=(ix, codec, limitmb, jobs, self._results, k, after_fork, prepare),
                                   daemon=True)
            task.start()
            self._tasks.append((task, jobs))

    def add_document(self, **fields) -> None:
        if self._builder is not None:
            self._builder.add_document(**(self._prepare(fields, self._builder.schema) if self._prepare else fields))
            return
        self._buffer.append(fields)
        if len(self._buffer) >= BATCH:
            self._send()

    def _send(self) -> None:
        task, jobs = self._tasks[self._sent % len(self._tasks)]
        while True:
            try:
                jobs.put(self._buffer, timeout=1)
                break
            except queue.Full:
                self._check(task)
        self._sent += 1
        self._buffer = []

    def _check(self, task) -> None:
        if not task.is_alive():
            self._raise_from_results()
            raise RuntimeError(f"an indexing process died (exit code {task.exitcode})")

    def _raise_from_results(self) -> None:
        try:
            while True:
                _, ok, payload = self._results.get_nowait()
                if not ok:
                    raise RuntimeError(f"an indexing process failed:\n{payload}")
        except queue.Empty:
            pass

    def commit(self) -> None:
        if self._builder is not None:
            segments = self._builder.finish()
        else:
            if self._buffer:
                self._send()
            for _, jobs in self._tasks:
                jobs.put(None)
            by_worker: dict[int, list] = {}
            while len(by_worker) < len(self._tasks):
                try:
                    k, ok, payload = self._results.get(timeout=1)
                except queue.Empty:
                    for task, _ in self._tasks:
                        if not task.is_alive() and task.exitcode:
                            self._check(task)
                    continue
                if not ok:
                    self.cancel()
                    raise RuntimeError(f"an indexing process failed:\n{payload}")
                by_worker[k] = payload
            for task, _ in self._tasks:
                task.join()
            segments = [s for k in sorted(by_worker) for s in by_worker[k]]
        publish(self.ix, segments)

    def cancel(self) -> None:
        for task, _ in self._tasks:
            if task.is_alive():
                task.kill()
            task.join()
        self._tasks = []


def _work(ix, codec, limitmb, jobs, results, k, after_fork, prepare) -> None:
    """A writer process: build segments from the batches on ``jobs`` until None, each
    document completed by ``prepare`` first (when given)."""
    if after_fork is not None:
        after_fork()
    try:
        builder = SegmentBuilder(ix, codec, limitmb)
        while (batch := jobs.get()) is not None:
            for fields in batch:
                builder.add_document(**(prepare(fields, builder.schema) if prepare else fields))
        results.put((k, True, builder.finish()))
    except BaseException:
        results.put((k, False, traceback.format_exc()))
