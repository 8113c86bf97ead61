"""Full-build time and size, artsearch against sqlite-utils + FTS5 and plain Whoosh, in one run:
``python -m bench.indexing [--corpus JSONL ...] [--limit N] [--rounds R] [--old REV]``.

Each builder runs in its own process, one after another, the order rotated every round
so machine load falls on all alike:

- **artsearch**: ``artsearch reindex --full`` with no other flag (the default command:
  every CPU, the default codec), and the same with ``--codec whoosh`` and ``--codec
  artsearch`` when the default is one of them only by name;
- **artsearch before**: the default command of commit ``--old`` (default ``main``),
  run from its own tree (``git archive``, as bench/oldnew.py does);
- **sqlite-utils + FTS5** and **plain Whoosh**: bench/builders.py.

Time is each builder's own (the report's ``seconds`` for artsearch; from opening the
corpus to the final commit for the others), the median over rounds. Prints a Markdown
table with each time over FTS5's, and writes the raw figures as JSON (``--out``).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import click

from .builders import dir_size
from .codec import DEFAULT_CORPORA, _limited
from .oldnew import _RUN_CLI, export_tree
from .run import PROJECT_ROOT, log


def _cpu_seconds() -> float:
    """User + system seconds of every finished child process (and theirs) so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(build):
    """``build``'s figures plus the CPU seconds its process tree used (start-up included)."""
    def run(corpus: Path, target: Path) -> dict:
        before = _cpu_seconds()
        figures = build(corpus, target)
        figures["cpu_seconds"] = _cpu_seconds() - before
        return figures
    return run


def _artsearch(root: Path, corpus: Path, index: Path, *flags: str) -> dict:
    report = index.with_suffix(".report.json")
    env = {**os.environ, "PYTHONPATH": str(root), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("ARTSEARCH_CODEC", None)
    done = subprocess.run([sys.executable, "-c", _RUN_CLI, "reindex", str(corpus), "--full", "--index", str(index),
                           "--quiet", "--report", str(report), *flags], cwd=root, env=env,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise click.ClickException(f"reindex failed in {root}: {done.stderr[-2000:]}")
    data = json.loads(report.read_text(encoding="utf-8"))
    build = index / "builds" / data["build"]
    return {"seconds": data["seconds"], "rows": data["total"], "size_bytes": dir_size(build),
            "text_bytes": data["text_bytes"]}


def _builder(kind: str, corpus: Path, target: Path) -> dict:
    done = subprocess.run([sys.executable, "-m", "bench.builders", kind, str(corpus), str(target)], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


@click.command()
@click.option("--corpus", "corpora", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="JSON Lines corpus [default: FakeHealth and FakeNewsNet].")
@click.option("--limit", default=0, type=click.IntRange(0), help="Only the first N lines of each corpus.")
@click.option("--rounds", default=1, type=click.IntRange(1), show_default=True)
@click.option("--old", default="main", show_default=True, help="Commit whose default reindex is 'before'.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the raw figures as JSON here.")
def main(corpora: tuple[Path, ...], limit: int, rounds: int, old: str, out: Path | None) -> None:
    """Time full builds of each corpus by artsearch, its --old commit, FTS5 and plain Whoosh."""
    corpora = corpora or tuple(p for p in DEFAULT_CORPORA if p.exists())
    results: dict = {"started": datetime.now(timezone.utc).isoformat(timespec="seconds"), "old": old,
                     "cpus": os.cpu_count(), "corpora": {}}
    with tempfile.TemporaryDirectory(prefix="bench-indexing-") as tmp_name:
        tmp = Path(tmp_name)
        old_root = export_tree(old, tmp / "trees")
        builders = {name: _timed(build) for name, build in {
            "artsearch (default)": lambda c, t: _artsearch(PROJECT_ROOT, c, t),
            "artsearch --codec whoosh": lambda c, t: _artsearch(PROJECT_ROOT, c, t, "--codec", "whoosh"),
            f"artsearch before ({old})": lambda c, t: _artsearch(old_root, c, t),
            "sqlite-utils + FTS5": lambda c, t: _builder("sqlite", c, t.with_suffix(".db")),
            "plain Whoosh": lambda c, t: _builder("whoosh", c, t),
        }.items()}
        for corpus in corpora:
            source = _limited(corpus.resolve(), limit, tmp)
            runs: dict[str, list[dict]] = {name: [] for name in builders}
            names = list(builders)
            for r in range(rounds):
                for name in names[r % len(names):] + names[:r % len(names)]:
                    target = tmp / "work" / f"{len(runs[name])}-{abs(hash(name))}"
                    log(f"{source.name}: round {r + 1}: {name}")
                    runs[name].append(builders[name](source, target))
                    log(f"  {runs[name][-1]['seconds']:.2f} s, {runs[name][-1]['cpu_seconds']:.2f} CPU s, "
                        f"load {os.getloadavg()[0]:.1f}")
            results["corpora"][source.name] = runs
    results["finished"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    print(render(results))
    if out:
        out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


def render(results: dict) -> str:
    """Medians over rounds; CPU seconds are the whole process tree's, start-up included."""
    lines = ["| corpus | builder | articles | seconds | / FTS5 | CPU seconds | / FTS5 | index size | / FTS5 |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for corpus, runs in results["corpora"].items():
        fts = runs["sqlite-utils + FTS5"]
        fts_s = statistics.median(r["seconds"] for r in fts)
        fts_cpu = statistics.median(r.get("cpu_seconds", 0) for r in fts) or 1
        fts_size = fts[-1]["size_bytes"]
        for name, rs in runs.items():
            s = statistics.median(r["seconds"] for r in rs)
            cpu = statistics.median(r.get("cpu_seconds", 0) for r in rs)
            size = rs[-1]["size_bytes"]
            lines.append(f"| {corpus} | {name} | {rs[-1]['rows']:,} | {s:.2f} s | {s / fts_s:.1f}× "
                         f"| {cpu:.1f} s | {cpu / fts_cpu:.1f}× | {size / 1e6:.1f} MB | {size / fts_size:.2f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
