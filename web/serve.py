"""``artsearch serve``: the app under waitress."""

from __future__ import annotations

import dataclasses

import click

from index.cli import index_option
from index.config import Config
from index.errors import ArtsearchError


@click.command()
@index_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8080, show_default=True, type=int, help="Port to listen on.")
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64),
              help="Worker threads (each keeps its own searcher).")
def serve(index_dir, host, port, threads):
    """Serve the search page and JSON API.

    \b
    Example:
        artsearch serve --index instance/index --port 8080
    """
    import waitress

    from .app import create_app

    config = Config.from_env()
    if index_dir:
        config = dataclasses.replace(config, index_dir=index_dir)
    app = create_app(config)
    try:
        app.extensions["artsearch"].searcher()
    except ArtsearchError as e:
        click.echo(f"Warning: {e.get_message()}", err=True)
    click.echo(f"Serving {config.index_dir} on http://{host}:{port}/ ({threads} threads)", err=True)
    waitress.serve(app, host=host, port=port, threads=threads, ident="artsearch")
