"""One side of ``python -m bench.oldnew``: serve search pages through the Flask test client.

Run as a script with the side's code first on ``PYTHONPATH`` (an old commit's tree or
the working tree), so it imports only what every version has: ``web.app.create_app``
and ``index.config.Config``. It reads one JSON command per line on stdin and answers
one JSON line on stdout:

- ``{"cmd": "fresh"}``: what a new index generation brings, opened by one throw-away
  search that is not in the mix: the engine forgets its per-generation views (with their
  caches) and its thread's searcher, so readers are opened anew. The app, its compiled
  templates and the process-wide analyzer memo live on, as they do in a server;
- ``{"cmd": "get", "url": ...}``: time one request; answer its milliseconds, status,
  size and a digest of the page with its own timing removed;
- ``{"cmd": "profile", "urls": [...], "path": ...}``: a fresh app, then every URL once
  cold and once warm under cProfile, the statistics written to ``path.cold`` and
  ``path.warm``.
"""

from __future__ import annotations

import cProfile
import hashlib
import json
import re
import sys
import threading
import time

from index.config import Config
from web.app import create_app

# The page states how long its search took; two runs of one page differ only there.
_TOOK = re.compile(rb'<span class="took">\([^)]*\)</span>')
WARM_UP = "/?q=zzqxwarmup"


def fresh(index_dir: str, client=None):
    """A client on an engine as after a new index generation (see the module docstring)."""
    if client is None:
        client = create_app(Config(index_dir=index_dir)).test_client()
    else:
        # Private names, but present in every version compared: the per-generation views
        # and the per-thread searcher (the test client serves in this thread).
        engine = client.application.extensions["artsearch"]
        engine._views = {}
        engine._local = threading.local()
    client.get(WARM_UP)
    return client


def main() -> None:
    index_dir = sys.argv[1]
    client = None
    for line in sys.stdin:
        command = json.loads(line)
        if command["cmd"] == "fresh":
            client = fresh(index_dir, client)
            answer: dict = {"ok": True}
        elif command["cmd"] == "get":
            assert client is not None, "send 'fresh' first"
            started = time.perf_counter()
            response = client.get(command["url"])
            body = response.get_data()
            ms = (time.perf_counter() - started) * 1000
            answer = {"ms": ms, "status": response.status_code, "bytes": len(body),
                      "digest": hashlib.blake2b(_TOOK.sub(b"", body), digest_size=8).hexdigest()}
        elif command["cmd"] == "profile":
            client = fresh(index_dir, client)
            for phase in ("cold", "warm"):
                profiler = cProfile.Profile()
                profiler.enable()
                for url in command["urls"]:
                    client.get(url)
                profiler.disable()
                profiler.dump_stats(f"{command['path']}.{phase}")
            answer = {"ok": True}
        else:
            answer = {"error": f"unknown command {command['cmd']!r}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
