"""``artsearch serve --workers N``: N waitress processes over one listening socket.

The parent binds the socket(s), forks the workers and then only supervises: each child
builds its own app (its own ``SearchEngine``, readers and per-generation views) and runs
waitress on the inherited socket, so the kernel hands each new connection to whichever
worker accepts it first. Every worker checks ``CURRENT`` before each request (as a single
process does), so a ``reindex --full`` swap reaches all of them without a restart.

SIGTERM or Ctrl-C (SIGINT) to the parent stops every worker; a worker that dies is
reported on stderr and replaced. Workers ask Linux to kill them if the parent dies
(PR_SET_PDEATHSIG), so a SIGKILLed parent leaves no orphan holding the port.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import time
import traceback
from collections.abc import Callable
from typing import TextIO

from index.indexer import die_with_parent

# A worker that dies this soon after it started, this many times in a row, is not
# restarted again: something is wrong with every start (the index, memory), not one request.
QUICK_DEATH_SECONDS = 2.0
QUICK_DEATHS = 5
STOP_SECONDS = 10.0
BACKLOG = 1024


def bind_sockets(listen: list) -> list[socket.socket]:
    """Bound, listening sockets for waitress's resolved ``Adjustments.listen`` entries."""
    sockets = []
    try:
        for family, socktype, proto, address in listen:
            sock = socket.socket(family, socktype, proto)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            sock.bind(address)
            sock.listen(BACKLOG)
            sock.setblocking(False)
    except OSError:
        for sock in sockets:
            sock.close()
        raise
    return sockets


STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}
WATCHED = STOP_SIGNALS | {signal.SIGCHLD}


class Supervisor:
    """Fork ``count`` workers running ``work()`` and keep that many alive until stopped.

    The parent blocks SIGTERM, SIGINT and SIGCHLD and takes them one at a time with
    ``sigwaitinfo``: no Python signal handler runs at an awkward moment (one raising
    inside ``os.fork``'s after-fork hooks is swallowed), and a signal that arrives while a
    worker is being forked waits, pending, until the loop asks for it.
    """

    def __init__(self, work: Callable[[], None], count: int, err: TextIO = sys.stderr):
        self.work = work
        self.count = count
        self.err = err
        self.children: dict[int, float] = {}  # pid -> start time
        self.quick_deaths = 0

    def _say(self, text: str) -> None:
        print(text, file=self.err, flush=True)

    def _fork(self) -> int:
        self.err.flush()
        pid = os.fork()
        if pid == 0:  # the worker
            code = 0
            try:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                signal.signal(signal.SIGINT, signal.default_int_handler)
                signal.pthread_sigmask(signal.SIG_UNBLOCK, WATCHED)
                die_with_parent()
                self.work()
            except KeyboardInterrupt:
                pass
            except BaseException:  # noqa: BLE001 -- reported, then the parent replaces us
                traceback.print_exc()
                code = 1
            finally:
                os._exit(code)
        self.children[pid] = time.monotonic()
        return pid

    def run(self) -> int:
        """Supervise until SIGTERM/SIGINT (exit status 0) or repeated quick deaths (1)."""
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, WATCHED)
        try:
            for _ in range(self.count):
                self._fork()
            while True:
                info = signal.sigwaitinfo(WATCHED)
                if info.si_signo in STOP_SIGNALS:
                    return 0
                if self._reap():
                    return 1
        finally:
            self.stop_children()
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)

    def _reap(self) -> bool:
        """Replace every worker that has exited; True when they keep dying at start."""
        while self.children:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                return False
            started = self.children.pop(pid, None)
            if started is None:
                continue
            how = (f"was killed by signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status)
                   else f"exited with status {os.WEXITSTATUS(status)}")
            quick = time.monotonic() - started < QUICK_DEATH_SECONDS
            self.quick_deaths = self.quick_deaths + 1 if quick else 0
            if self.quick_deaths >= QUICK_DEATHS:
                self._say(f"Error: worker {pid} {how}; {QUICK_DEATHS} workers in a row died within "
                          f"{QUICK_DEATH_SECONDS:.0f} s of starting, so the server stops.")
                return True
            new = self._fork()
            self._say(f"Worker {pid} {how}; started worker {new} in its place.")
        return False

    def stop_children(self) -> None:
        """SIGTERM every worker, then SIGKILL those still running after ``STOP_SECONDS``."""
        for pid in list(self.children):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + STOP_SECONDS
        while self.children and time.monotonic() < deadline:
            for pid in list(self.children):
                try:
                    done, _ = os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:
                    done = pid
                if done:
                    self.children.pop(pid, None)
            time.sleep(0.02)
        for pid in list(self.children):
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            self.children.pop(pid, None)
