"""Memory soak: many unique queries against a real server, then its resident memory.

Every query is new (a unique made-up word plus ordinary words), so each one adds cache
entries: the document sets of the all-words and any-words queries, facet counts, the
timeline and a "Did you mean". With caches budgeted in bytes, RSS must level off at
about the start-up RSS plus ``ARTSEARCH_CACHE_MB`` (plus the analyzer's word memo and
allocator slack); before, the caches counted ids and kept whole query reprs as keys.

    python -m bench.soak --index /tmp/fh --queries 20000 --cache-mb 16
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from urllib.parse import urlencode

import click

from .load import Client
from .servers import Server, free_port

WORDS = ("vaccine", "cancer", "study", "health", "drug", "trial", "patients", "risk", "heart",
         "women", "doctor", "hospital", "children", "research", "treatment", "screening", "flu",
         "diet", "brain", "surgery", "medicine", "blood", "care", "test", "people", "report")


def unique_queries(count: int, words_per_query: int, seed: int = 7) -> list[str]:
    """``count`` distinct queries: ordinary words plus one unique made-up word each."""
    rng = random.Random(seed)
    return [" ".join(rng.sample(WORDS, words_per_query - 1) + [f"zqx{n:06d}"]) for n in range(count)]


def run_soak(index_dir: Path, *, queries: int, cache_mb: int, words_per_query: int = 6,
             log_path: Path, samples: int = 10, threads: int = 2) -> dict:
    """Serve ``index_dir`` with a ``cache_mb`` cache, send ``queries`` unique searches one
    after another and return RSS samples (bytes) taken every ``queries / samples``."""
    port = free_port()
    argv = [sys.executable, "-m", "web.cli", "serve", "--index", str(index_dir), "--port", str(port),
            "--threads", str(threads), "--timeout", "30"]
    env = {"ARTSEARCH_CACHE_MB": str(cache_mb)}
    texts = unique_queries(queries, words_per_query)
    rss: list[tuple[int, int]] = []
    errors = 0
    with Server("artsearch", argv, port, "/api/status", log_path, env=env) as server:
        client = Client(port)
        try:
            client.get("/api/search?q=warm")
            rss.append((0, server.memory().get("VmRSS", 0)))
            step = max(1, queries // samples)
            for n, text in enumerate(texts, start=1):
                status, _ = client.get("/api/search?" + urlencode({"q": text}))
                errors += status != 200
                if n % step == 0 or n == queries:
                    rss.append((n, server.memory().get("VmRSS", 0)))
            peak = server.memory().get("VmHWM", 0)
        finally:
            client.close()
    return {"queries": queries, "cache_mb": cache_mb, "errors": errors, "rss": rss, "peak_rss": peak,
            "start_rss": rss[0][1], "end_rss": rss[-1][1]}


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--index", "index_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), required=True,
              help="A built artsearch index.")
@click.option("--queries", type=click.IntRange(1), default=20_000, show_default=True, help="Unique queries to send.")
@click.option("--cache-mb", type=click.IntRange(1), default=16, show_default=True, help="ARTSEARCH_CACHE_MB for the server.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=Path("bench/out/soak.json"),
              show_default=True, help="Where to write the JSON result.")
def main(index_dir: Path, queries: int, cache_mb: int, out: Path) -> None:
    """Send unique queries to a real server and report its RSS over time."""
    out.parent.mkdir(parents=True, exist_ok=True)
    result = run_soak(index_dir, queries=queries, cache_mb=cache_mb, log_path=out.with_suffix(".log"))
    out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    mb = 1024 * 1024
    for n, value in result["rss"]:
        click.echo(f"{n:>7} queries: RSS {value / mb:6.1f} MB")
    click.echo(f"growth {(result['end_rss'] - result['start_rss']) / mb:.1f} MB with a {cache_mb} MB cache; "
               f"peak {result['peak_rss'] / mb:.1f} MB; {result['errors']} errors")


if __name__ == "__main__":
    main()
