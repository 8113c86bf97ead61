"""Cost limits and the per-request deadline, through HTTP (Flask client and a real
server), the CLI and the config's environment variables."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from urllib.parse import urlencode

import pytest

from index.config import DEFAULT_INDEX, LIMITS, Config
from index.progress import LOG_INTERVAL
from tests.servers import REPO, server_process
from web.app import create_app

# Whoosh expands these to hundreds of words each on FakeHealth (stemmed body words with
# these prefixes); together they take seconds to match with no limits. A range over a
# text field ("[a TO z]", the whole vocabulary) is not reachable: bare brackets are text.
HUGE_WILDCARDS = "con* pro* com* pre* dis* int*"
UNLIMITED = {"max_expansions": 10**9, "max_query_expansions": 10**9}


def make_client(index_dir, **settings):
    app = create_app(Config(index_dir=index_dir, **settings))
    app.config.update(TESTING=True, PROPAGATE_EXCEPTIONS=False)
    return app.test_client()


def vocabulary_with_prefix(rows, prefix: str) -> set[str]:
    """Distinct lower-case words starting with ``prefix`` in the bodies (an independent count)."""
    import re

    words = set()
    for row in rows:
        words.update(w for w in re.findall(r"\w+", (row.get("text") or row.get("body") or "").lower())
                     if w.startswith(prefix))
    return words


@pytest.fixture(scope="module")
def fh_client(fakehealth_index):
    return make_client(fakehealth_index)


def test_brackets_typed_bare_are_text_not_a_range_over_the_vocabulary(fh_client):
    started = time.perf_counter()
    response = fh_client.get("/api/search?" + urlencode({"q": "[a TO z]"}))
    assert response.status_code == 200
    assert time.perf_counter() - started < 5


def test_a_wildcard_over_too_many_words_asks_for_more_letters(fakehealth_index, fakehealth_rows):
    # The independent count: FakeHealth's bodies hold far more than 100 words in con-.
    assert len(vocabulary_with_prefix(fakehealth_rows, "con")) > 100
    client = make_client(fakehealth_index, max_expansions=100)
    response = client.get("/api/search?q=con*")
    assert response.status_code == 400
    message = response.get_json()["error"]
    assert "'con*'" in message and "100" in message and "more letters" in message
    page = client.get("/?q=con*")
    assert page.status_code == 400 and "more letters" in page.get_data(as_text=True)
    assert len(vocabulary_with_prefix(fakehealth_rows, "vacc")) < 100
    found = client.get("/api/search?q=vacc*").get_json()
    assert found["total"] > 0


def test_all_expansions_of_a_query_together_are_limited(fakehealth_index):
    client = make_client(fakehealth_index, max_expansions=10**6, max_query_expansions=5)
    response = client.get("/api/search?" + urlencode({"q": "vacc* cancer*"}))
    assert response.status_code == 400
    assert "together" in response.get_json()["error"]


def test_the_deadline_stops_an_expensive_search_with_a_503_naming_the_part(fakehealth_index):
    client = make_client(fakehealth_index, timeout=0.02, **UNLIMITED)
    started = time.perf_counter()
    response = client.get("/api/search?" + urlencode({"q": HUGE_WILDCARDS}))
    elapsed = time.perf_counter() - started
    assert response.status_code == 503
    body = response.get_json()
    assert body["type"] == "SearchTimeoutError"
    assert "stopped after 0.02 s while" in body["error"]
    assert elapsed < 5, elapsed  # the deadline, not the query, ends it
    page = client.get("/?" + urlencode({"q": HUGE_WILDCARDS}))
    assert page.status_code == 503
    assert "stopped after 0.02 s" in page.get_data(as_text=True)


def test_search_cli_timeout_and_env_limits(fakehealth_index):
    env = {**os.environ, "ARTSEARCH_MAX_EXPANSIONS": "1000000000", "ARTSEARCH_MAX_QUERY_EXPANSIONS": "1000000000"}
    done = subprocess.run([sys.executable, "-m", "web.cli", "search", HUGE_WILDCARDS, "--timeout", "0.02",
                           "--index", str(fakehealth_index)], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr.startswith("Error: The search was stopped after 0.02 s while"), done.stderr
    assert "Traceback" not in done.stderr
    env["ARTSEARCH_TIMEOUT"] = "soon"
    bad = subprocess.run([sys.executable, "-m", "web.cli", "search", "x", "--index", str(fakehealth_index)],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1
    assert bad.stderr.strip() == "Error: ARTSEARCH_TIMEOUT must be a number; got 'soon'"


def test_did_you_mean_ignores_a_1000_letter_word_but_still_fixes_typos(fakehealth_index):
    client = make_client(fakehealth_index, timeout=120)
    word = ("abcdefghij" * 100)[:1000]
    started = time.perf_counter()
    response = client.get("/api/search?" + urlencode({"q": word}))
    assert response.status_code == 200
    assert response.get_json()["total"] == 0
    assert time.perf_counter() - started < 3  # 11-19 s before the word-length limit
    assert client.get("/api/search?q=vacine").get_json()["suggestion"] == "vaccine"


def test_too_many_filter_values_is_a_400_not_a_300_mb_page(fh_client):
    pairs = [("author", f"a{i}") for i in range(3000)]
    response = fh_client.get("/api/search?" + urlencode(pairs))
    assert response.status_code == 400
    assert "At most 50" in response.get_json()["error"] and "3,000" in response.get_json()["error"]
    page = fh_client.get("/?" + urlencode(pairs))
    assert page.status_code == 400
    assert len(page.data) < 200_000
    assert "At most 50" in page.get_data(as_text=True)
    assert fh_client.get("/api/search?" + urlencode(pairs[:50])).status_code == 200


def test_long_queries_are_cut_with_a_note_on_search_and_article_pages(fh_client, fakehealth_rows):
    long_q = " OR ".join(f"word{i}" for i in range(20_000))  # 188 KB
    found = fh_client.get("/api/search?" + urlencode({"q": long_q})).get_json()
    # Cut at the last word boundary within the limit, never mid-word ("word12" as "word1").
    kept = long_q[:1001].rsplit(" ", 1)[0]
    assert found["query"] == kept and len(kept) <= 1000
    assert any("longer than the limit of 1,000 characters" in note and f"'{kept.split()[-1]}'" in note
               for note in found["notes"])
    article_id = fakehealth_rows[0]["id"]
    moved = fh_client.get(f"/articles/{article_id}?" + urlencode({"q": long_q}))
    assert moved.status_code == 301
    assert len(moved.headers["Location"]) < 4000  # the whole 188 KB query, before
    started = time.perf_counter()
    page = fh_client.get(f"/articles/{article_id}?" + urlencode({"q": long_q}), follow_redirects=True)
    assert page.status_code == 200
    assert time.perf_counter() - started < 5  # 10.8 s before the cut


def environment_variables_read() -> set[str]:
    """Every ARTSEARCH_* variable named in the code, the benchmarks, the tests or the Makefile."""
    files = [REPO / "Makefile", *(path for folder in ("index", "search", "web", "bench", "tests")
                                   for path in (REPO / folder).rglob("*.py"))]
    return {name for path in files for name in re.findall(r"\bARTSEARCH_[A-Z][A-Z_]*[A-Z]\b", path.read_text(encoding="utf-8"))}


def test_every_environment_variable_is_documented_in_the_readme():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    names = environment_variables_read()
    assert {"ARTSEARCH_PAGE_SIZE", "ARTSEARCH_INDEX", "ARTSEARCH_PROGRESS_SECONDS"} <= names  # the scan works
    assert not sorted(n for n in names if f"`{n}" not in readme)
    # The settings' documented defaults are the code's.
    rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| `(ARTSEARCH_\w+)`.*? \| `([^`]+)` \|", readme, re.M)}
    assert rows["ARTSEARCH_PAGE_SIZE"] == str(Config().page_size)
    assert rows["ARTSEARCH_INDEX"] == str(DEFAULT_INDEX)
    assert rows["ARTSEARCH_PROGRESS_SECONDS"] == f"{LOG_INTERVAL:g}"


def test_page_size_from_the_environment_sets_the_cli_page(index_dir):
    env = {**os.environ, "ARTSEARCH_PAGE_SIZE": "2"}
    done = subprocess.run([sys.executable, "-m", "web.cli", "search", "vaccine OR cancer OR hospital", "--index",
                           str(index_dir), "--json"], capture_output=True, text=True, env=env, timeout=60, cwd=REPO)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["total"] > 2 and len(data["results"]) == 2


def test_limits_are_documented_in_one_place():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for limit in LIMITS:
        assert limit.env in readme, limit.env
        assert f"`{getattr(Config(), limit.field):g}`" in readme or f"`{getattr(Config(), limit.field)}`" in readme


def cpu_seconds(pid: int) -> float:
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="needs /proc")
def test_work_stops_when_the_client_hangs_up(fakehealth_index):
    # A 60 s budget and no expansion limits: only the client's hang-up can stop this search.
    env = {"ARTSEARCH_MAX_EXPANSIONS": "1000000000", "ARTSEARCH_MAX_QUERY_EXPANSIONS": "1000000000"}
    with server_process(fakehealth_index, args=("--timeout", "60"), env=env) as (base, process):
        port = int(base.rsplit(":", 1)[1])
        # (Ranges over text are no longer reachable; twelve wildcards are the costliest query.)
        path = "/api/search?" + urlencode({"q": HUGE_WILDCARDS + " res* sta* tra* rep* man* inc*"})
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            time.sleep(1.0)
        time.sleep(1.5)  # the search notices within one check interval
        before = cpu_seconds(process.pid)
        time.sleep(2.0)
        busy = cpu_seconds(process.pid) - before
        assert busy < 0.5, f"server still used {busy:.2f} s of CPU in 2 s after the client left"


@pytest.mark.parametrize("q", ["vacc*", "pre* NOT vaccine", "title:canc*", "con* -vaccine",
                               "heal* OR tru*"])
def test_wildcards_match_as_one_list_exactly_what_whoosh_matches(fakehealth_engine, q):
    from search.deadline import Deadline, docs_for_query
    from search.limits import UnionOfTerms, for_matching
    from search.query import build_query

    searcher = fakehealth_engine.searcher()
    parsed = build_query(q, searcher.schema, fakehealth_engine.view(searcher).query_fields)
    matching = for_matching(parsed.query, Deadline(60))
    assert any(isinstance(leaf, UnionOfTerms) for leaf in matching.leaves()) or isinstance(matching, UnionOfTerms)
    # The oracle is Whoosh's own OR of every expanded term.
    expected = set(searcher.docs_for_query(parsed.query))
    assert expected
    assert set(docs_for_query(searcher, matching, Deadline(60))) == expected


@pytest.mark.slow
def test_isolation_benchmark_runs_and_every_abusive_request_gets_a_clear_answer(index_dir, tmp_path):
    from bench.isolation import run_isolation

    result = run_isolation(index_dir, seconds=2, clients=2, abusers=2, log_path=tmp_path / "serve.log")
    assert result["alone"]["errors"] == 0 and result["with_abusers"]["errors"] == 0
    for label, row in result["abusive_by_query"].items():
        assert all(status in (200, 400, 503) for status in row["statuses"]), (label, row)


def test_a_long_quote_of_common_words_that_times_out_gets_advice_that_fits(fakehealth_index):
    # The trial's case: a pasted quote of ~960 characters of "the", no wildcard in it.
    client = make_client(fakehealth_index, timeout=0.001, **UNLIMITED)
    response = client.get("/api/search?" + urlencode({"q": '"' + " ".join(["the"] * 240) + '"'}))
    assert response.status_code == 503  # a 240-word phrase over 2,208 articles takes far over 1 ms
    error = response.get_json()["error"]
    assert "very common ones (the, of, and)" in error and "filter by outlet, author or date" in error
