"""artsearch alone at a size where the side-by-side run is out of reach (1M articles).

Builds the index with ``reindex --full`` while sampling the resident memory of the
indexer's whole process tree (main process and writer workers), then serves it and
times the fixed query mix sequentially. Writes one JSON file; ``bench.report`` renders it.

    python -m bench.alone --corpus bench/out/scale-1M.jsonl --out bench/out
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import click

from .builders import dir_size
from .corpus import measure
from .load import Client, summarise
from .queries import load_queries
from .run import DEFAULT_OUT, git_state, log, machine_info, tool
from .servers import Server, free_port


def tree_rss(root: int) -> int:
    """Sum of VmRSS over ``root`` and its descendants (the writer workers), in bytes."""
    total = 0
    pids = [root]
    while pids:
        pid = pids.pop()
        try:
            with open(f"/proc/{pid}/status", encoding="ascii") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as fh:
                pids.extend(int(p) for p in fh.read().split())
        except (OSError, ValueError):
            continue
    return total


def build(corpus: Path, index_dir: Path, workers: int, report: Path) -> dict:
    proc = subprocess.Popen([tool("artsearch"), "reindex", str(corpus), "--full", "--index", str(index_dir),
                             "--workers", str(workers), "--quiet", "--report", str(report)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    samples: list[tuple[float, int]] = []
    started = time.perf_counter()

    def sample() -> None:
        while proc.poll() is None:
            samples.append((time.perf_counter() - started, tree_rss(proc.pid)))
            time.sleep(1.0)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    sampler.join()
    if proc.returncode != 0:
        raise click.ClickException(f"reindex failed ({proc.returncode}): {err[-2000:]}")
    stats = json.loads(report.read_text(encoding="utf-8"))
    rss = [r for _, r in samples]
    # RSS in each quarter of the build: flat quarters mean memory does not grow with the corpus.
    quarters = [max(rss[i * len(rss) // 4:(i + 1) * len(rss) // 4] or [0]) for i in range(4)]
    return {"rows": stats["total"], "seconds": stats["seconds"], "wall_seconds": time.perf_counter() - started,
            "mb_per_second": stats["mb_per_second"], "size_bytes": dir_size(index_dir),
            "peak_tree_rss": max(rss, default=0), "rss_by_quarter": quarters, "workers": workers}


@click.command()
@click.option("--corpus", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_OUT, show_default=True)
@click.option("--workers", type=click.IntRange(1, 32), default=os.cpu_count() or 1, show_default=True)
@click.option("--rounds", type=click.IntRange(1), default=5, show_default=True)
@click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Reuse this index instead of building one.")
def main(corpus: Path, out: Path, workers: int, rounds: int, index_dir: Path | None):
    """Build and query artsearch alone on a large corpus; write OUT/alone-<name>.json."""
    out.mkdir(parents=True, exist_ok=True)
    started_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    result = {"meta": {"started_at": started_at, "machine": machine_info(), "git": git_state(),
                       "corpus": {"path": str(corpus), **measure(corpus)}}}
    if index_dir is None:
        index_dir = out / "work" / f"alone-{corpus.stem}"
        log(f"building {index_dir} from {corpus} with {workers} workers")
        result["build"] = build(corpus, index_dir, workers, out / f"alone-{corpus.stem}-reindex.json")
        log(f"built in {result['build']['seconds']:.0f} s")
    queries = load_queries()
    port = free_port()
    with Server("artsearch", [tool("artsearch"), "serve", "--index", str(index_dir), "--port", str(port),
                              "--threads", "4"], port, "/api/status", out / "alone-serve.log") as server:
        client = Client(port)
        first = client.timed("first request", "/?q=health")
        samples = [client.timed(q.cls, q.artsearch_path()) for _ in range(rounds) for q in queries]
        client.close()
        memory = server.memory()
    classes = list(dict.fromkeys(s.label for s in samples))
    result["search"] = {
        "startup_seconds": server.startup_seconds, "first_request_seconds": first.seconds,
        "overall": summarise(samples), "classes": {c: summarise([s for s in samples if s.label == c]) for c in classes},
        "errors": sum(1 for s in samples if s.status != 200), "peak_rss": memory.get("VmHWM", 0),
        "rounds": rounds,
    }
    path = out / f"alone-{corpus.stem}.json"
    path.write_text(json.dumps(result, indent=2), encoding="utf-8")
    click.echo(f"Results: {path}")


if __name__ == "__main__":
    main()
