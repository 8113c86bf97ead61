"""Evaluate the syndication-cluster parameters against exact labels.

Labelling rule (independent of MinHash): a pair of articles is a true copy when the
exact Jaccard similarity of their word 5-shingle sets, computed directly from the JSONL
bodies, is at least ``LABEL_JACCARD``; bodies equal after normalisation (case-folded
words) are always copies. Every such pair in a corpus is found exhaustively with prefix
filtering (two sets with Jaccard >= t share a token among the first |x| - ceil(t|x|) + 1
tokens of each, ordered by rarity), so recall is measured against all true pairs, not
a sample. A predicted pair is two articles in one cluster (so chained clusters pay for
their weakest links in precision).

    .venv/bin/python -m bench.clusters_eval ../shared/corpus/fakehealth-news.jsonl ../shared/corpus/fakenewsnet.jsonl
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import math
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from index.clusters import (
    MIN_STORY_SHINGLES,
    BodyGroup,
    ClusterParams,
    Sketcher,
    assign_cluster_ids,
    body_key,
    boilerplate_keys,
    find_clusters,
    heading,
    headings_agree,
)

LABEL_JACCARD = 0.5
LABEL_SHINGLE = 5
WORD = re.compile(r"\w+")


# (title, outlet) per article id, for the junk and agreement rules (index/clusters.py).
HEADS: dict[str, tuple[str, str]] = {}


def read_bodies(path: Path) -> dict[str, str]:
    bodies: dict[str, str] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                if (row.get("body") or "").strip():
                    bodies[str(row["id"])] = row["body"]
                    HEADS[str(row["id"])] = (str(row.get("title") or ""), str(row.get("outlet") or ""))
    return bodies


def label_shingles(body: str) -> frozenset[str]:
    words = WORD.findall(body.casefold())
    if len(words) <= LABEL_SHINGLE:
        return frozenset([" ".join(words)])
    return frozenset(" ".join(words[i:i + LABEL_SHINGLE]) for i in range(len(words) - LABEL_SHINGLE + 1))


def jaccard(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def true_pairs(sets: dict[str, frozenset], threshold: float) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """All pairs with exact Jaccard >= threshold (prefix filtering), and the exact-equal ones."""
    freq = Counter(s for shingles in sets.values() for s in shingles)
    index: dict[str, list[str]] = defaultdict(list)
    candidates: set[tuple[str, str]] = set()
    for doc, shingles in sets.items():
        ordered = sorted(shingles, key=lambda s: (freq[s], s))
        prefix = len(ordered) - math.ceil(threshold * len(ordered)) + 1
        for s in ordered[:prefix]:
            for other in index[s]:
                candidates.add((min(doc, other), max(doc, other)))
            index[s].append(doc)
    positives = {p for p in candidates if jaccard(sets[p[0]], sets[p[1]]) >= threshold}
    by_text: dict[str, list[str]] = defaultdict(list)
    for doc, shingles in sets.items():
        by_text[hashlib.sha1("\n".join(sorted(shingles)).encode()).hexdigest()].append(doc)
    exact = {(min(a, b), max(a, b)) for docs in by_text.values() for a, b in itertools.combinations(docs, 2)}
    return positives | exact, exact


def bcubed(predicted: set[tuple[str, str]], positives: set[tuple[str, str]]) -> tuple[float, float]:
    """Per-article precision and recall (B-cubed), averaged over articles with any copy,
    true or predicted: one big group cannot dominate as it does in pair counts."""
    mates_pred: dict[str, set[str]] = defaultdict(set)
    mates_true: dict[str, set[str]] = defaultdict(set)
    for a, b in predicted:
        mates_pred[a].add(b)
        mates_pred[b].add(a)
    for a, b in positives:
        mates_true[a].add(b)
        mates_true[b].add(a)
    docs = mates_pred.keys() | mates_true.keys()
    precision = sum((len(mates_pred[d] & mates_true[d]) + 1) / (len(mates_pred[d]) + 1) for d in docs)
    recall = sum((len(mates_pred[d] & mates_true[d]) + 1) / (len(mates_true[d]) + 1) for d in docs)
    return precision / len(docs), recall / len(docs)


def predicted_pairs(bodies: dict[str, str], params: ClusterParams, signatures: dict,
                    rules: bool = True) -> set[tuple[str, str]]:
    """Pairs in one cluster; with ``rules``, as the indexer makes them (no junk, no body
    under MIN_STORY_SHINGLES, near copies agreeing on a title or the lead)."""
    keys = {doc: body_key(words) for doc, words in _words(bodies).items()}
    sketches = {k: signatures[k] for k in set(keys.values())}
    unfit: set[str] = set()
    agree = None
    if rules:
        ids_by_key: dict[str, list[str]] = defaultdict(list)
        for doc, key in keys.items():
            ids_by_key[key].append(doc)
        junk = boilerplate_keys({k: BodyGroup(int(sketches[k][0]), tuple(HEADS[i] for i in sorted(ids)))
                                 for k, ids in ids_by_key.items() if len(ids) >= 3})
        unfit = set(junk) | {k for k, sketch in sketches.items() if sketch[0] < MIN_STORY_SHINGLES}
        heads = {k: heading([HEADS[i][0] for i in ids], bodies[min(ids)]) for k, ids in ids_by_key.items()}

        def agree(a: str, b: str) -> bool:
            return headings_agree(heads[a], heads[b])
    groups = find_clusters(sketches, params, exclude=unfit, agree=agree)
    clusters: dict[str, list[str]] = defaultdict(list)
    for doc, cid in assign_cluster_ids(keys, groups, unfit=unfit).items():
        clusters[cid].append(doc)
    return {(min(a, b), max(a, b)) for docs in clusters.values() for a, b in itertools.combinations(docs, 2)}


_WORDS_CACHE: dict[int, dict[str, list[str]]] = {}


def _words(bodies: dict[str, str]) -> dict[str, list[str]]:
    from index.clusters import body_words

    cached = _WORDS_CACHE.get(id(bodies))
    if cached is None:
        cached = _WORDS_CACHE[id(bodies)] = {doc: body_words(b) for doc, b in bodies.items()}
    return cached


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpora", nargs="+", type=Path)
    parser.add_argument("--shingles", default="3,5,8")
    parser.add_argument("--perms", default="64,128")
    parser.add_argument("--thresholds", default="0.4,0.5,0.6,0.7,0.8")
    parser.add_argument("--out", type=Path, default=None, help="write the table as JSON here")
    parser.add_argument("--rules", default="before,after",
                        help="before: cluster as before issue 19; after: with its junk, short-body and agreement rules")
    parser.add_argument("--labels", type=Path, default=None, help="cache the (slow) exact labels in this folder")
    args = parser.parse_args(argv)
    rows = []
    labelled = {}
    for path in args.corpora:
        bodies = read_bodies(path)
        started = time.perf_counter()
        sets = {doc: label_shingles(b) for doc, b in bodies.items()}
        cache = args.labels / f"{path.stem}-{path.stat().st_size}-{LABEL_SHINGLE}-{LABEL_JACCARD}.json" if args.labels else None
        if cache and cache.exists():
            saved = json.loads(cache.read_text(encoding="utf-8"))
            positives, exact = {tuple(p) for p in saved["positives"]}, {tuple(p) for p in saved["exact"]}
        else:
            positives, exact = true_pairs(sets, LABEL_JACCARD)
            if cache:
                cache.parent.mkdir(parents=True, exist_ok=True)
                cache.write_text(json.dumps({"positives": sorted(positives), "exact": sorted(exact)}), encoding="utf-8")
        labelled[path.name] = (bodies, sets, positives, exact)
        print(f"{path.name}: {len(bodies)} articles, {len(positives)} true pairs "
              f"({len(exact)} exact, {len(positives - exact)} near) in {time.perf_counter() - started:.0f} s",
              file=sys.stderr)
    for k in map(int, args.shingles.split(",")):
        for perm in map(int, args.perms.split(",")):
            sketcher = Sketcher(ClusterParams(shingle_words=k, num_perm=perm))
            sigs_by_corpus = {}
            for name, (bodies, _, _, _) in labelled.items():
                started = time.perf_counter()
                sigs = {}
                for words in _words(bodies).values():
                    key = body_key(words)
                    if key not in sigs:
                        sigs[key] = sketcher.sketch(words)
                sigs_by_corpus[name] = (sigs, time.perf_counter() - started)
            for t, rules in itertools.product(map(float, args.thresholds.split(",")), args.rules.split(",")):
                params = ClusterParams(shingle_words=k, num_perm=perm, threshold=t)
                tp = fp = fn = near_tp = near_fn = 0
                b3 = []
                for name, (bodies, _sets, positives, exact) in labelled.items():
                    predicted = predicted_pairs(bodies, params, sigs_by_corpus[name][0], rules=rules == "after")
                    b3.append((bcubed(predicted, positives), len(bodies)))
                    tp_pairs = predicted & positives
                    # Predicted pairs below the label cutoff are checked exactly (false positives).
                    tp += len(tp_pairs)
                    fp += len(predicted - positives)
                    fn += len(positives - predicted)
                    near = positives - exact
                    near_tp += len(near & predicted)
                    near_fn += len(near - predicted)
                row = {
                    "shingle_words": k, "num_perm": perm, "threshold": t, "rules": rules,
                    "precision": round(tp / (tp + fp), 4) if tp + fp else 1.0,
                    "recall": round(tp / (tp + fn), 4) if tp + fn else 1.0,
                    "near_recall": round(near_tp / (near_tp + near_fn), 4) if near_tp + near_fn else 1.0,
                    "tp": tp, "fp": fp, "fn": fn,
                    "article_precision": round(sum(p * n for (p, _), n in b3) / sum(n for _, n in b3), 4),
                    "article_recall": round(sum(r * n for (_, r), n in b3) / sum(n for _, n in b3), 4),
                    "signature_seconds": round(sum(s for _, s in sigs_by_corpus.values()), 1),
                }
                rows.append(row)
                print(json.dumps(row), flush=True)
    if args.out:
        args.out.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
