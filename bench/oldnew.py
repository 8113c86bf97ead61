"""Old code against new code, search page by search page, in the same minutes.

``make bench`` compares artsearch with Datasette, and a run on a busy machine says
little about whether artsearch itself got slower. This bench answers that directly:
the old commit (default ``b2d5ccf``, before issue 8) and the working tree each get
their own index built from the same corpus and their own process serving pages
through the Flask test client. The query mix (``bench/queries.json``) is sent to both,
alternating query by query (and which side goes first, round by round), so machine
load falls on both alike.

Each round starts both sides on a new index generation (the engine forgets its
per-generation views and caches and reopens its readers; see ``page_worker.py``) and
sends the mix twice: the first pass is **cold** (the first time each query is seen in
the generation), the second **warm** (served from the caches). The report gives page
p50/p95 for each and the new/old ratios, plus the load average.

    python -m bench.oldnew --corpus ../shared/corpus/fakehealth-news.jsonl
    python -m bench.oldnew --old main --same-pages   # a refactoring: pages must not change
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import click

from .queries import load_queries
from .run import DEFAULT_OUT, PROJECT_ROOT, git_state, log

WORKER = Path(__file__).with_name("page_worker.py")
# Run the worker by path with the side's tree as the current directory, so the side's
# packages (not bench/'s neighbours, nor the installed working tree) are imported.
_RUN_WORKER = "import runpy, sys; runpy.run_path(sys.argv.pop(1), run_name='__main__')"
_RUN_CLI = "import sys; from web.cli import main; sys.argv[0] = 'artsearch'; main()"


class Side:
    """One version of the code: its tree, its index and its page-serving process."""

    def __init__(self, label: str, root: Path, index_dir: Path):
        self.label = label
        self.root = root
        self.index_dir = index_dir
        self.proc: subprocess.Popen | None = None

    def env(self) -> dict:
        return {**os.environ, "PYTHONPATH": str(self.root), "PYTHONDONTWRITEBYTECODE": "1"}

    def build(self, corpus: Path, reuse: bool) -> None:
        if reuse and (self.index_dir / "CURRENT").exists():
            log(f"{self.label}: reusing {self.index_dir}")
            return
        shutil.rmtree(self.index_dir, ignore_errors=True)
        log(f"{self.label}: indexing {corpus} into {self.index_dir}")
        # One worker: the same corpus gives the same document numbers on every build.
        done = subprocess.run([sys.executable, "-c", _RUN_CLI, "reindex", str(corpus), "--index",
                               str(self.index_dir), "--workers", "1", "--quiet"],
                              cwd=self.root, env=self.env(), capture_output=True, text=True)
        if done.returncode != 0:
            raise click.ClickException(f"{self.label}: reindex failed: {done.stderr[-2000:]}")

    def start(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", _RUN_WORKER, str(WORKER), str(self.index_dir)],
                                     cwd=self.root, env=self.env(), stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)

    def ask(self, **command) -> dict:
        assert self.proc is not None and self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise click.ClickException(f"{self.label}: the page worker stopped (exit {self.proc.wait()})")
        return json.loads(line)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.stdin.close()  # type: ignore[union-attr]
            self.proc.wait(timeout=30)
            self.proc = None


def export_tree(rev: str, into: Path) -> Path:
    """The files of commit ``rev`` under ``into`` (``git archive``: no worktree to clean up)."""
    sha = subprocess.run(["git", "rev-parse", "--short", rev], cwd=PROJECT_ROOT, check=True,
                         capture_output=True, text=True).stdout.strip()
    root = into / sha
    if not (root / "web").exists():
        root.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", "--format=tar", sha], cwd=PROJECT_ROOT, check=True,
                                 capture_output=True).stdout
        with tempfile.TemporaryFile() as fh:
            fh.write(archive)
            fh.seek(0)
            with tarfile.open(fileobj=fh) as tar:
                tar.extractall(root, filter="data")
    return root


def write_path_key(root: Path) -> str:
    """A digest of the tree's write path (``index/``): the same digest, the same index."""
    digest = hashlib.blake2b(digest_size=6)
    for path in sorted((root / "index").rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def load_average() -> list[float]:
    return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]


def summary(ms: list[float]) -> dict:
    ordered = sorted(ms)
    return {"n": len(ms), "p50": statistics.median(ordered),
            "p95": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
            "mean": statistics.fmean(ordered)}


@click.command()
@click.option("--corpus", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=PROJECT_ROOT.parent / "shared" / "corpus" / "fakehealth-news.jsonl", show_default=True)
@click.option("--old", "old_rev", default="b2d5ccf", show_default=True, help="The commit to compare with.")
@click.option("--new", "new_rev", default=None, help="A commit instead of the working tree.")
@click.option("--rounds", type=click.IntRange(1), default=5, show_default=True,
              help="Rounds: each starts both sides on a new generation and sends the mix cold, then warm.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_OUT, show_default=True)
@click.option("--reuse", is_flag=True, help="Keep indexes built earlier by the same write path (index/).")
@click.option("--same-pages", is_flag=True,
              help="Fail unless both sides serve byte-identical pages (timing aside): for refactorings.")
@click.option("--profile", "profile_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Afterwards, profile one cold and one warm pass of each side into this directory.")
def main(corpus: Path, old_rev: str, new_rev: str | None, rounds: int, out: Path, reuse: bool,
         same_pages: bool, profile_dir: Path | None):
    """Time the search page of an old commit and of the working tree, alternated."""
    work = out / "work" / "oldnew"
    trees = work / "trees"
    old_root = export_tree(old_rev, trees)
    new_root = export_tree(new_rev, trees) if new_rev else PROJECT_ROOT
    sides = [Side(f"old {old_rev}", old_root, work / f"index-{write_path_key(old_root)}"),
             Side(f"new {new_rev or 'working tree'}", new_root, work / f"index-{write_path_key(new_root)}")]
    for side in sides:
        side.build(corpus, reuse)
    queries = load_queries()
    urls = [q.artsearch_path() for q in queries]
    samples: dict[str, dict[str, list[dict]]] = {s.label: {"cold": [], "warm": []} for s in sides}
    loads = [load_average()]
    started_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    try:
        for side in sides:
            side.start()
        for r in range(rounds):
            order = sides if r % 2 == 0 else sides[::-1]
            for side in order:
                side.ask(cmd="fresh")
            for phase in ("cold", "warm"):
                for url in urls:
                    for side in order:
                        samples[side.label][phase].append({"url": url, **side.ask(cmd="get", url=url)})
            loads.append(load_average())
            log(f"round {r + 1}/{rounds} done; load {loads[-1][0]:.2f}")
        if profile_dir is not None:
            profile_dir.mkdir(parents=True, exist_ok=True)
            for side in sides:
                path = profile_dir / f"{side.root.name if side.root != PROJECT_ROOT else 'worktree'}.prof"
                side.ask(cmd="profile", urls=urls, path=str(path.resolve()))
                log(f"{side.label}: profile in {path}")
    finally:
        for side in sides:
            side.stop()
    old, new = (samples[s.label] for s in sides)
    result: dict = {"started_at": started_at, "corpus": str(corpus), "rounds": rounds, "queries": len(urls),
                    "old": sides[0].label, "new": sides[1].label, "old_commit": old_root.name,
                    "new_commit": new_root.name if new_rev else git_state(), "load_average": loads, "phases": {}}
    for phase in ("cold", "warm"):
        o = summary([s["ms"] for s in old[phase]])
        n = summary([s["ms"] for s in new[phase]])
        result["phases"][phase] = {
            "old": o, "new": n, "ratio_p50": n["p50"] / o["p50"], "ratio_p95": n["p95"] / o["p95"],
            "errors": {"old": sum(s["status"] != 200 for s in old[phase]),
                       "new": sum(s["status"] != 200 for s in new[phase])},
        }
    result["page_kib"] = {"old": statistics.fmean(s["bytes"] for s in old["cold"]) / 1024,
                          "new": statistics.fmean(s["bytes"] for s in new["cold"]) / 1024}
    differing = sorted({o["url"] for o, n in zip(old["cold"] + old["warm"], new["cold"] + new["warm"], strict=True)
                        if o["digest"] != n["digest"]})
    result["differing_pages"] = differing
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"oldnew-{corpus.stem}.json"
    path.write_text(json.dumps({**result, "samples": samples}, indent=1), encoding="utf-8")
    click.echo(f"{result['old']} vs {result['new']}: {rounds} rounds x {len(urls)} queries; "
               f"load average {min(x[0] for x in loads):.2f}-{max(x[0] for x in loads):.2f} (1 min)")
    for phase, p in result["phases"].items():
        click.echo(f"  {phase}: p50 {p['old']['p50']:.1f} -> {p['new']['p50']:.1f} ms ({p['ratio_p50']:.2f}x), "
                   f"p95 {p['old']['p95']:.1f} -> {p['new']['p95']:.1f} ms ({p['ratio_p95']:.2f}x), "
                   f"errors {p['errors']['old']}/{p['errors']['new']}")
    click.echo(f"  page size {result['page_kib']['old']:.1f} -> {result['page_kib']['new']:.1f} KiB; "
               f"{len(differing)} of {len(urls)} pages differ")
    click.echo(f"Results: {path}")
    if same_pages and differing:
        raise click.ClickException("pages differ: " + ", ".join(differing))


if __name__ == "__main__":
    main()
