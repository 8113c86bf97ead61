"""Full builds by ``BulkWriter`` (index/bulkwrite.py) equal Whoosh's own writer's.

The same corpus is built by Whoosh's ``SegmentWriter`` with Whoosh's W3 codec (the stock
build, ``bulk=False``) and by ``BulkWriter`` with each codec, one worker (so document
numbers are comparable), and compared: every posting and term statistic, every stored
field and column value, stock Whoosh searches (totals, order, scores, facet counts,
highlights) and artsearch's search pages. With two workers (documents go to the
writers in batches, so numbering differs) the pages of ranked queries keep their totals
and facet counts, and both the reindex report and the index count every article.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from index.indexer import build_index
from tests.conftest import FAKEHEALTH, FIXTURE_CORPUS, require
from tests.test_codec import (
    _compare_engine,
    _compare_postings,
    _compare_stock,
    _open,
    _records,
    _segment_codecs,
)


def _build(corpus: Path, root: Path, workers: int = 1) -> dict[str, Path]:
    paths = {"stock": root / "stock", "bulk-whoosh": root / "bulk-whoosh", "bulk-artsearch": root / "bulk-art"}
    build_index([corpus], paths["stock"], full=True, codec="whoosh", bulk=False)
    build_index([corpus], paths["bulk-whoosh"], full=True, codec="whoosh", workers=workers)
    build_index([corpus], paths["bulk-artsearch"], full=True, codec="artsearch", workers=workers)
    return paths


def _raw_postings(path: Path) -> list:
    """Every term of every segment with its postings' ids, weights and values."""
    out = []
    with _open(path).reader() as reader:
        for leaf, _ in reader.leaf_readers():
            for fieldname, text in leaf.all_terms():
                m = leaf.postings(fieldname, text)
                items = []
                while m.is_active():
                    items.append((m.id(), m.weight(), m.value()))
                    m.next()
                info = leaf.term_info(fieldname, text)
                out.append((fieldname, text, info.weight(), info.doc_frequency(), info.min_length(),
                            info.max_length(), info.max_weight(), items))
    return out


def _per_document(path: Path) -> tuple:
    """Stored fields, every column and field length of every document, and the totals."""
    with _open(path).reader() as reader:
        stored = list(reader.all_stored_fields())
        fields = sorted(name for name, field in reader.schema.items() if field.scorable)
        lengths = {name: [reader.doc_field_length(d, name) for d in range(reader.doc_count_all())]
                   for name in fields}
        totals = {name: reader.field_length(name) for name in fields}
        columns = {name: list(reader.column_reader(name, translate=False)) for name, field in reader.schema.items()
                   if field.column_type and reader.has_column(name)}
        return stored, lengths, totals, columns, reader.doc_count_all(), reader.doc_count()


@pytest.fixture(scope="module")
def fixture_builds(tmp_path_factory) -> dict[str, Path]:
    return _build(FIXTURE_CORPUS, tmp_path_factory.mktemp("bulk-fixture"))


def _assert_equal_builds(paths: dict[str, Path], corpus: Path) -> None:
    assert _segment_codecs(_open(paths["bulk-whoosh"])) == {"W3Codec"}
    stock = _raw_postings(paths["stock"])
    assert len(stock) > 100
    assert _raw_postings(paths["bulk-whoosh"]) == stock
    assert _per_document(paths["bulk-whoosh"]) == _per_document(paths["stock"])
    assert _per_document(paths["bulk-artsearch"]) == _per_document(paths["stock"])
    pair = {"whoosh": paths["stock"], "artsearch": paths["bulk-artsearch"]}
    assert _compare_postings(pair) == len(stock)
    _compare_stock(pair, corpus)
    _compare_engine(pair, corpus)
    _compare_engine({"whoosh": paths["stock"], "artsearch": paths["bulk-whoosh"]}, corpus)


def test_fixture_bulk_equals_stock(fixture_builds):
    _assert_equal_builds(fixture_builds, FIXTURE_CORPUS)


def test_bulk_writes_no_scratch_files(fixture_builds):
    from index.store import IndexStore
    for path in fixture_builds.values():
        build = IndexStore(path).current_path()
        assert not [p for p in build.iterdir() if p.suffix == ".tmp"]  # Whoosh's scratch storage


def test_small_limit_writes_several_segments_with_the_same_results(tmp_path):
    """Past ``limitmb`` a writer starts a new segment: the same pages, more segments."""
    one = tmp_path / "one"
    many = tmp_path / "many"
    build_index([FIXTURE_CORPUS], one, full=True, codec="artsearch", bulk=False)
    build_index([FIXTURE_CORPUS], many, full=True, codec="artsearch", limitmb=0)
    with _open(many).reader() as reader:
        assert len(reader.leaf_readers()) > 1
    _compare_engine({"whoosh": one, "artsearch": many}, FIXTURE_CORPUS)


@pytest.mark.slow
def test_fakehealth_bulk_equals_stock(tmp_path_factory):
    paths = _build(require(FAKEHEALTH), tmp_path_factory.mktemp("bulk-fakehealth"))
    with _open(paths["bulk-artsearch"]).reader() as reader:
        assert reader.doc_count() == len({r["id"] for r in _records(FAKEHEALTH)})
    _assert_equal_builds(paths, FAKEHEALTH)
