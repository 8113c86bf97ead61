"""``artsearch reindex``: build or update the index from one or more sources."""

from __future__ import annotations

import dataclasses
import json
import sys
import tomllib
from pathlib import Path

import click

from .authors import DEFAULT_STOPLIST
from .config import DEFAULT_CORPUS, Config
from .corpus import source_size
from .dates import DateError, get_timezone
from .errors import ArtsearchError
from .indexer import build_index
from .normalise import FIELD_ALIASES, NormaliseOptions


def index_option(fn):
    """``--index DIR``, shared by every command (env: ARTSEARCH_INDEX)."""
    return click.option(
        "--index", "index_dir", type=click.Path(file_okay=False, path_type=Path),
        default=None, help="Index directory [default: $ARTSEARCH_INDEX or instance/index].",
    )(fn)


def parse_mappings(pairs) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        field, sep, column = pair.partition("=")
        field, column = field.strip(), column.strip()
        if not sep or not field or not column:
            raise click.BadParameter(f"expected FIELD=COLUMN, got {pair!r}", param_hint="--map")
        if field not in FIELD_ALIASES:
            raise click.BadParameter(
                f"unknown article field {field!r}; use one of {', '.join(FIELD_ALIASES)}", param_hint="--map")
        mapping[field] = column
    return mapping


def load_config_file(path: Path) -> dict:
    """Read a TOML or JSON file with optional keys ``map``, ``timezone``, ``author_stoplist``."""
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (OSError, ValueError) as e:
        raise click.ClickException(f"Cannot read config file {path}: {e}") from e
    if not isinstance(data, dict):
        raise click.ClickException(f"Config file {path} must hold a table/object")
    return data


@click.command()
@click.argument("sources", nargs=-1, type=str)
@index_option
@click.option("--full", is_flag=True, help="Build a fresh index beside the live one and swap it in.")
@click.option("--prune", is_flag=True, help="Remove articles whose ids are gone from the sources.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 32),
              help="Indexing processes.")
@click.option("--map", "mappings", multiple=True, metavar="FIELD=COLUMN",
              help="Read an article field from a named column, e.g. --map body=content.")
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="TOML/JSON file with map, timezone and author_stoplist settings.")
@click.option("--timezone", "tz_name", default=None, help="Zone for dates without one [default: UTC].")
@click.option("--author-stoplist", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="File of extra non-author names to drop, one per line.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a JSON report of the run (counts and every problem) here.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no per-record lines.")
def reindex(sources, index_dir, full, prune, workers, mappings, config_file, tz_name, author_stoplist,
            report_path, quiet):
    """Index SOURCES (default: the bundled corpus/) into the search index.

    SOURCES are JSON Lines, CSV or TSV files (optionally .gz), directories of .txt, .md
    or .html articles, or - for JSON Lines on stdin. Re-running updates only new and
    changed articles.

    \b
    Example:
        artsearch reindex ../shared/corpus/fakehealth-news.jsonl --report report.json
    """
    config = Config.from_env()
    if index_dir:
        config = dataclasses.replace(config, index_dir=index_dir)
    settings = load_config_file(config_file) if config_file else {}
    field_map = parse_mappings(f"{k}={v}" for k, v in (settings.get("map") or {}).items())
    field_map.update(parse_mappings(mappings))
    stoplist = set(DEFAULT_STOPLIST) | {s.casefold() for s in settings.get("author_stoplist") or []}
    if author_stoplist:
        stoplist |= {line.strip().casefold() for line in author_stoplist.read_text(encoding="utf-8").splitlines()
                     if line.strip() and not line.startswith("#")}
    try:
        tz = get_timezone(tz_name or settings.get("timezone"))
    except DateError as e:
        raise click.BadParameter(str(e), param_hint="--timezone") from None
    options = NormaliseOptions(field_map=field_map, default_tz=tz, author_stoplist=frozenset(stoplist))
    sources = list(sources) or [str(DEFAULT_CORPUS)]
    for source in sources:
        if source != "-" and not Path(source).exists():
            raise click.ClickException(f"Source not found: {source}")

    show_bar = not quiet and sys.stderr.isatty()
    total = sum(source_size(s) for s in sources)
    bar = click.progressbar(length=total or 1, label="Indexing", file=sys.stderr) if show_bar else None
    progress = (lambda record: bar.update(record.size)) if bar else None
    try:
        if bar:
            bar.__enter__()
        stats = build_index(sources, config.index_dir, full=full, prune=prune, workers=workers,
                            options=options, progress=progress)
    except ArtsearchError as e:
        raise click.ClickException(e.get_message()) from None
    except OSError as e:
        raise click.ClickException(f"Could not write the index at {config.index_dir}: {e}") from None
    finally:
        if bar:
            bar.__exit__(None, None, None)

    if report_path:
        report_path.write_text(json.dumps(stats.to_dict(), indent=2, ensure_ascii=False), encoding="utf-8")
    echo = click.echo
    if not quiet:
        for problem in stats.problems[:50]:
            echo(str(problem), err=True)
        if len(stats.problems) > 50:
            echo(f"... and {len(stats.problems) - 50} more problems"
                 + (f" (all in {report_path})" if report_path else " (use --report FILE to see all)"), err=True)
    mode = "full rebuild" if stats.full else "incremental update"
    echo(f"Index {stats.index_dir} ({mode}, build {stats.build}): {stats.total} articles.")
    echo(f"Read {stats.read}; added {stats.added}, updated {stats.updated}, unchanged {stats.unchanged}, "
         f"deleted {stats.deleted}; {stats.changed} changed.")
    kinds = ", ".join(f"{stats.count(k)} {k}" for k in ("skipped", "repaired", "warning", "duplicate"))
    echo(f"Problems: {kinds}.")
    echo(f"Took {stats.seconds:.2f} s: {stats.articles_per_second:,.0f} articles/s, "
         f"{stats.mb_per_second:.2f} MB/s of text.")
