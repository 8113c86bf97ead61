"""Precision of "Similar articles" on 20 FakeHealth articles judged by hand (issue 19).

The judgments (same specific subject, from the titles, made on the pooled and shuffled
results of every variant tried) are below; a result not in its set counts as not relevant.
Build a FakeHealth index first:

    artsearch reindex ../shared/corpus/fakehealth-news.jsonl --index /tmp/fh
    .venv/bin/python -m bench.similar_eval --index /tmp/fh
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from index.config import Config
from search.engine import SearchEngine

SHORT_WORDS = 300
REL = {
 "story_reviews_00023": "story_reviews_00877 story_reviews_00876 story_reviews_00355 news_reviews_00092 story_reviews_00112",
 "story_reviews_00510": "news_reviews_00087 story_reviews_00703",
 "story_reviews_00146": "story_reviews_01389 story_reviews_01383 story_reviews_00523 story_reviews_00765 story_reviews_00690 story_reviews_00864",
 "story_reviews_00643": "story_reviews_00044 news_reviews_00114 story_reviews_01304",
 "story_reviews_01158": "story_reviews_01013 news_reviews_00125 story_reviews_00366",
 "story_reviews_00028": "story_reviews_00908 story_reviews_01439 story_reviews_01653 story_reviews_00384 story_reviews_01182 story_reviews_01652 story_reviews_01351",
 "story_reviews_00038": "story_reviews_00067 story_reviews_00259 story_reviews_00926 story_reviews_00835 story_reviews_00783 story_reviews_00130 story_reviews_01569",
 "story_reviews_01531": "story_reviews_01536 story_reviews_00526",
 "story_reviews_00897": "story_reviews_00423",
 "story_reviews_00071": "story_reviews_00178 news_reviews_00340",
 "story_reviews_00582": "story_reviews_00533 story_reviews_01472 story_reviews_00005 story_reviews_00329 story_reviews_00174",
 "story_reviews_00966": "story_reviews_01615 story_reviews_01684 story_reviews_00738 news_reviews_00195",
 "news_reviews_00121": "news_reviews_00032 story_reviews_01465 story_reviews_01323 news_reviews_00217",
 "story_reviews_01666": "story_reviews_01089 story_reviews_01017 news_reviews_00016 story_reviews_00638 story_reviews_00994 news_reviews_00145",
 "story_reviews_00579": "story_reviews_00580 story_reviews_01176 story_reviews_01028 story_reviews_01029 story_reviews_00705 story_reviews_01175",
 "news_reviews_00451": "story_reviews_01579 news_reviews_00400 news_reviews_00098 news_reviews_00257",
 "news_reviews_00078": "story_reviews_00835 story_reviews_00015 story_reviews_00065 story_reviews_00045",
 "news_reviews_00181": "story_reviews_01626 story_reviews_00574 story_reviews_01507 story_reviews_00616 news_reviews_00342 story_reviews_00998",
 "story_reviews_00405": "story_reviews_00541 news_reviews_00162 story_reviews_00064",
 "story_reviews_00367": "story_reviews_01188 story_reviews_00586 news_reviews_00122 story_reviews_01195 story_reviews_01007 story_reviews_00124",
}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    args = parser.parse_args(argv)
    engine = SearchEngine(Config(index_dir=args.index))
    groups: dict[str, list[float]] = {"short": [], "long": []}
    for article_id, relevant in REL.items():
        article = engine.get_article(article_id)
        hits = engine.similar(article_id)[:5]
        precision = sum(h.id in relevant.split() for h in hits) / 5
        groups["short" if len(article.body.split()) < SHORT_WORDS else "long"].append(precision)
        print(f"{precision:.1f}  {article_id}  {article.title[:60]}")
    every = groups["short"] + groups["long"]
    print(f"precision@5: all {sum(every) / len(every):.2f}, short ({len(groups['short'])}) "
          f"{sum(groups['short']) / len(groups['short']):.2f}, long ({len(groups['long'])}) "
          f"{sum(groups['long']) / len(groups['long']):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
