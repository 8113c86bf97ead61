"""``artsearch serve``: the app under waitress, in one process or pre-forked workers."""

from __future__ import annotations

import errno
import logging
import os

import click

from index.cli import backend_options, backend_overrides, index_option, load_config, timeout_option
from index.config import cpu_count
from index.errors import ArtsearchError

# Searching is CPU-bound Python, so threads share one GIL: more threads than cores add
# switching and tail latency, not throughput (8 clients at 100k articles: 4 threads gave
# 43 req/s and p95 333 ms, 2 threads 50 req/s and p95 234 ms on 2 cores). Waitress does
# the network I/O in its own loop, so slow clients do not hold a thread. At least 2, so a
# slow query never blocks every other one. With several worker processes each has this
# many threads.
DEFAULT_THREADS = max(2, min(8, os.cpu_count() or 2))
# One waitress process per CPU: processes do not share a GIL (web/prefork.py).
DEFAULT_WORKERS = cpu_count()


@click.command()
@index_option
@backend_options
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8080, show_default=True, type=int, help="Port to listen on.")
@click.option("--threads", default=DEFAULT_THREADS, type=click.IntRange(1, 64),
              show_default=f"{DEFAULT_THREADS}: one per CPU, 2 to 8",
              help="Threads per worker process (each keeps its own searcher).")
@click.option("--workers", default=DEFAULT_WORKERS, type=click.IntRange(1, 64),
              show_default=f"{DEFAULT_WORKERS}: one per CPU",
              help="Server processes sharing the listening socket (1: serve in this process).")
@timeout_option
def serve(index_dir, backend, nodes, api_key_file, host, port, threads, workers, timeout):
    """Serve the search page and JSON API.

    \b
    Example:
        artsearch serve --index instance/index --port 8080 --workers 2
    """
    from waitress.adjustments import Adjustments
    from waitress.server import create_server

    from .app import create_app

    if not 1 <= port <= 65535:
        raise click.ClickException(f"Invalid --port {port}: a port is a number from 1 to 65535")
    config = load_config(index_dir=index_dir, timeout=timeout, **backend_overrides(backend, nodes, api_key_file))
    # Bind before anything else is said, so a bad address is the only line printed.
    # A request lookahead of 1 lets waitress keep reading the socket while a search runs,
    # so it notices a client that hangs up and the search stops (search/deadline.py).
    try:
        if workers == 1:
            app = create_app(config)
            server = create_server(app, host=host, port=port, threads=threads, ident="artsearch",
                                   channel_request_lookahead=1)
        else:
            from .prefork import bind_sockets
            sockets = bind_sockets(Adjustments(host=host, port=port).listen)
    except ValueError:  # waitress: the host does not resolve to an address
        raise click.ClickException(f"Cannot listen on --host {host}: not an address or a known host name") from None
    except OSError as e:
        hint = " (another program is using it; choose another --port)" if e.errno == errno.EADDRINUSE else ""
        raise click.ClickException(f"Cannot listen on {host}:{port}: {e.strerror or e}{hint}") from None
    # Open the index once to say at start-up what is wrong with it (the server still runs
    # and answers 503 naming the remedy). Workers open their own after the fork.
    checker = app.extensions["artsearch"] if workers == 1 else create_app(config).extensions["artsearch"]
    try:
        checker.check()
    except ArtsearchError as e:
        click.echo(f"Warning: {e.get_message()}", err=True)
    if workers > 1:
        # Built (and its templates compiled) once here, before any index is opened, so
        # every worker forks with the compiled templates and opens its own readers.
        app = create_app(config)
    compile_templates(app)
    if workers == 1:
        open_view(app)
    shown = f"[{host}]" if ":" in host else host  # an IPv6 address is bracketed in a URL
    processes = f"{workers} workers x {threads} threads" if workers > 1 else f"{threads} threads"
    served = config.index_dir if config.backend == "whoosh" else (
        f"Typesense collection {config.typesense_collection} on {', '.join(config.typesense_nodes)}")
    click.echo(f"Serving {served} on http://{shown}:{port}/ ({processes})", err=True)
    logging.basicConfig()  # waitress's own warnings (a full task queue) reach stderr
    if workers == 1:
        server.run()
        return
    checker.close()  # no reader is shared across the fork

    def work() -> None:
        open_view(app)
        child = create_server(app, sockets=sockets, threads=threads, ident="artsearch",
                              channel_request_lookahead=1)
        child.run()

    from .prefork import Supervisor
    code = Supervisor(work, workers).run()
    for sock in sockets:
        sock.close()
    if code:
        raise SystemExit(code)


def compile_templates(app) -> None:
    """Compile every template now: the first page otherwise compiles its templates (about
    half of the first request on FakeNewsNet). Jinja's own bytecode cache (a private
    directory per user under the temporary directory, keyed by each template's source)
    keeps the compiled code between starts: 0.70 s -> 0.02 s. A template that does not
    compile is left to fail where it is used, as before."""
    from jinja2 import FileSystemBytecodeCache, TemplateError

    env = app.jinja_env
    if env.bytecode_cache is None:
        try:
            env.bytecode_cache = FileSystemBytecodeCache()
        except (OSError, RuntimeError):  # no private temporary directory: compile each start
            pass
    for name in env.list_templates():
        try:
            env.get_template(name)
        except TemplateError:
            pass


def open_view(app) -> None:
    """Open the live build and its per-generation view (mapped warm-start arrays,
    index/warm.py) before the first request. An unusable index was reported at start-up
    and is answered with a 503 naming the remedy, as before."""
    from index.analysis import has_typography

    has_typography("\u00e9")  # its character class takes a scan of the Unicode planes
    engine = app.extensions["artsearch"]
    try:
        engine.warm_up()
    except ArtsearchError:
        pass
