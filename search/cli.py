"""``artsearch search``: the web page's search, for terminals and scripts."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import click
from werkzeug.datastructures import MultiDict

from index.cli import index_option
from index.config import Config
from index.errors import ArtsearchError

from .engine import SearchEngine
from .request import SearchRequest


@click.command(name="search")
@click.argument("query", nargs=-1)
@index_option
@click.option("--author", multiple=True, help="Only this author (repeatable: any of them).")
@click.option("--outlet", multiple=True, help="Only this outlet (repeatable: any of them).")
@click.option("--year", multiple=True, help="Only this year (repeatable).")
@click.option("--from", "date_from", help="Published on or after YYYY-MM-DD (UTC).")
@click.option("--to", "date_to", help="Published on or before YYYY-MM-DD (UTC).")
@click.option("--sort", type=click.Choice(["relevance", "newest", "oldest"]), help="Result order.")
@click.option("--page", default="1", show_default=True, help="Result page.")
@click.option("--per-page", default=None, help="Results per page (max 100).")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON API's answer.")
def search_command(query, index_dir: Path | None, author, outlet, year, date_from, date_to, sort, page,
                   per_page, as_json):
    """Search the index from the command line.

    \b
    Example:
        artsearch search '"breast cancer" screening' --outlet reuters.com --from 2016-01-01
    """
    config = Config.from_env()
    if index_dir:
        config = dataclasses.replace(config, index_dir=index_dir)
    args = MultiDict([("q", " ".join(query))])
    args.setlist("author", author)
    args.setlist("outlet", outlet)
    args.setlist("year", year)
    for key, value in (("from", date_from), ("to", date_to), ("sort", sort), ("page", page),
                       ("per_page", per_page)):
        if value:
            args[key] = value
    try:
        request = SearchRequest.from_args(args, config)
        result = SearchEngine(config).search(request)
    except ArtsearchError as e:
        raise click.ClickException(e.get_message()) from None
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return
    for note in result.notes:
        click.echo(f"Note: {note}")
    if result.suggestion:
        click.echo(f"Did you mean: {result.suggestion}")
    click.echo(f"{result.total} results ({result.took_ms:.0f} ms), page {result.page} of {result.pages}")
    for n, hit in enumerate(result.hits, start=result.first):
        date = hit.published.date().isoformat() if hit.published else "undated"
        byline = ", ".join(hit.authors)
        click.echo(f"\n{n}. {hit.title or '(untitled)'}")
        click.echo(f"   {hit.outlet} · {date}" + (f" · {byline}" if byline else "") + f" · id {hit.id}")
        click.echo("   " + _plain(hit.teaser_html).replace("\n", " ")[:300])


def _plain(teaser_html: str) -> str:
    """Terminal rendering of a teaser: marks become *word*, entities are decoded."""
    import html

    return html.unescape(teaser_html.replace("<mark>", "*").replace("</mark>", "*"))
