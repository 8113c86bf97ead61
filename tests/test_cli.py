"""The CLI as a subprocess: exit codes and output."""

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXTURE_CORPUS, REPO


def artsearch(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "web.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=REPO, timeout=300, **kwargs)


def test_reindex_then_search(tmp_path):
    index = tmp_path / "ix"
    report = tmp_path / "report.json"
    done = artsearch("reindex", FIXTURE_CORPUS, "--index", index, "--report", report)
    assert done.returncode == 0, done.stderr
    # 11 lines: a10 is broken JSON; a9 has a title and no body, so it is indexed by its title.
    assert "added 10" in done.stdout and "1 skipped" in done.stdout
    assert "articles/s" in done.stdout and "Traceback" not in done.stderr
    assert "articles.jsonl:10: skipped: malformed JSON" in done.stderr
    assert "articles.jsonl:9:" not in done.stderr.replace("articles.jsonl:9: language:", "")
    assert "Title only: 1 article with no body text, indexed by the title." in done.stdout
    data = json.loads(report.read_text())
    assert data["added"] == 10 and data["problem_counts"]["skipped"] == 1 and data["title_only"] == 1

    found = artsearch("search", "vaccine", "--outlet", "reuters.com", "--index", index, "--json")
    assert found.returncode == 0, found.stderr
    result = json.loads(found.stdout)
    assert result["total"] == 2 and {r["outlet"] for r in result["results"]} == {"reuters.com"}

    text = artsearch("search", '"breast cancer"', "--index", index)
    assert "1 result (" in text.stdout and "*breast cancer*" in text.stdout.lower()

    headline = json.loads(artsearch("search", "empty body record", "--index", index, "--json").stdout)
    assert [(r["id"], r["teaser"]) for r in headline["results"]][:1] == [("a9", "")]


def test_reindex_default_is_bundled_corpus(tmp_path):
    done = artsearch("reindex", "--index", tmp_path / "ix")
    assert done.returncode == 0, done.stderr
    assert "added 9" in done.stdout  # corpus/articles holds nine articles
    found = json.loads(artsearch("search", "syria", "--index", tmp_path / "ix", "--json").stdout)
    assert found["total"] > 0 and found["facets"]["outlet"][0]["value"] == "Inside Syria Media Center"


def test_index_location_from_environment(tmp_path):
    env = {**__import__("os").environ, "ARTSEARCH_INDEX": str(tmp_path / "envix")}
    assert artsearch("reindex", FIXTURE_CORPUS, env=env).returncode == 0
    assert (tmp_path / "envix" / "CURRENT").exists()


def test_search_errors_are_one_line_messages(tmp_path):
    missing = artsearch("search", "x", "--index", tmp_path / "none")
    assert missing.returncode == 1 and "artsearch reindex" in missing.stderr and "Traceback" not in missing.stderr
    artsearch("reindex", FIXTURE_CORPUS, "--index", tmp_path / "ix")
    bad = artsearch("search", "x", "--from", "2020-01-01", "--to", "2019-01-01", "--index", tmp_path / "ix")
    assert bad.returncode == 1 and "'from' (2020-01-01) is after 'to'" in bad.stderr


def test_missing_source_is_a_clear_error(tmp_path):
    done = artsearch("reindex", tmp_path / "nope.jsonl", "--index", tmp_path / "ix")
    assert done.returncode != 0 and "Source not found" in done.stderr and "Traceback" not in done.stderr


def test_console_script_is_installed():
    exe = Path(sys.executable).parent / "artsearch"
    done = subprocess.run([str(exe), "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "reindex" in done.stdout and "serve" in done.stdout
