"""``python -m bench``: the side-by-side benchmark as one command."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .report import chart_name, evaluate, render_combined, render_markdown, render_svg
from .run import (
    DEFAULT_CORPUS,
    DEFAULT_OUT,
    PROJECT_ROOT,
    BenchError,
    Options,
    ServerError,
    run_benchmark,
    write_results,
)

DOCS = PROJECT_ROOT / "docs"


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--corpus", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help=f"JSON Lines corpus (.gz allowed) [default: {DEFAULT_CORPUS}].")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_OUT,
              show_default=True, help="Directory for raw JSON results and scratch indexes.")
@click.option("--smoke", is_flag=True,
              help="Tiny run: first 200 articles, the smoke queries, 2 rounds, 2 s of load. No docs.")
@click.option("--limit", type=click.IntRange(1), default=None, help="Use only the first N articles.")
@click.option("--rounds", type=click.IntRange(1), default=None, help="Sequential rounds over the query mix [20].")
@click.option("--clients", type=click.IntRange(1), default=8, show_default=True, help="Concurrent clients.")
@click.option("--seconds", type=click.FloatRange(0.5), default=None,
              help="Seconds of concurrent load per engine [20].")
@click.option("--threads", type=click.IntRange(1, 64), default=None,
              help="artsearch serve --threads [default: artsearch's, one per CPU, 2 to 8].")
@click.option("--workers", type=click.IntRange(1, 32), default=None,
              help="artsearch reindex --workers [default: the number of CPUs].")
@click.option("--baseline/--no-baseline", default=True, show_default=True,
              help="Also time the straightforward Whoosh indexer.")
@click.option("--docs/--no-docs", "write_docs", default=None,
              help="Write docs/benchmarks.md and docs/benchmarks.svg [default: on, off with --smoke].")
@click.option("--note", default="", help="A sentence of context printed at the top of the report.")
@click.option("--keep-work", is_flag=True, help="Keep the scratch indexes under OUT/work.")
@click.option("--report-from", type=click.Path(exists=True, dir_okay=False, path_type=Path), multiple=True,
              help="Do not run; re-render docs/benchmarks.md and the charts from these results JSON "
                   "files (repeatable: one section per corpus, the first one charted as benchmarks.svg).")
@click.option("--alone-from", type=click.Path(exists=True, dir_okay=False, path_type=Path), multiple=True,
              help="With --report-from: add these `python -m bench.alone` results.")
def main(corpus, out, smoke, limit, rounds, clients, seconds, threads, workers, baseline, write_docs, note,
         keep_work, report_from, alone_from):
    """Benchmark artsearch against Datasette + SQLite FTS5 on one corpus.

    Builds artsearch's index, a SQLite FTS5 database and a plain Whoosh index from the
    same articles; serves artsearch and Datasette on loopback ports; sends the query mix
    in bench/queries.json sequentially and with concurrent clients; reports latency,
    throughput, build speed, index size and peak RSS, with artsearch/Datasette ratios.

    \b
    Example:
        python -m bench --corpus ../shared/corpus/fakehealth-news.jsonl
        python -m bench --smoke --out /tmp/bench-smoke
    """
    if report_from:
        runs = [json.loads(p.read_text(encoding="utf-8")) for p in report_from]
        for results in runs:
            results.update(evaluate(results))  # targets as currently defined
        alone = [json.loads(p.read_text(encoding="utf-8")) for p in alone_from]
        write_combined_docs(runs, alone)
        return
    if smoke:
        opts = Options.smoke_defaults(out, corpus)
    else:
        corpus = corpus or DEFAULT_CORPUS
        if not corpus.exists():
            raise click.ClickException(f"Corpus not found: {corpus}. Pass --corpus PATH.")
        opts = Options(corpus=corpus, out=out)
    overrides = {"limit": limit, "rounds": rounds, "seconds": seconds, "workers": workers}
    opts = opts.__class__(**{**opts.__dict__, **{k: v for k, v in overrides.items() if v is not None},
                             "clients": clients, "threads": threads or opts.threads, "baseline": baseline,
                             "keep_work": keep_work})
    try:
        results = run_benchmark(opts)
    except (BenchError, ServerError) as e:
        raise click.ClickException(str(e)) from None
    results["meta"]["note"] = note
    path = write_results(results, out)
    click.echo(f"Raw results: {path}")
    if write_docs if write_docs is not None else not smoke:
        write_docs_from(results, note)
    for t in results["targets"]:
        verdict = "not measured" if t["met"] is None else ("met" if t["met"] else "MISSED")
        value = "n/a" if t["value"] is None else f"{t['value']:.2f}"
        click.echo(f"{verdict:>12}  {t['name']}: {value} ({t['op']} {t['threshold']:g})")
    sys.stdout.flush()


def write_combined_docs(runs: list[dict], alone: list[dict]) -> None:
    DOCS.mkdir(exist_ok=True)
    (DOCS / "benchmarks.md").write_text(render_combined(runs, alone), encoding="utf-8")
    for n, results in enumerate(runs):
        (DOCS / chart_name(results, n == 0)).write_text(render_svg(results), encoding="utf-8")
    click.echo(f"Report: {DOCS / 'benchmarks.md'}")


def write_docs_from(results: dict, note: str) -> None:
    DOCS.mkdir(exist_ok=True)
    (DOCS / "benchmarks.md").write_text(render_markdown(results, note=note), encoding="utf-8")
    (DOCS / "benchmarks.svg").write_text(render_svg(results), encoding="utf-8")
    click.echo(f"Report: {DOCS / 'benchmarks.md'}, chart: {DOCS / 'benchmarks.svg'}")
