"""Pasted sentences over HTTP, artsearch against Datasette in one run:
``python -m bench.paste_peers --index DIR --corpus JSONL --work DIR``.

``bench.paste_cost``'s sentences (same seed) go to a running ``artsearch serve`` (the
search page, ``/?q=``) and to Datasette's ``_search`` page over an sqlite-utils + FTS5
copy of the same corpus (built once into ``--work``, kept for the next run), one
sentence at a time, alternating which server is asked first. Every sentence is new to
both servers (each starts with one warm-up query, which builds artsearch's per-generation
columns). ``--old-tree`` serves artsearch from another checkout's code (its directory
first on ``PYTHONPATH``) beside the working tree's, on the same index, so one run gives
before, after and Datasette. Prints p50/p95/max per server (a 503, the time budget passed, counts at its time and
is counted), and the ratios to Datasette.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from pathlib import Path
from urllib.parse import urlencode

import click

from .builders import build_sqlite
from .load import Client
from .paste_cost import sentences
from .queries import DATASETTE_COMMON
from .run import tool
from .servers import Server, free_port

DB_NAME = "articles"


def _percentiles(times: list[float]) -> dict[str, float]:
    times = sorted(times)
    return {"p50_ms": 1000 * statistics.median(times), "p95_ms": 1000 * times[max(0, int(0.95 * len(times)) - 1)],
            "max_ms": 1000 * times[-1]}


def _timed_get(client: Client, path: str) -> tuple[float, int]:
    start = time.perf_counter()
    status, _ = client.get(path)
    return time.perf_counter() - start, status


@click.command()
@click.option("--index", "index_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), required=True)
@click.option("--corpus", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True)
@click.option("--work", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Where the Datasette database and the server logs go.")
@click.option("--old-tree", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Also serve artsearch from this checkout's code (e.g. a worktree of main).")
@click.option("--count", type=click.IntRange(1), default=40, show_default=True)
@click.option("--seed", type=int, default=5, show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write the figures as JSON.")
def main(index_dir: Path, corpus: Path, work: Path, old_tree: Path | None, count: int, seed: int,
         out: Path | None) -> None:
    work.mkdir(parents=True, exist_ok=True)
    db = work / f"{DB_NAME}.db"
    if not db.exists():
        click.echo(f"building {db} (sqlite-utils + FTS5)")
        build_sqlite(corpus, db)
    queries = sentences(corpus, count, seed)
    sides: dict[str, Server] = {}
    for name, tree in (("artsearch", None), ("artsearch-old", old_tree)):
        if name == "artsearch-old" and tree is None:
            continue
        port = free_port()
        env = dict(os.environ)
        if tree is not None:
            env["PYTHONPATH"] = str(tree.resolve())
        sides[name] = Server(name, [tool("artsearch"), "serve", "--index", str(index_dir), "--host", "127.0.0.1",
                                    "--port", str(port)], port, "/api/status", work / f"{name}.log", env=env)
    port = free_port()
    sides["datasette"] = Server("datasette", [tool("datasette"), "serve", str(db), "--host", "127.0.0.1",
                                              "--port", str(port), "--setting", "sql_time_limit_ms", "20000"],
                                port, "/-/versions.json", work / "datasette.log")
    times: dict[str, list[float]] = {name: [] for name in sides}
    failed = dict.fromkeys(sides, 0)  # 503s: the search passed its time budget
    started = []
    try:
        for server in sides.values():
            server.start()
            started.append(server)
        clients = {name: Client(server.port) for name, server in sides.items()}

        def path(name: str, q: str) -> str:
            if name == "datasette":
                return f"/{DB_NAME}/articles?" + urlencode([("_search", q), *DATASETTE_COMMON])
            return "/?" + urlencode({"q": q})

        for name, client in clients.items():
            # The first page builds the generation's columns: it may pass the budget (503).
            for _ in range(5):
                if _timed_get(client, path(name, "warm up"))[1] == 200:
                    break
        names = list(clients)
        for i, q in enumerate(queries):
            order = names[i % len(names):] + names[:i % len(names)]
            for name in order:
                elapsed, status = _timed_get(clients[name], path(name, q))
                times[name].append(elapsed)
                if status != 200:
                    failed[name] += 1
    finally:
        for server in reversed(started):
            server.stop()
    figures = {name: {**_percentiles(t), "not_200": failed[name]} for name, t in times.items()}
    datasette = figures["datasette"]
    for name, f in figures.items():
        ratio = "" if name == "datasette" else (f"  vs Datasette: p50 {f['p50_ms'] / datasette['p50_ms']:.2f}x, "
                                                f"p95 {f['p95_ms'] / datasette['p95_ms']:.2f}x")
        click.echo(f"{name:14s} p50 {f['p50_ms']:7.0f} ms  p95 {f['p95_ms']:7.0f}  max {f['max_ms']:7.0f}  "
                   f"not 200: {f['not_200']}/{len(queries)}{ratio}")
    if out is not None:
        out.write_text(json.dumps({"count": len(queries), "seed": seed, "index": str(index_dir),
                                   "load_average": os.getloadavg(), "figures": figures}, indent=2))


if __name__ == "__main__":
    main()
