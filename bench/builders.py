"""The two comparison builders, each run in its own process and timed from inside.

``python -m bench.builders sqlite SOURCE DB`` and ``python -m bench.builders whoosh
SOURCE DIR`` print one JSON object: rows written, seconds, and the size on disk. The
clock runs from opening the corpus to the final commit, the same span artsearch's
``reindex --report`` measures, so interpreter start-up is excluded on all three sides.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

from .corpus import author_of, parse_published, read_records, to_row


def dir_size(path: str | Path) -> int:
    path = Path(path)
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def build_sqlite(source: str | Path, db_path: str | Path) -> dict:
    """Load the corpus into ``articles`` with sqlite-utils, then add FTS5 and facet indexes."""
    import sqlite_utils

    db_path = Path(db_path)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    started = time.perf_counter()
    db = sqlite_utils.Database(db_path)
    table = db["articles"]
    table.create({"id": str, "title": str, "author": str, "outlet": str, "published": str,
                  "year": int, "url": str, "body": str}, pk="id")
    # replace=True: a repeated id keeps its last record, as artsearch's reindex does.
    table.insert_all((to_row(r) for r in read_records(source)), batch_size=500, replace=True)
    table.enable_fts(["title", "body"], tokenize="porter")
    # Indexes a Datasette deployer would add for the facets, filters and newest-first sort.
    for column in ("outlet", "author", "published"):
        table.create_index([column], if_not_exists=True)
    rows = table.count
    db.close()
    seconds = time.perf_counter() - started
    return {"engine": "datasette", "rows": rows, "seconds": seconds, "size_bytes": dir_size_db(db_path)}


def dir_size_db(db_path: Path) -> int:
    return sum(Path(str(db_path) + s).stat().st_size for s in ("", "-wal")
               if Path(str(db_path) + s).exists())


def build_whoosh_baseline(source: str | Path, index_dir: str | Path) -> dict:
    """Index the corpus the straightforward way: stock analyzers, one writer, defaults."""
    from whoosh import index
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import DATETIME, ID, KEYWORD, TEXT, Schema

    index_dir = Path(index_dir)
    shutil.rmtree(index_dir, ignore_errors=True)
    index_dir.mkdir(parents=True)
    started = time.perf_counter()
    schema = Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=StemmingAnalyzer(), stored=True),
        body=TEXT(analyzer=StemmingAnalyzer(), stored=True),
        outlet=KEYWORD(stored=True),
        author=KEYWORD(stored=True, commas=True),
        published=DATETIME(stored=True),
    )
    ix = index.create_in(str(index_dir), schema)
    writer = ix.writer()
    rows = 0
    for record in read_records(source):
        doc = {"id": str(record.get("id")), "title": record.get("title") or "",
               "body": record.get("body") or ""}
        if record.get("outlet"):
            doc["outlet"] = record["outlet"]
        author = author_of(record)
        if author:
            doc["author"] = author
        published = parse_published(record.get("published"))
        if published:
            doc["published"] = published
        writer.add_document(**doc)
        rows += 1
    writer.commit()
    seconds = time.perf_counter() - started
    return {"engine": "whoosh-baseline", "rows": rows, "seconds": seconds, "size_bytes": dir_size(index_dir)}


BUILDERS = {"sqlite": build_sqlite, "whoosh": build_whoosh_baseline}


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 3 or argv[0] not in BUILDERS:
        sys.exit("usage: python -m bench.builders {sqlite|whoosh} SOURCE TARGET")
    kind, source, target = argv
    json.dump(BUILDERS[kind](source, target), sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
