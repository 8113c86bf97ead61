"""``reindex --full`` with one writer process against the default (one per CPU), one run.

For each setting: wall time, the report's seconds and MB/s, the final build's size, the
peak disk of the index directory while building (Whoosh's spilled runs and job files
live there) and the peak resident memory of the main process and of the whole tree,
sampled twice a second. Then the first request after ``serve`` starts, per setting of
``--workers``. Writes one JSON file; the figures go in docs/benchmarks.md by hand.

    python -m bench.workers --corpus ../shared/corpus/fakenewsnet.jsonl --out bench/out
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from pathlib import Path

import click

from index.config import cpu_count

from .alone import tree_rss
from .builders import dir_size
from .run import git_state, log, machine_info, tool
from .servers import free_port


def rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def disk(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_blocks * 512
            except OSError:
                pass
    return total


def build(corpus: Path, index_dir: Path, workers: int | None, report: Path) -> dict:
    args = [tool("artsearch"), "reindex", str(corpus), "--full", "--index", str(index_dir), "--quiet",
            "--report", str(report)]
    if workers is not None:
        args += ["--workers", str(workers)]
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = {"disk": 0, "main_rss": 0, "tree_rss": 0}

    def sample() -> None:
        while proc.poll() is None:
            peak["disk"] = max(peak["disk"], disk(index_dir))
            peak["main_rss"] = max(peak["main_rss"], rss(proc.pid))
            peak["tree_rss"] = max(peak["tree_rss"], tree_rss(proc.pid))
            time.sleep(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _out, err = proc.communicate()
    sampler.join()
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise click.ClickException(f"reindex failed ({proc.returncode}): {err[-2000:]}")
    stats = json.loads(report.read_text(encoding="utf-8"))
    current = index_dir / "builds" / (index_dir / "CURRENT").read_text().strip()
    size = dir_size(current)
    return {"workers": workers or "default", "articles": stats["total"], "seconds": stats["seconds"],
            "wall_seconds": round(wall, 1), "mb_per_second": stats["mb_per_second"],
            "text_bytes": stats["text_bytes"], "index_bytes": size, "peak_disk_bytes": peak["disk"],
            "peak_disk_over_index": round(peak["disk"] / size, 2) if size else None,
            "index_over_text": round(size / stats["text_bytes"], 2) if stats["text_bytes"] else None,
            "peak_main_rss": peak["main_rss"], "peak_tree_rss": peak["tree_rss"]}


def first_request(index_dir: Path, workers: int, path: str) -> dict:
    """Seconds from ``serve`` starting to the first 200 answer of ``path`` (polling /api/status
    would build the index view first, so the probe is the page itself)."""
    import urllib.error
    import urllib.request

    port = free_port()
    started = time.perf_counter()
    proc = subprocess.Popen([tool("artsearch"), "serve", "--index", str(index_dir), "--port", str(port),
                             "--workers", str(workers)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        # Wait for the socket to accept, without asking the index anything.
        import socket
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None:
                    raise click.ClickException(proc.stderr.read() if proc.stderr else "serve exited") from None
                time.sleep(0.02)
        listening = time.perf_counter() - started
        asked = time.perf_counter()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=120) as response:
            response.read()
            status = response.status
        answered = time.perf_counter()
        second_start = time.perf_counter()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=120) as response:
            response.read()
        second = time.perf_counter() - second_start
        return {"workers": workers, "path": path, "status": status, "listening_after": round(listening, 3),
                "first_request_seconds": round(answered - asked, 3), "second_request_seconds": round(second, 3)}
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@click.command(help=__doc__)
@click.option("--corpus", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("bench/out"))
@click.option("--skip-build", is_flag=True, help="Only the first-request figures, on --out's default-workers index.")
@click.option("--path", default="/?q=vaccine", show_default=True, help="The first request's page.")
def main(corpus: Path, out: Path, skip_build: bool, path: str):
    out.mkdir(parents=True, exist_ok=True)
    result: dict = {"machine": machine_info(), "git": git_state(), "corpus": str(corpus), "cpus": cpu_count(),
                    "builds": [], "first_request": []}
    if not skip_build:
        for workers in (1, None):
            index_dir = out / f"workers-{workers or 'default'}"
            subprocess.run(["rm", "-rf", str(index_dir)], check=True)
            log(f"reindex --full {'--workers 1' if workers else '(default workers)'} of {corpus}")
            result["builds"].append(build(corpus, index_dir, workers, out / f"workers-{workers or 'default'}.json"))
            log(json.dumps(result["builds"][-1]))
    index_dir = out / "workers-default"
    for workers in (1, cpu_count()):
        result["first_request"].append(first_request(index_dir, workers, path))
        log(json.dumps(result["first_request"][-1]))
    target = out / f"workers-{corpus.stem}.json"
    target.write_text(json.dumps(result, indent=2), encoding="utf-8")
    log(f"wrote {target}")


if __name__ == "__main__":
    main()
