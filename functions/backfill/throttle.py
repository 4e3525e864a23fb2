"""Staying inside the account's API quota: adaptive concurrency (AIMD), a request-rate cap, and the retry rule.

FilterLogEvents has a per-account, per-Region quota of requests per second shared by every caller (see
`reader.py`). Workers ask `Throttle.slot()` before a call: it waits while `limit` calls are in flight
and spaces calls to at most `rate * limit / ceiling` per second. A success raises `limit` by 1/limit
(about one more worker per round of calls); a throttling answer halves it, and with it the pace.
`retry_delay` is the pure rule: which error is retried, and after how long (full jitter).
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

THROTTLING_CODES = frozenset(
    {"ThrottlingException", "Throttling", "RequestLimitExceeded", "TooManyRequestsException", "RateExceeded"}
)
TRANSIENT_CODES = frozenset({"ServiceUnavailableException", "InternalFailure", "InternalServerError", "RequestTimeout"})
MAX_THROTTLED_ATTEMPTS = 30  # then the run stops (its checkpoint holds): a throttle never drops a page
MAX_TRANSIENT_ATTEMPTS = 6


@dataclass
class Aimd:
    """Additive increase, multiplicative decrease of the number of calls in flight, in [1, ceiling]."""

    ceiling: int
    limit: float = 1.0
    throttles: int = 0
    peak: float = 1.0

    def success(self) -> None:
        self.limit = min(float(self.ceiling), self.limit + 1.0 / self.limit)
        self.peak = max(self.peak, self.limit)

    def throttled(self) -> None:
        self.throttles += 1
        self.limit = max(1.0, self.limit / 2.0)

    @property
    def allowed(self) -> int:
        return max(1, int(self.limit))


def retry_delay(code: str | None, attempt: int, rand: Callable[[], float] = random.random) -> float | None:
    """Seconds to wait before attempt `attempt + 1` after an error with AWS code `code` (None: a connection
    error); None when the error is not worth retrying (or retried enough)."""
    if code in THROTTLING_CODES:
        limit, base, cap = MAX_THROTTLED_ATTEMPTS, 0.25, 8.0
    elif code is None or code in TRANSIENT_CODES:
        limit, base, cap = MAX_TRANSIENT_ATTEMPTS, 0.2, 5.0
    else:
        return None
    if attempt >= limit:
        return None
    return float(rand() * min(cap, base * 2**attempt))


@dataclass
class Throttle:
    """Shared by a run's workers: the AIMD gate on calls in flight and a minimum spacing between calls."""

    ceiling: int
    rate: float  # calls per second at most
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    aimd: Aimd = field(init=False)  # starts at the ceiling: a run begins at `rate`
    _in_flight: int = field(default=0, init=False)
    _next_call: float = field(default=0.0, init=False)
    _cond: threading.Condition = field(default_factory=threading.Condition, init=False)

    def __post_init__(self) -> None:
        if self.ceiling < 1 or self.rate <= 0:
            raise ValueError("concurrency must be at least 1 and the rate positive")
        self.aimd = Aimd(self.ceiling, limit=float(self.ceiling))

    @contextmanager
    def slot(self) -> Iterator[None]:
        with self._cond:
            while self._in_flight >= self.aimd.allowed:
                self._cond.wait()
            self._in_flight += 1
            now = self.clock()
            wait = max(0.0, self._next_call - now)
            self._next_call = max(now, self._next_call) + 1.0 / self.current_rate
        try:
            if wait:
                self.sleep(wait)
            yield
        finally:
            with self._cond:
                self._in_flight -= 1
                self._cond.notify_all()

    @property
    def current_rate(self) -> float:
        """Calls per second now: `rate` scaled by the AIMD share, so throttling slows the pace as well."""
        return self.rate * self.aimd.limit / self.ceiling

    def success(self) -> None:
        with self._cond:
            self.aimd.success()
            self._cond.notify_all()

    def throttled(self) -> None:
        with self._cond:
            self.aimd.throttled()
