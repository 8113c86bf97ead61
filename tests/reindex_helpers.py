"""Helpers shared by the reindex tests: the CLI as a subprocess, reports, searches."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from index.config import Config
from search.engine import SearchEngine
from search.request import SearchRequest
from tests.conftest import FIXTURES, REPO

REINDEX_FIXTURES = FIXTURES / "reindex"


def artsearch(*args, input: str | bytes | None = None, timeout: float = 300, **kwargs) -> subprocess.CompletedProcess:
    """Run the ``artsearch`` CLI in a subprocess and return the finished process."""
    return subprocess.run(
        [sys.executable, "-m", "web.cli", *map(str, args)], capture_output=True, cwd=REPO,
        text=not isinstance(input, bytes), input=input, timeout=timeout, **kwargs,
    )


def reindex(index: Path, *args, report: Path | None = None, **kwargs) -> tuple[subprocess.CompletedProcess, dict]:
    """Run ``artsearch reindex ... --index INDEX --report REPORT``; return the process and report."""
    report = report or index.parent / f"{index.name}-report.json"
    if report.exists():
        report.unlink()
    done = artsearch("reindex", *args, "--index", index, "--report", report, **kwargs)
    data = json.loads(report.read_text(encoding="utf-8")) if report.exists() else {}
    return done, data


def assert_ok(done: subprocess.CompletedProcess) -> None:
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    assert "Traceback" not in done.stderr


def assert_one_line_error(done: subprocess.CompletedProcess, *fragments: str) -> None:
    """A failure: non-zero exit, exactly one line on stderr, nothing like a traceback."""
    assert done.returncode != 0, done.stdout
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("Error: ") and "Traceback" not in done.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def problems(report: dict, kind: str | None = None) -> list[dict]:
    return [p for p in report["problems"] if kind is None or p["kind"] == kind]


def search(index: Path, q: str = "", **args) -> dict:
    """Search in-process (a fresh engine, so it sees the current build) and return the JSON shape."""
    engine = SearchEngine(Config(index_dir=index))
    params = {"q": q, "per_page": "100", **args}
    return engine.search(SearchRequest.from_args(params, engine.config)).to_dict()


def ids(result: dict) -> set[str]:
    return {hit["id"] for hit in result["results"]}


def stored(index: Path) -> dict[str, dict]:
    """Every stored document of the live build, by id."""
    engine = SearchEngine(Config(index_dir=index))
    with engine.store.open_current().searcher() as searcher:
        return {doc["id"]: doc for doc in searcher.all_stored_fields()}
