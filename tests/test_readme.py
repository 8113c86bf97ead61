"""The README's first five minutes, as a newcomer meets them: its example queries find
something on what ``make serve`` serves (the bundled corpus/), and its shell commands run
as written from the repository root of a fresh clone."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest

from index.config import Config
from index.indexer import build_index
from search.engine import SearchEngine
from search.request import SearchRequest
from tests.conftest import FIXTURE_CORPUS, REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    start = README.index(f"## {title}")
    end = README.find("\n## ", start + 1)
    return README[start:end if end != -1 else None]


def table_queries() -> list[tuple[str, bool]]:
    """(query, needs a dated corpus) for every example in the query syntax table."""
    rows = [line for line in section("Query syntax").splitlines() if line.startswith("| `")]
    return [(q, "dated corpus" in row) for row in rows for q in re.findall(r"`([^`]+)`", row.split(" | ")[0])]


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """A repository root as after `make serve`: .venv, sources, and instance/index built
    from corpus/ exactly as the Makefile's `index` target does."""
    if not (REPO / ".venv/bin/artsearch").exists():
        pytest.skip("no .venv in the repository (make serve or make test creates it)")
    root = tmp_path_factory.mktemp("clone")
    for name in (".venv", "corpus", "tests"):
        (root / name).symlink_to(REPO / name)
    make_index = subprocess.run([str(root / ".venv/bin/artsearch"), "reindex", "corpus", "--index", "instance/index",
                                 "--quiet"], cwd=root, capture_output=True, text=True, timeout=300)
    assert make_index.returncode == 0, make_index.stderr
    return root


def count(index: Path, q: str) -> int:
    engine = SearchEngine(Config(index_dir=index))
    return engine.search(SearchRequest.from_args({"q": q}, engine.config)).total


def test_query_table_examples_find_articles_on_the_bundled_corpus(clone, tmp_path):
    dated = tmp_path / "dated"
    build_index([FIXTURE_CORPUS], dated, full=True)
    queries = table_queries()
    assert len(queries) >= 9
    for q, needs_dates in queries:
        assert count(dated if needs_dates else clone / "instance/index", q) > 0, q
    # The one that needs dates really finds nothing on the bundled corpus, as the README says.
    assert all(count(clone / "instance/index", q) == 0 for q, needs_dates in queries if needs_dates)


def test_first_look_queries_find_articles(clone):
    intro = section("What `make serve` shows")
    tries = re.findall(r"`([^`]+)`", intro.split("Try ", 1)[1].split("\n\n")[0].split(".")[0])
    assert len(tries) >= 4
    for q in tries:
        assert count(clone / "instance/index", q) > 0, q


def readme_commands() -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", README, re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if line.startswith(".venv/bin/artsearch")]


def git_ignored_names() -> set[str]:
    """Top-level names .gitignore leaves out (its plain entries, without wildcards)."""
    lines = (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()
    return {line.strip().strip("/") for line in lines if line.strip() and not line.startswith("#") and "*" not in line}


def test_every_artsearch_command_in_the_readme_runs_as_written(clone):
    before = {path.name for path in clone.iterdir()}
    commands = readme_commands()
    assert any(" reindex " in c for c in commands) and any(" search " in c for c in commands)
    for line in commands:
        for command in line.split(" && "):
            args = shlex.split(command)
            if args[1] == "serve":
                # Not started here; what it serves must exist once the lines before it ran.
                index = args[args.index("--index") + 1] if "--index" in args else "instance/index"
                assert (clone / index / "CURRENT").exists(), line
                continue
            done = subprocess.run(["bash", "-c", command], cwd=clone, capture_output=True, text=True,
                                  timeout=300, env={**os.environ, "CI": "true"})
            assert done.returncode == 0, f"{command}\n{done.stderr}"
            assert "Traceback" not in done.stderr
            if args[1] == "search":
                output = (clone / args[-1]).read_text() if args[-2] == ">" else done.stdout
                assert len(output.strip().splitlines()) >= 2, command  # found something
    # Nothing is left behind that `git status` would show (report.json was).
    left = {path.name for path in clone.iterdir()} - before - git_ignored_names()
    assert not left, f"the README's commands leave {sorted(left)} in the repository root"
