"""The relevance harness (bench/relevance.py): its metrics on hand-worked examples, its
known-item generator against the source text, and a smoke run end to end."""

from __future__ import annotations

import importlib.util
import json
import math
import random
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FAKEHEALTH, SHARED

ROOT = Path(__file__).resolve().parent.parent
CRANFIELD = SHARED / "ir" / "cranfield"
sys.path.insert(0, str(ROOT))  # bench/ is a top-level package, not installed

from bench import ir_metrics as m  # noqa: E402
from bench.knownitem import SOFT_HYPHEN, Collection, damage, generate, words  # noqa: E402


def test_ndcg_on_a_hand_worked_example():
    judged = {"d1": 3, "d3": 2, "d4": 1, "d5": 0}
    ranking = ["d1", "d2", "d3", "d5"]
    # DCG = 3/log2(2) + 0 + 2/log2(4) + 0 = 3 + 1 = 4; ideal = 3, 2, 1 at ranks 1-3.
    ideal = 3 + 2 / math.log2(3) + 1 / 2
    assert m.ndcg_at_k(ranking, judged, 10) == pytest.approx(4 / ideal)
    assert m.ndcg_at_k(ranking, judged, 1) == pytest.approx(1.0)
    assert m.ndcg_at_k(["d3", "d1"], judged, 1) == pytest.approx(2 / 3)
    assert m.ndcg_at_k([], judged, 10) == 0.0
    assert m.ndcg_at_k(["d1"], {"d1": 0}, 10) == 0.0  # nothing judged relevant
    assert m.ndcg_at_k(["d4", "d3", "d1"], judged, 10) == pytest.approx(
        (1 + 2 / math.log2(3) + 3 / 2) / ideal)


def test_average_precision_on_a_hand_worked_example():
    judged = {"d1": 3, "d3": 2, "d4": 1, "d5": 0}
    # Relevant: d1, d3, d4. d1 at rank 1 (P=1), d3 at rank 3 (P=2/3), d4 never: (1 + 2/3) / 3.
    assert m.average_precision(["d1", "d2", "d3", "d5"], judged, 100) == pytest.approx(5 / 9)
    assert m.average_precision(["d1", "d2", "d3"], judged, 2) == pytest.approx(1 / 3)
    assert m.average_precision(["d4", "d3", "d1"], judged, 100) == pytest.approx(1.0)
    assert m.average_precision([], judged, 100) == 0.0


def test_success_and_rank():
    assert m.rank_of(["a", "b", "c"], "c") == 3
    assert m.rank_of(["a"], "z") is None
    assert m.success_at_k(["a", "b", "c"], "c", 3) == 1.0
    assert m.success_at_k(["a", "b", "c"], "c", 2) == 0.0


def test_damage_changes_characters_but_not_words():
    rng = random.Random(1)
    fragment = "the patient's well-known symptoms - fever and coughing"
    damaged = damage(fragment, rng)
    assert damaged.startswith("\u201c") and damaged.endswith("\u201d")
    assert SOFT_HYPHEN in damaged and "\u2019" in damaged and "\u2013" in damaged
    assert "'" not in damaged and "-" not in damaged
    assert words(damaged) == words(fragment)


def test_generated_items_come_from_one_article_only():
    records = [
        {"id": "a", "title": "A", "body": "Shared sentence that is in two of the articles here today. "
                                          "Only the first article has this particular sentence about herons."},
        {"id": "b", "title": "B", "body": "Shared sentence that is in two of the articles here today. "
                                          "The second article talks at length about the migration of geese."},
        {"id": "c", "title": "C", "body": "Short."},
    ]
    items = generate(Collection([("x.jsonl", r) for r in records]), 5, seed=3)
    made = {(i.doc, i.sentence) for i in items["sentence"]}
    assert made == {("a", "Only the first article has this particular sentence about herons."),
                    ("b", "The second article talks at length about the migration of geese.")}
    for question, sentence in zip(items["question"], items["sentence"], strict=True):
        assert question.query.endswith("?") and question.doc == sentence.doc
        assert words(sentence.query)[1:] == words(question.query)[-len(words(sentence.query)) + 1:]


MISSING = [mod for mod in ("sqlite_utils",) if importlib.util.find_spec(mod) is None]


@pytest.mark.slow
@pytest.mark.skipif(not (CRANFIELD / "docs.jsonl").exists() or not FAKEHEALTH.exists(),
                    reason="needs ../shared/ir/cranfield and ../shared/corpus")
@pytest.mark.skipif(bool(MISSING), reason="needs the bench extra (pip install -e '.[bench]')")
def test_smoke_run_scores_three_engines(tmp_path):
    done = subprocess.run([sys.executable, "-m", "bench.relevance", "--smoke", "--out", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    items = json.loads((tmp_path / "items.json").read_text(encoding="utf-8"))
    assert not (tmp_path / "work").exists()

    # Every folder of ../shared/ir with the three files is scored, none named in the code.
    folders = sorted(p.name for p in (SHARED / "ir").iterdir()
                     if all((p / f).exists() for f in ("docs.jsonl", "queries.jsonl", "qrels.tsv")))
    assert sorted(results["collections"]) == folders and "cranfield" in folders
    for folder in folders:
        entry_of = results["collections"][folder]
        with open(SHARED / "ir" / folder / "queries.jsonl", encoding="utf-8") as lines:
            queries = min(25, sum(1 for line in lines if line.strip()))
        assert entry_of["queries"] == queries and set(entry_of["engines"]) == {"artsearch", "fts5", "whoosh"}
        for name, entry in entry_of["engines"].items():
            assert 0 <= entry["ndcg@10"] <= 1 and 0 <= entry["map@100"] <= 1
            per_query = [v[name] for v in entry_of["per_query"].values()]
            assert len(per_query) == queries
            assert entry["ndcg@10"] == pytest.approx(sum(per_query) / queries, abs=1e-3)
        # The peers are plain BM25 over the words: they rank far above chance.
        assert entry_of["engines"]["whoosh"]["ndcg@10"] > 0.2 and entry_of["engines"]["fts5"]["ndcg@10"] > 0.2

    # Known items: each source sentence is in its article and in no other of the subset.
    texts = {}
    with open(FAKEHEALTH, encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            texts[record["id"]] = " ".join(((record.get("title") or "") + " " + record["body"]).split())
            if len(texts) == 300:
                break
    known = results["known_items"]
    assert known["articles"] == 300
    for set_name, k in (("sentence", 3), ("quote", 3), ("question", 10)):
        entry, listed = known["sets"][set_name], items[set_name]
        assert entry["k"] == k and entry["items"] == len(listed) == 20
        for item in listed:
            sentence = " ".join(item["sentence"].split())
            assert [i for i, text in texts.items() if sentence in text] == [item["doc"]]
        for name, scores in entry["engines"].items():
            hits = sum(1 for item in listed if item["ranks"][name] is not None and item["ranks"][name] <= k)
            assert scores["success"] == pytest.approx(hits / len(listed), abs=1e-3)
    assert SOFT_HYPHEN in "".join(i["query"] for i in items["quote"])
    assert {t["key"] for t in results["targets"]} == {f"{f}_{k}" for f in folders for k in ("ndcg", "empty")} | {
        "sentence", "quote", "question"}
    assert "| nDCG@10 |" in (tmp_path / "relevance.md").read_text(encoding="utf-8")


def test_reuse_fingerprint_follows_the_sources(tmp_path):
    from bench.relevance import Artsearch, Fts5, fingerprint

    source = tmp_path / "a.jsonl"
    source.write_text('{"id": "1", "body": "x"}\n', encoding="utf-8")
    first = fingerprint(Fts5, [source])
    assert fingerprint(Fts5, [source]) == first
    assert fingerprint(Artsearch, [source]) != first  # another engine, other code
    source.write_text('{"id": "1", "body": "xy"}\n', encoding="utf-8")
    assert fingerprint(Fts5, [source]) != first
