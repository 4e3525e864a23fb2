"""The wall clock in epoch milliseconds, the unit of CloudWatch timestamps; injected where time matters."""

from __future__ import annotations

import time


def now_ms() -> int:
    return time.time_ns() // 1_000_000
