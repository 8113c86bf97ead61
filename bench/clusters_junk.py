"""How short may a body be and still make a story? Exact-copy groups judged apart from the rule.

Every group of articles whose bodies have the same case-folded words is judged by its
titles, which the clustering rule never reads: a **story** when every copy has the same
non-empty title and no article with another body has that title (the same page crawled
twice, or a republication); otherwise **junk** (one error page, cookie notice or
byline box under many titles, or a site-wide title such as "Robot Check" or "One News
Page" on many bodies). For each minimum number of shingles the table gives the stories
lost (groups below it) and the junk left (groups at or above it that the boilerplate rule,
``index.clusters.boilerplate_keys``, does not catch).

    .venv/bin/python -m bench.clusters_junk ../shared/corpus/fakehealth-news.jsonl ../shared/corpus/fakenewsnet.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

from index.clusters import SHINGLE_WORDS, BodyGroup, body_key, body_words, boilerplate_keys


def norm_title(title) -> str:
    return " ".join(str(title or "").casefold().split())


def judged_groups(rows: list[dict]) -> list[tuple[int, str, BodyGroup, bool]]:
    """(shingles, key, group, is_story) for every body shared by two or more articles."""
    by_key: dict[str, list[dict]] = defaultdict(list)
    shingle_count: dict[str, int] = {}
    for row in rows:
        words = body_words(row.get("body") or "")
        if not words:
            continue
        key = body_key(words)
        by_key[key].append(row)
        shingle_count[key] = max(1, len(words) - SHINGLE_WORDS + 1)
    bodies_per_title: dict[str, set[str]] = defaultdict(set)
    for key, members in by_key.items():
        for row in members:
            bodies_per_title[norm_title(row.get("title"))].add(key)
    out = []
    for key, members in by_key.items():
        if len(members) < 2:
            continue
        titles = {norm_title(r.get("title")) for r in members}
        title = next(iter(titles))
        story = len(titles) == 1 and title != "" and bodies_per_title[title] == {key}
        group = BodyGroup(shingle_count[key], tuple((norm_title(r.get("title")), str(r.get("outlet") or ""))
                                                    for r in members))
        out.append((shingle_count[key], key, group, story))
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpora", nargs="+", type=Path)
    parser.add_argument("--minimums", default="1,10,20,30,40,50,60,80,100")
    args = parser.parse_args(argv)
    rows: list[dict] = []
    for path in args.corpora:
        with open(path, encoding="utf-8") as fh:
            rows += [json.loads(line) for line in fh if line.strip()]
    groups = judged_groups(rows)
    stories = sum(1 for *_, s in groups if s)
    print(f"{len(rows)} articles; {len(groups)} bodies shared by 2+ articles: "
          f"{stories} judged stories, {len(groups) - stories} junk", file=sys.stderr)
    for minimum in map(int, args.minimums.split(",")):
        flagged = boilerplate_keys({k: g for _, k, g, _ in groups}, minimum)
        lost = [g for n, _, g, s in groups if s and n < minimum]
        lost_flag = [g for n, k, g, s in groups if s and n >= minimum and k in flagged]
        kept_junk = [g for n, k, g, s in groups if not s and n >= minimum and k not in flagged]
        flagged_articles = sum(len(g.members) for _, k, g, _ in groups if k in flagged)
        print(json.dumps({
            "min_shingles": minimum,
            "stories_lost": len(lost) + len(lost_flag), "story_articles_lost": sum(len(g.members) for g in lost + lost_flag),
            "junk_kept": len(kept_junk), "junk_articles_kept": sum(len(g.members) for g in kept_junk),
            "flagged_bodies": len(flagged), "flagged_articles": flagged_articles,
            "junk_kept_examples": [g.members[0][0][:40] for g in sorted(kept_junk, key=lambda g: -len(g.members))[:3]],
            "largest_outlet_share": Counter(o for g in kept_junk for _, o in g.members).most_common(1),
        }), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
