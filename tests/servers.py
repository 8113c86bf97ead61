"""Start a real ``artsearch serve`` process for tests: one helper for every suite."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_server(url: str, process: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"artsearch serve exited with {process.returncode}: {process.stderr.read()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.05)
    raise RuntimeError(f"artsearch serve did not answer {url} within {timeout:.0f} s")


@contextlib.contextmanager
def running_server(index_dir: Path, *, threads: int = 2, command: list[str] | None = None) -> Iterator[str]:
    """Run ``artsearch serve`` on a free port; yield its base URL (no trailing slash)."""
    with server_process(index_dir, threads=threads, command=command) as (base_url, _):
        yield base_url


@contextlib.contextmanager
def server_process(index_dir: Path, *, threads: int = 2, command: list[str] | None = None,
                   args: tuple[str, ...] = (), env: dict | None = None) -> Iterator[tuple[str, subprocess.Popen]]:
    """Run ``artsearch serve`` (plus ``args``, with ``env`` added to the environment) on a
    free port; yield its base URL and the process."""
    port = free_port()
    command = command or [sys.executable, "-m", "web.cli"]
    process = subprocess.Popen(
        [*command, "serve", "--index", str(index_dir), "--port", str(port), "--threads", str(threads), *args],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env={**os.environ, **(env or {})},
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(base_url + "/api/status", process)
        yield base_url, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stderr.close()
