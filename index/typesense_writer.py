"""Feed a built artsearch index into a Typesense collection (``reindex --backend typesense``).

The existing index path runs first, unchanged (``build_index``: normalising, bad-record
report, aliases, cluster ids, first seen); this module then reads that build and writes
one Typesense document per article. Nothing about an article is worked out twice: its
words are the build's own analysed terms (read from the postings, so stemming, folding
and per-language fields are exactly Whoosh's), its facet values are the facet fields'
terms, its order is the build's date order, and its story, copies and similar articles
are the engine's.

Each document carries:

- ``terms``: ``field:term`` for every indexed term, plus ``field:w1 w2`` and
  ``field:w1 w2 w3`` for adjacent positions, so ``search/typesense_backend.py`` can match
  artsearch's parsed query exactly with ``filter_by`` (a phrase is its word runs);
- the facet fields, the day (timeline), the story (``group_by``), the date-order ranks
  and ``published`` in microseconds (date ranges);
- ``stored``: the build's stored fields as JSON, so hits, teasers and article pages are
  made by the same code as on the Whoosh backend.

Writes are idempotent upserts keyed by a hash of the article id, and incremental: a
document whose content digest is unchanged is not sent again, and articles gone from the
build are deleted. ``full`` builds a new collection and swaps the alias to it atomically.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

from whoosh.fields import NUMERIC

from .config import Config
from .errors import ArtsearchError

# Words in a run indexed for phrases: quotes of up to this many words match exactly; longer
# ones match as overlapping runs of this many (search/typesense_backend.py says so).
PHRASE_RUN = 3
BATCH = 100
WRITE_TIMEOUT = 300.0  # seconds one write request may take (a 3-node cluster on a busy machine)
# Typesense quotes filter values in backticks; a term holding one cannot be written.
UNQUOTABLE = "`"
# Fields never searched by a query (ids and bookkeeping).
SKIP_FIELDS = frozenset({"id", "body_key", "cluster", "content_hash", "junk"})
SIMILAR_STORED = 5


class TypesenseError(ArtsearchError):
    """The cluster refused or could not be reached; the message names what to check."""


def doc_id(article_id: str) -> str:
    """The Typesense document id of an article: ids may hold "/", "?", "#" or "..", which a
    document URL cannot carry as they are."""
    return hashlib.sha1(article_id.encode("utf-8")).hexdigest()


def quotable(term: str) -> bool:
    return UNQUOTABLE not in term


def collection_schema(name: str) -> dict:
    return {
        "name": name,
        "fields": [
            {"name": "article_id", "type": "string"},
            {"name": "terms", "type": "string[]"},
            {"name": "f_outlet", "type": "string", "facet": True, "optional": True},
            {"name": "f_author", "type": "string[]", "facet": True, "optional": True},
            {"name": "f_year", "type": "string", "facet": True, "optional": True},
            {"name": "f_language", "type": "string", "facet": True, "optional": True},
            {"name": "day", "type": "int32", "facet": True},  # date ordinal; -1 undated
            {"name": "story", "type": "string", "facet": True},
            {"name": "oldest", "type": "int32"},
            {"name": "newest", "type": "int32"},
            {"name": "published", "type": "int64", "optional": True},  # microseconds, UTC
            # The stems of title and body in order, for Typesense's own relevance ranking.
            {"name": "text", "type": "string"},
        ],
        "default_sorting_field": "oldest",
    }


def meta_collection(name: str) -> str:
    """The collection holding one document: the build's metadata (Typesense 0.24 keeps
    none per collection)."""
    return f"{name}__meta"


def _json_default(value):
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    raise TypeError(f"cannot store {type(value).__name__}")


def dump_stored(fields: dict) -> str:
    return json.dumps(fields, default=_json_default, ensure_ascii=False, sort_keys=True)


def load_stored(text: str) -> dict:
    def hook(obj):
        if len(obj) == 1 and "$dt" in obj:
            return datetime.fromisoformat(obj["$dt"])
        return obj
    return json.loads(text, object_hook=hook)


def micros(value: datetime) -> int:
    """A stored (naive UTC) or aware datetime as microseconds since the epoch."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    delta = value - datetime(1970, 1, 1, tzinfo=timezone.utc)
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


@dataclasses.dataclass
class SyncStats:
    collection: str = ""
    documents: int = 0
    upserted: int = 0
    unchanged: int = 0
    deleted: int = 0
    swapped: bool = False
    seconds: float = 0.0

    def line(self) -> str:
        how = "new collection, alias swapped" if self.swapped else "updated in place"
        return (f"Typesense collection {self.collection} ({how}): {self.documents:,} articles, "
                f"{self.upserted:,} written, {self.unchanged:,} unchanged, {self.deleted:,} deleted "
                f"in {self.seconds:.1f} s")


def build_documents(index_dir: Path) -> tuple[dict, Iterator[dict]]:
    """The build's metadata and one Typesense document per live article."""
    from search.facets import FACETS
    from search.whoosh_backend import WhooshBackend

    engine = WhooshBackend(Config(index_dir=index_dir, timeout=3600))
    searcher = engine.searcher()
    view = engine.view(searcher)
    reader = searcher.reader()
    schema = reader.schema
    terms: dict[int, list[str]] = defaultdict(list)
    # Positions of each field's terms per document, for phrase runs and the text field.
    positions: dict[int, dict[str, dict[int, str]]] = defaultdict(lambda: defaultdict(dict))
    for field in reader.indexed_field_names():
        if field in SKIP_FIELDS or field not in schema or isinstance(schema[field], NUMERIC):
            continue  # numbers and dates are filtered by their own fields, not by terms
        with_positions = schema[field].format.supports("positions")
        for raw in reader.lexicon(field):
            term = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
            if not quotable(term):
                continue
            postings = reader.postings(field, raw)
            token = f"{field}:{term}"
            while postings.is_active():
                doc = postings.id()
                terms[doc].append(token)
                if with_positions:
                    slots = positions[doc][field]
                    for p in postings.value_as("positions"):
                        slots[p] = term
                postings.next()
    facet_field = {spec.key: spec.field for spec in FACETS}
    meta = engine.status()
    meta["query_fields"] = list(view.query_fields)

    def documents() -> Iterator[dict]:
        for doc in sorted(view.all_docs):
            fields = searcher.stored_fields(doc)
            article_id = fields["id"]
            tokens = terms.get(doc, [])
            runs: list[str] = []
            text_words: list[str] = []
            for field, slots in positions.get(doc, {}).items():
                for p, word in slots.items():
                    run = [word]
                    for k in range(1, PHRASE_RUN):
                        nxt = slots.get(p + k)
                        if nxt is None:
                            break
                        run.append(nxt)
                        runs.append(f"{field}:{' '.join(run)}")
                if field.startswith(("title", "body")):
                    text_words.extend(slots[p] for p in sorted(slots))
            values = {key: [t.split(":", 1)[1] for t in tokens if t.startswith(field + ":")]
                      for key, field in facet_field.items()}
            published = fields.get("published")
            cluster = view.clusters.cluster(doc, searcher.stored_fields)
            similar = [(h.id, h.score) for h in engine.similar(article_id, SIMILAR_STORED)]
            body = {
                "id": doc_id(article_id),
                "article_id": article_id,
                "terms": sorted(set(tokens)) + sorted(set(runs)),
                "day": int(view.days.days[doc]),
                "story": cluster.id if cluster else "doc:" + doc_id(article_id),
                "oldest": int(view.oldest_rank[doc]),
                "newest": int(view.newest_rank[doc]),
                "text": " ".join(text_words),
                "stored": dump_stored(fields),
                "cluster": json.dumps(_cluster_dict(cluster)) if cluster else "",
                "similar": json.dumps(similar),
            }
            if values["outlet"]:
                body["f_outlet"] = values["outlet"][0]
            if values["author"]:
                body["f_author"] = values["author"]
            if values["year"]:
                body["f_year"] = values["year"][0]
            if values["language"]:
                body["f_language"] = values["language"][0]
            if isinstance(published, datetime):
                body["published"] = micros(published)
            body["digest"] = hashlib.sha1(json.dumps(body, sort_keys=True).encode("utf-8")).hexdigest()
            yield body

    return meta, documents()


def _cluster_dict(cluster) -> dict:
    first = cluster.first
    return {"id": cluster.id, "size": cluster.size, "outlets": cluster.outlets,
            "first": {"id": first.id, "slug": first.slug, "title": first.title, "outlet": first.outlet,
                      "published": first.published.isoformat() if first.published else None,
                      "date_kind": first.date_kind, "date_only": first.date_only}}


def sync(index_dir: Path, config: Config, *, full: bool = False, progress=None) -> SyncStats:
    """Write the build in ``index_dir`` into ``config``'s Typesense collection (its alias)."""
    from search.typesense_backend import connect, translate_errors

    started = time.perf_counter()
    # A batch is replicated to a quorum before it is acknowledged: far slower than a search.
    client = connect(config, timeout=WRITE_TIMEOUT)
    alias = config.typesense_collection
    stats = SyncStats()
    with translate_errors(config):
        meta, docs = build_documents(index_dir)
        current = _aliased(client, alias)
        if current is None or full:
            name = f"{alias}_{time.strftime('%Y%m%d%H%M%S')}_{time.time_ns() % 1_000_000:06d}"
            client.collections.create(collection_schema(name))
            known: dict[str, str] = {}
            stats.swapped = True
        else:
            name = current
            known = {d["id"]: d.get("digest", "") for d in _export(client, name, "id,digest")}
        stats.collection = name
        seen: set[str] = set()
        batch: list[dict] = []
        for body in docs:
            stats.documents += 1
            seen.add(body["id"])
            if known.get(body["id"]) == body["digest"]:
                stats.unchanged += 1
                continue
            batch.append(body)
            if len(batch) >= BATCH:
                stats.upserted += _import(client, name, batch)
                batch = []
                if progress:
                    progress(stats)
        if batch:
            stats.upserted += _import(client, name, batch)
        if progress:
            progress(stats)  # the last line: every article read
        gone = [i for i in known if i not in seen]
        for start in range(0, len(gone), BATCH):
            ids = ",".join(gone[start:start + BATCH])
            client.collections[name].documents.delete({"filter_by": f"id:[{ids}]"})
        stats.deleted = len(gone)
        _write_meta(client, name, meta)
        if stats.swapped:
            client.aliases.upsert(alias, {"collection_name": name})
            if current is not None:
                _drop(client, current)
    wait_replicated(config, alias, name, stats.documents)
    stats.seconds = time.perf_counter() - started
    return stats


def wait_replicated(config: Config, alias: str, name: str, documents: int, timeout: float = 30.0) -> None:
    """Return once every reachable node serves ``alias`` as ``name`` with ``documents``
    articles (followers apply the leader's log a moment later), so a search right after a
    reindex never meets a follower without the new build. A node that cannot be reached
    is left to catch up when it returns (Raft replays the log to it)."""
    import urllib.error
    import urllib.request

    from search.typesense_backend import read_key

    key = read_key(config)

    def get(url: str):
        request = urllib.request.Request(url, headers={"X-TYPESENSE-API-KEY": key})
        with urllib.request.urlopen(request, timeout=2) as response:
            return json.load(response)

    pending = list(config.typesense_nodes)
    end = time.monotonic() + timeout
    while pending and time.monotonic() < end:
        for node in list(pending):
            try:
                if get(f"{node}/aliases/{alias}").get("collection_name") == name and \
                        int(get(f"{node}/collections/{name}").get("num_documents", -1)) == documents:
                    pending.remove(node)
            except urllib.error.HTTPError:
                pass  # not there yet
            except (OSError, ValueError):
                pending.remove(node)  # down: it catches up from the log when it returns
        if pending:
            time.sleep(0.1)
    if pending:
        raise TypesenseError(f"The cluster did not replicate the new build to {', '.join(pending)} within "
                             f"{timeout:.0f} s; check those nodes' logs", status=503)


def _aliased(client, alias: str) -> str | None:
    import typesense.exceptions

    try:
        return client.aliases[alias].retrieve()["collection_name"]
    except typesense.exceptions.ObjectNotFound:
        return None


def _export(client, name: str, fields: str) -> Iterator[dict]:
    text = client.collections[name].documents.export({"include_fields": fields})
    for line in text.splitlines():
        if line.strip():
            yield json.loads(line)


def _import(client, name: str, batch: list[dict]) -> int:
    answers = client.collections[name].documents.import_(batch, {"action": "upsert"})
    failed = [a for a in answers if not a.get("success")]
    if failed:
        raise TypesenseError(f"Typesense refused {len(failed)} of {len(batch)} documents: "
                             f"{str(failed[0].get('error', failed[0]))[:200]}")
    return len(batch)


def _write_meta(client, name: str, meta: dict) -> None:
    import typesense.exceptions

    collection = meta_collection(name)
    try:
        client.collections[collection].retrieve()
    except typesense.exceptions.ObjectNotFound:
        client.collections.create({"name": collection, "fields": [{"name": "kind", "type": "string"}]})
    client.collections[collection].documents.upsert(
        {"id": "build", "kind": "build", "meta": json.dumps(meta, default=str, ensure_ascii=False)})


def _drop(client, name: str) -> None:
    import typesense.exceptions

    for collection in (name, meta_collection(name)):
        try:
            client.collections[collection].delete()
        except typesense.exceptions.ObjectNotFound:
            pass
