"""``python -m bench.relevance``: how well artsearch ranks what people paste, beside peers.

Every judged collection, three engines, one run:

- Each folder of ``../shared/ir/`` with ``docs.jsonl``, ``queries.jsonl`` and ``qrels.tsv``
  (Cranfield, CACM, MED, and any added later, with no code change): its queries sent
  exactly as written; nDCG@10 and MAP@100 against the judgements, and the queries with
  no results.
- Known-item sets generated from ``../shared/corpus`` with a fixed seed (see
  ``bench/knownitem.py``): pasted sentences and damaged quotes (success@3), sentences
  wrapped in questions (success@10).

artsearch is built by the code ``artsearch reindex --full`` runs and searched through
``SearchEngine.search``, as the web page and the CLI do. The peers are SQLite FTS5
(porter, bm25) and plain Whoosh BM25F (stock StemmingAnalyzer, title + body, OR group),
built by ``bench/builders.py``; they get the same raw queries reduced to their words,
OR'ed, the way ``../shared/ir/README.md`` measured them.

The report goes to ``docs/relevance.md`` and ``docs/relevance-results.json``; ``--smoke``
runs a small subset into ``bench/out/relevance-smoke`` and writes no docs.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import click

from . import ir_metrics as m
from .builders import build_sqlite, build_whoosh_baseline
from .corpus import read_records, write_subset
from .knownitem import SETS, Collection, Item, generate

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("ARTSEARCH_SHARED", PROJECT_ROOT.parent / "shared"))
DOCS = PROJECT_ROOT / "docs"
DEFAULT_OUT = PROJECT_ROOT / "bench" / "out" / "relevance"
SMOKE_OUT = PROJECT_ROOT / "bench" / "out" / "relevance-smoke"
SEED = 8  # issue 8
SEARCH_TIMEOUT = 600.0  # seconds: far beyond any search, so a busy machine never fails one
DEPTH = 100  # results asked of every engine per query (MAP@100)
SMOKE_QUERIES = 25
SMOKE_ARTICLES = 300
SMOKE_ITEMS = 20
FULL_ITEMS = 300

ENGINES = ("artsearch", "fts5", "whoosh")
LABELS = {"artsearch": "artsearch", "fts5": "SQLite FTS5 (porter, bm25)",
          "whoosh": "Whoosh BM25F (stock, OR)"}
SET_K = {"sentence": 3, "quote": 3, "question": 10}
SET_TITLES = {
    "sentence": "Known item: a unique sentence pasted whole",
    "quote": "Known item: an 8-word quote with typographic damage (“…”, soft hyphen, ’, –)",
    "question": "Known item: the sentence wrapped in a question",
}
# Each judged collection (issue 18): artsearch's nDCG@10 at least the best peer's of the
# same run plus this margin, and no query without results.
PEER_MARGIN = 0.02
COLLECTION_FILES = ("docs.jsonl", "queries.jsonl", "qrels.tsv")
NAMES = {"cranfield": "Cranfield", "cacm": "CACM", "med": "MED"}
TARGETS = (
    # key, label, comparison, value (the collections' targets are added per collection)
    ("sentence", "Pasted sentence success@3", ">=", 0.97),
    ("quote", "Typographic quote success@3", ">=", 0.97),
    ("question", "Question success@10", ">=", 0.90),
)


class Searcher:
    """One engine over one built collection: ``search(q, k)`` -> the first k ids."""

    name = ""
    code: tuple[str, ...] = ()  # the packages/files that decide how the index is built

    @staticmethod
    def build(source: Path, target: Path) -> None:
        raise NotImplementedError

    def search(self, q: str, k: int) -> list[str]:
        raise NotImplementedError

    def close(self) -> None:
        pass


class Artsearch(Searcher):
    name = "artsearch"
    code = ("index",)

    @staticmethod
    def build(source, target):
        from index.cli import reindex

        shutil.rmtree(target, ignore_errors=True)
        # The reindex command itself, in process: the same options and defaults as the CLI.
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            reindex.main([str(source), "--index", str(target), "--full", "--quiet"], standalone_mode=False)

    def __init__(self, target: Path):
        from index.config import Config
        from search.engine import SearchEngine

        # Ranking quality must not depend on how busy the machine is: no 2 s deadline here.
        self.engine = SearchEngine(Config(index_dir=target, timeout=SEARCH_TIMEOUT))
        self.documents = self.engine.info()["documents"]

    def search(self, q, k):
        from search.request import SearchRequest

        result = self.engine.search(SearchRequest(q=q, per_page=k, sort="relevance"))
        return [hit.id for hit in result.hits]

    def close(self):
        self.engine.close()


def peer_words(q: str) -> list[str]:
    """What the peers are sent: the query's words, punctuation removed."""
    return re.findall(r"\w+", q)


class Fts5(Searcher):
    name = "fts5"
    code = ("bench/builders.py", "bench/corpus.py")

    @staticmethod
    def build(source, target):
        target.mkdir(parents=True, exist_ok=True)
        build_sqlite(source, target / "fts5.db")

    def __init__(self, target: Path):
        self.db = sqlite3.connect(target / "fts5.db")
        self.documents = self.db.execute("SELECT count(*) FROM articles").fetchone()[0]

    def search(self, q, k):
        terms = peer_words(q)
        if not terms:
            return []
        match = " OR ".join(f'"{t}"' for t in terms)  # quoted: never FTS5 syntax
        rows = self.db.execute(
            "SELECT articles.id FROM articles_fts JOIN articles ON articles.rowid = articles_fts.rowid "
            "WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?", (match, k)).fetchall()
        return [r[0] for r in rows]

    def close(self):
        self.db.close()


class WhooshBaseline(Searcher):
    name = "whoosh"
    code = ("bench/builders.py", "bench/corpus.py")

    @staticmethod
    def build(source, target):
        build_whoosh_baseline(source, target)

    def __init__(self, target: Path):
        from whoosh import index
        from whoosh.qparser import MultifieldParser, OrGroup

        self.ix = index.open_dir(str(target))
        self.searcher = self.ix.searcher()
        self.documents = self.searcher.doc_count()
        self.parser = MultifieldParser(["title", "body"], self.ix.schema, group=OrGroup)

    def search(self, q, k):
        # Lower-cased so that no word is read as an AND/OR/NOT operator.
        text = " ".join(peer_words(q)).lower()
        if not text:
            return []
        results = self.searcher.search(self.parser.parse(text), limit=k)
        return [hit["id"] for hit in results]

    def close(self):
        self.searcher.close()


ENGINE_CLASSES: dict[str, type[Searcher]] = {"artsearch": Artsearch, "fts5": Fts5, "whoosh": WhooshBaseline}


def _items_key(corpora: list[Path], per_source: int | None, count: int, seed: int) -> str:
    digest = hashlib.sha256(f"{per_source}|{count}|{seed}".encode())
    for path in corpora:
        stat = path.stat()
        digest.update(f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    digest.update((PROJECT_ROOT / "bench" / "knownitem.py").read_bytes())
    return digest.hexdigest()


def fingerprint(cls: type[Searcher], inputs: list[Path]) -> str:
    """What an index depends on: the source files (path, size, mtime) and the bytes of
    the code that builds it. An index built from the same is reused by ``--reuse``."""
    digest = hashlib.sha256(cls.name.encode())
    for path in inputs:
        stat = path.stat()
        digest.update(f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    for code in cls.code:
        root = PROJECT_ROOT / code
        for file in sorted(root.rglob("*.py")) if root.is_dir() else [root]:
            digest.update(file.relative_to(PROJECT_ROOT).as_posix().encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def build_all(engines, source: Callable[[], Path], work: Path, log, *, inputs: list[Path],
              reuse: bool) -> dict[str, Searcher]:
    """Build (or, with ``reuse``, reopen when nothing it depends on changed) each engine's index."""
    work.mkdir(parents=True, exist_ok=True)
    built = {}
    for name in engines:
        cls = ENGINE_CLASSES[name]
        target, stamp = work / name, work / f"{name}.fingerprint"
        key = fingerprint(cls, inputs)
        started = time.perf_counter()
        if reuse and stamp.exists() and stamp.read_text() == key and target.exists():
            how = "reused"
        else:
            stamp.unlink(missing_ok=True)
            cls.build(source(), target)
            stamp.write_text(key)
            how = "built"
        built[name] = cls(target)  # type: ignore[call-arg]
        log(f"  {how} {name}: {built[name].documents} documents in {time.perf_counter() - started:.1f} s")
    return built


def run_queries(searcher: Searcher, queries: list[str], k: int) -> tuple[list[list[str]], dict]:
    """Every query through one engine: rankings, plus zero-result, error and time counts."""
    rankings, zero, errors = [], 0, []
    started = time.perf_counter()
    for q in queries:
        try:
            ids = searcher.search(q, k)
        except Exception as e:  # a crash is a failed query, reported, not a failed run
            ids = []
            errors.append(f"{q[:80]!r}: {type(e).__name__}: {e}")
        rankings.append(ids)
        zero += not ids
    seconds = time.perf_counter() - started
    return rankings, {"zero_results": zero, "errors": len(errors), "error_samples": errors[:5],
                      "mean_ms": round(1000 * seconds / max(1, len(queries)), 2)}


# Judged collections ----------------------------------------------------------------


def find_collections(ir: Path) -> list[Path]:
    """The judged collections: every folder of ``ir`` holding the three files."""
    if not ir.is_dir():
        return []
    return sorted(p for p in ir.iterdir() if p.is_dir() and all((p / f).exists() for f in COLLECTION_FILES))


def display_name(root: Path) -> str:
    return NAMES.get(root.name, root.name)


def load_collection(root: Path) -> tuple[list[dict], dict[str, dict[str, float]]]:
    queries = [json.loads(line) for line in (root / "queries.jsonl").read_text(encoding="utf-8").splitlines()
               if line.strip()]
    judged: dict[str, dict[str, float]] = {}
    for line in (root / "qrels.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        if line.strip():
            qid, doc, gain = line.split("\t")
            judged.setdefault(qid, {})[doc] = float(gain)
    return queries, judged


def score_rankings(queries: list[dict], judged: dict[str, dict[str, float]],
                   rankings: list[list[str]]) -> tuple[list[float], list[float]]:
    """Per-query nDCG@10 and AP@100 of ``rankings`` (one per query, in order)."""
    ndcgs = [m.ndcg_at_k(r, judged.get(q["id"], {}), 10) for q, r in zip(queries, rankings, strict=True)]
    aps = [m.average_precision(r, judged.get(q["id"], {}), 100) for q, r in zip(queries, rankings, strict=True)]
    return ndcgs, aps


def run_collection(root: Path, engines, work: Path, *, limit: int | None, reuse: bool, log) -> dict:
    queries, judged = load_collection(root)
    if limit:
        queries = queries[:limit]
    docs = root / "docs.jsonl"
    records = sum(1 for _ in read_records(docs))
    empty = sum(1 for r in read_records(docs) if not (r.get("title") or "").strip() and not (r.get("body") or "").strip())
    log(f"{display_name(root)}: {records} records, {len(queries)} queries")
    built = build_all(engines, lambda: docs, work / "ir" / root.name, log, inputs=[docs], reuse=reuse)
    out: dict = {"name": display_name(root), "records": records, "empty_records": empty, "queries": len(queries),
                 "judgements": sum(len(judged.get(q["id"], {})) for q in queries),
                 "graded": any(g not in (0.0, 1.0) for j in judged.values() for g in j.values()),
                 "engines": {}, "per_query": {q["id"]: {} for q in queries}}
    for name, searcher in built.items():
        rankings, counts = run_queries(searcher, [q["text"] for q in queries], DEPTH)
        ndcgs, aps = score_rankings(queries, judged, rankings)
        for q, value in zip(queries, ndcgs, strict=True):
            out["per_query"][q["id"]][name] = round(value, 4)
        out["engines"][name] = {"documents": searcher.documents, "ndcg@10": round(m.mean(ndcgs), 4),
                                "map@100": round(m.mean(aps), 4), **counts}
        if name == "artsearch":
            out["artsearch_empty"] = [q["id"] for q, r in zip(queries, rankings, strict=True) if not r]
        searcher.close()
        log(f"  {name}: nDCG@10 {m.mean(ndcgs):.3f}, MAP@100 {m.mean(aps):.3f}, "
            f"{counts['zero_results']} with no results, {counts['errors']} errors")
    return out


# Known items ------------------------------------------------------------------------


def run_known_items(corpora: list[Path], engines, work: Path, *, per_source: int | None, count: int,
                    seed: int, reuse: bool, log) -> tuple[dict, dict]:
    """Generate the sets from ``corpora`` (the first ``per_source`` records of each when
    given), index the same records in every engine, and score every set."""
    scratch = work / (f"known-first-{per_source}" if per_source else "known")
    scratch.mkdir(parents=True, exist_ok=True)
    combined = scratch / "articles.jsonl"

    def write_combined() -> list[tuple[str, dict]]:
        """The collection every engine indexes: the corpora (or their first records), as one file."""
        records = []
        with open(combined, "w", encoding="utf-8", newline="\n") as out:
            for path in corpora:
                if per_source:
                    path = write_subset(path, scratch / f"subset-{path.name}", per_source)
                for record in read_records(path):
                    records.append((path.name.removeprefix("subset-"), record))
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
        return records

    started = time.perf_counter()
    cache = scratch / "items.json"
    key = _items_key(corpora, per_source, count, seed)
    cached = json.loads(cache.read_text(encoding="utf-8")) if reuse and cache.exists() else {}
    if cached.get("key") == key:
        articles = cached["articles"]
        items = {name: [Item(**d) for d in listed] for name, listed in cached["items"].items()}
        how = "reused"
    else:
        collection = Collection(write_combined())
        articles = len(collection)
        items = generate(collection, count, seed, sources=[p.name for p in corpora])
        del collection
        cache.write_text(json.dumps({"key": key, "articles": articles, "items": {
            name: [i.to_dict() for i in listed] for name, listed in items.items()}}, ensure_ascii=False),
            encoding="utf-8")
        how = "made"
    log(f"Known items: {articles} articles from {', '.join(p.name for p in corpora)}; "
        f"{len(items['sentence'])} items per set (seed {seed}) {how} in {time.perf_counter() - started:.1f} s")

    def source() -> Path:
        if not combined.exists():
            write_combined()
        return combined

    built = build_all(engines, source, scratch, log, inputs=corpora, reuse=reuse)
    out: dict = {"articles": articles, "corpora": [p.name for p in corpora], "seed": seed, "sets": {}}
    ranks: dict = {name: {} for name in SETS}
    for set_name in SETS:
        k = SET_K[set_name]
        queries = [item.query for item in items[set_name]]
        entry: dict = {"k": k, "items": len(queries), "engines": {}}
        for name, searcher in built.items():
            rankings, counts = run_queries(searcher, queries, max(10, k))
            found = [m.rank_of(r, item.doc) for r, item in zip(rankings, items[set_name], strict=True)]
            success = [1.0 if f is not None and f <= k else 0.0 for f in found]
            by_source = {}
            for src in out["corpora"]:
                picked = [s for s, item in zip(success, items[set_name], strict=True) if item.source == src]
                by_source[src] = round(m.mean(picked), 4) if picked else None
            entry["engines"][name] = {"success": round(m.mean(success), 4), "by_source": by_source,
                                      "mrr@10": round(m.mean([1 / f if f else 0.0 for f in found]), 4), **counts}
            ranks[set_name][name] = found
            log(f"  {set_name} / {name}: success@{k} {m.mean(success):.3f}, {counts['zero_results']} with no results")
        entry["artsearch_failures"] = [
            {"query": item.query, "doc": item.doc, "rank": rank}
            for item, rank in zip(items[set_name], ranks[set_name].get("artsearch", [0] * len(items[set_name])),
                                  strict=True)
            if rank is None or rank > k]
        out["sets"][set_name] = entry
    for searcher in built.values():
        searcher.close()
    detail = {set_name: [dict(item.to_dict(), ranks={e: ranks[set_name][e][i] for e in ranks[set_name]})
                         for i, item in enumerate(items[set_name])] for set_name in SETS}
    return out, detail


# Report -----------------------------------------------------------------------------


def evaluate(results: dict) -> list[dict]:
    targets = []
    for key, entry in results.get("collections", {}).items():
        e = entry["engines"]
        if "artsearch" not in e:
            continue
        peers = [e[n]["ndcg@10"] for n in e if n != "artsearch"]
        if peers:
            goal = round(max(peers) + PEER_MARGIN, 4)
            targets.append({"key": f"{key}_ndcg", "label": f"{entry['name']} nDCG@10, raw queries",
                            "target": f">= {goal:.3f} (best peer + {PEER_MARGIN})", "value": e["artsearch"]["ndcg@10"],
                            "met": e["artsearch"]["ndcg@10"] >= goal})
        zero = e["artsearch"]["zero_results"]
        targets.append({"key": f"{key}_empty", "label": f"{entry['name']} queries with no results",
                        "target": "<= 0", "value": zero, "met": zero <= 0})
    values = {}
    for set_name, entry in results.get("known_items", {}).get("sets", {}).items():
        if "artsearch" in entry["engines"]:
            values[set_name] = entry["engines"]["artsearch"]["success"]
    for key, label, op, goal in TARGETS:
        if key in values:
            value = values[key]
            met = value >= goal if op == ">=" else value <= goal
            targets.append({"key": key, "label": label, "target": f"{op} {goal}", "value": value, "met": met})
    return targets


def _fmt(value, digits: int = 3) -> str:
    if value is None:
        return "–"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def _table(rows: list[tuple[str, list]], engines: list[str]) -> list[str]:
    lines = ["| | " + " | ".join(LABELS[e] for e in engines) + " |",
             "| --- |" + " ---: |" * len(engines)]
    for label, values in rows:
        cells = []
        best = max((v for v in values if isinstance(v, float)), default=None)
        for v in values:
            text = _fmt(v, 1 if label.startswith("mean ms") else 3)
            cells.append(f"**{text}**" if isinstance(v, float) and v == best and label.startswith(("nDCG", "MAP", "success"))
                         else text)
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def render_markdown(results: dict) -> str:
    meta = results["meta"]
    lines = [
        "# Relevance: artsearch beside SQLite FTS5 and plain Whoosh",
        "",
        f"Measured {meta['date']} on commit `{meta['commit']}` by `make relevance` "
        f"(`python -m bench.relevance`){' in smoke mode' if meta['smoke'] else ''}. "
        "All engines index the same records and get the same raw queries in the same run: "
        "artsearch through its real write path (`artsearch reindex --full`) and read path "
        "(`SearchEngine.search`, relevance order), the text exactly as written; the peers get the "
        "query's words OR'ed, punctuation removed (the baseline of `../shared/ir/README.md`). "
        "Figures are ranking quality, not speed; query times are printed only as a rough guide.",
        "",
        "## Targets (issues 8 and 18)",
        "",
        "| target | goal | artsearch | met |",
        "| --- | --- | ---: | --- |",
    ]
    for t in results["targets"]:
        lines.append(f"| {t['label']} | {t['target']} | {_fmt(t['value'])} | {'yes' if t['met'] else '**no**'} |")
    for entry in results.get("collections", {}).values():
        engines = [e for e in ENGINES if e in entry["engines"]]
        e = entry["engines"]
        gains = ("graded judgements" if entry.get("graded") else "binary judgements")
        indexed = e.get("artsearch", {}).get("documents", "–")
        empty = entry.get("empty_records", 0)
        lines += ["", f"## {entry['name']}", "",
                  f"{entry['records']} records (artsearch indexed {indexed}"
                  f"{f'; {empty} records are empty' if empty else ''}), "
                  f"{entry['queries']} queries sent exactly as written, {entry['judgements']} {gains}. "
                  "nDCG@10: linear gain, log2 discount, ideal = judged documents by gain, averaged over all "
                  "queries (no results = 0). MAP@100 over documents with gain ≥ 1.", ""]
        lines += _table([("nDCG@10", [e[n]["ndcg@10"] for n in engines]),
                         ("MAP@100", [e[n]["map@100"] for n in engines]),
                         ("queries with no results", [e[n]["zero_results"] for n in engines]),
                         ("queries that raised an error", [e[n]["errors"] for n in engines]),
                         ("mean ms per query (rough)", [e[n]["mean_ms"] for n in engines])], engines)
    known = results.get("known_items")
    if known:
        lines += ["", "## Known items", "",
                  f"{known['articles']} articles from {', '.join('`' + c + '`' for c in known['corpora'])}; "
                  f"seed {known['seed']}. Each set has one item per source sentence: a sentence that occurs in "
                  "one article only (checked against every article's words), drawn evenly from the corpus files. "
                  "Success@k: the source article is in the first k results."]
        for set_name, entry in known["sets"].items():
            engines = [x for x in ENGINES if x in entry["engines"]]
            e = entry["engines"]
            rows = [(f"success@{entry['k']}", [e[n]["success"] for n in engines])]
            for src in known["corpora"] if len(known["corpora"]) > 1 else ():
                rows.append((f"  from `{src}`", [e[n]["by_source"].get(src) for n in engines]))
            rows += [("MRR@10", [e[n]["mrr@10"] for n in engines]),
                     ("queries with no results", [e[n]["zero_results"] for n in engines]),
                     ("queries that raised an error", [e[n]["errors"] for n in engines]),
                     ("mean ms per query (rough)", [e[n]["mean_ms"] for n in engines])]
            lines += ["", f"### {SET_TITLES[set_name]}", "", f"{entry['items']} items.", ""]
            lines += _table(rows, engines)
            samples = entry.get("artsearch_failures", [])[:3]
            if samples:
                lines += ["", "Examples artsearch misses:", ""]
                lines += [f"- `{_visible(s['query'])}` → `{s['doc']}` "
                          f"{'not in the first 10' if s['rank'] is None else 'at rank ' + str(s['rank'])}"
                          for s in samples]
    lines += ["", "Raw figures, per-query nDCG and every artsearch miss: "
              "[`relevance-results.json`](relevance-results.json). "
              "`python -m bench.relevance --verbose` prints the misses while it runs.", ""]
    return "\n".join(lines)


def _visible(query: str) -> str:
    """The query for a Markdown code span: invisible characters (the soft hyphen) shown."""
    return query.replace("\u00ad", "<U+00AD>").replace("`", "'").replace("\n", " ")


def git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, capture_output=True,
                              text=True, timeout=10).stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def print_failures(results: dict, log) -> None:
    for entry in results.get("collections", {}).values():
        if "artsearch" not in entry["engines"]:
            continue
        log(f"{entry['name']} queries where artsearch trails the best peer by most (id: artsearch / fts5 / whoosh):")
        gaps = sorted(entry["per_query"].items(), key=lambda kv: kv[1].get("artsearch", 0) - max(
            [v for e, v in kv[1].items() if e != "artsearch"] or [0]))[:20]
        for qid, values in gaps:
            log(f"  {qid}: " + " / ".join(_fmt(values.get(e)) for e in ENGINES))
        if entry.get("artsearch_empty"):
            log(f"  no results: {', '.join(entry['artsearch_empty'])}")
    for set_name, entry in results.get("known_items", {}).get("sets", {}).items():
        misses = entry.get("artsearch_failures", [])
        log(f"{set_name}: {len(misses)} artsearch misses")
        for miss in misses:
            log(f"  {miss['doc']} rank {miss['rank']}: {miss['query']!r}")


def write_docs_files(results: dict) -> None:
    """docs/relevance.md and the JSON beside it (misses cut to the first 25 per set; the
    full list stays in OUT/results.json)."""
    (DOCS / "relevance.md").write_text(render_markdown(results), encoding="utf-8")
    kept = json.loads(json.dumps(results))
    for entry in kept.get("known_items", {}).get("sets", {}).values():
        entry["artsearch_misses"] = len(entry["artsearch_failures"])
        entry["artsearch_failures"] = entry["artsearch_failures"][:25]
    (DOCS / "relevance-results.json").write_text(json.dumps(kept, indent=1, ensure_ascii=False) + "\n",
                                                 encoding="utf-8")


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--smoke", is_flag=True, help=f"Small run: {SMOKE_QUERIES} queries per collection, the first "
              f"{SMOKE_ARTICLES} FakeHealth articles, {SMOKE_ITEMS} items per set. No docs.")
@click.option("--shared", type=click.Path(file_okay=False, path_type=Path), default=SHARED, show_default=True,
              help="The shared data directory (ir/*/, corpus/).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=f"Raw results and scratch indexes [default: {DEFAULT_OUT.relative_to(PROJECT_ROOT)}, "
                   f"{SMOKE_OUT.relative_to(PROJECT_ROOT)} with --smoke].")
@click.option("--seed", type=int, default=SEED, show_default=True, help="Seed of the known-item sets.")
@click.option("--items", type=click.IntRange(1), default=None, help=f"Items per known-item set [{FULL_ITEMS}].")
@click.option("--fakenewsnet", is_flag=True,
              help="Add fakenewsnet.jsonl (20,898 articles) to the known-item collection and draw half the "
                   "items from it. About ten times the work; off by default.")
@click.option("--only", type=click.Choice(["ir", "known"]), default=None,
              help="Run one part only: the judged collections or the known items.")
@click.option("--collection", "picked", multiple=True,
              help="Score only this collection of SHARED/ir (a folder name; repeatable) [default: all].")
@click.option("--engine", "engines", type=click.Choice(ENGINES), multiple=True,
              help="Engines to run (repeatable) [default: all three].")
@click.option("--docs/--no-docs", "write_docs", default=None,
              help="Write docs/relevance.md and docs/relevance-results.json [default: on for a full run].")
@click.option("--keep-work", is_flag=True, help="Keep the scratch indexes under OUT/work.")
@click.option("--reuse", is_flag=True,
              help="Keep OUT/work and reuse an index (and the known-item sets) when its sources and the "
                   "code that builds it (index/ for artsearch) are unchanged: fast re-runs while tuning "
                   "the read path.")
@click.option("-v", "--verbose", is_flag=True, help="Print every artsearch miss and the worst queries of each collection.")
def main(smoke, shared, out, seed, items, fakenewsnet, only, picked, engines, write_docs, keep_work, reuse,
         verbose):
    """Score artsearch's ranking on every judged collection and on known-item sets, beside SQLite FTS5
    and plain Whoosh BM25F, and write docs/relevance.md.

    \b
    Example:
        python -m bench.relevance                 # full run, writes docs/relevance.md
        python -m bench.relevance --smoke         # about 20 s
        python -m bench.relevance --only ir --collection cacm --engine artsearch -v
        python -m bench.relevance --reuse -v      # rebuilds only what changed
    """
    def log(message: str) -> None:
        click.echo(message, err=True)

    out = out or (SMOKE_OUT if smoke else DEFAULT_OUT)
    engines = list(engines) or list(ENGINES)
    full_run = not smoke and only is None and set(engines) == set(ENGINES) and items is None and not picked
    write_docs = full_run if write_docs is None else write_docs
    collections = find_collections(shared / "ir")
    if picked:
        unknown = set(picked) - {c.name for c in collections}
        if unknown:
            raise click.ClickException(f"No collection {', '.join(sorted(unknown))} in {shared / 'ir'} "
                                       f"(there are: {', '.join(c.name for c in collections) or 'none'}).")
        collections = [c for c in collections if c.name in picked]
    corpora = [shared / "corpus" / "fakehealth-news.jsonl"]
    if fakenewsnet:
        corpora.append(shared / "corpus" / "fakenewsnet.jsonl")
    missing = [p for p in corpora if not p.exists()]
    if only in (None, "ir") and not collections:
        missing.append(shared / "ir" / "*" / "docs.jsonl")
    if missing:
        raise click.ClickException(f"Missing shared data: {', '.join(map(str, missing))}. Pass --shared DIR.")
    work = out / "work"
    started = time.perf_counter()
    results: dict = {"meta": {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "commit": git_commit(),
        "smoke": smoke, "seed": seed, "depth": DEPTH, "engines": engines,
        "python": sys.version.split()[0], "sqlite": sqlite3.sqlite_version}}
    detail = {}
    try:
        if only in (None, "ir"):
            results["collections"] = {
                root.name: run_collection(root, engines, work, limit=SMOKE_QUERIES if smoke else None, reuse=reuse,
                                          log=log) for root in collections}
        if only in (None, "known"):
            results["known_items"], detail = run_known_items(
                corpora, engines, work, per_source=SMOKE_ARTICLES if smoke else None,
                count=items or (SMOKE_ITEMS if smoke else FULL_ITEMS), seed=seed, reuse=reuse, log=log)
    finally:
        if not (keep_work or reuse):
            shutil.rmtree(work, ignore_errors=True)
    results["targets"] = evaluate(results)
    results["meta"]["seconds"] = round(time.perf_counter() - started, 1)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    (out / "items.json").write_text(json.dumps(detail, indent=1, ensure_ascii=False), encoding="utf-8")
    (out / "relevance.md").write_text(render_markdown(results), encoding="utf-8")
    if verbose:
        print_failures(results, log)
    for t in results["targets"]:
        log(f"{'MET ' if t['met'] else 'MISS'} {t['label']}: {_fmt(t['value'])} (target {t['target']})")
    if write_docs:
        write_docs_files(results)
        log(f"Wrote {DOCS / 'relevance.md'} and relevance-results.json")
    log(f"Results in {out} ({results['meta']['seconds']} s)")


if __name__ == "__main__":
    main()
