"""What a pasted sentence costs on a big index, cold: ``python -m bench.paste_cost --index DIR --corpus JSONL``.

Draws ``--count`` sentences of 12-30 words from the corpus (fixed seed), and times
``SearchEngine.search`` for each, with the per-generation caches emptied before every
round, three ways in the same process: as pasted; with the long-query rule off
(``matching.FEW = 0``: strict all-words matching whenever anything has every word); and
wrapped in "Is it true that …?". Prints p50/p95/max in ms and how many were relaxed.
Absolute times on a shared machine are noise; compare the rows of one run.
"""

from __future__ import annotations

import json
import random
import re
import statistics
import time
from pathlib import Path

import click

from index.config import Config
from search import matching
from search.cache import ByteBudgetCache
from search.engine import SearchEngine
from search.request import SearchRequest


def sentences(corpus: Path, count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    lines = corpus.read_text(encoding="utf-8", errors="replace").splitlines()
    found: list[str] = []
    for _ in range(count * 200):
        if len(found) >= count:
            break
        try:
            record = json.loads(rng.choice(lines))
        except json.JSONDecodeError:
            continue
        body = record.get("body") if isinstance(record, dict) else None
        if not isinstance(body, str):
            continue
        candidates = [s for s in re.split(r"(?<=[.!?])\s+", body) if 12 <= len(s.split()) <= 30]
        if candidates:
            found.append(rng.choice(candidates))
    return found


def timed(engine: SearchEngine, queries: list[str]) -> tuple[list[float], int]:
    view = engine.view(engine.searcher())
    view.cache = ByteBudgetCache(view.cache.budget)  # cold: nothing from an earlier round
    times, relaxed = [], 0
    for q in queries:
        start = time.perf_counter()
        result = engine.search(SearchRequest(q=q))
        times.append(time.perf_counter() - start)
        relaxed += result.relaxation is not None
    return sorted(times), relaxed


@click.command()
@click.option("--index", "index_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), required=True)
@click.option("--corpus", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True)
@click.option("--count", type=click.IntRange(1), default=40, show_default=True)
@click.option("--rounds", type=click.IntRange(1), default=2, show_default=True)
@click.option("--seed", type=int, default=5, show_default=True)
def main(index_dir: Path, corpus: Path, count: int, rounds: int, seed: int) -> None:
    queries = sentences(corpus, count, seed)
    engine = SearchEngine(Config(index_dir=index_dir, timeout=120))
    engine.search(SearchRequest(q="warm up"))  # build the generation's columns first
    few = matching.FEW
    for _ in range(rounds):
        for label, qs, strict in (("pasted", queries, False), ("pasted, strict matching", queries, True),
                                  ("wrapped in a question", [f"Is it true that {q.rstrip('.')}?" for q in queries],
                                   False)):
            matching.FEW = 0 if strict else few
            try:
                times, relaxed = timed(engine, qs)
            finally:
                matching.FEW = few
            click.echo(f"{label:26s} p50 {1000 * statistics.median(times):7.0f} ms  "
                       f"p95 {1000 * times[max(0, int(0.95 * len(times)) - 1)]:7.0f}  max {1000 * times[-1]:7.0f}  "
                       f"relaxed {relaxed}/{len(qs)}")
    engine.close()


if __name__ == "__main__":
    main()
