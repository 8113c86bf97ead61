"""Write articles into a Whoosh index: full rebuilds beside the live index, or
incremental updates keyed on a content hash, written into a copy of the live build.
Every unusable record is reported.
"""

from __future__ import annotations

import ctypes
import dataclasses
import hashlib
import json
import multiprocessing
import multiprocessing.util
import shutil
import signal
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Generator, Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from . import bulkwrite
from .analysis import analyzer_for, language_field
from .authors import SidebarNames
from .clusters import (
    JUNK_ARTICLES,
    JUNK_TITLES,
    MIN_STORY_SHINGLES,
    BodyGroup,
    BodySketcher,
    ClusterSketches,
    Heading,
    article_from_stored,
    assign_cluster_ids,
    boilerplate_keys,
    find_clusters,
    heading,
    headings_agree,
)
from .codec import codec_choice, make_codec
from .corpus import SourceRecord, read_corpus
from .errors import ArtsearchError, IndexMissingError, SchemaMismatchError
from .idtable import IdTable
from .language import language_name
from .language import preload as preload_language_model
from .models import Article
from .normalise import DATE_KINDS, DEFAULT_OPTIONS, NormaliseOptions, SkipRecord, normalise
from .schema import FACET_SEPARATOR, SCHEMA_VERSION
from .spelling import SPELLING_FILE, SPELLING_VERSION, SpellingForms, body_forms, table_version
from .store import IndexStore

ENGLISH = {"", "en"}

# Separate segment files, not one compound file: Whoosh copies each file of a compound
# segment into a BytesIO for every reader it opens, so every searcher (one per server
# thread) held a private copy of the postings (about 0.7x the index size each). Plain
# files are read through the OS page cache, shared by all readers.
WRITER_OPTIONS = {"compound": False}


@dataclasses.dataclass(frozen=True)
class Problem:
    """A record that was skipped, repaired or indexed with a warning."""

    source: str
    line: int
    kind: str  # "skipped" | "repaired" | "warning" | "duplicate" | "language" (a guess, unsure)
    reason: str

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.kind}: {self.reason}"


@dataclasses.dataclass
class IndexStats:
    """What one reindex run did; ``to_dict()`` is the machine-readable report."""

    full: bool = False
    read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    skipped: int = 0
    total: int = 0
    text_bytes: int = 0
    seconds: float = 0.0
    build: str = ""
    index_dir: str = ""
    signatures_computed: int = 0  # MinHash signatures computed (new bodies only)
    title_only: int = 0  # articles read with a title and no body (indexed by the title)
    clusters: int = 0  # clusters of copies in the index after the run
    clustered: int = 0  # articles in those clusters
    # Crawl junk: bodies shared by unrelated articles (bot checks, error pages), with
    # counts and examples; and articles whose shared body is too short to make a story.
    boilerplate: dict = dataclasses.field(default_factory=dict)
    problems: list[Problem] = dataclasses.field(default_factory=list)
    aliases: dict = dataclasses.field(default_factory=dict)  # what the alias table merged
    # Author names on a large share of one outlet's articles, always with the same other
    # names: page furniture taken for bylines (index/authors.py, SidebarNames).
    sidebar_authors: list = dataclasses.field(default_factory=list)
    # Where each article's date came from (kind: stated, body, bound, none), and why a
    # record's own date was not used: reason -> kind it ended as (index/normalise.py).
    dates: dict = dataclasses.field(default_factory=lambda: {
        "kinds": {kind or "none": 0 for kind in DATE_KINDS}, "reasons": {}})

    @property
    def indexed(self) -> int:
        return self.added + self.updated

    @property
    def changed(self) -> int:
        return self.added + self.updated + self.deleted

    @property
    def articles_per_second(self) -> float:
        return self.read / self.seconds if self.seconds else 0.0

    @property
    def mb_per_second(self) -> float:
        return self.text_bytes / 1e6 / self.seconds if self.seconds else 0.0

    def count(self, kind: str) -> int:
        return sum(1 for p in self.problems if p.kind == kind)

    def to_dict(self) -> dict:
        data = dataclasses.asdict(self)
        data.update(
            indexed=self.indexed,
            changed=self.changed,
            articles_per_second=round(self.articles_per_second, 1),
            mb_per_second=round(self.mb_per_second, 3),
            seconds=round(self.seconds, 3),
            problem_counts={k: self.count(k) for k in ("skipped", "repaired", "warning", "duplicate", "language")},
        )
        return data


class NothingToIndexError(ArtsearchError):
    """Not one usable article was read; ``stats`` still says why (for the report)."""

    def __init__(self, message: str, *, stats: IndexStats):
        super().__init__(message, status=1)
        self.stats = stats


@dataclasses.dataclass(frozen=True)
class ParsedRecord:
    article: Article
    source: str
    line: int


def to_document(article: Article, *, lengths: bool = True) -> dict:
    """Return the Whoosh document for an article; field names follow ``Article``.

    ``lengths=False`` leaves out the content lengths, for ``add_content_lengths`` to add
    in the process that analyses the document (so its body is tokenised once)."""
    english = article.language in ENGLISH
    doc: dict[str, Any] = {
        "id": article.id,
        "slug": article.slug,
        "authors": list(article.authors),
        "url": article.url,
        "content_hash": content_hash(article),
    }
    if article.language:
        # No term for "too short to tell": the facet would show it as a blank value.
        doc["language"] = article.language
    if english:
        doc["title"] = article.title
        doc["body"] = article.body
    else:
        # Stored under title/body so every reader finds the text in one place, but
        # indexed only by the language's own fields (title_ru, body_ru; *_intl).
        doc.update(title="", body="", _stored_title=article.title, _stored_body=article.body)
        doc[language_field("title", article.language)] = article.title
        doc[language_field("body", article.language)] = article.body
    if article.authors:
        doc["author"] = " ; ".join(article.authors)
        doc["author_facet"] = FACET_SEPARATOR.join(article.authors)
    if article.outlet:
        doc["outlet"] = article.outlet
        doc["outlet_facet"] = article.outlet
    if article.published:
        # Whoosh's DATETIME wants naive datetimes; the index holds UTC throughout.
        doc["published"] = article.published.astimezone(timezone.utc).replace(tzinfo=None)
        doc["year"] = article.year
    doc.update(date_kind=article.date_kind, date_reason=article.date_reason, date_note=article.date_note,
               date_only=article.date_only,
               date_bound=article.date_bound.astimezone(timezone.utc).isoformat() if article.date_bound else "")
    return add_content_lengths(doc) if lengths else doc


def add_content_lengths(doc: dict, schema=None) -> dict:
    """Add the content-word counts of the document's title and body (the lengths ranking
    normalises by). Given the writer's ``schema``, its own analyzer counts them (the
    schema read from an index holds copies of the module's analyzers): the body goes
    last, the analyzer keeps its last text's terms, and the writer indexes ``body`` (or
    ``body_<code>``) before the title, so the body is tokenised once."""
    language = doc.get("language", "")
    title = doc.get("_stored_title", doc.get("title", ""))
    body = doc.get("_stored_body", doc.get("body", ""))
    if schema is None:
        title_analyzer = body_analyzer = analyzer_for(language)
    else:
        title_analyzer = schema[language_field("title", language)].analyzer
        body_analyzer = schema[language_field("body", language)].analyzer
    doc["title_words"] = title_analyzer.content_length(title)
    doc["body_words"] = body_analyzer.content_length(body)
    return doc


def _language_names(ix) -> dict[str, str]:
    """Each language of the index by its own name, for the language facet."""
    with ix.reader() as reader:
        codes = [term.decode("utf-8") for term in reader.lexicon("language")]
    return {code: language_name(code) for code in codes if code}


def content_hash(article: Article) -> str:
    payload = json.dumps(article.to_dict(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()


def iter_articles(
    sources: Iterable[str | Path],
    stats: IndexStats,
    options: NormaliseOptions = DEFAULT_OPTIONS,
    progress: Callable[[SourceRecord], None] | None = None,
) -> Iterator[ParsedRecord]:
    """Read and normalise every source, recording each problem in ``stats``."""
    for record in _records(sources, progress):
        article, problems = parse_record(record, options)
        _count_parsed(stats, article, problems)
        if article is not None:
            yield ParsedRecord(article, record.source, record.line)


def _records(sources: Iterable[str | Path], progress: Callable[[SourceRecord], None] | None) -> Iterator[SourceRecord]:
    for source in sources:
        for record in read_corpus(source):
            if progress is not None:
                progress(record)
            yield record


def parse_record(record: SourceRecord, options: NormaliseOptions) -> tuple[Article | None, list[Problem]]:
    """One raw record: its article (None: skipped) and its problems, in report order."""
    if record.error or record.data is None:
        return None, [Problem(record.source, record.line, "skipped", record.error or "no data")]
    problems = []
    if record.repaired:
        problems.append(Problem(record.source, record.line, "repaired", record.repaired))
    warnings: list[str] = []
    try:
        article = normalise(record.data, options, warnings)
    except SkipRecord as e:
        problems.append(Problem(record.source, record.line, "skipped", str(e)))
        return None, problems
    for warning in warnings:
        kind = ("repaired" if warning.startswith("body cut")
                else "language" if warning.startswith("language guessed") else "warning")
        problems.append(Problem(record.source, record.line, kind, warning))
    return article, problems


def _count_parsed(stats: IndexStats, article: Article | None, problems: list[Problem]) -> None:
    if article is None:
        stats.skipped += 1
    else:
        stats.read += 1
    stats.problems.extend(problems)


@dataclasses.dataclass
class Prepared:
    """An article and what a fresh build computes from it alone, in an indexing process:
    its document, its body's key and signature (None: the store has it), its word forms."""

    parsed: ParsedRecord
    doc: dict
    body_key: str
    sketch: Any
    forms: set[str] | None


# What a preparing process works with (set before the pool forks; see _prepare_chunk).
_PREPARE: dict[str, Any] = {}
CHUNK = 50  # records per task of the preparing pool


def _prepare_chunk(records: list[SourceRecord]) -> tuple[list, Counter]:
    """In a preparing process: each record's article, problems and ``Prepared`` (None when
    skipped), and the alias merges the chunk made."""
    options: NormaliseOptions = _PREPARE["options"]
    sketcher: BodySketcher = _PREPARE["sketcher"]
    options.aliases.merged = Counter()
    out = []
    for record in records:
        article, problems = parse_record(record, options)
        prepared = None
        if article is not None:
            doc = to_document(article, lengths=False)  # added by the writing process
            key, sketch = sketcher(article.body) if article.body else ("", None)  # see body_key_of
            forms = body_forms(article.body) if article.language in ENGLISH else None
            prepared = Prepared(ParsedRecord(article, record.source, record.line), doc, key, sketch, forms)
        out.append((article is not None, problems, prepared))
    return out, options.aliases.merged


def _prepared_in_parallel(sources, stats: IndexStats, options: NormaliseOptions, progress, workers: int,
                          root: Path) -> Generator[Prepared, None, None]:
    """``iter_articles`` with normalising, language identification, documents, body
    signatures and word forms computed by ``workers`` processes, in source order."""
    sketcher = BodySketcher(root)
    # Loaded once here and shared by the forked processes (each loaded its own: 4 s of CPU).
    sketcher.sketcher.preload()
    preload_language_model()
    _PREPARE.update(options=options, sketcher=sketcher)
    context = multiprocessing.get_context("fork")

    def chunks() -> Iterator[list[SourceRecord]]:
        chunk: list[SourceRecord] = []
        for record in _records(sources, progress):
            chunk.append(record)
            if len(chunk) >= CHUNK:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    with context.Pool(workers, initializer=die_with_parent) as pool:
        for results, merged in pool.imap(_prepare_chunk, chunks()):
            options.aliases.merged.update(merged)
            for kept, problems, prepared in results:
                stats.read += kept
                stats.skipped += not kept
                stats.problems.extend(problems)
                if prepared is not None:
                    yield prepared
    _PREPARE.clear()


def _prepared_here(sources, stats: IndexStats, options: NormaliseOptions, progress,
                   lengths: bool = True) -> Generator[Prepared, None, None]:
    for parsed in iter_articles(sources, stats, options, progress):
        yield Prepared(parsed, to_document(parsed.article, lengths=lengths), "", None, None)


def _count_date(stats: IndexStats, article: Article) -> None:
    kind = article.date_kind or "none"
    stats.dates["kinds"][kind] += 1
    if article.date_reason:
        outcome = stats.dates["reasons"].setdefault(article.date_reason, {k or "none": 0 for k in DATE_KINDS})
        outcome[kind] += 1


def build_index(
    sources: Iterable[str | Path],
    index_dir: str | Path,
    *,
    full: bool = False,
    prune: bool = False,
    workers: int = 1,
    options: NormaliseOptions = DEFAULT_OPTIONS,
    progress: Callable[[SourceRecord], None] | None = None,
    limitmb: int = 256,
    on_commit: Callable[[int], None] | None = None,
    codec: str | None = None,
    bulk: bool = True,
) -> IndexStats:
    """(Re)index ``sources`` into the index at ``index_dir`` and return what happened.

    Without ``full``, articles whose content hash is unchanged are left alone and only
    new or changed ones are written, in one Whoosh commit, into a hard-linked copy of the
    live build that is then swapped in. With ``full`` (or when there is no usable index
    yet) a fresh build is written beside the live one and swapped in when complete. ``prune`` deletes articles whose ids no
    longer appear in the sources (a full build has only what the sources hold anyway).
    ``codec`` names the postings codec (index/codec.py; default $ARTSEARCH_CODEC, else
    Whoosh's); an incremental run keeps the live build's unless told otherwise. A fresh
    build is written by ``BulkWriter`` (index/bulkwrite.py; ``bulk=False``: Whoosh's own
    writer, for comparisons), an update by Whoosh's writer.
    """
    started = time.perf_counter()
    store = IndexStore(index_dir)
    stats = IndexStats(index_dir=str(store.root))
    sources = list(sources)
    with store.lock():
        _remove_abandoned_builds(store)
        ix = None
        if not full:
            try:
                ix = store.open_current()
            except (IndexMissingError, SchemaMismatchError):
                full = True
        # One run at a time holds the lock, so one file name serves (and a killed run's
        # file is replaced).
        ids = IdTable(store.root / ".ids.sqlite")
        try:
            if ix is None:
                build = store.new_build()
            else:
                # Incremental runs write a hard-linked copy of the live build and publish it
                # like a full build: a published build is never modified, so a request that
                # opened it before this commit never finds a segment merged away under it.
                ids.load_live(_existing_hashes(ix))
                build = store.new_build(base=store.current_path())
        except BaseException:
            ids.close()
            raise
        fresh = ix is None
        ix = whoosh_index.open_dir(str(build))
        stats.full = full
        codec_name = codec_choice(codec or (None if full else store.read_meta(build).get("codec")))
        options_ = {**WRITER_OPTIONS, "codec": make_codec(codec_name)}
        sketches = ClusterSketches(store.root)
        if workers > 1:
            multiprocessing.util.register_after_fork(stats, die_with_parent)
        writer: Any
        if fresh and bulk and bulkwrite.supported(ix.schema):
            writer = bulkwrite.BulkWriter(ix, options_["codec"], procs=workers, limitmb=limitmb,
                                          after_fork=die_with_parent, prepare=add_content_lengths)
        else:
            writer = ix.writer(procs=max(1, workers), limitmb=limitmb, multisegment=workers > 1, **options_)
        # Duplicate ids: the first record is kept and each later one is reported with its
        # file and line. Keeping the first (not the last) means one pass decides, and a
        # re-run over unchanged input writes nothing at all.
        forms = SpellingForms()  # the word forms of what is written, for "Did you mean"
        sidebar = SidebarNames()
        articles: Generator[Prepared, None, None]
        if isinstance(writer, bulkwrite.BulkWriter) and workers > 1:
            articles = _prepared_in_parallel(sources, stats, options, progress, workers, store.root)
        else:
            articles = _prepared_here(sources, stats, options, progress,
                                      lengths=not isinstance(writer, bulkwrite.BulkWriter))
        try:
            for prepared in articles:
                parsed, doc = prepared.parsed, prepared.doc
                article = parsed.article
                where = f"{parsed.source}:{parsed.line}"
                stats.text_bytes += len(article.body.encode("utf-8"))
                kept = ids.first_seen(article.id)
                if kept is not None:
                    kept_at, kept_hash = kept
                    same = "an identical copy" if kept_hash == doc["content_hash"] else "a different record"
                    stats.problems.append(Problem(
                        parsed.source, parsed.line, "duplicate",
                        f"id {article.id!r} was already read at {kept_at}; this record ({same}) is ignored",
                    ))
                    continue
                ids.see(article.id, where, doc["content_hash"])
                sidebar.add(article.outlet, article.authors)
                _count_date(stats, article)
                old_hash = ids.live_hash(article.id)
                if old_hash != doc["content_hash"] and article.language in ENGLISH:
                    if prepared.forms is not None:
                        forms.add_forms(prepared.forms)
                    else:
                        forms.add(article.body)
                stats.title_only += not article.body
                if old_hash is None:
                    doc["body_key"] = (sketches.add_sketched(prepared.body_key, prepared.sketch) if prepared.body_key
                                       else body_key_of(sketches, article))
                    writer.add_document(**doc)
                    action = "added"
                elif old_hash == doc["content_hash"]:
                    action = "unchanged"
                else:
                    doc["body_key"] = body_key_of(sketches, article)
                    writer.update_document(**doc)
                    action = "updated"
                _count(stats, action, +1)
            if prune and ids.live_count:
                for gone in ids.gone():
                    writer.delete_by_term("id", gone)
                    stats.deleted += 1
            # Even with a live index: "nothing usable" is an error (and must never let
            # --prune empty the index because a source was unreadable).
            if stats.read == 0:
                raise NothingToIndexError(
                    "No usable articles were read from " + ", ".join(map(str, sources))
                    + _first_problem(stats), stats=stats,
                )
            changed = full or stats.added or stats.updated or stats.deleted
            if changed:
                if on_commit is not None:
                    on_commit(stats.changed)
                writer.commit()
            else:
                writer.cancel()
        except BaseException:
            articles.close()  # stops the preparing processes, if any
            writer.cancel()
            shutil.rmtree(build, ignore_errors=True)
            sketches.close()
            raise
        finally:
            ids.close()
        stats.sidebar_authors = sidebar.report()
        # Clusters of copies: recomputed from stored signatures whenever documents changed
        # (or the cluster parameters did), on the new build before it is published.
        clusters_meta = store.read_meta(build).get("clusters", {}) if not full else {}
        recluster = bool(changed) or clusters_meta.get("params") != sketches.params.tag
        try:
            if recluster:
                clusters_meta = _update_clusters(ix, sketches, prune_signatures=full, options=options_)
            stats.clusters = clusters_meta.get("clusters", 0)
            stats.clustered = clusters_meta.get("articles", 0)
            stats.boilerplate = clusters_meta.get("boilerplate", {})
            stats.signatures_computed = sketches.computed
        except BaseException:
            shutil.rmtree(build, ignore_errors=True)
            raise
        finally:
            sketches.close()
        stats.total = ix.doc_count()
        if not recluster:
            # Nothing changed: nothing is written, not even metadata, and the live build
            # stays, so servers keep their per-generation caches.
            shutil.rmtree(build, ignore_errors=True)
            stats.build = store.current_name() or ""
            stats.seconds = time.perf_counter() - started
            return stats
        meta = store.read_meta(build) if not full else {}
        meta["clusters"] = clusters_meta
        meta["codec"] = codec_name
        meta["spelling"] = {"forms": _write_spelling(ix, build, forms, full=full)}
        # The arrays a server's first request would otherwise build (index/warm.py);
        # numpy is imported here, so an unchanged reindex never loads it.
        from .warm import write_columns
        write_columns(build, ix)
        meta.update(
            schema_version=SCHEMA_VERSION,
            updated_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            documents=stats.total,
            # Absolute, so that the remedy for a damaged index ("reindex --full <sources>")
            # works from any directory.
            sources=[str(s) if str(s) == "-" else str(Path(s).resolve()) for s in sources],
            language_names=_language_names(ix),
        )
        if full:
            meta["built_at"] = meta["updated_at"]
        store.write_meta(build, meta)
        store.publish(build)
        stats.build = build.name
    stats.aliases = options.aliases.report()
    stats.seconds = time.perf_counter() - started
    return stats


def die_with_parent(_obj=None) -> None:
    """In a forked indexing worker: ask Linux to SIGKILL us when the parent dies.

    Whoosh's workers block on a queue the dead parent would never feed, so without this
    a SIGKILLed reindex leaves orphans behind forever.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _count(stats: IndexStats, action: str, delta: int) -> None:
    setattr(stats, action, getattr(stats, action) + delta)


def _first_problem(stats: IndexStats) -> str:
    if not stats.problems:
        return ""
    return f" ({stats.skipped:,} {'record' if stats.skipped == 1 else 'records'} skipped; first: {stats.problems[0]})"


def body_key_of(sketches: ClusterSketches, article: Article) -> str:
    """The article's body key for clustering; none for an empty body, which never makes a
    story, a cluster or crawl junk (headline-only items share no text, only its absence)."""
    return sketches.add(article.body) if article.body else ""


def _update_clusters(ix, sketches: ClusterSketches, *, prune_signatures: bool, options: dict | None = None) -> dict:
    """Recompute the clusters of the whole index from stored signatures and rewrite the
    documents whose cluster changed; return the cluster summary kept in the build's meta.

    Only bodies never seen before need a new signature (``sketches`` computed those while
    the documents were written), so a run that adds one article computes one signature.
    """
    with ix.reader() as reader:
        ids = reader.column_reader("id")
        keys = reader.column_reader("body_key")
        docnum_of: dict[str, int] = {}
        key_of: dict[str, str] = {}
        for d in reader.all_doc_ids():
            docnum_of[ids[d]] = d
            key_of[ids[d]] = keys[d]
        old = _postings_by_id(reader, ids, "cluster")
        old_junk = _postings_by_id(reader, ids, "junk")
        first_doc_of_key = {k: docnum_of[i] for i, k in key_of.items() if k}
        found = sketches.sketches(set(first_doc_of_key), lambda k: reader.stored_fields(first_doc_of_key[k])["body"])
        junk_info, report = _boilerplate(reader, docnum_of, key_of, found)
        short = {k for k, sketch in found.items() if sketch[0] < MIN_STORY_SHINGLES}
        ids_by_key: dict[str, list[str]] = defaultdict(list)
        for article_id, key in key_of.items():
            ids_by_key[key].append(article_id)
        headings: dict[str, Heading] = {}

        def heading_of(key: str) -> Heading:
            if key not in headings:
                docs = [reader.stored_fields(docnum_of[i]) for i in sorted(ids_by_key[key])[:20]]
                headings[key] = heading([d.get("title", "") for d in docs], docs[0].get("body", ""))
            return headings[key]

        groups = find_clusters(found, sketches.params, exclude=set(junk_info),
                               agree=lambda a, b: headings_agree(heading_of(a), heading_of(b)))
        new = assign_cluster_ids({i: k for i, k in key_of.items() if k}, groups, unfit=short | set(junk_info))
        new_junk = {i: junk_info[k] for i, k in key_of.items() if k in junk_info}
        # Articles with a copy that is too short to make a story (and is not junk).
        per_key = Counter(k for k in key_of.values() if k in short and k not in junk_info)
        report["short_copies"] = sum(n for n in per_key.values() if n > 1)
        changed = {i for i in old.keys() | new.keys() if old.get(i) != new.get(i)}
        changed |= {i for i in old_junk.keys() | new_junk.keys() if old_junk.get(i) != new_junk.get(i)}
        rewrites = []
        for article_id in sorted(changed):
            fields = reader.stored_fields(docnum_of[article_id])
            doc = to_document(article_from_stored(fields))
            # Keep the hash of what was indexed: the rewrite changes no content.
            doc["content_hash"] = fields.get("content_hash", doc["content_hash"])
            doc["body_key"] = key_of[article_id]
            if article_id in new:
                doc["cluster"] = new[article_id]
            if article_id in new_junk:
                doc["junk"] = new_junk[article_id]
            rewrites.append(doc)
        if prune_signatures:
            sketches.store.keep_only(set(first_doc_of_key))
    if rewrites:
        writer = ix.writer(**(options or WRITER_OPTIONS))
        try:
            for doc in rewrites:
                writer.update_document(**doc)
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
    return {
        "params": sketches.params.tag,
        "threshold": sketches.params.threshold,
        "clusters": len(set(new.values())),
        "articles": len(new),
        "boilerplate": report,
    }


def _postings_by_id(reader, ids, field: str) -> dict[str, str]:
    """Article id -> the value of ``field`` for every document that has one."""
    out: dict[str, str] = {}
    if field in reader.schema:
        for term in reader.lexicon(field):
            for d in reader.postings(field, term).all_ids():
                out[ids[d]] = term.decode("utf-8")
    return out


def _boilerplate(reader, docnum_of: dict[str, int], key_of: dict[str, str], sketches: dict) -> tuple[dict, dict]:
    """Crawl junk among bodies shared by enough articles: (key -> the JSON flag each
    article gets, the report's summary with counts and the largest examples)."""
    by_key: dict[str, list[str]] = defaultdict(list)
    for article_id, key in key_of.items():
        if key:
            by_key[key].append(article_id)
    candidates = {k: v for k, v in by_key.items() if len(v) >= min(JUNK_TITLES, JUNK_ARTICLES)}
    fields = {i: reader.stored_fields(docnum_of[i]) for ids in candidates.values() for i in ids}
    groups = {k: BodyGroup(int(sketches[k][0]), tuple((fields[i].get("title", ""), fields[i].get("outlet", ""))
                                                      for i in sorted(ids)))
              for k, ids in candidates.items() if k in sketches}
    found = boilerplate_keys(groups)
    flags = {k: json.dumps(info, sort_keys=True) for k, info in found.items()}
    examples = []
    for key, info in sorted(found.items(), key=lambda kv: (-kv[1]["articles"], kv[0]))[:10]:
        members = sorted(candidates[key])
        body = fields[members[0]].get("body", "")
        examples.append(dict(info, body=" ".join(body.split())[:120], outlet=Counter(
            fields[i].get("outlet", "") for i in members).most_common(1)[0][0], ids=members[:5],
            example_titles=sorted({fields[i].get("title", "") for i in members})[:3]))
    report = {"bodies": len(found), "articles": sum(i["articles"] for i in found.values()), "examples": examples}
    return flags, report


def _write_spelling(ix, build: Path, forms: SpellingForms, *, full: bool) -> int:
    """Write the build's spelling table (index/spelling.py): this run's forms, and those
    of the build it updates. A build from before the table has its bodies read once."""
    previous = build / SPELLING_FILE
    if not full and table_version(previous) != SPELLING_VERSION:
        with ix.searcher() as searcher:
            for fields in searcher.all_stored_fields():
                if fields.get("language", "") in ENGLISH:
                    forms.add(fields.get("body", ""))
    return forms.write(build, previous if not full else None)


def _existing_hashes(ix) -> Iterator[tuple[str, str]]:
    """(id, content hash) of every live document, read from the column store."""
    with ix.reader() as reader:
        ids = reader.column_reader("id")
        hashes = reader.column_reader("content_hash")
        for d in reader.all_doc_ids():
            yield ids[d], hashes[d]


def _remove_abandoned_builds(store: IndexStore) -> None:
    # A build newer than CURRENT can only be one whose writer died (we hold the lock).
    current = store.current_name()
    if not store.builds_dir.is_dir():
        return
    for path in store.builds_dir.iterdir():
        if current is None or path.name > current:
            shutil.rmtree(path, ignore_errors=True)
