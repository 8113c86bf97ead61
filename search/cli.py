"""``artsearch search``: the web page's search, for terminals and scripts."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click
from werkzeug.datastructures import MultiDict

from index.analysis import script_of
from index.cli import (
    DAY,
    backend_options,
    backend_overrides,
    index_option,
    load_config,
    plural,
    timeout_option,
)
from index.errors import ArtsearchError

from .backend import open_backend
from .export import FORMATS, render
from .request import SearchRequest
from .teasers import plain_teaser


@click.command(name="search")
@click.argument("query", nargs=-1)
@index_option
@backend_options
@click.option("--author", multiple=True, help="Only this author (repeatable: any of them).")
@click.option("--outlet", multiple=True, help="Only this outlet (repeatable: any of them).")
@click.option("--year", multiple=True, help="Only this year (repeatable).")
@click.option("--language", multiple=True, help="Only articles in this language, an ISO code such as ru (repeatable).")
@click.option("--not-author", multiple=True, help="Leave out this author (repeatable).")
@click.option("--not-outlet", multiple=True, help="Leave out this outlet, e.g. a wire service (repeatable).")
@click.option("--not-year", multiple=True, help="Leave out this year (repeatable).")
@click.option("--not-language", multiple=True, help="Leave out articles in this language (repeatable).")
@click.option("--from", "date_from", type=DAY, help="Published on or after this day (UTC).")
@click.option("--to", "date_to", type=DAY, help="Published on or before this day (UTC).")
@click.option("--sort", type=click.Choice(["relevance", "newest", "oldest"]), help="Result order.")
@click.option("--page", default=1, show_default=True, type=click.IntRange(min=1), help="Result page.")
@click.option("--per-page", default=None, type=click.IntRange(min=1), help="Results per page (max 100).")
@click.option("--cluster", default=None, metavar="ID",
              help="Only the copies of one story (the id printed after \"all copies:\").")
@click.option("--every-copy", is_flag=True,
              help="List every copy of a story, not one result per story.")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON API's answer (same as --format json).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv", "jsonl"]), default=None,
              help="Output: text (default), the JSON API's answer, or an export as CSV or JSON Lines.")
@click.option("--all", "every", is_flag=True,
              help="With --format csv or jsonl: every match, not one page (streamed).")
@click.option("--body", "with_body", is_flag=True,
              help="With --format csv or jsonl: add each article's whole text (a body column).")
@timeout_option
def search_command(query, index_dir: Path | None, backend, nodes, api_key_file, author, outlet, year, language, not_author, not_outlet, not_year,
                   not_language, date_from, date_to, sort, page, per_page, cluster, every_copy, as_json, fmt, every, with_body,
                   timeout):
    """Search the index from the command line.

    \b
    Example:
        artsearch search '"breast cancer" screening' --outlet reuters.com --from 2016-01-01
        artsearch search vaccine --outlet reuters.com --format csv --all > vaccine.csv
    """
    fmt = fmt or ("json" if as_json else "text")
    if as_json and fmt != "json":
        raise click.UsageError("--json and --format " + fmt + " contradict each other")
    if every and fmt not in FORMATS:
        raise click.UsageError("--all exports every match; use it with --format csv or --format jsonl")
    if with_body and fmt not in FORMATS:
        raise click.UsageError("--body adds the text to an export; use it with --format csv or --format jsonl")
    config = load_config(index_dir=index_dir, timeout=timeout, **backend_overrides(backend, nodes, api_key_file))
    args = MultiDict([("q", " ".join(query))])
    args.setlist("author", author)
    args.setlist("outlet", outlet)
    args.setlist("year", year)
    args.setlist("language", language)
    args.setlist("-language", not_language)
    args.setlist("-author", not_author)
    args.setlist("-outlet", not_outlet)
    args.setlist("-year", not_year)
    for key, value in (("from", date_from), ("to", date_to), ("sort", sort), ("page", page),
                       ("per_page", per_page), ("cluster", cluster), ("collapse", "0" if every_copy else None)):
        if value:
            args[key] = str(value)
    try:
        request = SearchRequest.from_args(args, config)
        engine = open_backend(config)
        if "cyrillic" in script_of(request.q):
            # The Ukrainian dictionary (index/analysis.py), loaded before the search's
            # budget starts, as a server loads it at start-up (WhooshBackend.check).
            engine.check()
        if fmt in FORMATS:
            export = engine.export(request, every=every, body=with_body)
        else:
            result = engine.search(request)
            searched = _index_line(config, index_dir, engine.status()["documents"])
    except ArtsearchError as e:
        raise click.ClickException(e.get_message()) from None
    # `artsearch search ... | head` closes the pipe early: that is the reader's choice,
    # not an error, so stop writing and exit 0 quietly.
    try:
        if fmt in FORMATS:
            # Chunk by chunk: an export of every match is never held in memory.
            for chunk in render(export, fmt):
                sys.stdout.write(chunk)
        elif fmt == "json":
            click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        else:
            _print_result(result, searched)
        sys.stdout.flush()
    except BrokenPipeError:
        # Python flushes stdout again at exit; point it at /dev/null so that is quiet too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _index_line(config, given: Path | None, documents: int) -> str:
    """Which index was searched and how big it is: "0 results" means little without it
    (with no --index, the bundled corpus's instance/index is searched)."""
    if config.backend != "whoosh":
        return f"{config.backend} collection {config.typesense_collection}, {plural(documents, 'article')}"
    path = config.index_dir
    if given is not None:
        origin = ""
    elif os.environ.get("ARTSEARCH_INDEX") or os.environ.get("ARTSEARCH_INDEX_DIR"):
        origin = " (from ARTSEARCH_INDEX)"
    else:
        origin = " (the default; --index DIR for another)"
    return f"index {path}{origin}, {plural(documents, 'article')}"


def _print_result(result, searched: str) -> None:
    for note in result.notes:
        click.echo(f"Note: {note}")
    if result.suggestion:
        click.echo(f"Did you mean: {result.suggestion_label}")
    count = plural(result.total, "result")
    if result.collapsed and result.stories is not None and result.stories != result.total:
        # Copies are folded into one result per story: say so, as the web page does.
        count = f"{plural(result.total, 'article')} in {result.stories:,} {'story' if result.stories == 1 else 'stories'}"
    click.echo(f"{count} ({result.took_ms:.0f} ms), page {result.page:,} of {result.pages:,} · {searched}")
    if result.past_end:
        click.echo(f"{result.past_end_note()} (--page {result.pages:,})")
    for n, hit in enumerate(result.hits, start=result.first):
        date = _date_text(hit)
        parts = [hit.outlet, date, ", ".join(hit.authors), f"id {hit.id}"]
        click.echo(f"\n{n}. {hit.title or '(untitled)'}")
        click.echo("   " + " · ".join(p for p in parts if p))
        if hit.cluster:
            click.echo("   " + _copies_line(hit))
        click.echo("   " + _plain(hit.teaser_html)[:300])


def _copies_line(hit) -> str:
    """The web hit's "also in N outlets · first seen" line, with the --cluster id to list them."""
    c = hit.cluster
    if c.other_outlets:
        also = f"also in {plural(c.other_outlets, 'outlet')}"
    else:
        also = f"{c.size - 1:,} more {'copy' if c.size == 2 else 'copies'} in the same outlet"
    if c.first.id == hit.id:
        first = "first seen here"
    else:
        day = c.first.published.date().isoformat() if c.first.published else "undated"
        first = f"first seen: {c.first.outlet or '(no outlet)'}, {day} (id {c.first.id})"
    return f"{also} · {first} · all {c.size:,} copies: --cluster {c.id}"


def _plain(teaser_html: str) -> str:
    """Terminal rendering of a teaser on one line: marks become *word*."""
    return plain_teaser(teaser_html, "*")


def _date_text(hit) -> str:
    """The hit's day, marked when read from the body; an upper bound says so."""
    if hit.published:
        return hit.published.date().isoformat() + (" (from the body)" if hit.date_kind == "body" else "")
    if hit.date_bound:
        return f"undated (on or before {hit.date_bound.date().isoformat()})"
    return "undated"
