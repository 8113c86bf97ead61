"""``artsearch check``: verify every file of the live index.

Exit status: 0 the index is sound; 1 it is damaged (each problem on its own line, then
the command that rebuilds it); 2 bad usage; 3 there is no index at DIR.
"""

from __future__ import annotations

import sys

import click

from .cli import index_option, load_config, plural
from .errors import IndexMissingError
from .store import IndexStore

EXIT_DAMAGED = 1
EXIT_NO_INDEX = 3


@click.command()
@index_option
@click.option("--quick", is_flag=True, help="Only compare file sizes and read the last document (what `serve` does).")
def check(index_dir, quick: bool):
    """Verify the index: file sizes and checksums, every posting list, stored document
    and column value.

    \b
    Exit status: 0 sound, 1 damaged, 2 bad usage, 3 no index.
    Example:
        artsearch check --index instance/index
    """
    config = load_config(index_dir=index_dir)
    store = IndexStore(config.index_dir)
    try:
        problems = store.check(thorough=not quick)
    except IndexMissingError as e:
        click.echo(f"Error: {e.get_message()} Build one with: artsearch reindex SOURCE --index {store.root}", err=True)
        sys.exit(EXIT_NO_INDEX)
    if not problems:
        current = store.current_path()
        meta = store.read_meta(current) if current is not None else {}
        click.echo(f"OK: the index at {store.root} is sound ({_articles(meta.get('documents'))}, "
                   f"build {store.current_name()}).")
        return
    for problem in problems:
        click.echo(f"Damaged: {problem}", err=True)
    click.echo(f"Error: {store.damaged(problems).message}", err=True)
    sys.exit(EXIT_DAMAGED)


def _articles(documents) -> str:
    return plural(documents, "article") if isinstance(documents, int) else "? articles"
