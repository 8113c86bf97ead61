"""HTTP load: sequential latency and fixed-concurrency throughput over keep-alive connections."""

from __future__ import annotations

import http.client
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Sample:
    label: str
    seconds: float
    status: int
    size: int


@dataclass
class Client:
    """One keep-alive HTTP/1.1 connection that reconnects when the server closes it."""

    port: int
    conn: http.client.HTTPConnection | None = field(default=None, repr=False)

    def get(self, path: str) -> tuple[int, bytes]:
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self.conn.request("GET", path, headers={"Accept": "text/html"})
                response = self.conn.getresponse()
                body = response.read()
                if response.will_close:
                    self.close()
                return response.status, body
            except (http.client.HTTPException, ConnectionError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def timed(self, label: str, path: str) -> Sample:
        started = time.perf_counter()
        status, body = self.get(path)
        return Sample(label, time.perf_counter() - started, status, len(body))

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile with linear interpolation (numpy's default method)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarise(samples: list[Sample]) -> dict:
    ms = [s.seconds * 1000 for s in samples]
    return {
        "requests": len(samples),
        "errors": sum(1 for s in samples if s.status != 200),
        "p50_ms": percentile(ms, 50),
        "p95_ms": percentile(ms, 95),
        "p99_ms": percentile(ms, 99),
        "mean_ms": sum(ms) / len(ms) if ms else float("nan"),
        "mean_bytes": sum(s.size for s in samples) / len(samples) if samples else 0,
    }


def run_concurrent(port: int, jobs: list[tuple[str, str]], clients: int, seconds: float) -> tuple[list[Sample], float]:
    """Keep ``clients`` threads busy on ``jobs`` (round robin, staggered) for ``seconds``.

    Returns every completed sample and the wall time from start to the last response.
    """
    samples: list[list[Sample]] = [[] for _ in range(clients)]
    start_gate = threading.Barrier(clients + 1)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        client = Client(port)
        i = n * max(1, len(jobs) // clients)
        start_gate.wait()
        try:
            while time.perf_counter() < deadline:
                label, path = jobs[i % len(jobs)]
                samples[n].append(client.timed(label, path))
                i += 1
        except BaseException as e:  # noqa: BLE001 - reported to the caller below
            errors.append(e)
        finally:
            client.close()

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    started = time.perf_counter()
    deadline = started + seconds
    start_gate.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    return [s for per_client in samples for s in per_client], elapsed
