"""What the timeline adds to a search page, measured in-process on the benchmark's index.

For each query of the mix: the engine's search with its per-query caches emptied (as a
query new to a live server: the per-generation columns stay warm), and the timeline alone
over the same matches. The verdict compares the timeline with the rest of the page: it
must not double the page's time (ratio < 1.0).

    python -m bench.features --index instance/index
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

import click
from werkzeug.datastructures import MultiDict

from index.config import Config
from search.cache import ByteBudgetCache
from search.engine import SearchEngine
from search.request import SearchRequest
from search.timeline import build_timeline

from .queries import QUERIES_FILE, Query, load_queries


def _median_ms(fn, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _time_query(engine: SearchEngine, request: SearchRequest, rounds: int):
    matches = engine.match(request)
    view = matches.view

    def cold_page():
        # A query the server has not seen: empty the per-query cache, keep the columns.
        view.cache = ByteBudgetCache(view.cache.budget)
        engine.search(request)

    page_ms = _median_ms(cold_page, rounds)
    timeline_ms = _median_ms(lambda: build_timeline(view.days, matches.docs), rounds)
    return matches, page_ms, timeline_ms


def measure_timeline(index_dir: Path, queries: list[Query], rounds: int = 5) -> dict:
    """Median page time and timeline time per query, and the overall medians and ratios."""
    engine = SearchEngine(Config(index_dir=index_dir))
    rows = []
    for query in queries:
        request = SearchRequest.from_args(MultiDict(list(query.artsearch.items())), engine.config)
        matches, page_ms, timeline_ms = _time_query(engine, request, rounds)
        rows.append({"class": query.cls, "label": query.label, "matches": len(matches.docs),
                     "page_ms": round(page_ms, 3), "timeline_ms": round(timeline_ms, 3),
                     "ratio_to_rest": round(timeline_ms / max(page_ms - timeline_ms, 1e-6), 4)})
    worst = max(rows, key=lambda r: r["ratio_to_rest"])
    return {
        "rounds": rounds,
        "queries": rows,
        "page_p50_ms": round(statistics.median(r["page_ms"] for r in rows), 3),
        "timeline_p50_ms": round(statistics.median(r["timeline_ms"] for r in rows), 3),
        "ratio_to_rest_p50": round(statistics.median(r["ratio_to_rest"] for r in rows), 4),
        "ratio_to_rest_max": worst["ratio_to_rest"],
        "worst_query": worst["label"],
        "met": worst["ratio_to_rest"] < 1.0,
    }


def render_timeline(result: dict) -> list[str]:
    """Markdown lines for the report."""
    verdict = "met" if result["met"] else "MISSED"
    return [
        "## Timeline cost",
        "",
        "In-process, per query of the mix: the search page's engine call with its per-query caches "
        f"emptied, against the timeline alone over the same matches (median of {result['rounds']} rounds).",
        "",
        "| Page p50 | Timeline p50 | Timeline / rest of page, p50 | worst (query) | Target < 1.0 |",
        "| --- | --- | --- | --- | --- |",
        f"| {result['page_p50_ms']:.2f} ms | {result['timeline_p50_ms']:.3f} ms | {result['ratio_to_rest_p50']:.3f} "
        f"| {result['ratio_to_rest_max']:.3f} (`{result['worst_query']}`) | {verdict} |",
        "",
    ]


@click.command()
@click.option("--index", "index_dir", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--rounds", default=5, show_default=True, type=click.IntRange(1))
@click.option("--queries", "queries_file", default=QUERIES_FILE, type=click.Path(exists=True, path_type=Path))
def main(index_dir: Path, rounds: int, queries_file: Path) -> None:
    """Measure the timeline's share of a search page on an existing index."""
    result = measure_timeline(index_dir, load_queries(queries_file), rounds)
    click.echo(json.dumps(result, indent=2))
    click.echo("\n".join(render_timeline(result)), err=True)


if __name__ == "__main__":
    main()
