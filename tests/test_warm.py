"""Warm start (issue 15 part 4): the arrays a first request needs are written at commit
and mapped at open; mapped, built afresh and counted from the JSONL, they agree."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from index import warm
from index.config import Config
from search.engine import SearchEngine
from search.facets import FACETS
from search.request import SearchRequest
from tests.conftest import FILTERS_CORPUS, FIXTURE_CORPUS
from tests.reindex_helpers import assert_ok, reindex
from web.app import create_app

# Browsing, words, a filter, an exclusion, a date range, each sort, a deeper page.
REQUESTS = [
    "", "q=vaccine", "q=trial&sort=oldest", "q=funding&sort=newest", "outlet=reuters.com",
    "q=drug&not_outlet=apnews.com", "from=2016-01-01&to=2017-12-31", "sort=oldest&page=2&per_page=3",
    "q=flu+OR+cancer&year=2016", "author=Omar+Haddad", "q=vaccine&collapse=0",
]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The fixture and filters corpora indexed by the CLI (the default command)."""
    index = tmp_path_factory.mktemp("warm") / "index"
    done, _ = reindex(index, FIXTURE_CORPUS, FILTERS_CORPUS, "--full")
    assert_ok(done)
    return index


def live_build(index: Path) -> Path:
    return index / "builds" / (index / "CURRENT").read_text().strip()


def counted_builds(monkeypatch) -> list[int]:
    calls: list[int] = []
    real = warm.build_columns

    def counting(reader):
        calls.append(reader.doc_count_all())
        return real(reader)

    monkeypatch.setattr(warm, "build_columns", counting)
    return calls


def pages(index: Path) -> dict[str, dict]:
    client = create_app(Config(index_dir=index)).test_client()
    out = {}
    for args in REQUESTS:
        response = client.get(f"/api/search?{args}")
        assert response.status_code == 200, args
        data = response.get_json()
        data.pop("took_ms", None)
        out[args] = data
    return out


def test_reindex_writes_the_arrays_and_mapped_equal_built(built):
    build = live_build(built)
    assert (build / warm.WARM_DIR / warm.WARM_META).is_file()
    engine = SearchEngine(Config(index_dir=built))
    reader = engine.searcher().reader()
    mapped = warm.load_columns(build, reader)
    fresh = warm.build_columns(reader)
    assert mapped is not None and mapped.mapped and not fresh.mapped
    assert isinstance(mapped.arrays["oldest"], np.memmap)
    assert sorted(mapped.arrays) == sorted(fresh.arrays)
    for name, array in fresh.arrays.items():
        assert np.array_equal(mapped.arrays[name], array), name
        assert mapped.arrays[name].dtype == array.dtype, name
    assert mapped.info == fresh.info
    engine.close()


def test_the_facet_fields_are_the_ones_searched():
    assert {(spec.field, spec.multi) for spec in FACETS} == set(warm.FACET_FIELDS)


def test_opening_a_build_with_the_files_builds_nothing(built, monkeypatch):
    calls = counted_builds(monkeypatch)
    engine = SearchEngine(Config(index_dir=built))
    result = engine.search(SearchRequest(q="vaccine"))
    assert result.total > 0
    assert engine.view(engine.searcher()).warm
    assert calls == []
    engine.close()


def test_counts_and_orders_equal_the_jsonl(built):
    """Facet counts and the oldest order from the mapped arrays, against the source rows
    (the filters corpus: clean rows, every one indexed)."""
    rows = [json.loads(line) for line in FILTERS_CORPUS.read_text(encoding="utf-8").splitlines()]
    ids = {r["id"] for r in rows}
    engine = SearchEngine(Config(index_dir=built))
    searcher = engine.searcher()
    view = engine.view(searcher)
    assert view.warm
    docnum = {searcher.stored_fields(d)["id"]: d for d in view.all_docs}
    mine = frozenset(docnum[i] for i in ids)
    outlets = {view.columns.values["outlet"][vid]: n for vid, n in view.columns.count("outlet", mine).items()}
    assert outlets == Counter(r["outlet"] for r in rows if r.get("outlet"))
    authors = {view.columns.values["author"][vid]: n for vid, n in view.columns.count("author", mine).items()}
    assert authors == Counter(a for r in rows for a in r["authors"])
    years = {view.columns.values["year"][vid]: n for vid, n in view.columns.count("year", mine).items()}
    assert years == Counter(r["published"][:4] for r in rows if r.get("published"))
    dated = sorted((r["published"], docnum[r["id"]]) for r in rows if r.get("published"))
    order = [d for d in view.oldest.tolist() if d in mine]
    assert order[:len(dated)] == [d for _, d in dated]
    engine.close()


def test_a_build_without_the_files_gives_the_same_pages(built, tmp_path, monkeypatch):
    expected = pages(built)
    copy = tmp_path / "index"
    shutil.copytree(built, copy)
    shutil.rmtree(live_build(copy) / warm.WARM_DIR)
    calls = counted_builds(monkeypatch)
    assert pages(copy) == expected
    assert len(calls) == 1  # once per generation, not per request


@pytest.mark.parametrize("damage", ["tag", "short file", "version"])
def test_stale_or_damaged_files_are_not_read(built, tmp_path, monkeypatch, damage):
    copy = tmp_path / "index"
    shutil.copytree(built, copy)
    folder = live_build(copy) / warm.WARM_DIR
    meta_path = folder / warm.WARM_META
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if damage == "tag":
        meta["tag"][0] += 1
    elif damage == "version":
        meta["version"] = warm.WARM_VERSION + 1
    else:
        target = folder / "oldest.npy"
        target.write_bytes(target.read_bytes()[:-8])
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    expected = pages(built)
    calls = counted_builds(monkeypatch)
    assert pages(copy) == expected
    assert len(calls) == 1


def test_an_incremental_run_writes_its_own_files(built, tmp_path, monkeypatch):
    copy = tmp_path / "index"
    shutil.copytree(built, copy)
    before = live_build(copy)
    extra = tmp_path / "extra.jsonl"
    extra.write_text(json.dumps({
        "id": "warm-extra", "title": "A warm new article", "authors": ["New Author"], "outlet": "warm.example",
        "published": "2019-05-06T07:00:00Z", "url": "https://example.org/warm",
        "body": "A brand new article about vaccine trials, written for the warm start test.",
    }) + "\n", encoding="utf-8")
    done, report = reindex(copy, FIXTURE_CORPUS, FILTERS_CORPUS, extra)
    assert_ok(done)
    assert report["added"] == 1
    after = live_build(copy)
    assert after != before and (after / warm.WARM_DIR / warm.WARM_META).is_file()
    calls = counted_builds(monkeypatch)
    engine = SearchEngine(Config(index_dir=copy))
    result = engine.search(SearchRequest(outlet=("warm.example",)))
    assert [h.id for h in result.hits] == ["warm-extra"]
    newest = engine.search(SearchRequest(sort="newest", per_page=50))
    assert calls == []
    engine.close()
    shutil.rmtree(after / warm.WARM_DIR)
    fresh = SearchEngine(Config(index_dir=copy))
    assert fresh.search(SearchRequest(sort="newest", per_page=50)).hits == newest.hits
    assert len(calls) == 1
    fresh.close()


def test_serve_warms_up_before_the_first_request(built, tmp_path, monkeypatch):
    """``serve`` compiles every template (through Jinja's bytecode cache) and opens the
    live view before the first request, so that request builds neither."""
    from jinja2 import FileSystemBytecodeCache

    from web.serve import compile_templates, open_view

    app = create_app(Config(index_dir=built))
    app.jinja_env.bytecode_cache = FileSystemBytecodeCache(str(tmp_path))
    compile_templates(app)
    names = set(app.jinja_env.list_templates())
    assert names and {key[1] for key in app.jinja_env.cache.keys()} == names
    assert len(list(tmp_path.iterdir())) == len(names)  # the bytecode cache holds them all
    calls = counted_builds(monkeypatch)
    open_view(app)
    engine = app.extensions["artsearch"]
    assert engine._views and calls == []
    assert app.test_client().get("/?q=vaccine").status_code == 200
    assert len(engine._views) == 1
