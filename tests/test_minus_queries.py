"""A leading minus on its own leaves words out (as NOT does), and the "any of the words"
fallback never turns an excluded word into a wanted one. Expected sets are computed
from the fixture JSONL, not from the engine."""

import json
import subprocess
import sys

import pytest

from tests.conftest import REPO, indexed_rows


def _without(records, word):
    # A record with neither body nor title is skipped by reindex (and reported), so never listed.
    return {r["id"] for r in indexed_rows(records) if word not in f"{r.get('title', '')} {r.get('body', '')}".lower()}


def _all_ids(client, q):
    ids, page = [], 1
    while True:
        data = client.get("/api/search", query_string={"q": q, "page": page, "per_page": 3}).get_json()
        ids += [r["id"] for r in data["results"]]
        if page >= data["pages"]:
            return data, ids
        page += 1


@pytest.mark.parametrize("q", ["-hospital", "-(hospital)", "NOT hospital", "-hospital -zzqxw"])
def test_a_leading_minus_alone_leaves_the_word_out(client, fixture_records, q):
    expected = _without(fixture_records, "hospital")
    assert 0 < len(expected) < len(fixture_records)
    data, ids = _all_ids(client, q)
    assert data["total"] == len(ids) == len(expected)
    assert set(ids) == expected
    assert not any("read as plain words" in note for note in data["notes"])


def test_cli_leading_minus_alone(index_dir, fixture_records):
    done = subprocess.run(
        [sys.executable, "-m", "web.cli", "search", "--index", str(index_dir), "--json",
         "--per-page", "100", "--", "-hospital"],
        capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert {r["id"] for r in data["results"]} == _without(fixture_records, "hospital")


def test_the_any_words_fallback_keeps_not(client, fixture_records):
    # "approved" is only in a8, which also says "cancer": "approved NOT cancer" leaves
    # nothing, and the fallback must not answer "approved OR (NOT cancer)".
    assert [r["id"] for r in fixture_records if "approved" in r["body"]] == ["a8"]
    data = client.get("/api/search?q=approved+NOT+cancer").get_json()
    assert data["total"] == 0 and data["results"] == []
