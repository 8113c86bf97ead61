"""Known items per language: does a pasted sentence find its article in the top 3, and a
title noun in another form in the top 10? (issue 17's targets: ≥ 0.95 and ≥ 0.90.)

The collection: tests/fixtures/multilingual.py's articles, bench/multilingual_articles.py's
(no language given: py3langid identifies them), and ``--english`` FakeHealth articles
(../shared) as English distractors. It is indexed by the reindex command itself and
searched through ``SearchEngine`` with relevance order, as a reader's search is.

- ``sentence``: every sentence of every non-English article body that occurs in that
  article only (as characters, across the whole collection), pasted as is.
- ``noun``: every title noun of ``NOUNS``, in another form than the title's.

Run: ``python -m bench.multilingual [--english 1000] [--json out.json]``.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import tempfile
from pathlib import Path

import click

from .corpus import read_records
from .multilingual_articles import ARTICLES, NOUNS, UNSEEN

ROOT = Path(__file__).resolve().parent.parent
FAKEHEALTH = ROOT.parent / "shared" / "corpus" / "fakehealth-news.jsonl"
TARGETS = {"sentence": (3, 0.95), "noun": (10, 0.90)}
# A sentence ends at . ! ? and their CJK, Devanagari and Arabic forms.
_SENTENCE = re.compile(r"[^.!?。！？।؟]+[.!?。！？।؟]?")


def records(english: int) -> list[dict]:
    from tests.fixtures.multilingual import records as fixture_records

    rows = [r for r in fixture_records() if not r["id"].startswith("en")]
    for i, (id_, title, body) in enumerate(ARTICLES):
        rows.append({"id": id_, "title": title, "body": body, "outlet": f"{id_[:2]}.example",
                     "published": f"2023-{1 + i % 12:02d}-{1 + i % 28:02d}T08:00:00Z",
                     "url": f"https://{id_[:2]}.example/{id_}"})
    if english and FAKEHEALTH.exists():
        rows.extend(read_records(FAKEHEALTH, limit=english))
    return rows


def sentence_items(rows: list[dict]) -> list[tuple[str, str, str]]:
    """(language, sentence, id) for each sentence found in its own article only."""
    texts = {str(r.get("id")): f"{r.get('title', '')}\n{r.get('body', '')}" for r in rows}
    items = []
    for row in rows:
        id_ = str(row["id"])
        if id_ not in NOUNS:  # English distractors
            continue
        for match in _SENTENCE.finditer(row["body"]):
            sentence = match.group().strip()
            if len(sentence) < 8:
                continue
            if [i for i, t in texts.items() if sentence in t] == [id_]:
                items.append((id_[:2], sentence, id_))
    return items


def noun_items() -> list[tuple[str, str, str]]:
    return [(id_[:2], noun, id_) for id_, nouns in NOUNS.items() for noun in nouns]


def evaluate(engine, items, depth: int, filtered: bool = False) -> tuple[dict[str, list[int]], list]:
    """Successes per language (found, asked) and the misses; ``filtered``: with the
    language filter set to the article's language, as a reader who picks it does."""
    from search.request import SearchRequest

    per_language: dict[str, list[int]] = {}
    misses = []
    for language, query, id_ in items:
        request = SearchRequest(q=query, per_page=depth, sort="relevance", language=(language,) if filtered else ())
        hits = [h.id for h in engine.search(request).hits]
        hit = id_ in hits
        per_language.setdefault(language, [0, 0])
        per_language[language][0] += hit
        per_language[language][1] += 1
        if not hit:
            misses.append((language, query, id_, None))
    return per_language, misses


def run(english: int) -> dict:
    from index.cli import reindex
    from index.config import Config
    from search.engine import SearchEngine

    rows = records(english)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "ml.jsonl"
        source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        index = Path(tmp) / "index"
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            reindex.main([str(source), "--index", str(index), "--full", "--quiet"], standalone_mode=False)
        engine = SearchEngine(Config(index_dir=index, timeout=30.0))
        try:
            languages = {h.id: h.language for h in _all_hits(engine)}
            out: dict = {"documents": len(rows), "english": len(rows) - len(NOUNS), "sets": {}}
            for name, items in (("sentence", sentence_items(rows)), ("noun", noun_items())):
                depth = TARGETS[name][0]
                per_language, misses = evaluate(engine, items, depth)
                out["sets"][name] = {"depth": depth, "per_language": per_language,
                                     "misses": [m[:3] for m in misses]}
            per_language, misses = evaluate(engine, noun_items(), TARGETS["noun"][0], filtered=True)
            out["sets"]["noun_filtered"] = {"depth": TARGETS["noun"][0], "per_language": per_language,
                                            "misses": [m[:3] for m in misses]}
            out["identified"] = {id_: languages.get(id_, "") for id_ in NOUNS}
        finally:
            engine.close()
    return out


def _all_hits(engine):
    from search.request import SearchRequest

    return engine.search(SearchRequest(q="", per_page=1000, not_language=("en",))).hits


def markdown(out: dict) -> str:
    lines = [f"Collection: {out['documents']:,} articles (the multilingual fixtures, bench/multilingual_articles.py, "
             "FakeHealth as English distractors).", "",
             "| language | sentence top-3 | noun top-10 | noun top-10, language filter |", "| --- | --- | --- | --- |"]
    sets = out["sets"]
    languages = sorted(set(sets["sentence"]["per_language"]) | set(sets["noun"]["per_language"]),
                       key=lambda c: (c in UNSEEN, c))
    for code in languages:
        cells = []
        for name in ("sentence", "noun", "noun_filtered"):
            got, total = sets[name]["per_language"].get(code, [0, 0])
            target = TARGETS[name.split("_")[0]][1]
            mark = "" if not total or got / total >= target else " **below target**"
            cells.append(f"{got}/{total} = {got / total:.2f}{mark}" if total else "-")
        lines.append(f"| {code}{' (unseen)' if code in UNSEEN else ''} | {' | '.join(cells)} |")
    wrong = {i: lang for i, lang in out["identified"].items() if lang != i[:2]}
    lines += ["", "Misses:"]
    for name in ("sentence", "noun", "noun_filtered"):
        for language, query, id_ in sets[name]["misses"]:
            lines.append(f"- {name} {language}: `{query}` ({id_} not in the top {sets[name]['depth']})")
    if wrong:
        lines.append("- identified as another language: " + ", ".join(f"{i} as {lang or 'none'}" for i, lang in sorted(wrong.items())))
    return "\n".join(lines)


@click.command()
@click.option("--english", default=1000, show_default=True, help="FakeHealth articles added as English distractors.")
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path), help="Also write the figures here.")
def main(english: int, json_out: Path | None) -> None:
    """Per-language known-item bench (issue 17)."""
    out = run(english)
    if json_out:
        json_out.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    click.echo(markdown(out))


if __name__ == "__main__":
    main()
