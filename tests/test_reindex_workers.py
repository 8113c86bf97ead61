"""``reindex`` with one writer process and with several builds the same index: every
stored article, every search result (totals, facets, hits) and every reported problem."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from index.config import Config
from search.engine import SearchEngine
from search.request import SearchRequest
from tests.conftest import indexed_rows
from tests.reindex_helpers import assert_ok, reindex

SLICE = 700  # FakeHealth articles: several writer batches (100 each) per worker
QUERIES = ["", "vaccine", "cancer study", '"heart disease"', "drug -trial", "diet OR exercise", "brain*"]
SORTS = ["relevance", "newest", "oldest"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, fakehealth_path) -> Path:
    """A FakeHealth slice with problems mixed in: a duplicate id, malformed JSON, a record
    with a title and no body (indexed by its title) and one with neither (skipped), so both
    runs must report the same problems at the same lines."""
    lines = fakehealth_path.read_text(encoding="utf-8").splitlines()[:SLICE]
    first = json.loads(lines[0])
    lines.insert(300, json.dumps({**first, "title": "A second record with the first id"}))
    lines.insert(400, "{not json")
    lines.insert(500, json.dumps({"id": "no-body", "title": "Nothing here", "body": ""}))
    lines.insert(600, json.dumps({"id": "no-text", "title": " ", "body": ""}))
    path = tmp_path_factory.mktemp("workers") / "slice.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def builds(corpus, tmp_path_factory) -> dict[int, tuple[Path, dict]]:
    out = {}
    for workers in (1, 2):
        index = tmp_path_factory.mktemp(f"workers-{workers}") / "index"
        done, report = reindex(index, corpus, "--full", "--workers", str(workers), "--quiet")
        assert_ok(done)
        out[workers] = (index, report)
    return out


def stored(index: Path) -> dict[str, dict]:
    build = index / "builds" / (index / "CURRENT").read_text().strip()
    with whoosh_index.open_dir(str(build)).reader() as reader:
        return {fields["id"]: fields for fields in reader.all_stored_fields()}


def test_both_report_the_same_counts_and_problems(builds, corpus):
    one, many = builds[1][1], builds[2][1]
    rows = corpus.read_text(encoding="utf-8").splitlines()
    parsed = []
    for row in rows:
        try:
            parsed.append(json.loads(row))
        except json.JSONDecodeError:
            pass
    distinct_kept = {r["id"] for r in indexed_rows(parsed)}
    assert one["total"] == many["total"] == len(distinct_kept)
    assert one["title_only"] == many["title_only"] == 1
    for key in ("read", "added", "skipped", "problem_counts", "problems", "clusters", "clustered"):
        assert one[key] == many[key], key
    assert one["problem_counts"]["duplicate"] >= 1 and one["problem_counts"]["skipped"] >= 2


def test_every_stored_article_is_the_same(builds):
    one, many = stored(builds[1][0]), stored(builds[2][0])
    assert len(one) == builds[1][1]["total"]
    assert one.keys() == many.keys()
    for article_id, fields in one.items():
        assert many[article_id] == fields, article_id


def pages(engine: SearchEngine, **args) -> tuple[dict, list]:
    """Page 1's JSON and every hit of every page (100 a page, every copy listed)."""
    hits: list = []
    first = None
    for page in itertools.count(1):
        result = engine.search(SearchRequest.from_args(
            {**args, "per_page": "100", "page": str(page), "collapse": "0"}, engine.config))
        first = first or result.to_dict()
        hits += result.hits
        if len(hits) >= result.total or not result.hits:
            return first, hits


def tie_groups(hits: list, sort: str) -> list[tuple]:
    """The hits in order as (sort key, ids sharing it): equal keys may come in either
    order, since that order is the document numbers', which the writer processes set."""
    def key(hit):
        return round(hit.score, 9) if hit.score is not None else hit.published
    return [(k, frozenset(h.id for h in group)) for k, group in itertools.groupby(hits, key=key)]


@pytest.mark.parametrize("sort", SORTS)
def test_every_search_result_is_the_same(builds, sort):
    one = SearchEngine(Config(index_dir=builds[1][0]))
    many = SearchEngine(Config(index_dir=builds[2][0]))
    checked = 0
    for q in QUERIES:
        for extra in ({}, {"year": "2018"}):
            args = {"q": q, "sort": sort, **extra}
            first_one, hits_one = pages(one, **args)
            first_many, hits_many = pages(many, **args)
            assert first_one["total"] == first_many["total"] == len(hits_one), args
            first_one.pop("results"), first_many.pop("results")
            for volatile in ("took_ms", "index_build"):
                first_one.pop(volatile, None), first_many.pop(volatile, None)
            assert first_one == first_many, args  # facets, timeline, notes, suggestion
            assert tie_groups(hits_one, sort) == tie_groups(hits_many, sort), args
            checked += len(hits_one)
    assert checked > SLICE  # the mix lists most of the slice at least once
