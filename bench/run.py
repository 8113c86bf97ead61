"""One benchmark run: build the three indexes, serve two, load both, collect the figures."""

from __future__ import annotations

import dataclasses
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from . import corpus as corpus_mod
from .builders import dir_size
from .features import measure_timeline
from .load import Client, Sample, run_concurrent, summarise
from .queries import Query, class_names, load_queries
from .report import evaluate
from .servers import Server, ServerError, free_port

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = PROJECT_ROOT / "bench" / "out"
DEFAULT_CORPUS = PROJECT_ROOT.parent / "shared" / "corpus" / "fakehealth-news.jsonl"
SMOKE_FIXTURE = PROJECT_ROOT / "tests" / "fixtures" / "articles.jsonl"
ENGINES = ("artsearch", "datasette")
DB_NAME = "articles"


class BenchError(RuntimeError):
    pass


@dataclasses.dataclass(frozen=True)
class Options:
    corpus: Path
    out: Path
    smoke: bool = False
    limit: int | None = None
    rounds: int = 20
    clients: int = 8
    seconds: float = 20.0
    # The same default as `artsearch serve --threads`: one per CPU, 2 to 8.
    threads: int = max(2, min(8, os.cpu_count() or 2))
    # The multiprocessing writer is artsearch's answer to "same corpus and cores": the
    # straightforward baseline is one process and cannot use the second core.
    workers: int = os.cpu_count() or 1
    baseline: bool = True
    keep_work: bool = False
    queries_file: Path | None = None

    @classmethod
    def smoke_defaults(cls, out: Path, corpus: Path | None) -> Options:
        corpus = corpus or (DEFAULT_CORPUS if DEFAULT_CORPUS.exists() else SMOKE_FIXTURE)
        return cls(corpus=corpus, out=out, smoke=True, limit=200, rounds=2, seconds=2.0)


def tool(name: str) -> str:
    """The console script installed beside this interpreter, else the one on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if not found:
        raise BenchError(f"{name!r} is not installed; run: pip install -e '.[bench]'")
    return found


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def machine_info() -> dict:
    mem_kb = 0
    cpu = platform.processor()
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "ram_gb": round(mem_kb / 1024 / 1024, 1), "cpu": cpu,
            "python": platform.python_version(), "platform": platform.platform()}


def versions() -> dict:
    found = {"sqlite": sqlite3.sqlite_version}
    for package in ("artsearch", "whoosh", "datasette", "sqlite-utils", "waitress", "flask"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = None
    return found


def git_state() -> dict:
    """The commit benchmarked and whether the working tree had uncommitted changes."""
    def git(*args):
        done = subprocess.run(["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else None

    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": git("rev-parse", "--short", "HEAD"), "dirty": bool(status) if status is not None else None}


def run_json(argv: list[str]) -> tuple[dict, float]:
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise BenchError(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1]), wall


def build_all(opts: Options, source: Path, work: Path, text_bytes: int) -> dict:
    builds = {}
    index_dir = work / "artsearch-index"
    report = work / "reindex-report.json"
    log(f"building artsearch index (artsearch reindex --full --workers {opts.workers})")
    started = time.perf_counter()
    done = subprocess.run([tool("artsearch"), "reindex", str(source), "--full", "--index", str(index_dir),
                           "--workers", str(opts.workers), "--quiet", "--report", str(report)],
                          capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise BenchError(f"artsearch reindex failed ({done.returncode}):\n{done.stderr[-2000:]}")
    stats = json.loads(report.read_text(encoding="utf-8"))
    builds["artsearch"] = {"rows": stats["total"], "seconds": stats["seconds"], "wall_seconds": wall,
                           "size_bytes": dir_size(index_dir), "skipped": stats["skipped"]}

    log("building SQLite FTS5 database (sqlite-utils)")
    result, wall = run_json([sys.executable, "-m", "bench.builders", "sqlite", str(source),
                             str(work / f"{DB_NAME}.db")])
    builds["datasette"] = {**result, "wall_seconds": wall}

    if opts.baseline:
        log("building the straightforward Whoosh baseline")
        result, wall = run_json([sys.executable, "-m", "bench.builders", "whoosh", str(source),
                                 str(work / "whoosh-baseline")])
        builds["whoosh_baseline"] = {**result, "wall_seconds": wall}
    for build in builds.values():
        build.pop("engine", None)
        build["mb_per_s"] = text_bytes / 1e6 / build["seconds"] if build["seconds"] else None
    return builds


def fetch_json(client: Client, path: str) -> dict:
    status, body = client.get(path)
    if status != 200:
        raise BenchError(f"GET {path} answered {status}: {body[:300]!r}")
    return json.loads(body)


def resolve_datasette_paths(client: Client, queries: list[Query]) -> list[str]:
    """The HTML path for each query; page N is reached by following ``next`` N-1 times."""
    paths = []
    for query in queries:
        token = None
        for _ in range(query.datasette_page - 1):
            data = fetch_json(client, query.datasette_path(DB_NAME, fmt="json", next_token=token))
            token = data.get("next")
            if token is None:
                break
        paths.append(query.datasette_path(DB_NAME, next_token=token))
    return paths


def check_queries(clients: dict[str, Client], queries: list[Query], ds_paths: list[str]) -> list[dict]:
    """Fetch each query once per engine (also a warm-up) and record the hit counts."""
    rows = []
    for query, ds_path in zip(queries, ds_paths, strict=True):
        a_json = fetch_json(clients["artsearch"], query.artsearch_path(fmt="json"))
        d_json = fetch_json(clients["datasette"], ds_path.replace("/articles?", "/articles.json?", 1))
        rows.append({
            "class": query.cls, "label": query.label,
            "artsearch_path": query.artsearch_path(), "datasette_path": ds_path,
            "artsearch_total": a_json.get("total"),
            "datasette_total": d_json.get("filtered_table_rows_count"),
        })
        for engine, path in (("artsearch", query.artsearch_path()), ("datasette", ds_path)):
            status, body = clients[engine].get(path)
            if status != 200:
                raise BenchError(f"{engine} GET {path} answered {status}: {body[:300]!r}")
    return rows


def by_class(samples: list[Sample], classes: list[str]) -> dict:
    return {
        "overall": summarise(samples),
        "by_class": {c: summarise([s for s in samples if s.label == c]) for c in classes},
    }


def measure_sequential(clients: dict[str, Client], jobs: dict[str, list[tuple[str, str]]],
                       rounds: int) -> dict[str, list[Sample]]:
    """Every query on both engines, interleaved and alternating who goes first each round,
    so background noise on a shared machine falls on both sides alike."""
    samples: dict[str, list[Sample]] = {e: [] for e in ENGINES}
    for r in range(rounds):
        order = ENGINES if r % 2 == 0 else ENGINES[::-1]
        for i in range(len(jobs["artsearch"])):
            for engine in order:
                label, path = jobs[engine][i]
                samples[engine].append(clients[engine].timed(label, path))
    return samples


def measure_concurrent(ports: dict[str, int], jobs: dict[str, list[tuple[str, str]]], clients: int,
                       seconds: float) -> dict:
    """Two alternating slices per engine (A, D, A, D), merged, to spread out drift."""
    merged: dict[str, tuple[list[Sample], float]] = {e: ([], 0.0) for e in ENGINES}
    for engine in ENGINES + ENGINES:
        samples, elapsed = run_concurrent(ports[engine], jobs[engine], clients, seconds / 2)
        previous, total = merged[engine]
        merged[engine] = (previous + samples, total + elapsed)
    return merged


def run_benchmark(opts: Options) -> dict:
    started_at = datetime.now(timezone.utc)
    out = opts.out
    work = out / "work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    if not opts.corpus.exists():
        raise BenchError(f"Corpus not found: {opts.corpus} (pass --corpus PATH)")
    source = opts.corpus
    if opts.limit:
        source = corpus_mod.write_subset(opts.corpus, work / "corpus.jsonl", opts.limit)
    queries = load_queries(opts.queries_file or Path(__file__).with_name("queries.json"), smoke=opts.smoke)
    classes = class_names(queries)
    log(f"corpus {source}: measuring")
    corpus_info = {"path": str(opts.corpus), "limit": opts.limit, **corpus_mod.measure(source)}
    load_before = os.getloadavg()

    builds = build_all(opts, source, work, corpus_info["text_bytes"])
    log("timeline cost (in-process, per query of the mix)")
    timeline = measure_timeline(work / "artsearch-index", queries, rounds=2 if opts.smoke else 5)

    ports = {"artsearch": free_port(), "datasette": free_port()}
    artsearch = Server("artsearch", [tool("artsearch"), "serve", "--index", str(work / "artsearch-index"),
                                     "--host", "127.0.0.1", "--port", str(ports["artsearch"]),
                                     "--threads", str(opts.threads)],
                       ports["artsearch"], "/api/status", work / "artsearch-serve.log")
    datasette = Server("datasette", [tool("datasette"), "serve", str(work / f"{DB_NAME}.db"),
                                     "--host", "127.0.0.1", "--port", str(ports["datasette"])],
                       ports["datasette"], "/-/versions.json", work / "datasette-serve.log")
    log(f"starting servers: artsearch :{ports['artsearch']}, datasette :{ports['datasette']}")
    with artsearch, datasette:
        clients = {e: Client(p) for e, p in ports.items()}
        ds_paths = resolve_datasette_paths(clients["datasette"], queries)
        checks = check_queries(clients, queries, ds_paths)
        jobs = {
            "artsearch": [(q.cls, q.artsearch_path()) for q in queries],
            "datasette": [(q.cls, p) for q, p in zip(queries, ds_paths, strict=True)],
        }
        log(f"sequential: {opts.rounds} rounds x {len(queries)} queries per engine")
        seq = measure_sequential(clients, jobs, opts.rounds)
        for client in clients.values():
            client.close()
        log(f"concurrent: {opts.clients} clients, {opts.seconds:g} s per engine")
        conc = measure_concurrent(ports, jobs, opts.clients, opts.seconds)
        servers = {
            name: {"peak_rss_bytes": server.memory().get("VmHWM"),
                   "rss_after_start_bytes": server.rss_after_start,
                   "startup_seconds": server.startup_seconds}
            for name, server in (("artsearch", artsearch), ("datasette", datasette))
        }

    results = {
        "meta": {
            "started_at": started_at.isoformat(timespec="seconds"),
            "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "smoke": opts.smoke,
            "machine": machine_info(),
            "loadavg_before": load_before,
            "loadavg_after": os.getloadavg(),
            "versions": versions(),
            "git": git_state(),
            "corpus": corpus_info,
            "settings": {"rounds": opts.rounds, "clients": opts.clients, "concurrent_seconds": opts.seconds,
                         "artsearch_threads": opts.threads, "artsearch_workers": opts.workers, "queries": len(queries),
                         "datasette_settings": "defaults"},
        },
        "build": builds,
        "servers": servers,
        "queries": checks,
        "timeline": timeline,
        "sequential": {e: by_class(seq[e], classes) for e in ENGINES},
        "concurrent": {},
    }
    for engine, (samples, elapsed) in conc.items():
        summary = by_class(samples, classes)
        summary["overall"]["seconds"] = elapsed
        summary["overall"]["throughput_rps"] = len(samples) / elapsed if elapsed else 0.0
        summary["clients"] = opts.clients
        results["concurrent"][engine] = summary
    results.update(evaluate(results))
    if not opts.keep_work:
        shutil.rmtree(work, ignore_errors=True)
    return results


def write_results(results: dict, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    text = json.dumps(results, indent=2, ensure_ascii=False)
    stamp = results["meta"]["started_at"].replace(":", "").replace("-", "")[:15]
    kind = "smoke" if results["meta"]["smoke"] else "results"
    (out / f"{kind}-{stamp}.json").write_text(text, encoding="utf-8")
    latest = out / "results.json"
    latest.write_text(text, encoding="utf-8")
    return latest


__all__ = ["Options", "BenchError", "ServerError", "run_benchmark", "write_results", "DEFAULT_OUT",
           "DEFAULT_CORPUS"]
