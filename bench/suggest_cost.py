"""What a cold "Did you mean" costs, with the spelling table and with the scan it replaces.

    python -m bench.suggest_cost INDEX [INDEX ...] [--words 60]

For each index (a store root, as ``--index`` takes), misspellings are made from body words
(every k-th of the 3,000 most common words of 5 to 12 letters, one deletion, transposition,
replacement or insertion each, seeded; only those the index does not know), plus the
issue's long cases (a 30-letter word, a 40- and a 30-letter word, 8 random letters). Each is
respelled once by the scan (no table) and once from the table, alternating which goes
first, so neither is answered from a cache: both are cold, as a misspelling new to the
server is. A known word's search through the engine is timed as the yardstick, when the
index's schema is this version's. The suggestions of both paths are compared.

An index built before the table gets one in a temporary directory (what reindex writes).
"""

from __future__ import annotations

import json
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import click
from whoosh import index as whoosh_index

from index.spelling import SPELLING_FILE, SPELLING_VERSION, SpellingForms, table_version
from index.store import IndexStore
from search.suggest import SpellingTable, _known, suggest_query

LONG = ["vaccinationzzqqpreventionxxyy"[:30].ljust(30, "q"),
        "immunisationzzqqreplacementsxxprotection"[:40] + " " + "hospitalisationzzqqtreatmentsx"[:30],
        "zzqxwvbn"]


def misspellings(searcher, count: int, seed: int = 19) -> list[str]:
    reader = searcher.reader()
    words: Counter[str] = Counter()
    for n, fields in enumerate(searcher.all_stored_fields()):
        if n >= 4000:
            break
        words.update({w for w in re.findall(r"[a-z]+", fields.get("body", "").lower()) if 5 <= len(w) <= 12})
    common = [w for w, _ in words.most_common(3000)]
    rng = random.Random(seed)
    out: list[str] = []
    step = max(1, len(common) // (count * 2))
    for i, word in enumerate(common[::step]):
        pos = rng.randrange(1, len(word) - 1)
        op = i % 4
        letter = rng.choice("abcdefghijklmnopqrstuvwxyz")
        typo = (word[:pos] + word[pos + 1:] if op == 0 else
                word[:pos] + word[pos + 1] + word[pos] + word[pos + 2:] if op == 1 else
                word[:pos] + letter + word[pos + 1:] if op == 2 else
                word[:pos] + letter + word[pos:])
        if typo != word and not _known(reader, typo) and typo not in out:
            out.append(typo)
        if len(out) >= count:
            break
    return out


def timed(fn) -> tuple[float, object]:
    started = time.perf_counter()
    value = fn()
    return (time.perf_counter() - started) * 1000, value


def measure(root: Path, count: int) -> dict:
    store = IndexStore(root)
    build = store.current_path()
    assert build is not None, f"no index at {root}"
    ix = whoosh_index.open_dir(str(build))
    searcher = ix.searcher()
    tmp = None
    path = build / SPELLING_FILE
    built_ms = None
    if table_version(path) != SPELLING_VERSION:
        tmp = tempfile.TemporaryDirectory()
        forms = SpellingForms()
        started = time.perf_counter()
        for fields in searcher.all_stored_fields():
            if fields.get("language", "") in ("", "en"):
                forms.add(fields.get("body", ""))
        forms.write(Path(tmp.name))
        built_ms = (time.perf_counter() - started) * 1000
        path = Path(tmp.name) / SPELLING_FILE
    table = SpellingTable(path)
    load_ms, stems = timed(table.stems)
    words = misspellings(searcher, count) + LONG
    rows = []
    for i, word in enumerate(words):
        sides = [("scan", None), ("table", table)]
        if i % 2:
            sides.reverse()
        row: dict = {"word": word}
        for name, tab in sides:
            ms, suggestion = timed(lambda tab=tab, word=word: suggest_query(searcher, word, table=tab))
            row[name + "_ms"], row[name] = ms, suggestion
        rows.append(row)
    yardstick = _known_word_search(root, words)
    short = [r for r in rows if r["word"] not in LONG]
    result = {
        "index": str(root), "documents": searcher.doc_count(), "stems": len(stems),
        "table_bytes": path.stat().st_size, "table_built_ms": built_ms, "stems_load_ms": load_ms,
        "misspellings": len(short),
        "scan_p50_ms": statistics.median(r["scan_ms"] for r in short),
        "table_p50_ms": statistics.median(r["table_ms"] for r in short),
        "scan_max_ms": max(r["scan_ms"] for r in short),
        "table_max_ms": max(r["table_ms"] for r in short),
        "long": [{k: r[k] for k in ("word", "scan_ms", "table_ms", "scan", "table")} for r in rows
                 if r["word"] in LONG],
        "same": sum(1 for r in rows if r["scan"] == r["table"]),
        "compared": len(rows),
        "differ": [{k: r[k] for k in ("word", "scan", "table")} for r in rows if r["scan"] != r["table"]],
        "known_word_search_p50_ms": yardstick,
    }
    searcher.close()
    table.close()
    if tmp is not None:
        tmp.cleanup()
    return result


def _known_word_search(root: Path, typed: list[str]) -> float | None:
    """Median cold page of a known word (each word new to the engine), or None when the
    index is another schema version than this code's."""
    from index.config import Config
    from index.errors import ArtsearchError
    from search.engine import SearchEngine
    from search.request import SearchRequest

    engine = SearchEngine(Config(index_dir=root))
    try:
        engine.search(SearchRequest(q="health"))
    except ArtsearchError:
        return None
    known = ["vaccine", "cancer", "diabetes", "heart", "study", "patients", "hospital", "doctor", "treatment",
             "surgery", "women", "children", "drug", "trial", "blood"]
    times = [engine.search(SearchRequest(q=w)).took_ms for w in known]
    engine.close()
    return statistics.median(times)


@click.command()
@click.argument("indexes", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--words", type=click.IntRange(1), default=60, show_default=True, help="Misspellings per index.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also write JSON here.")
def main(indexes: tuple[Path, ...], words: int, out: Path | None) -> None:
    results = [measure(root, words) for root in indexes]
    text = json.dumps(results, indent=2)
    if out is not None:
        out.write_text(text + "\n", encoding="utf-8")
    sys.stdout.write(text + "\n")


if __name__ == "__main__":
    main()
