"""A moto account with CloudWatch history: log groups, streams and events made of the real-shaped lines of
tests/events/lambda, spread over several hours; and readers of what a lake folder holds."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from functions.sinks.keys import HOUR_MS
from tests.support import ALL_LAMBDA_PAYLOADS, load_payload

T0 = 1_795_000_000_000 - 1_795_000_000_000 % (24 * HOUR_MS)  # a UTC midnight in Nov 2026
LINES = [e["message"] for name in ALL_LAMBDA_PAYLOADS for e in load_payload(name)["logEvents"]]


@dataclass(frozen=True)
class Put:
    group: str
    stream: str
    timestamp: int
    message: str


def put_history(
    logs: Any, group: str, streams: int, per_stream: int, *, start: int = T0, step_ms: int = 97_000
) -> list[Put]:
    """`streams` streams of `per_stream` events each, `step_ms` apart from `start` (a stream per hour slot)."""
    logs.create_log_group(logGroupName=group)
    puts: list[Put] = []
    for s in range(streams):
        stream = f"2026/11/27/[{s + 1}]{s:032x}"
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
        events = [
            {"timestamp": start + s * 1_000 + i * step_ms, "message": LINES[(s * 7 + i) % len(LINES)]}
            for i in range(per_stream)
        ]
        logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)
        puts += [Put(group, stream, e["timestamp"], e["message"]) for e in events]
    return puts


def lake_rows(lake: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for path in sorted((lake / "events").rglob("*.parquet")):
        table = pq.read_table(path, columns=["event_id", "log_group", "log_stream", "event_time", "raw"])
        rows += table.set_column(3, "event_time", table["event_time"].cast(pa.int64())).to_pylist()
    return rows


def lake_ids(lake: Path) -> Counter[str]:
    return Counter(str(r["event_id"]) for r in lake_rows(lake))


def lake_events(lake: Path) -> Counter[tuple[str, str, int, str]]:
    """(group, stream, timestamp, line) of every row: comparable with what was put."""
    return Counter((r["log_group"], r["log_stream"], r["event_time"], r["raw"]) for r in lake_rows(lake))


def put_events(puts: list[Put]) -> Counter[tuple[str, str, int, str]]:
    return Counter((p.group, p.stream, p.timestamp, p.message) for p in puts)


def object_keys(lake: Path) -> list[str]:
    return sorted(p.relative_to(lake).as_posix() for p in lake.rglob("*") if p.is_file())
