"""Damaged index files end in one clear message everywhere: `check`, HTTP, `serve` and
an incremental `reindex` (each through its real interface)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.config import Config
from tests.conftest import FIXTURE_CORPUS
from tests.servers import REPO, free_port
from web.app import create_app


def artsearch(*args, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "web.cli", *map(str, args)], cwd=REPO, capture_output=True,
                          text=True, timeout=timeout)


def build_dir(index: Path) -> Path:
    return index / "builds" / (index / "CURRENT").read_text().strip()


def one(build: Path, pattern: str) -> Path:
    (found,) = build.glob(pattern)
    return found


def newest_toc(build: Path) -> Path:
    """The table of contents Whoosh opens: the highest generation (a build may keep an
    earlier one, as the bulk writer's first commit leaves it)."""
    return max(build.glob("_MAIN_*.toc"), key=lambda p: int(p.stem.rsplit("_", 1)[1]))


def truncate(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 2)


def garbage(path: Path) -> None:
    path.write_bytes(b"\x00garbage\xff" * 7)


CORRUPTIONS = {
    "truncated postings": lambda b: truncate(one(b, "*.pst")),
    "truncated stored fields": lambda b: truncate(one(b, "*._stored.col")),
    "deleted terms file": lambda b: one(b, "*.trm").unlink(),
    "garbage table of contents": lambda b: garbage(newest_toc(b)),
    "garbage column": lambda b: garbage(one(b, "*.published.col")),
}


@pytest.fixture
def damaged(index_dir, tmp_path, request):
    index = tmp_path / "index"
    shutil.copytree(index_dir, index)
    CORRUPTIONS[request.param](build_dir(index))
    return index


def test_a_sound_index_checks_clean_and_a_missing_one_has_its_own_exit_status(index_dir, tmp_path):
    done = artsearch("check", "--index", index_dir)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("OK: the index at")
    missing = artsearch("check", "--index", tmp_path / "none")
    assert missing.returncode == 3
    assert missing.stderr.startswith("Error: No index at") and "Traceback" not in missing.stderr


@pytest.mark.parametrize("damaged", list(CORRUPTIONS), indirect=True)
def test_check_reports_the_damage_and_the_remedy(damaged):
    done = artsearch("check", "--index", damaged)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Damaged: " in done.stderr
    assert f"Rebuild it with: artsearch reindex --full {FIXTURE_CORPUS}" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("damaged", list(CORRUPTIONS), indirect=True)
def test_status_and_searches_answer_503_with_the_remedy(damaged):
    app = create_app(Config(index_dir=damaged))
    app.config.update(TESTING=True, PROPAGATE_EXCEPTIONS=False)
    client = app.test_client()
    status = client.get("/api/status")
    assert status.status_code == 503
    assert status.get_json()["type"] == "IndexDamagedError"
    assert "is damaged" in status.get_json()["error"]
    for path in ("/api/search?q=vaccine", "/api/search", "/api/search?q=syria&sort=newest"):
        found = client.get(path)
        assert found.status_code == 503, path
        assert "artsearch reindex --full" in found.get_json()["error"]
    page = client.get("/?q=vaccine")
    assert page.status_code == 503
    assert "artsearch reindex --full" in page.get_data(as_text=True)


@pytest.mark.parametrize("damaged", list(CORRUPTIONS), indirect=True)
def test_serve_starts_and_says_the_index_is_damaged(damaged):
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "web.cli", "serve", "--index", str(damaged), "--port", str(port)],
                               cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = process.stderr.readline()
            if not line:
                break
            lines.append(line)
            if line.startswith("Serving"):
                break
        assert process.poll() is None, "".join(lines)
        text = "".join(lines)
        assert "Traceback" not in text
        assert any(line.startswith("Warning: The index at") and "is damaged" in line for line in lines), text
        assert any(line.startswith("Serving") for line in lines), text
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stderr.close()


@pytest.mark.parametrize("damaged", list(CORRUPTIONS), indirect=True)
def test_incremental_reindex_refuses_and_a_full_one_repairs(damaged):
    refused = artsearch("reindex", FIXTURE_CORPUS, "--index", damaged)
    assert refused.returncode == 1
    assert refused.stderr.startswith("Error: The index at"), refused.stderr
    assert "is damaged" in refused.stderr and "artsearch reindex --full" in refused.stderr
    assert "Traceback" not in refused.stderr
    repaired = artsearch("reindex", FIXTURE_CORPUS, "--full", "--index", damaged)
    assert repaired.returncode == 0, repaired.stderr
    assert artsearch("check", "--index", damaged).returncode == 0


def test_the_remedy_names_sources_that_work_from_any_directory(tmp_path):
    # Sources given as relative paths were recorded as given, so the remedy printed for a
    # damaged index ("reindex --full ../corpus.jsonl") was wrong from any other directory.
    (tmp_path / "work").mkdir()
    shutil.copy(FIXTURE_CORPUS, tmp_path / "news.jsonl")
    done = subprocess.run([sys.executable, "-m", "web.cli", "reindex", "../news.jsonl", "--index", "ix", "--quiet"],
                          cwd=tmp_path / "work", capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr
    app = create_app(Config(index_dir=tmp_path / "work" / "ix"))
    status = app.test_client().get("/api/status").get_json()
    assert status["sources"] == [str((tmp_path / "news.jsonl").resolve())]
