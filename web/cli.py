"""The ``artsearch`` command: ``reindex``, ``search`` and ``serve``."""

from __future__ import annotations

import click

from index.check import check
from index.cli import reindex
from search.cli import search_command

from .serve import serve

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(package_name="artsearch")
def cli():
    """Full-text, faceted search for news-article corpora."""


cli.add_command(reindex)
cli.add_command(search_command)
cli.add_command(serve)
cli.add_command(check)


def main():
    cli(prog_name="artsearch")
if __name__ == "__main__":
    main()
