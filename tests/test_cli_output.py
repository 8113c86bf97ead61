"""What the CLI prints, as a subprocess: counts, option types, messages, broken pipes."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.test_cli import artsearch


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def one_article_index(tmp_path_factory):
    """An index of one article that has no outlet, no URL and no author."""
    tmp = tmp_path_factory.mktemp("one")
    source = write_jsonl(tmp / "one.jsonl", [
        {"id": "solo", "title": "A lonely heron", "body": "The heron stood alone in the marsh."},
    ])
    done = artsearch("reindex", source, "--index", tmp / "ix")
    assert done.returncode == 0, done.stderr
    return tmp / "ix", done


def test_one_article_is_singular(one_article_index):
    _, done = one_article_index
    # "1 articles/s" is the speed line, not a count: only a count must be singular.
    assert ": 1 article." in done.stdout and not re.search(r"\b1 articles(?!/s)", done.stdout)


def test_problem_counts_are_plural_nouns(one_article_index, tmp_path):
    # "0 warning, 0 duplicate" and "431 warning" read as broken English.
    _, done = one_article_index
    assert "Problems: 0 skipped, 0 repaired, 0 warnings, 0 duplicates." in done.stdout
    source = write_jsonl(tmp_path / "two.jsonl", [
        {"id": "x", "title": "One", "body": "First heron.", "author": "Evolve Biosystems"},
        {"id": "y", "title": "Two", "body": "Second heron.", "author": "Volitionrx Ltd"},
        {"id": "x", "title": "Again", "body": "A later copy of x."},
    ])
    again = artsearch("reindex", source, "--index", tmp_path / "ix")
    assert again.returncode == 0, again.stderr
    assert "2 warnings, 1 duplicate." in again.stdout


def test_one_result_is_singular_and_a_line_without_outlet_has_no_leading_dot(one_article_index):
    index, _ = one_article_index
    found = artsearch("search", "heron", "--index", index)
    assert found.returncode == 0, found.stderr
    assert found.stdout.startswith("1 result (") and "1 results" not in found.stdout
    meta = [line for line in found.stdout.splitlines() if "id solo" in line]
    assert meta == ["   undated · id solo"]


def test_serve_help_shows_one_default_for_threads():
    done = artsearch("serve", "--help")
    assert done.returncode == 0
    threads = done.stdout[done.stdout.index("--threads"):].split("\n  -", 1)[0]
    assert threads.count("default") == 1, threads


def test_numeric_and_date_options_are_typed(one_article_index):
    index, _ = one_article_index
    helptext = artsearch("search", "--help").stdout
    for option in ("--page", "--per-page", "--from", "--to"):
        line = next(line for line in helptext.splitlines() if line.strip().startswith(option))
        assert "TEXT" not in line, line
    bad_page = artsearch("search", "heron", "--page", "two", "--index", index)
    assert bad_page.returncode == 2 and "'two' is not a valid integer" in bad_page.stderr
    assert "Traceback" not in bad_page.stderr
    zero = artsearch("search", "heron", "--per-page", "0", "--index", index)
    assert zero.returncode == 2 and "--per-page" in zero.stderr
    bad_day = artsearch("search", "heron", "--from", "someday", "--index", index)
    assert bad_day.returncode == 2 and "expected a date as YYYY-MM-DD, got 'someday'" in bad_day.stderr
    ok = artsearch("search", "heron", "--page", "1", "--per-page", "5", "--from", "2000-01-01", "--index", index)
    assert ok.returncode == 0, ok.stderr


def test_json_error_message_has_no_doubled_word(tmp_path):
    source = tmp_path / "ctl.jsonl"
    source.write_text('{"id": "x", "title": "t", "body": "a\x01b"}\n'
                      '{"id": "y", "title": "ok", "body": "fine text"}\n', encoding="utf-8")
    done = artsearch("reindex", source, "--index", tmp_path / "ix")
    assert done.returncode == 0, done.stderr
    assert "ctl.jsonl:1: skipped: malformed JSON: Invalid control character at column" in done.stderr
    assert "at at" not in done.stderr


def test_search_into_a_closed_pipe_exits_quietly(one_article_index):
    index, _ = one_article_index
    for extra in ([], ["--json"]):
        # The reader goes away before anything is written, as `| head -0` or a quitting pager.
        proc = subprocess.Popen([sys.executable, "-m", "web.cli", "search", "heron", "--index", str(index), *extra],
                                cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        proc.stdout.close()
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
        assert err.decode() == ""


def test_teasers_show_one_space_at_hard_line_breaks(tmp_path):
    # A body typed with hard line breaks (a space before one, a blank line between
    # paragraphs): the terminal teaser printed "marsh.  A" and "the  heron".
    body = "The heron stood alone \nin the marsh.\n\nA second heron \n came at dawn\r\nto the marsh."
    source = write_jsonl(tmp_path / "lines.jsonl", [{"id": "lines", "title": "Herons", "body": body}])
    assert artsearch("reindex", source, "--index", tmp_path / "ix", "-q").returncode == 0
    for q in ("heron", "zzzz OR title:herons"):  # a marked teaser, and the body's start
        done = artsearch("search", q, "--index", tmp_path / "ix")
        assert done.returncode == 0, done.stderr
        teaser = done.stdout.rstrip("\n").splitlines()[-1].strip()
        assert teaser.replace("*", "") == " ".join(body.split()), done.stdout


def test_the_summary_line_names_the_index_searched_and_its_size(tmp_path):
    # "0 results" alone hid that `artsearch search zika` without --index searched the bundled
    # corpus's index (in the working directory), not the one the user built.
    rows = [{"id": f"h{n}", "title": f"Heron {n}", "body": f"Heron number {n} in the marsh."} for n in range(3)]
    source = write_jsonl(tmp_path / "herons.jsonl", rows)
    built = artsearch("reindex", source, "--index", tmp_path / "instance" / "index")
    assert built.returncode == 0, built.stderr
    expected = len(source.read_text(encoding="utf-8").splitlines())
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARTSEARCH_INDEX")}
    default = subprocess.run([sys.executable, "-m", "web.cli", "search", "zika"], cwd=tmp_path, env=env,
                             capture_output=True, text=True, timeout=300)
    assert default.returncode == 0, default.stderr
    summary = default.stdout.splitlines()[0]
    assert summary.startswith("0 results (")
    assert f"index {Path('instance') / 'index'} (the default; --index DIR for another), {expected} articles" in summary
    given = artsearch("search", "heron", "--index", tmp_path / "instance" / "index")
    summary = given.stdout.splitlines()[0]
    assert summary.startswith(f"{expected} results (")
    assert summary.endswith(f" · index {tmp_path / 'instance' / 'index'}, {expected} articles")
    from_env = artsearch("search", "heron", env={**env, "ARTSEARCH_INDEX": str(tmp_path / "instance" / "index")})
    assert f"(from ARTSEARCH_INDEX), {expected} articles" in from_env.stdout.splitlines()[0]


def test_a_page_past_the_end_names_the_last_page(tmp_path):
    rows = [{"id": f"h{n}", "title": f"Heron {n}", "body": f"Heron number {n} in the marsh."} for n in range(3)]
    source = write_jsonl(tmp_path / "herons.jsonl", rows)
    assert artsearch("reindex", source, "--index", tmp_path / "ix").returncode == 0
    expected = len(source.read_text(encoding="utf-8").splitlines())
    done = artsearch("search", "heron", "--index", tmp_path / "ix", "--per-page", "2", "--page", "50")
    assert done.returncode == 0, done.stderr
    pages = -(-expected // 2)
    assert f"Page 50 is past the end: the {expected} articles fill {pages} pages of 2; the last is page {pages}. (--page {pages})" in done.stdout


def test_did_you_mean_on_a_long_query_prints_only_the_respelled_words(one_article_index):
    index, _ = one_article_index
    done = artsearch("search", "herron " + "marsh " * 30, "--index", index)
    assert done.returncode == 0, done.stderr
    assert "Did you mean: heron marsh …\n" in done.stdout
