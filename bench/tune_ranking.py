"""``python -m bench.tune_ranking``: choose the ranking parameters by leave-one-collection-out.

One parameter set serves every collection. For each judged collection of ``../shared/ir``
in turn, a coordinate descent over the values in ``SPACE`` (starting from the current
constants) maximises the mean nDCG@10 of the *other* collections; the chosen set is then
scored on the held-out one. The report gives, per fold, the chosen values, the held-out
score and the in-sample score (the same set scored on all collections), so a parameter
that only one collection likes shows up as a held-out drop.

Sweeps are cheap: the artsearch indexes are those ``make relevance --reuse`` builds (built
here when missing), searched in process through ``SearchEngine.search``; Whoosh's first
stage (the candidates, which no parameter here changes) is cached per query, and every
configuration's per-collection scores are cached across folds. The parameters are the
module constants of ``search/ranking.py`` and ``search/matching.py``, set for the run.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import time
import types
from pathlib import Path

import click

from . import ir_metrics as m
from .relevance import (
    DEFAULT_OUT,
    SHARED,
    build_all,
    display_name,
    find_collections,
    load_collection,
)

# name -> (module, values tried). The first stage of ranking (Whoosh's candidates) does not
# depend on any of them except FIRST_STAGE_WORDS and the matching rule, which change the
# query it is given (the cache is keyed by that query).
SPACE: dict[str, tuple[str, tuple]] = {
    "K1": ("ranking", (0.9, 1.2, 1.5, 2.0, 3.0)),
    "B_BODY": ("ranking", (0.4, 0.6, 0.75)),
    "B_TITLE": ("ranking", (0.4, 0.75)),
    "TITLE_WEIGHT": ("ranking", (1.0, 2.0, 3.0)),
    "FEEDBACK_WEIGHT": ("ranking", (0.0, 0.3, 0.5, 0.7)),
    "FEEDBACK_DOCS": ("ranking", (5, 10)),
    "FEEDBACK_TERMS": ("ranking", (10, 20)),
    "FEEDBACK_SMOOTHING": ("ranking", (0, 50, 200)),
    "PROXIMITY": ("ranking", (0.0, 0.1, 0.3)),
    # The long-query rule (a relaxed query of more content words finds its candidates by
    # its rarest ones; 100: never) and how many candidates are re-ranked.
    "FIRST_STAGE_WORDS": ("ranking", (8, 100)),
    "RERANK_WINDOW": ("ranking", (100, 300)),
}


def modules() -> dict[str, types.ModuleType]:
    from search import matching, ranking

    return {"ranking": ranking, "matching": matching}


class Collection:
    """One judged collection, its artsearch engine, and Whoosh's first stage memoised."""

    def __init__(self, root: Path, work: Path, log):
        from index.config import Config
        from search.engine import SearchEngine

        self.root = root
        self.name = root.name
        self.queries, self.judged = load_collection(root)
        built = build_all(["artsearch"], lambda: root / "docs.jsonl", work / "ir" / root.name, log,
                          inputs=[root / "docs.jsonl"], reuse=True)
        built["artsearch"].close()
        engine = SearchEngine(Config(index_dir=work / "ir" / root.name / "artsearch", timeout=600.0))
        first_stage: dict = {}
        plain_ranked = engine._ranked

        def ranked(searcher, query, allow, limit, deadline, **options):
            key = (repr(query), None if allow is None else frozenset(allow), limit, tuple(sorted(options.items())))
            if key not in first_stage:
                first_stage[key] = [types.SimpleNamespace(docnum=h.docnum, score=h.score)
                                    for h in plain_ranked(searcher, query, allow, limit, deadline, **options)]
            return first_stage[key]

        engine._ranked = ranked  # type: ignore[method-assign]
        self.engine = engine
        _memoise_head_reads()
        # Matching does not depend on the parameters: each query is matched once.
        from search.request import SearchRequest

        self.matches = [engine.match(SearchRequest(q=q["text"], per_page=10, sort="relevance"))
                        for q in self.queries]
        self.ids: dict[int, str] = {}

    def score(self) -> tuple[float, list[float], int]:
        """nDCG@10 of every query with the current parameters: the search page's ranking
        (``SearchEngine._rank``, the one path of the page and exports) of its matches."""
        from search.deadline import Deadline

        ndcgs, empty = [], 0
        for q, found in zip(self.queries, self.matches, strict=True):
            ids = []
            if found.docs and found.found is not None and found.found.units:
                ranked = self.engine._rank(found.searcher, found.view, found.found, found.docs, 10, Deadline.never())
                ids = [self._id(found.searcher, r.docnum) for r in ranked]
            empty += not ids
            ndcgs.append(m.ndcg_at_k(ids, self.judged.get(q["id"], {}), 10))
        return m.mean(ndcgs), ndcgs, empty

    def _id(self, searcher, docnum: int) -> str:
        if docnum not in self.ids:
            self.ids[docnum] = searcher.stored_fields(docnum)["id"]
        return self.ids[docnum]


def _memoise_head_reads() -> None:
    """Postings walks and feedback documents' words, shared by every configuration: the
    head a query re-ranks is fixed by its (memoised) first stage, so they never differ."""
    from search import ranking

    if getattr(ranking.HeadPostings, "memoised", False):
        return
    walks: dict = {}

    class SharedHeadPostings(ranking.HeadPostings):
        memoised = True

        def __init__(self, reader, docnums):
            super().__init__(reader, docnums)
            self._read = walks.setdefault((id(reader), tuple(self.docnums)), {})

    class MemoAnalyzer:
        def __init__(self, analyzer):
            self.analyzer = analyzer
            self.seen: dict[str, list[str]] = {}

        def terms(self, text):
            if text not in self.seen:
                self.seen[text] = list(self.analyzer.terms(text))
            return self.seen[text]

        def __getattr__(self, name):
            return getattr(self.analyzer, name)

    ranking.HeadPostings = SharedHeadPostings  # type: ignore[misc]
    ranking.TEXT_ANALYZER = MemoAnalyzer(ranking.TEXT_ANALYZER)  # type: ignore[assignment]


def current() -> dict:
    mods = modules()
    return {name: getattr(mods[module], name) for name, (module, _) in SPACE.items()}


def apply(config: dict) -> None:
    mods = modules()
    for name, value in config.items():
        setattr(mods[SPACE[name][0]], name, value)


class Table:
    """Every configuration's nDCG@10 per collection, computed once."""

    def __init__(self, collections: list[Collection], log, saved: Path | None = None):
        self.collections = collections
        self.rows: dict[tuple, dict[str, float]] = {}
        self.log = log
        self.saved = saved
        self.stamp = _code_stamp(collections)
        if saved is not None and saved.exists():
            data = json.loads(saved.read_text(encoding="utf-8"))
            if data.get("stamp") == self.stamp:
                self.rows = {tuple(tuple(p) for p in key): row for key, row in data["rows"]}

    def scores(self, config: dict) -> dict[str, float]:
        key = tuple(sorted(config.items()))
        if key not in self.rows:
            apply(config)
            started = time.perf_counter()
            self.rows[key] = {c.name: round(c.score()[0], 4) for c in self.collections}
            self.log(f"  {self._short(config)}: " + ", ".join(f"{n} {v:.4f}" for n, v in self.rows[key].items())
                     + f" ({time.perf_counter() - started:.0f} s)")
            if self.saved is not None:
                self.saved.write_text(json.dumps({"stamp": self.stamp, "rows": [
                    [list(map(list, k)), v] for k, v in self.rows.items()]}), encoding="utf-8")
        return self.rows[key]

    @staticmethod
    def _short(config: dict) -> str:
        return " ".join(f"{k}={v}" for k, v in config.items())


def _code_stamp(collections: list[Collection]) -> str:
    """The read path's code and the collections: saved scores are reused only while equal."""
    from .relevance import PROJECT_ROOT

    digest = hashlib.sha256()
    for name in ("search/ranking.py", "search/matching.py", "search/engine.py", "search/query.py"):
        digest.update((PROJECT_ROOT / name).read_bytes())
    for c in collections:
        stat = (c.root / "docs.jsonl").stat()
        digest.update(f"{c.name}|{stat.st_size}|{stat.st_mtime_ns}|{len(c.queries)}".encode())
    return digest.hexdigest()


def descend(table: Table, start: dict, train: list[str], rounds: int) -> dict:
    """Coordinate descent on the mean nDCG@10 of ``train``: each parameter in turn set to
    its best value (ties: the value already set), until a round changes nothing."""
    config = dict(start)

    def objective(c: dict) -> float:
        row = table.scores(c)
        return round(sum(row[n] for n in train) / len(train), 5)

    for _ in range(rounds):
        changed = False
        for name, (_, values) in SPACE.items():
            best, best_value = objective(config), config[name]
            for value in values:
                if value == config[name]:
                    continue
                trial = dict(config, **{name: value})
                score = objective(trial)
                if score > best + 1e-4:
                    best, best_value = score, value
            if best_value != config[name]:
                config[name] = best_value
                changed = True
        if not changed:
            break
    return config


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--shared", type=click.Path(file_okay=False, path_type=Path), default=SHARED, show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_OUT, show_default=True,
              help="Where make relevance --reuse keeps its indexes (OUT/work) and this report goes.")
@click.option("--rounds", type=click.IntRange(1), default=3, show_default=True)
@click.option("--fixed", multiple=True, help="NAME=VALUE: hold a parameter (repeatable).")
@click.option("--grid", is_flag=True, help="Score the full grid of the non-fixed parameters instead (slow).")
def main(shared, out, rounds, fixed, grid):
    """Leave-one-collection-out selection of the ranking parameters; writes OUT/tune.json."""
    def log(message: str) -> None:
        click.echo(message, err=True)

    roots = find_collections(shared / "ir")
    if len(roots) < 2:
        raise click.ClickException(f"Leave-one-out needs two collections or more in {shared / 'ir'}.")
    for item in fixed:
        name, _, value = item.partition("=")
        if name not in SPACE:
            raise click.ClickException(f"Unknown parameter {name!r}; known: {', '.join(SPACE)}.")
        SPACE[name] = (SPACE[name][0], (type(current()[name])(float(value)),))
    collections = [Collection(root, out / "work", log) for root in roots]
    table = Table(collections, log, out / "tune-scores.json")
    start = current()
    start = {k: (v if v in SPACE[k][1] else SPACE[k][1][0]) for k, v in start.items()}
    names = [c.name for c in collections]
    report: dict = {"space": {name: list(values) for name, (_, values) in SPACE.items()},
                    "start": start, "start_scores": table.scores(start), "folds": {}}
    if grid:
        for values in itertools.product(*(v for _, v in SPACE.values())):
            table.scores(dict(zip(SPACE, values, strict=True)))
    for held in names:
        train = [n for n in names if n != held]
        if grid:
            chosen_key = max(table.rows, key=lambda k: sum(table.rows[k][n] for n in train))
            chosen = dict(chosen_key)
        else:
            chosen = descend(table, start, train, rounds)
        row = table.scores(chosen)
        report["folds"][held] = {"train": train, "chosen": chosen, "held_out": row[held], "scores": row}
        log(f"held out {display_name(next(r for r in roots if r.name == held))}: chosen {Table._short(chosen)}; "
            f"held-out nDCG@10 {row[held]:.4f}")
    final = descend(table, start, names, rounds) if not grid else dict(
        max(table.rows, key=lambda k: sum(table.rows[k].values())))
    report["all"] = {"chosen": final, "scores": table.scores(final)}
    report["table"] = [{"config": dict(k), "scores": v} for k, v in table.rows.items()]
    log(f"all collections: chosen {Table._short(final)}; " +
        ", ".join(f"{n} {v:.4f}" for n, v in report["all"]["scores"].items()))
    for held, fold in report["folds"].items():
        in_sample = report["all"]["scores"][held]
        log(f"  {held}: held-out {fold['held_out']:.4f}, in-sample {in_sample:.4f}, "
            f"difference {fold['held_out'] - in_sample:+.4f}")
    out.mkdir(parents=True, exist_ok=True)
    (out / "tune.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    for c in collections:
        c.engine.close()


if __name__ == "__main__":
    main()
