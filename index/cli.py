"""``artsearch reindex``: build or update the index from one or more sources."""

from __future__ import annotations

import dataclasses
import json
import sys
import tomllib
from datetime import date
from pathlib import Path

import click

from .aliases import AliasError, AliasTable, make_aliases
from .authors import DEFAULT_STOPLIST, NON_NAME_WORDS, read_stoplist
from .clusters import MIN_STORY_SHINGLES
from .codec import CODEC_ENV, CODECS, codec_choice
from .config import BACKENDS, DEFAULT_CORPUS, Config, cpu_count
from .corpus import check_source, source_size
from .dates import DateError, get_timezone
from .errors import ArtsearchError
from .indexer import IndexStats, NothingToIndexError, build_index
from .normalise import DATE_OUTCOMES, DATE_REASONS, FIELD_ALIASES, NormaliseOptions
from .progress import ReindexProgress

# Below this much input, forking writer processes costs more than it saves.
SMALL_SOURCES_MB = 2

CONFIG_KEYS = {"map", "timezone", "author_stoplist", "author_stoplist_file", "detect_language",
               "aliases", "aliases_file", "default_aliases"}


def timeout_option(fn):
    """``--timeout SECONDS``: the time budget of one search (env: ARTSEARCH_TIMEOUT)."""
    return click.option(
        "--timeout", type=click.FloatRange(0, 3600, min_open=True), default=None,
        help="Seconds one search may take [default: $ARTSEARCH_TIMEOUT or 2].",
    )(fn)


def load_config(**overrides) -> Config:
    """The config from ``ARTSEARCH_*`` variables and CLI flags; a bad value is one Error line."""
    try:
        return Config.from_env(**overrides)
    except ValueError as e:
        raise click.ClickException(str(e)) from None


def index_option(fn):
    """``--index DIR``, shared by every command (env: ARTSEARCH_INDEX)."""
    return click.option(
        # Not click.Path(file_okay=False): its usage error is three lines; each command
        # reports a bad index path itself, in one line.
        "--index", "index_dir", type=click.Path(path_type=Path),
        default=None, help="Index directory [default: $ARTSEARCH_INDEX or instance/index].",
    )(fn)


def backend_options(fn):
    """``--backend``, ``--nodes`` and ``--api-key-file``: where articles are searched
    (env: ARTSEARCH_BACKEND, ARTSEARCH_TYPESENSE_NODES, ARTSEARCH_TYPESENSE_API_KEY_FILE)."""
    fn = click.option("--api-key-file", "api_key_file", type=click.Path(path_type=Path), default=None,
                      help="File holding the Typesense API key (never given on the command line) "
                           "[default: $ARTSEARCH_TYPESENSE_API_KEY_FILE].")(fn)
    fn = click.option("--nodes", default=None, metavar="URL,URL,...",
                      help="The Typesense cluster's nodes, e.g. http://h1:8108,http://h2:8108 "
                           "[default: $ARTSEARCH_TYPESENSE_NODES].")(fn)
    return click.option("--backend", type=click.Choice(BACKENDS), default=None,
                        help="whoosh: the index directory (no server); typesense: a Typesense cluster "
                             "[default: $ARTSEARCH_BACKEND or whoosh].")(fn)


def backend_overrides(backend, nodes, api_key_file) -> dict:
    """The backend flags as ``Config`` overrides (None: not given)."""
    return {"backend": backend, "typesense_nodes": nodes, "typesense_api_key_file": api_key_file}


def plural(count: int, noun: str) -> str:
    """Return "1 article", "2 articles", "1,234 articles"."""
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


class DayType(click.ParamType):
    """A calendar day written YYYY-MM-DD, with a one-line error naming the format."""

    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx):
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"expected a date as YYYY-MM-DD, got {value!r}", param, ctx)


DAY = DayType()


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
    """Read a TOML or JSON settings file (keys: ``CONFIG_KEYS``; see docs/reindexing.md)."""
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (OSError, ValueError) as e:
        raise click.ClickException(f"Cannot read config file {path}: {_one_line(e)}") from None
    if not isinstance(data, dict):
        raise click.ClickException(f"Config file {path} must hold a table/object")
    unknown = set(data) - CONFIG_KEYS
    if unknown:
        raise click.ClickException(
            f"Config file {path}: unknown key(s) {', '.join(sorted(unknown))}; "
            f"expected {', '.join(sorted(CONFIG_KEYS))}")
    if not isinstance(data.get("map", {}), dict):
        raise click.ClickException(f"Config file {path}: 'map' must be a table of FIELD = \"column\"")
    return data


def read_stoplist_file(path: Path) -> tuple[frozenset, frozenset]:
    try:
        return read_stoplist(path.read_text(encoding="utf-8", errors="replace"))
    except OSError as e:
        raise click.ClickException(f"Cannot read author stoplist {path}: {e.strerror}") from None


def load_aliases(settings: dict, aliases_file: Path | None, no_defaults: bool) -> AliasTable:
    """The alias table: built-in outlets, then the config's file and table, then --aliases."""
    sources = [s for s in (settings.get("aliases_file"), settings.get("aliases"), aliases_file) if s is not None]
    defaults = not no_defaults and settings.get("default_aliases", True) is not False
    try:
        return make_aliases(sources, defaults=defaults)
    except AliasError as e:
        raise click.ClickException(e.get_message()) from None


def _clip(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to about ``limit`` characters, with "…" if cut."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"


def _one_line(error) -> str:
    return " ".join(str(error).split())


def write_report(path: Path | None, stats: IndexStats, error: str | None = None) -> None:
    if not path:
        return
    data = stats.to_dict()
    data["ok"] = error is None
    data["error"] = error
    try:
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    except OSError as e:
        raise click.ClickException(f"Cannot write the report {path}: {e.strerror}") from None


@click.command()
@click.argument("sources", nargs=-1, type=str)
@index_option
@click.option("--full", is_flag=True, help="Build a fresh index beside the live one and swap it in.")
@click.option("--prune", is_flag=True, help="Remove articles whose ids are gone from the sources.")
@click.option("--workers", default=None, type=click.IntRange(1, 32),
              show_default=f"{cpu_count()}: one per CPU; 1 for sources under {SMALL_SOURCES_MB} MB",
              help="Indexing processes (a full build prepares and writes articles in this many).")
@click.option("--codec", type=click.Choice(CODECS), default=None,
              help="Postings codec: whoosh (Whoosh's own) or artsearch (arrays, index/codec.py) "
                   "[default: $ARTSEARCH_CODEC, else artsearch; an update keeps the index's].")
@click.option("--map", "mappings", multiple=True, metavar="FIELD=COLUMN",
              help="Read an article field from a named column, e.g. --map body=content.")
@click.option("--config", "config_file", type=click.Path(path_type=Path),
              help="TOML/JSON file with map, timezone and author_stoplist settings.")
@click.option("--timezone", "tz_name", default=None, help="Zone for dates without one [default: UTC].")
@click.option("--author-stoplist", type=click.Path(path_type=Path),
              help="File of extra non-author names (one per line; ~word drops names containing it).")
@click.option("--aliases", "aliases_file", type=click.Path(path_type=Path),
              help="TOML file of name variants to merge: [outlet] and [author] tables (docs/reindexing.md).")
@click.option("--no-default-aliases", is_flag=True,
              help="Do not apply the built-in outlet table (Reuters, REUTERS, uk.reuters.com -> reuters.com).")
@click.option("--no-detect-language", is_flag=True,
              help="Do not guess the language of records without a language field.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a JSON report of the run (counts and every problem) here.")
@click.option("-q", "--quiet", is_flag=True, help="No progress lines and no per-record lines.")
@backend_options
def reindex(sources, index_dir, full, prune, workers, codec, mappings, config_file, tz_name, author_stoplist,
            aliases_file, no_default_aliases, no_detect_language, report_path, quiet, backend, nodes, api_key_file):
    """Index SOURCES (default: the bundled corpus/) into the search index.

    SOURCES are JSON Lines, CSV or TSV files (optionally .gz), directories of .txt, .md
    or .html articles, or - for JSON Lines on stdin. Re-running updates only new and
    changed articles; --full rebuilds beside the live index and swaps it in atomically.
    Exit status 0 means every record was indexed or skipped for a reported reason.

    \b
    Example:
        artsearch reindex ../shared/corpus/fakehealth-news.jsonl --report report.json
        artsearch reindex articles.csv --map body=content --map outlet=publication
        artsearch reindex corpus --backend typesense --nodes http://h1:8108,http://h2:8108 --api-key-file key

    With --backend typesense the index directory is built as usual (the same records,
    report, aliases and copies) and then written into the cluster's collection.
    """
    config = load_config(**backend_overrides(backend, nodes, api_key_file))
    if index_dir:
        config = dataclasses.replace(config, index_dir=index_dir)
    if config.backend == "typesense":
        # Before reading a single record: an unreadable key file is one line, not a
        # rebuilt index that could not be sent.
        from search.typesense_backend import read_key
        try:
            read_key(config)
        except ArtsearchError as e:
            raise click.ClickException(e.get_message()) from None
    if config.index_dir.exists() and not config.index_dir.is_dir():
        raise click.ClickException(f"Cannot write the index at {config.index_dir}: it is a file, not a directory")
    if config_file and not config_file.is_file():
        raise click.ClickException(f"Config file not found: {config_file}")
    settings = load_config_file(config_file) if config_file else {}
    try:
        field_map = parse_mappings(f"{k}={v}" for k, v in (settings.get("map") or {}).items())
        field_map.update(parse_mappings(mappings))
    except click.BadParameter as e:
        raise click.ClickException(f"Invalid --map: {e.message}") from None
    stop_names = set(DEFAULT_STOPLIST) | {" ".join(str(s).split()).casefold()
                                          for s in settings.get("author_stoplist") or []}
    stop_words = set(NON_NAME_WORDS)
    stoplist_files = [Path(p) for p in [settings.get("author_stoplist_file"), author_stoplist] if p]
    for path in stoplist_files:
        if not path.is_file():
            raise click.ClickException(f"Author stoplist not found: {path}")
        names, words = read_stoplist_file(path)
        stop_names |= names
        stop_words |= words
    try:
        tz = get_timezone(tz_name or settings.get("timezone"))
    except DateError as e:
        raise click.ClickException(f"Invalid --timezone: {e}") from None
    options = NormaliseOptions(
        field_map=field_map, default_tz=tz, author_stoplist=frozenset(stop_names),
        author_stopwords=frozenset(stop_words),
        detect_language=not no_detect_language and settings.get("detect_language", True) is not False,
        aliases=load_aliases(settings, aliases_file, no_default_aliases),
    )
    sources = list(sources) or [str(DEFAULT_CORPUS)]
    if sources.count("-") > 1:
        raise click.ClickException("Standard input (-) can be read only once")
    for source in sources:
        try:
            check_source(source)
        except ArtsearchError as e:
            raise click.ClickException(e.get_message()) from None

    try:
        codec_choice(codec)  # a bad $ARTSEARCH_CODEC is an error before anything is read
    except ValueError as e:
        raise click.ClickException(f"{e} in ${CODEC_ENV}") from None
    total = sum(source_size(s) for s in sources)
    if workers is None:
        workers = 1 if total < SMALL_SOURCES_MB * 1e6 and "-" not in sources else cpu_count()
    # Progress on stderr whether or not it is a terminal (a log gets a line every few
    # seconds), through the reading and the commit.
    progress = None if quiet else ReindexProgress(total, sys.stderr, tty=sys.stderr.isatty())
    try:
        if progress:
            progress.__enter__()
        stats = build_index(sources, config.index_dir, full=full, prune=prune, workers=workers,
                            options=options, progress=progress.record if progress else None,
                            on_commit=progress.committing if progress else None, codec=codec)
    except NothingToIndexError as e:
        write_report(report_path, e.stats, e.get_message())
        raise click.ClickException(_one_line(e.get_message())) from None
    except ArtsearchError as e:
        raise click.ClickException(_one_line(e.get_message())) from None
    except OSError as e:
        reason = e.strerror or str(e)
        raise click.ClickException(f"Cannot write the index at {config.index_dir}: {reason}") from None
    finally:
        if progress:
            progress.__exit__(None, None, None)

    write_report(report_path, stats)
    echo = click.echo
    if not quiet:
        for problem in stats.problems[:50]:
            echo(str(problem), err=True)
        if len(stats.problems) > 50:
            echo(f"... and {plural(len(stats.problems) - 50, 'more problem')}"
                 + (f" (all in {report_path})" if report_path else " (use --report FILE to see all)"), err=True)
    mode = "full rebuild" if stats.full else "incremental update"
    echo(f"Index {stats.index_dir} ({mode}, build {stats.build}): {plural(stats.total, 'article')}.")
    echo(f"Read {stats.read:,}; added {stats.added:,}, updated {stats.updated:,}, unchanged {stats.unchanged:,}, "
         f"deleted {stats.deleted:,}; {stats.changed:,} changed.")
    kinds = ", ".join([f"{stats.count('skipped'):,} skipped", f"{stats.count('repaired'):,} repaired",
                       plural(stats.count("warning"), "warning"), plural(stats.count("duplicate"), "duplicate")])
    echo(f"Problems: {kinds}.")
    if stats.count("language"):
        guesses = stats.count("language")
        echo(f"Languages: {guesses:,} {'guess' if guesses == 1 else 'guesses'} made with low confidence "
             "(listed above as 'language'; a record's language field overrides the guess).")
    merged = [(f, stats.aliases[f]) for f in ("outlet", "author") if stats.aliases.get(f, {}).get("values_merged")]
    if merged:
        echo("Aliases: " + "; ".join(
            f"{plural(r['values_merged'], f'{f} value')} merged into {plural(r['into'], 'name')} "
            f"({plural(r['articles'], 'article')})" for f, r in merged) + ".")
    else:
        echo("Aliases: no values merged.")
    echo(dates_line(stats.dates))
    if stats.title_only:
        echo(f"Title only: {plural(stats.title_only, 'article')} with no body text, indexed by the title.")
    if stats.sidebar_authors:
        by_outlet: dict[str, list[dict]] = {}
        for entry in stats.sidebar_authors:
            by_outlet.setdefault(entry["outlet"], []).append(entry)
        shown = "; ".join(
            f"{outlet}: " + ", ".join(f"{e['name']} {e['articles']:,} of {e['outlet_articles']:,}" for e in names[:2])
            + (f" and {len(names) - 2:,} more" if len(names) > 2 else "")
            for outlet, names in list(by_outlet.items())[:3])
        echo(f"Sidebar names? {plural(len(stats.sidebar_authors), 'author name')} in {plural(len(by_outlet), 'outlet')} "
             f"on a large share of the outlet's articles, always with the same other names ({shown}"
             f"{'; …' if len(by_outlet) > 3 else ''}). If they are page furniture, "
             "list them in an --author-stoplist file" + (f" (all in {report_path})." if report_path else "."))
    echo(f"Copies: {stats.clustered:,} articles in {stats.clusters:,} "
         f"{'story' if stats.clusters == 1 else 'stories'} with copies; "
         f"{stats.signatures_computed:,} new {'signature' if stats.signatures_computed == 1 else 'signatures'}.")
    junk = stats.boilerplate
    if junk.get("bodies"):
        top = junk["examples"][0]
        bodies = f"{junk['bodies']:,} boilerplate {'body' if junk['bodies'] == 1 else 'bodies'}"
        echo(f"Crawl junk: {plural(junk['articles'], 'article')} share {bodies} "
             "(never copies of one story); largest: "
             f"\"{_clip(top['body'], 60)}\" on {plural(top['articles'], 'article')} "
             f"({top['outlet']}, {plural(top['titles'], 'title')}).")
    if junk.get("short_copies"):
        echo(f"Too short to be copies: {plural(junk['short_copies'], 'article')} share a body "
             f"of under {MIN_STORY_SHINGLES} shingles.")
    echo(f"Took {stats.seconds:.2f} s: {stats.articles_per_second:,.0f} articles/s, "
         f"{stats.mb_per_second:.2f} MB/s of text.")
    if config.backend == "typesense":
        from .typesense_writer import sync
        try:
            synced = sync(config.index_dir, config, full=full, progress=None if quiet else (
                lambda done: click.echo(f"Typesense: {done.documents:,} of {stats.total:,} articles read, "
                                        f"{done.upserted:,} written, {done.unchanged:,} unchanged", err=True)))
        except ArtsearchError as e:
            raise click.ClickException(_one_line(e.get_message())) from None
        echo(synced.line())


def dates_line(dates: dict) -> str:
    """The report's line on dates: where they came from, and why a record's own was not used."""
    kinds = dates["kinds"]
    line = (f"Dates: {kinds['stated']:,} stated, {kinds['body']:,} read from the body's dateline, "
            f"{kinds['bound']:,} only an upper bound (archive snapshot), {kinds['none']:,} none.")
    reasons = [(DATE_REASONS[r], dates["reasons"][r]) for r in DATE_REASONS if r in dates["reasons"]]
    if reasons:
        line += " Records " + "; ".join(
            f"{why}: {sum(out.values()):,} ("
            + ", ".join(f"{n:,} {DATE_OUTCOMES['' if k == 'none' else k]}" for k, n in out.items() if n) + ")"
            for why, out in reasons) + "."
    return line
