"""artsearch's postings codec (index/codec.py) gives exactly what Whoosh's W3 codec gives.

The same corpus is indexed twice, once per codec, and compared: every posting of every
term (ids, weights, positions, term and block statistics, ``skip_to``), stock Whoosh
searches (terms, OR, AND, phrases, prefixes, date ranges, filters, facet counts, sorting,
scores, highlights), and artsearch's own search page as JSON (totals, ids, order, facets,
teasers). On the fixture corpus always; on FakeHealth when ../shared is there.
"""

from __future__ import annotations

import json
import random
from datetime import datetime
from pathlib import Path

import pytest
from whoosh import query as wq
from whoosh import sorting
from whoosh.scoring import BM25F

from index.analysis import TEXT_ANALYZER
from index.codec import ArtCodec, codec_choice
from index.config import Config
from index.indexer import build_index
from index.store import IndexStore
from search.engine import SearchEngine
from search.request import SearchRequest
from tests.conftest import FAKEHEALTH, FIXTURE_CORPUS, require
from tests.reindex_helpers import assert_ok, reindex


def _build_pair(corpus: Path, root: Path) -> dict[str, Path]:
    paths = {}
    for name in ("whoosh", "artsearch"):
        paths[name] = root / name
        build_index([corpus], paths[name], full=True, codec=name)
    return paths


@pytest.fixture(scope="module")
def fixture_pair(tmp_path_factory) -> dict[str, Path]:
    return _build_pair(FIXTURE_CORPUS, tmp_path_factory.mktemp("codec-fixture"))


@pytest.fixture(scope="module")
def fakehealth_pair(tmp_path_factory) -> dict[str, Path]:
    return _build_pair(require(FAKEHEALTH), tmp_path_factory.mktemp("codec-fakehealth"))


def _open(path: Path):
    return IndexStore(path).open_current()


def _segment_codecs(ix) -> set[str]:
    with ix.reader() as reader:
        return {type(r.codec()).__name__ for r, _ in reader.leaf_readers()}


def _postings(reader, fieldname, text) -> list[tuple]:
    """Every posting of a term in one segment, deleted documents included."""
    m = reader._terms.matcher(fieldname, text, reader.schema[fieldname].format)
    out = []
    while m.is_active():
        out.append((m.id(), m.weight(), m.value(), m.block_max_id(), m.block_max_weight(),
                    m.block_min_length(), m.block_max_length()))
        m.next()
    return out


def _skips(reader, fieldname, text, rng: random.Random) -> list[int]:
    m = reader._terms.matcher(fieldname, text, reader.schema[fieldname].format)
    seen = []
    while m.is_active():
        seen.append(m.id())
        m.skip_to(m.id() + rng.choice((1, 2, 3, 40, 130, 1000)))
    return seen


def _compare_postings(paths: dict[str, Path]) -> int:
    stock, ours = _open(paths["whoosh"]), _open(paths["artsearch"])
    assert _segment_codecs(stock) == {"W3Codec"}
    assert _segment_codecs(ours) == {"ArtCodec"}
    compared = 0
    with stock.reader() as a, ours.reader() as b:
        assert a.doc_count() == b.doc_count() > 0
        for (ra, _), (rb, _) in zip(a.leaf_readers(), b.leaf_readers(), strict=True):
            terms = list(ra.all_terms())
            assert terms == list(rb.all_terms())
            for fieldname, text in terms:
                ta, tb = ra.term_info(fieldname, text), rb.term_info(fieldname, text)
                stats = ("weight", "doc_frequency", "min_length", "max_length", "max_weight", "min_id", "max_id")
                assert [getattr(ta, s)() for s in stats] == [getattr(tb, s)() for s in stats], (fieldname, text)
                assert _postings(ra, fieldname, text) == _postings(rb, fieldname, text), (fieldname, text)
                assert list(ra.postings(fieldname, text).all_ids()) == list(rb.postings(fieldname, text).all_ids())
                if ta.doc_frequency() > 20:
                    seed = hash((fieldname, text)) & 0xFFFF
                    assert (_skips(ra, fieldname, text, random.Random(seed))
                            == _skips(rb, fieldname, text, random.Random(seed))), (fieldname, text)
                compared += 1
    return compared


def _stock_queries(reader, records: list[dict], rng: random.Random) -> list[tuple[wq.Query, dict]]:
    """Queries in the index's own words: rare to common terms, OR and AND of them,
    two-word phrases from article bodies, prefixes, a date range; each also filtered,
    faceted and sorted."""
    body = sorted(reader.lexicon("body"), key=lambda t: (reader.doc_frequency("body", t), t))
    picks = [body[int(i * (len(body) - 1) / 11)].decode("utf-8") for i in range(12)]
    queries: list[wq.Query] = [wq.Term("body", t) for t in picks]
    queries += [wq.Or([wq.Term("title", t), wq.Term("body", t)]) for t in picks[::3]]
    for _ in range(6):
        a, b = rng.sample(picks, 2)
        queries.append(wq.Or([wq.Term("body", a), wq.Term("body", b), wq.Term("title", a)]))
        queries.append(wq.And([wq.Term("body", a), wq.Term("body", b)]))
    for record in rng.sample(records, min(8, len(records))):
        words = list(TEXT_ANALYZER.terms(record.get("body") or ""))
        if len(words) > 3:
            i = rng.randrange(len(words) - 2)
            queries.append(wq.Phrase("body", words[i:i + 2]))
            queries.append(wq.Phrase("body", words[i:i + 3], slop=2))
    queries += [wq.Prefix("body", t[:3]) for t in picks[-4:] if len(t) >= 3]
    queries.append(wq.DateRange("published", datetime(2015, 1, 1), datetime(2017, 12, 31)))
    outlets = [t.decode("utf-8") for t in reader.lexicon("outlet_facet")][:3]
    variants = []
    for q in queries:
        variants.append((q, {}))
        variants.append((q, {"groupedby": {"outlet": sorting.FieldFacet("outlet_facet", allow_overlap=True),
                                           "year": sorting.FieldFacet("year", allow_overlap=True)},
                             "maptype": sorting.Count}))
        if outlets:
            variants.append((q, {"filter": wq.Or([wq.Term("outlet_facet", o) for o in outlets])}))
        variants.append((q, {"sortedby": "published", "reverse": True}))
    return variants


def _stock_results(path: Path, variants) -> list:
    ix = _open(path)
    out = []
    with ix.searcher(weighting=BM25F()) as searcher:
        for q, kwargs in variants:
            results = searcher.search(q, limit=None, terms=True, **kwargs)
            results.fragmenter.charlimit = None
            row = [repr(q), len(results), [(h.docnum, h.score) for h in results]]
            if "groupedby" in kwargs:
                row.append({name: dict(results.groups(name)) for name in kwargs["groupedby"]})
            if not kwargs and len(results):
                # Every fragment: Whoosh picks among equally good fragments in no fixed
                # order (two runs on one W3 index differ), but all of them, in text order, are fixed.
                row.append([(h.highlights("body", top=100_000), sorted(h.matched_terms())) for h in results[:5]])
                row.append(sorted(results.matched_terms()))
            out.append(row)
    return out


def _records(corpus: Path) -> list[dict]:
    rows = []
    for line in corpus.read_text(encoding="utf-8").splitlines():
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(row, dict) and isinstance(row.get("body"), str):
            rows.append(row)
    return rows


def _compare_stock(paths: dict[str, Path], corpus: Path) -> int:
    with _open(paths["whoosh"]).reader() as reader:
        variants = _stock_queries(reader, _records(corpus), random.Random(15))
    stock, ours = _stock_results(paths["whoosh"], variants), _stock_results(paths["artsearch"], variants)
    assert len(stock) == len(ours) == len(variants)
    for a, b in zip(stock, ours, strict=True):
        assert a == b, a[0]
    assert sum(1 for row in stock if row[1]) > len(stock) // 2  # most queries match something
    return len(stock)


ENGINE_ARGS = [
    {}, {"sort": "oldest"}, {"per_page": "50"},
]


def _engine_requests(paths: dict[str, Path], corpus: Path, rng: random.Random) -> list[dict]:
    records = _records(corpus)
    requests: list[dict] = [{"q": ""}, {"q": "", "sort": "oldest"}]
    for record in rng.sample(records, min(10, len(records))):
        words = (record.get("body") or "").split()
        if len(words) < 8:
            continue
        i = rng.randrange(len(words) - 6)
        requests.append({"q": " ".join(words[i:i + 2])})
        requests.append({"q": '"' + " ".join(words[i:i + 3]) + '"'})
        requests.append({"q": " ".join(words[i:i + 18])})  # a pasted sentence (relaxed)
        requests.append({"q": words[i][:4].strip(".,;:\"'") + "*"})
        requests.append({"q": words[i + 1], "outlet": record.get("outlet") or ""})
        requests.append({"q": words[i + 2] + " OR " + words[i + 4], "sort": "newest"})
    requests.append({"q": "published:[2015-01-01 TO 2016-12-31] health"})
    requests.append({"q": "study -cancer", "year": "2016"})
    out = []
    for args in requests:
        for extra in ENGINE_ARGS:
            out.append({**args, **extra})
    return out


def _engine_pages(path: Path, requests: list[dict]) -> list[dict]:
    # No time budget: a busy machine must not turn a page into a timeout on one side only.
    engine = SearchEngine(Config(index_dir=path, timeout=3600))
    pages = []
    for args in requests:
        page = engine.search(SearchRequest.from_args(args, engine.config)).to_dict()
        page.pop("took_ms")
        page.pop("index_build")
        pages.append(page)
    return pages


def _compare_engine(paths: dict[str, Path], corpus: Path) -> int:
    requests = _engine_requests(paths, corpus, random.Random(7))
    stock, ours = _engine_pages(paths["whoosh"], requests), _engine_pages(paths["artsearch"], requests)
    for args, a, b in zip(requests, stock, ours, strict=True):
        assert a == b, args
    assert sum(1 for page in stock if page["total"]) > len(stock) // 2
    return len(stock)


def test_fixture_postings_equal(fixture_pair):
    assert _compare_postings(fixture_pair) > 100


def test_fixture_stock_searches_equal(fixture_pair):
    _compare_stock(fixture_pair, FIXTURE_CORPUS)


def test_fixture_search_pages_equal(fixture_pair):
    _compare_engine(fixture_pair, FIXTURE_CORPUS)


@pytest.mark.slow
def test_fakehealth_equal(fakehealth_pair):
    records = _records(FAKEHEALTH)
    with _open(fakehealth_pair["artsearch"]).reader() as reader:
        assert reader.doc_count() == len({r["id"] for r in records})
    assert _compare_postings(fakehealth_pair) > 10_000
    _compare_stock(fakehealth_pair, FAKEHEALTH)
    _compare_engine(fakehealth_pair, FAKEHEALTH)


def test_reindex_codec_flag_and_incremental_keeps_it(tmp_path):
    """``reindex --codec artsearch`` through the CLI writes ArtCodec segments, an
    incremental run keeps them, and a bad name is a one-line error."""
    index = tmp_path / "ix"
    done, report = reindex(index, FIXTURE_CORPUS, "--full", "--codec", "artsearch")
    assert_ok(done)
    assert _segment_codecs(_open(index)) == {"ArtCodec"}
    assert IndexStore(index).read_meta(IndexStore(index).current_path())["codec"] == "artsearch"
    extra = tmp_path / "extra.jsonl"
    extra.write_text(json.dumps({"id": "codec-extra-1", "title": "Codec extra", "body": "An added article "
                                 "about postings written by the array codec.", "outlet": "example.org"}) + "\n")
    done, report = reindex(index, FIXTURE_CORPUS, extra)
    assert_ok(done)
    assert report["added"] == 1
    assert _segment_codecs(_open(index)) == {"ArtCodec"}
    hits = SearchEngine(Config(index_dir=index)).search(SearchRequest(q="postings array codec"))
    assert [h.id for h in hits.hits][:1] == ["codec-extra-1"]
    done, _ = reindex(tmp_path / "other", FIXTURE_CORPUS, "--codec", "nonsense")
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "nonsense" in done.stderr


def test_codec_choice(monkeypatch):
    monkeypatch.delenv("ARTSEARCH_CODEC", raising=False)
    assert codec_choice() == "artsearch"
    monkeypatch.setenv("ARTSEARCH_CODEC", "artsearch")
    assert codec_choice() == "artsearch"
    assert codec_choice("whoosh") == "whoosh"
    with pytest.raises(ValueError):
        codec_choice("zip")
    assert isinstance(ArtCodec(), ArtCodec)
