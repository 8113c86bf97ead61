"""Side-by-side benchmark: artsearch against Datasette + SQLite FTS5 on the same corpus.

``python -m bench`` builds both indexes (plus a straightforward Whoosh baseline), serves
both over loopback HTTP, sends the fixed query mix in ``queries.json`` and writes the
raw results to ``bench/out/`` and the report to ``docs/benchmarks.md``.
"""
