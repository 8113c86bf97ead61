"""``python -m bench.oldnew`` times two versions of the code side by side, cold and warm,
and its ``--same-pages`` check fails when the two versions serve different pages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "articles.jsonl"


def has_commit(rev: str) -> bool:
    done = subprocess.run(["git", "cat-file", "-e", f"{rev}^{{commit}}"], cwd=ROOT, capture_output=True)
    return done.returncode == 0


def run_oldnew(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bench.oldnew", "--corpus", str(FIXTURE), "--rounds", "1",
                           "--out", str(tmp_path), *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.mark.skipif(not has_commit("HEAD"), reason="needs a git checkout")
def test_one_version_against_itself_serves_the_same_pages(tmp_path):
    done = run_oldnew(tmp_path, "--old", "HEAD", "--new", "HEAD", "--same-pages")
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads((tmp_path / "oldnew-articles.json").read_text(encoding="utf-8"))
    queries = json.loads((ROOT / "bench" / "queries.json").read_text(encoding="utf-8"))
    mix = sum(len(c["queries"]) for c in queries["classes"])
    for phase in ("cold", "warm"):
        figures = result["phases"][phase]
        assert figures["old"]["n"] == figures["new"]["n"] == mix
        assert figures["errors"] == {"old": 0, "new": 0}
        assert figures["old"]["p95"] >= figures["old"]["p50"] > 0
    assert result["differing_pages"] == []


@pytest.mark.slow
@pytest.mark.skipif(not has_commit("b2d5ccf"), reason="needs the history back to b2d5ccf")
def test_same_pages_fails_when_the_pages_differ(tmp_path):
    # b2d5ccf predates the timeline and folded copies: every page differs.
    done = run_oldnew(tmp_path, "--old", "b2d5ccf", "--new", "HEAD", "--same-pages")
    assert done.returncode != 0
    assert "pages differ" in done.stderr
