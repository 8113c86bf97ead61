"""Isolation: do ordinary searches keep their latency while abusive ones run?

Phase 1: 8 clients send the ordinary mix (``queries.json``). Phase 2: the same 8, plus
2 clients sending the worst queries known (issue 10) in a loop. The target is an
ordinary p95 in phase 2 within 2x of phase 1. Writes a JSON result.

    python -m bench.isolation --index /tmp/fh --seconds 20
"""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path
from urllib.parse import quote, urlencode

import click

from .load import run_concurrent, summarise
from .queries import load_queries
from .servers import Server, free_port


def abusive_paths(article_path: str | None = None) -> list[tuple[str, str]]:
    """The worst requests of issue 10, each as (label, path)."""
    ors = " OR ".join(f"w{n}" for n in range(20_000))
    paths = [
        ("range [a TO z]", "/?" + urlencode({"q": "[a TO z]"})),
        ("four ranges", "/?" + urlencode({"q": "[a TO z] [b TO y] [c TO x] [d TO w]"})),
        ("ANDed ranges, 1000 chars", "/?" + urlencode({"q": " AND ".join(f"[{c} TO z{c}]" for c in "abcdefghijklmnopqrstuvwxy" * 4)[:1000]})),
        ("co*", "/?q=co%2A"),
        ("re*", "/?q=re%2A"),
        ("wildcards within limits", "/?" + urlencode({"q": "tru* OR pre* OR sta* OR hea*"})),
        ("six 3-letter wildcards", "/?" + urlencode({"q": "con* pro* com* pre* dis* int*"})),
        ("four date ranges", "/?" + urlencode({"q": " ".join(f"published:[{y}-01-01 TO 2100-12-31]"
                                                             for y in (1900, 1950, 2000, 2010))})),
        ("1000-letter word", "/?" + urlencode({"q": ("abcdefghij" * 100)[:1000]})),
        ("3000 authors", "/?" + urlencode([("author", f"a{n}") for n in range(3000)])),
        ("20,000 ORs", "/?" + urlencode({"q": ors})),
    ]
    if article_path:
        paths.append(("article page, 20,000 ORs", article_path + "?" + urlencode({"q": ors})))
    return paths


def first_article(port: int) -> str | None:
    """The path of the newest article's page (with its slug: no redirect)."""
    from .load import Client

    client = Client(port)
    try:
        status, body = client.get("/api/search?sort=newest&per_page=1")
        results = json.loads(body).get("results", []) if status == 200 else []
        return f"/articles/{quote(results[0]['id'], safe='')}/{results[0]['slug']}" if results else None
    finally:
        client.close()


def run_isolation(index_dir: Path, *, seconds: float, clients: int = 8, abusers: int = 2,
                  threads: int | None = None, log_path: Path) -> dict:
    port = free_port()
    argv = [sys.executable, "-m", "web.cli", "serve", "--index", str(index_dir), "--port", str(port)]
    if threads:
        argv += ["--threads", str(threads)]
    ordinary = [(q.label, q.artsearch_path()) for q in load_queries()]
    with Server("artsearch", argv, port, "/api/status", log_path) as server:
        abuse = abusive_paths(first_article(port))
        # Warm the caches of the ordinary mix, as a server in use would have them.
        run_concurrent(port, ordinary, 2, min(seconds, 5))
        alone, alone_wall = run_concurrent(port, ordinary, clients, seconds)
        results: dict = {}

        def abuse_run() -> None:
            results["abuse"] = run_concurrent(port, abuse, abusers, seconds + 2)

        thread = threading.Thread(target=abuse_run)
        thread.start()
        together, together_wall = run_concurrent(port, ordinary, clients, seconds)
        thread.join()
        abuse_samples, _ = results["abuse"]
        peak = server.memory().get("VmHWM", 0)
    base, loaded = summarise(alone), summarise(together)
    per_abuse: dict[str, dict] = {}
    for label, _ in abuse:
        mine = [s for s in abuse_samples if s.label == label]
        if mine:
            per_abuse[label] = {"requests": len(mine), "statuses": sorted({s.status for s in mine}),
                                "max_ms": max(s.seconds for s in mine) * 1000,
                                "max_bytes": max(s.size for s in mine)}
    return {
        "clients": clients, "abusers": abusers, "seconds": seconds, "threads": threads,
        "alone": base, "alone_rps": len(alone) / alone_wall,
        "with_abusers": loaded, "with_abusers_rps": len(together) / together_wall,
        "p95_ratio": loaded["p95_ms"] / base["p95_ms"],
        "abusive": summarise(abuse_samples), "abusive_by_query": per_abuse, "peak_rss": peak,
    }


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--index", "index_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), required=True)
@click.option("--seconds", type=click.FloatRange(1), default=20, show_default=True, help="Seconds per phase.")
@click.option("--threads", type=click.IntRange(1, 64), default=None, help="serve --threads [artsearch's default].")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=Path("bench/out/isolation.json"),
              show_default=True)
def main(index_dir: Path, seconds: float, threads: int | None, out: Path) -> None:
    """Ordinary p95 alone and beside 2 abusive clients."""
    out.parent.mkdir(parents=True, exist_ok=True)
    result = run_isolation(index_dir, seconds=seconds, threads=threads, log_path=out.with_suffix(".log"))
    out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    a, b = result["alone"], result["with_abusers"]
    click.echo(f"alone:        p50 {a['p50_ms']:.0f} ms  p95 {a['p95_ms']:.0f} ms  {result['alone_rps']:.1f} req/s")
    click.echo(f"with abusers: p50 {b['p50_ms']:.0f} ms  p95 {b['p95_ms']:.0f} ms  {result['with_abusers_rps']:.1f} req/s")
    click.echo(f"p95 ratio {result['p95_ratio']:.2f} (target <= 2)")
    for label, row in result["abusive_by_query"].items():
        click.echo(f"  {label}: {row['requests']} sent, status {row['statuses']}, max {row['max_ms']:.0f} ms, "
                   f"{row['max_bytes']:,} bytes")


if __name__ == "__main__":
    main()
