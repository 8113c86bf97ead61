"""Memory stays bounded in bytes: unique queries against a real server subprocess.

The bigger run (20,000 queries, figures in docs/benchmarks.md) is ``python -m bench.soak``.
"""

from __future__ import annotations

import os
import sys

import pytest

from bench.soak import run_soak, unique_queries
from search.cache import ByteBudgetCache, canonical_key

MB = 1024 * 1024


def test_cache_evicts_by_bytes_and_keys_are_small_digests():
    cache = ByteBudgetCache(64 * 1024)
    for n in range(2000):
        cache.get_or_make(("q", "x" * 5000 + str(n)), lambda n=n: frozenset(range(n, n + 50)))
    assert cache.bytes <= 64 * 1024
    assert 0 < len(cache) < 2000
    assert all(len(key) == 16 for key in cache._entries)
    assert canonical_key(("q", "a")) == canonical_key(("q", "a")) != canonical_key(("q", "b"))
    # A value bigger than the whole budget is computed, returned, and not kept.
    big = cache.get_or_make("big", lambda: frozenset(range(100_000)))
    assert len(big) == 100_000 and cache.bytes <= 64 * 1024


@pytest.mark.slow
@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs /proc")
def test_rss_levels_off_under_unique_queries(index_dir, tmp_path):
    # Ten words a query make long query reprs: the old cache kept each as a key and
    # grew about 0.7 MB per 100 queries here, without bound.
    assert len(set(unique_queries(900, 10))) == 900
    result = run_soak(index_dir, queries=900, cache_mb=1, words_per_query=10, log_path=tmp_path / "serve.log",
                      samples=3)
    assert result["errors"] == 0
    (_, after_300), *_, (_, after_900) = result["rss"][1:]
    growth = after_900 - after_300
    assert growth < 2.5 * MB, f"RSS grew {growth / MB:.1f} MB over 600 unique queries with a 1 MB cache"


def test_soak_script_runs_as_a_module(index_dir, tmp_path):
    import subprocess

    out = tmp_path / "soak.json"
    done = subprocess.run([sys.executable, "-m", "bench.soak", "--index", str(index_dir), "--queries", "20",
                           "--cache-mb", "1", "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "growth" in done.stdout and out.exists()
