"""Whoosh's W3 codec against artsearch's array codec (index/codec.py), in one run:
``python -m bench.codec [--corpus JSONL ...] [--limit N] [--rounds R]``.

For each corpus (default FakeHealth and FakeNewsNet, skipped when absent; ``--limit``
takes the first N lines) both codecs build an index with ``artsearch reindex --full``,
each in a fresh process (order alternating by corpus), then, alternating codec by codec each round in one
process so machine load falls on both:

- **posting reads**: a term sample stratified by document frequency (title and body),
  each read four ways: document ids only (``all_ids``, as document sets and facets
  read them), ids and weights (a scoring walk), ``skip_to`` in strides of 64 (an AND),
  and positions (phrases and proximity);
- **postings writer**: the W3 build's first segment's postings, in the order Whoosh's
  pool hands them over, written by each codec's field writer (the part of a commit the
  codec does; the pool's sorting and the analysis are the same for both);
- **pasted sentences**: ``bench.paste_cost``'s sentences of 12-30 words from the
  corpus, searched cold through ``SearchEngine`` (per-generation caches emptied each
  round); p50 and p95.

Prints a Markdown table (posting reads: the best round; pastes: the median round's
p50 and p95) and the ratio artsearch / whoosh
(below 1: the array codec is faster), and writes the raw figures as JSON (``--out``).
Absolute times on a shared machine are noise; the ratios within one run are the figure.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import click
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage

from bench.paste_cost import sentences, timed
from index.codec import make_codec
from index.config import Config
from index.store import IndexStore
from search.engine import SearchEngine

CODECS = ("whoosh", "artsearch")
REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("ARTSEARCH_SHARED", REPO.parent / "shared"))
DEFAULT_CORPORA = (SHARED / "corpus" / "fakehealth-news.jsonl", SHARED / "corpus" / "fakenewsnet.jsonl")


def _limited(corpus: Path, limit: int, tmp: Path) -> Path:
    if not limit:
        return corpus
    out = tmp / f"{corpus.stem}-{limit}.jsonl"
    with corpus.open(encoding="utf-8", errors="replace") as src, out.open("w", encoding="utf-8") as dst:
        for i, line in enumerate(src):
            if i >= limit:
                break
            dst.write(line)
    return out


def _size(path: Path) -> tuple[int, int]:
    """Bytes of the live build, and of its postings files."""
    build = IndexStore(path).current_path()
    files = [p for p in build.iterdir() if p.is_file()]
    return sum(p.stat().st_size for p in files), sum(p.stat().st_size for p in files if p.suffix == ".pst")


def _sample_terms(reader, count: int, rng: random.Random) -> list[tuple[str, bytes]]:
    terms = []
    for field in ("title", "body"):
        lexicon = sorted(reader.lexicon(field), key=lambda t, f=field: reader.doc_frequency(f, t))
        # Stratified by rank in document frequency, so common words weigh as they do in queries.
        step = max(1, len(lexicon) // (count // 2))
        picks = lexicon[::step][-(count // 2):] + lexicon[-20:]
        terms += [(field, t) for t in dict.fromkeys(picks)]
    rng.shuffle(terms)
    return terms


def _read_ids(reader, terms) -> int:
    n = 0
    for field, text in terms:
        for _ in reader.postings(field, text).all_ids():
            n += 1
    return n


def _walk(reader, terms, visit, skip: int = 0) -> float:
    """Walk each term's postings, ``next()`` or ``skip_to(id + skip)``, summing ``visit``."""
    total = 0.0
    for field, text in terms:
        m = reader.postings(field, text)
        while m.is_active():
            total += visit(m)
            if skip:
                m.skip_to(m.id() + skip)
            else:
                m.next()
    return total


def _segment_postings(path: Path):
    """The first segment of the W3 build, its schema and every posting as the pool hands
    them to a field writer: (field, term, docnum, weight, value), sorted."""
    ix = whoosh_index.open_dir(str(IndexStore(path).current_path()))
    segment_reader = ix.reader().leaf_readers()[0][0]
    items = []
    for (fieldname, btext), _ in segment_reader._terms.items():
        m = segment_reader._terms.matcher(fieldname, btext, ix.schema[fieldname].format)
        while m.is_active():
            items.append((fieldname, btext, m.id(), m.weight(), m.value()))
            m.next()
    return ix.schema, segment_reader._perdoc, items


def _write_postings(codec, schema, perdoc, items, workdir: Path) -> float:
    """Time one codec's field writer writing ``items`` (the postings half of a commit)."""
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        storage = FileStorage(tmp)
        writer = codec.field_writer(storage, codec.new_segment(storage, "BENCH"))
        started = time.perf_counter()
        writer.add_postings(schema, perdoc, iter(items))
        writer.close()
        return time.perf_counter() - started


READS = {
    "ids": _read_ids,
    "ids+weights": lambda reader, terms: _walk(reader, terms, lambda m: m.id() + m.weight()),
    "skip_to": lambda reader, terms: _walk(reader, terms, lambda m: 1, skip=64),
    "positions": lambda reader, terms: _walk(reader, terms, lambda m: len(m.value_as("positions"))),
}


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def run_corpus(corpus: Path, workdir: Path, *, rounds: int, terms: int, pastes: int, flip: bool) -> dict:
    out: dict = {"corpus": str(corpus), "build_s": {}, "index_bytes": {}, "postings_bytes": {}}
    paths = {c: workdir / f"{corpus.stem}-{c}" for c in CODECS}
    for codec in (CODECS[::-1] if flip else CODECS):
        # Each build in a fresh process (the real CLI): the analyzer's word memo and other
        # caches a first build fills must not speed up the second.
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "web.cli", "reindex", str(corpus), "--full", "--quiet",
                        "--codec", codec, "--index", str(paths[codec])], check=True, cwd=REPO,
                       stdout=subprocess.DEVNULL)
        out["build_s"][codec] = time.perf_counter() - started
        out["index_bytes"][codec], out["postings_bytes"][codec] = _size(paths[codec])
    with IndexStore(paths["whoosh"]).open_current().reader() as reader:
        out["documents"] = reader.doc_count()
    # No time budget: a loaded machine must not turn a slow paste into a timeout.
    engines = {c: SearchEngine(Config(index_dir=paths[c], timeout=600)) for c in CODECS}
    searchers = {c: IndexStore(paths[c]).open_current().searcher() for c in CODECS}
    sample = _sample_terms(searchers["whoosh"].reader(), terms, random.Random(15))
    out["terms"] = len(sample)
    out["postings_read"] = _read_ids(searchers["whoosh"].reader(), sample)
    queries = sentences(corpus, pastes, seed=15)
    out["pastes"] = len(queries)
    schema, perdoc, items = _segment_postings(paths["whoosh"])
    out["postings_written"] = len(items)
    writes: dict = {c: [] for c in CODECS}
    reads: dict = {c: {k: [] for k in READS} for c in CODECS}
    paste_p50: dict = {c: [] for c in CODECS}
    paste_p95: dict = {c: [] for c in CODECS}
    checks: dict = {}
    for r in range(rounds):
        order = CODECS if r % 2 == 0 else CODECS[::-1]
        for codec in order:
            reader = searchers[codec].reader()
            for name, fn in READS.items():
                started = time.perf_counter()
                result = fn(reader, sample)
                reads[codec][name].append(time.perf_counter() - started)
                checks.setdefault(name, {})[codec] = result
            writes[codec].append(_write_postings(make_codec(codec), schema, perdoc, items, workdir))
            times, _ = timed(engines[codec], queries)
            paste_p50[codec].append(_percentile(times, 0.5))
            paste_p95[codec].append(_percentile(times, 0.95))
    for name, by_codec in checks.items():
        if by_codec["whoosh"] != by_codec["artsearch"]:
            raise SystemExit(f"{corpus.name}: {name} read differently: {by_codec}")
    out["write_s"] = {c: min(v) for c, v in writes.items()}
    out["reads_s"] = {c: {k: min(v) for k, v in reads[c].items()} for c in CODECS}
    out["paste_p50_s"] = {c: statistics.median(v) for c, v in paste_p50.items()}
    out["paste_p95_s"] = {c: statistics.median(v) for c, v in paste_p95.items()}
    for s in searchers.values():
        s.close()
    return out


def table(results: list[dict]) -> str:
    lines = ["| corpus | measure | whoosh (W3) | artsearch codec | ratio |", "| --- | --- | --- | --- | --- |"]

    def row(corpus, label, a, b, unit, scale=1.0):
        lines.append(f"| {corpus} | {label} | {a * scale:,.1f} {unit} | {b * scale:,.1f} {unit} | {b / a:.2f} |")

    for r in results:
        name = f"{Path(r['corpus']).stem} ({r['documents']:,} articles)"
        row(name, "full build (`reindex --full`, own process)", r["build_s"]["whoosh"], r["build_s"]["artsearch"], "s")
        if "write_s" in r:
            row(name, f"postings writer alone ({r['postings_written']:,} postings of the first segment)",
                r["write_s"]["whoosh"], r["write_s"]["artsearch"], "s")
        row(name, "index size", r["index_bytes"]["whoosh"], r["index_bytes"]["artsearch"], "MB", 1e-6)
        row(name, "postings files", r["postings_bytes"]["whoosh"], r["postings_bytes"]["artsearch"], "MB", 1e-6)
        for k in READS:
            row(name, f"posting reads: {k} ({r['terms']} terms, {r['postings_read']:,} postings)",
                r["reads_s"]["whoosh"][k], r["reads_s"]["artsearch"][k], "ms", 1e3)
        row(name, f"pasted sentence p50 (cold, {r['pastes']})", r["paste_p50_s"]["whoosh"],
            r["paste_p50_s"]["artsearch"], "ms", 1e3)
        row(name, f"pasted sentence p95 (cold, {r['pastes']})", r["paste_p95_s"]["whoosh"],
            r["paste_p95_s"]["artsearch"], "ms", 1e3)
    return "\n".join(lines)


@click.command()
@click.option("--corpus", "corpora", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--limit", default=0, show_default=True, help="Only the first N lines of each corpus (0: all).")
@click.option("--rounds", default=3, show_default=True)
@click.option("--terms", default=300, show_default=True, help="Terms in the posting-read sample.")
@click.option("--pastes", default=20, show_default=True, help="Pasted sentences per round.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None)
def main(corpora, limit, rounds, terms, pastes, out):
    corpora = list(corpora) or [c for c in DEFAULT_CORPORA if c.exists()]
    if not corpora:
        raise click.ClickException(f"No corpus given and none found under {SHARED}")
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-codec-") as tmp:
        for i, corpus in enumerate(corpora):
            source = _limited(corpus, limit, Path(tmp))
            result = run_corpus(source, Path(tmp), rounds=rounds, terms=terms, pastes=pastes, flip=i % 2 == 1)
            result["limit"] = limit
            results.append(result)
            click.echo(table([result]), err=True)
    click.echo(table(results))
    if out:
        out.write_text(json.dumps({"when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                                   "load": os.getloadavg(), "results": results}, indent=1) + "\n")


if __name__ == "__main__":
    main()
