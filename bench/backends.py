"""Whoosh vs a 1-node and a 3-node Typesense cluster on one corpus and query mix (issue 16).

For each backend: the build time (reindex, and for Typesense the write into the
collection on top of the same Whoosh build), the RAM of each server process (artsearch's
waitress server and each typesense-server node, VmRSS after the run), the search page's
p50/p95 over HTTP (sequential, every query of bench/queries.json ``--rounds`` times) and
the throughput of 8 concurrent clients. Every side serves the same pages through
``artsearch serve`` (one worker), so the difference is the backend.

    python -m bench.backends --corpus ../shared/corpus/fakehealth-news.jsonl --out bench/out/backends
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from bench.load import Client, percentile, run_concurrent, summarise
from bench.queries import load_queries
from bench.servers import Server, free_port, proc_status
from search.typesense_local import LocalCluster

REPO = Path(__file__).resolve().parent.parent
ARTSEARCH = [sys.executable, "-m", "web.cli"]


def queries_without_wildcards() -> list[tuple[str, str]]:
    """The mix's search pages, less the wildcard queries the Typesense backend refuses."""
    jobs = []
    for q in load_queries():
        if "*" in q.artsearch.get("q", ""):
            continue
        jobs.append((q.label, q.artsearch_path()))
    return jobs


def timed(argv: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=REPO, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{' '.join(argv)} failed:\n{done.stderr[-2000:]}")
    return time.perf_counter() - started


def measure(name: str, serve_args: list[str], out: Path, jobs, rounds: int, clients: int, seconds: float,
            nodes: list[int] | None = None) -> dict:
    port = free_port()
    with Server(name, ARTSEARCH + ["serve", "--port", str(port), "--workers", "1", *serve_args], port,
                "/api/status", out / f"{name}.log") as server:
        client = Client(port)
        for _, path in jobs:  # one warm-up pass: both sides start with their caches filled
            client.get(path)
        samples = [client.timed(label, path) for _ in range(rounds) for label, path in jobs]
        client.close()
        errors = sum(1 for s in samples if s.status != 200)
        concurrent, elapsed = run_concurrent(port, jobs, clients, seconds)
        ms = [s.seconds * 1000 for s in samples]
        return {
            "backend": name,
            "page_p50_ms": round(percentile(ms, 50), 1),
            "page_p95_ms": round(percentile(ms, 95), 1),
            "errors": errors + summarise(concurrent)["errors"],
            "throughput_rps": round(len(concurrent) / elapsed, 1),
            "artsearch_rss_mb": round(server.memory().get("VmRSS", 0) / 2**20, 1),
            "node_rss_mb": [round(proc_status(pid).get("VmRSS", 0) / 2**20, 1) for pid in nodes or []],
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.backends", description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "backends")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args(argv)
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    jobs = queries_without_wildcards()
    index = out / "index"
    results = []
    build = timed(ARTSEARCH + ["reindex", str(args.corpus), "--index", str(index), "--full", "--quiet"])
    row = measure("whoosh", ["--index", str(index)], out, jobs, args.rounds, args.clients, args.seconds)
    results.append({**row, "build_s": round(build, 1)})
    (out / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    for size in (1, 3):
        with LocalCluster(out / f"cluster{size}", size) as cluster:
            nodes = ",".join(cluster.urls)
            flags = ["--backend", "typesense", "--nodes", nodes, "--api-key-file", str(cluster.key_file)]
            build = timed(ARTSEARCH + ["reindex", str(args.corpus), "--index", str(out / f"index{size}"), "--full",
                                       "--quiet", *flags])
            pids = [n.process.pid for n in cluster.nodes if n.process]
            row = measure(f"typesense-{size}", flags, out, jobs, args.rounds, args.clients, args.seconds, pids)
            results.append({**row, "build_s": round(build, 1)})
            (out / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    (out / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    for row in results:
        print(json.dumps(row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
