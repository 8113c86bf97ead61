"""A least-recently-used cache budgeted in bytes, with small canonical keys.

Keys are hashed to 16-byte digests of their ``repr``: a query's repr can be kilobytes,
and a cache that stores it once per entry grows by the size of the queries, not of the
results. Values are document sets, facet counts or short tuples; their size is
estimated from ``sys.getsizeof`` of the container plus its elements, which counts each
int object even when it is shared, so the estimate errs high and the bound holds.
"""

from __future__ import annotations

import hashlib
import sys
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable
from typing import Any

# A CPython int object beyond the small-int cache, as allocated (28 bytes rounded to 32).
_INT_BYTES = 32
_ENTRY_OVERHEAD = 200  # the OrderedDict slot and links plus the 16-byte key object


def canonical_key(key: Any) -> bytes:
    """A 16-byte digest naming ``key`` (a tuple of strings, numbers and query reprs)."""
    return hashlib.blake2b(repr(key).encode("utf-8", "surrogatepass"), digest_size=16).digest()


def estimate_bytes(value: Any) -> int:
    """Roughly the memory ``value`` holds: the container plus the objects in it."""
    size = sys.getsizeof(value)
    if isinstance(value, (set, frozenset, list)):
        return size + _INT_BYTES * len(value)
    if isinstance(value, (dict, Counter)):
        return size + 2 * _INT_BYTES * len(value)
    if isinstance(value, tuple):
        return size + sum(estimate_bytes(item) for item in value)
    return size


class ByteBudgetCache:
    """LRU cache that evicts the oldest entries once their estimated bytes pass a budget."""

    def __init__(self, budget_bytes: int):
        self.budget = budget_bytes
        self.bytes = 0
        self._entries: OrderedDict[bytes, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get_or_make(self, key: Any, make: Callable[[], Any]) -> Any:
        """Return the value cached under ``key``, computing and storing it on a miss.

        A value larger than the whole budget is returned but not kept.
        """
        digest = canonical_key(key)
        with self._lock:
            entry = self._entries.get(digest)
            if entry is not None:
                self._entries.move_to_end(digest)
                return entry[0]
        value = make()
        size = estimate_bytes(value) + _ENTRY_OVERHEAD
        if size > self.budget:
            return value
        with self._lock:
            if digest not in self._entries:
                self._entries[digest] = (value, size)
                self.bytes += size
            while self.bytes > self.budget and self._entries:
                _, (_, old_size) = self._entries.popitem(last=False)
                self.bytes -= old_size
        return value
