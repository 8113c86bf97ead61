""""Did you mean" from the spelling table written at reindex (index/spelling.py): through
the CLI (reindex, then search, as subprocesses) and HTTP, with the scan as the reference
for an index built before the table."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from urllib.parse import urlencode

from index.config import Config
from index.spelling import SPELLING_FILE
from index.store import IndexStore
from tests.reindex_helpers import artsearch, assert_ok, reindex
from web.app import create_app

BODY = ("The {word} spoke to reporters after the concert, where the orchestra played for two hours "
        "and the audience asked for more. Critics said the performance was remarkable.")


def article(i: int, word: str) -> dict:
    return {"id": f"a{i}", "title": f"Concert review {i}", "url": f"https://example.org/{i}",
            "outlet": "example.org", "published": f"2020-05-0{i % 9 + 1}T10:00:00Z",
            "text": BODY.format(word=word)}


def write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def did_you_mean(index: Path, q: str) -> str:
    done = artsearch("search", q, "--index", index)
    assert_ok(done)
    lines = [line for line in done.stdout.splitlines() if line.startswith("Did you mean: ")]
    return lines[0].removeprefix("Did you mean: ") if lines else ""


def test_reindex_writes_the_table_and_incremental_runs_add_to_it(tmp_path):
    index = tmp_path / "index"
    corpus = write(tmp_path / "a.jsonl", [article(1, "xylophonist"), article(2, "conductor")])
    done, _ = reindex(index, corpus)
    assert_ok(done)
    build = IndexStore(index).current_path()
    assert build is not None and (build / SPELLING_FILE).is_file()
    assert did_you_mean(index, "xylophonst") == "xylophonist"
    # An incremental run adds the new article's words and keeps the earlier ones.
    write(corpus, [article(1, "xylophonist"), article(2, "conductor"), article(3, "harpsichordist")])
    done, _ = reindex(index, corpus)
    assert_ok(done)
    assert IndexStore(index).current_path() != build
    assert did_you_mean(index, "harpsichordst") == "harpsichordist"
    assert did_you_mean(index, "xylophonst") == "xylophonist"
    # The live build's table is a new file: the build it copied keeps its own whole.
    assert (build / SPELLING_FILE).is_file()


def suggestion(client, q: str):
    response = client.get("/api/search?" + urlencode({"q": q}))
    assert response.status_code == 200
    return response.get_json()["suggestion"]


def client_for(index: Path):
    app = create_app(Config(index_dir=index))
    app.config.update(TESTING=True, PROPAGATE_EXCEPTIONS=False)
    return app.test_client()


def test_an_index_built_before_the_table_still_suggests_by_scanning(index_dir, fixture_records, tmp_path):
    old = tmp_path / "old-index"
    shutil.copytree(index_dir, old)
    build = IndexStore(old).current_path()
    assert build is not None
    (build / SPELLING_FILE).unlink()
    # A table of another layout (an earlier version's) is not read either.
    other = tmp_path / "other-index"
    shutil.copytree(index_dir, other)
    other_build = IndexStore(other).current_path()
    assert other_build is not None
    (other_build / SPELLING_FILE).unlink()
    db = sqlite3.connect(other_build / SPELLING_FILE)
    db.execute("CREATE TABLE forms (form TEXT PRIMARY KEY, stem TEXT)")
    db.commit()
    db.close()
    with_table, without, misread = client_for(index_dir), client_for(old), client_for(other)
    # Misspellings of the fixture bodies' longer words (one letter dropped), from the JSONL.
    words = sorted({w for r in fixture_records for w in str(r.get("text") or r.get("body") or "").lower().split()
                    if w.isalpha() and len(w) >= 7})[:12]
    assert words
    typos = [w[:3] + w[4:] for w in words]
    suggested = [suggestion(with_table, t) for t in typos]
    assert suggested == [suggestion(without, t) for t in typos] == [suggestion(misread, t) for t in typos]
    assert sum(1 for s, w in zip(suggested, words, strict=True) if s == w) >= len(words) // 2
