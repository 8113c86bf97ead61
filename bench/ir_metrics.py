"""Ranking metrics for the relevance harness: nDCG@k, average precision, success@k.

Conventions (the ones ``../shared/ir/README.md`` uses for its peer figures):

- nDCG@k: linear gain (the judged grade), log2 discount (rank r counts 1/log2(r+1)),
  ideal = the query's judged documents sorted by gain. A query without any judged
  relevant document has no ideal and scores 0, as does a query with no results.
- AP@k: the mean, over the query's relevant documents (gain > 0), of the precision at
  the rank where each one is retrieved within the first k; a relevant document not
  retrieved in the first k adds 0. Divided by all relevant documents, as trec_eval does.
- success@k: 1 when the wanted document is among the first k results.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence


def dcg(gains: Sequence[float], k: int) -> float:
    return sum(g / math.log2(rank + 1) for rank, g in enumerate(gains[:k], start=1))


def ndcg_at_k(ranking: Sequence[str], judged: Mapping[str, float], k: int = 10) -> float:
    """nDCG@k of ``ranking`` (document ids, best first) against ``judged`` (id -> gain)."""
    ideal = dcg(sorted((g for g in judged.values() if g > 0), reverse=True), k)
    if ideal <= 0:
        return 0.0
    return dcg([max(judged.get(doc, 0.0), 0.0) for doc in ranking], k) / ideal


def average_precision(ranking: Sequence[str], judged: Mapping[str, float], k: int = 100) -> float:
    """AP@k: relevant means gain > 0; the denominator is every relevant document."""
    relevant = {doc for doc, g in judged.items() if g > 0}
    if not relevant:
        return 0.0
    found = 0
    total = 0.0
    seen: set[str] = set()
    for rank, doc in enumerate(ranking[:k], start=1):
        if doc in relevant and doc not in seen:
            found += 1
            total += found / rank
        seen.add(doc)
    return total / len(relevant)


def rank_of(ranking: Sequence[str], wanted: str) -> int | None:
    """1-based rank of ``wanted`` in ``ranking``, or None when it is absent."""
    for rank, doc in enumerate(ranking, start=1):
        if doc == wanted:
            return rank
    return None


def success_at_k(ranking: Sequence[str], wanted: str, k: int) -> float:
    rank = rank_of(ranking, wanted)
    return 1.0 if rank is not None and rank <= k else 0.0


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0
