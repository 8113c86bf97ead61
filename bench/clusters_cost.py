"""What folding copies into one hit costs the search page: the bench query mix rendered
with collapsing on (the default) and off (``collapse=0``), interleaved in one process so
both see the same machine load. Reports the ratio of the medians; run it on an index with
clusters.

    .venv/bin/python -m bench.clusters_cost --index /tmp/fakehealth-index --rounds 15
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from bench.queries import load_queries
from index.config import Config
from web.app import create_app


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    client = create_app(Config(index_dir=args.index)).test_client()
    paths = [q.artsearch_path() for q in load_queries()]
    variants = {"collapsed": "", "every copy": "collapse=0"}
    times: dict[str, dict[str, list[float]]] = {v: {p: [] for p in paths} for v in variants}
    stories = {}
    for round_ in range(args.rounds + 1):  # round 0 warms caches and is not counted
        for path in paths:
            for name, extra in variants.items():
                url = path + (("&" if "?" in path else "?") + extra if extra else "")
                started = time.perf_counter()
                response = client.get(url)
                elapsed = time.perf_counter() - started
                if response.status_code != 200:
                    print(f"{url}: {response.status_code}", file=sys.stderr)
                if round_:
                    times[name][path].append(elapsed)
        if round_ == 0:
            for path in paths:
                data = client.get(path.replace("/?", "/api/search?", 1) if "?" in path else "/api/search").get_json()
                stories[path] = (data["total"], data["stories"])
    medians = {name: {p: statistics.median(ts) for p, ts in per.items()} for name, per in times.items()}
    report = {
        "index": str(args.index),
        "rounds": args.rounds,
        "queries": len(paths),
        "median_ms": {name: round(statistics.median(m.values()) * 1000, 1) for name, m in medians.items()},
        "ratio_collapsed_to_every_copy": round(
            sum(medians["collapsed"].values()) / sum(medians["every copy"].values()), 3),
        "queries_with_copies": sum(1 for total, n in stories.values() if n != total),
    }
    print(json.dumps(report, indent=1))
    if args.out:
        args.out.write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
