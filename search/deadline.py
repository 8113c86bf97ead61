"""A time budget per request, checked inside the loops where a search spends its time.

Whoosh's ``TimeLimitCollector`` stops a search with SIGALRM, which only the main thread
can receive; under waitress every search runs in a worker thread. So the budget is a
plain deadline object that the loops poll: term expansion, the per-segment matching
loop, the scoring collector (search/topk.py), facet counting, teasers and "Did you mean". Checking is a
clock read every few hundred steps, so the work really stops (not just the answer).
A request whose client has hung up stops the same way (waitress's
``waitress.client_disconnected`` callable).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import TypeVar

from index.errors import ClientGoneError, SearchTimeoutError

T = TypeVar("T")

# Loop iterations between two clock reads: cheap (a monotonic() call is ~50 ns) and
# frequent enough that no loop runs more than a few milliseconds past the budget.
CHECK_EVERY = 256


class Deadline:
    """The moment a request's budget runs out, and a way to learn that its client left."""

    def __init__(self, seconds: float, abandoned: Callable[[], bool] | None = None):
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self.abandoned = abandoned
        # Advice that fits the query better than the general one (set once it is parsed).
        self.advice: str | None = None

    @classmethod
    def never(cls) -> Deadline:
        return cls(float("inf"))

    def expired(self) -> bool:
        return time.monotonic() > self.end

    def check(self, part: str) -> None:
        """Raise if the budget is spent (naming ``part``, the work under way) or the client left."""
        if time.monotonic() > self.end:
            raise SearchTimeoutError(f"The search was stopped after {self.seconds:g} s while {part}. {self.advice or _advice(part)}")
        if self.abandoned is not None and self.abandoned():
            raise ClientGoneError("The client closed the connection; the search was stopped.")

    def watch(self, items: Iterable[T], part: str) -> Iterator[T]:
        """Yield ``items``, checking the deadline every ``CHECK_EVERY`` of them."""
        for n, item in enumerate(items):
            if n % CHECK_EVERY == 0:
                self.check(part)
            yield item


def _advice(part: str) -> str:
    """What would make the query cheaper (long pastes of common words time out as often
    as wide wildcards)."""
    return ("Make the query narrower: rarer words instead of very common ones (the, of, and), "
            "fewer or longer wildcards, smaller ranges, or a filter by outlet, author or date.")


def docs_for_query(searcher, query, deadline: Deadline, part: str = "matching the query") -> list[int]:
    """Every document matching ``query``, segment by segment, within ``deadline``."""
    docs: list[int] = []
    for sub, offset in searcher.subsearchers or [(searcher, 0)]:
        deadline.check(part)
        ids = query.docs(sub)
        while True:
            chunk = list(islice(ids, 4096))
            if not chunk:
                break
            docs.extend(d + offset for d in chunk) if offset else docs.extend(chunk)
            deadline.check(part)
    return docs
