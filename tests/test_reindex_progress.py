"""Reindex progress on stderr when it is not a terminal (a log, CI): periodic lines with
count, rate and what is left to read, and lines through the commit phase."""

from __future__ import annotations

import json
import os
import re

from tests.reindex_helpers import artsearch


def write_corpus(path, n: int):
    words = "alpha beta gamma delta epsilon zeta theta kappa lambda sigma".split()
    path.write_text("".join(
        json.dumps({"id": f"p{i}", "title": f"Item {i}",
                    "body": " ".join(f"{words[(i * 7 + k) % 10]}{k % 97}" for k in range(150))}) + "\n"
        for i in range(n)), encoding="utf-8")


def test_progress_lines_when_stderr_is_not_a_terminal(tmp_path):
    source = tmp_path / "corpus.jsonl"
    write_corpus(source, 3000)
    env = {**os.environ, "ARTSEARCH_PROGRESS_SECONDS": "0.2"}
    done = artsearch("reindex", source, "--index", tmp_path / "ix", env=env)
    assert done.returncode == 0, done.stderr
    reading = [line for line in done.stderr.splitlines() if line.startswith("Reading: ")]
    committing = [line for line in done.stderr.splitlines() if line.startswith("Committing ")]
    assert len(reading) >= 2, done.stderr
    counts = []
    for line in reading:
        match = re.match(r"Reading: ([\d,]+) records, ([\d,]+)/s, (\d+)% of [\d.]+ MB", line)
        assert match, line
        counts.append(int(match.group(1).replace(",", "")))
    assert counts == sorted(counts) and counts[-1] <= 3000
    assert any("left to read; then the commit" in line for line in reading)
    assert committing and committing[0].startswith("Committing 3,000 changed articles to the index: ")
    assert all("so far" in line for line in committing)
    assert "\r" not in done.stderr  # one line per update in a log, no terminal rewriting


def test_quiet_prints_no_progress(tmp_path):
    source = tmp_path / "corpus.jsonl"
    write_corpus(source, 50)
    env = {**os.environ, "ARTSEARCH_PROGRESS_SECONDS": "0.01"}
    done = artsearch("reindex", source, "--index", tmp_path / "ix", "--quiet", env=env)
    assert done.returncode == 0 and "Reading:" not in done.stderr and "Committing" not in done.stderr
