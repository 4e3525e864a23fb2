"""Kinesis mode benchmark: one invocation as big as Lambda makes it (a 6 MB event), written per record
and hour (the old way, `Ingestor.ingest` per record) and per invocation and hour (`handle_kinesis`).
Prints events, objects (= PUTs), CPU seconds and peak memory; asserts nothing (speed is not a test).

    .venv/bin/python bench/kinesis_batch.py [--events-per-delivery 50] [--event-mb 6] [--repeats 3]

Objects are encoded to memory and dropped (storage latency is not part of the figure); Arrow runs
with one thread, so CPU seconds are one core's.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import pyarrow as pa  # noqa: E402
from peak_rss import handler_peak  # noqa: E402  (bench/, this script's folder)

from functions.parser.ingest import Ingestor  # noqa: E402
from functions.parser.kinesis_batch import ingest_each  # noqa: E402
from functions.parser.wiring import handle_kinesis  # noqa: E402
from loglake.synth import generate, kinesis_event  # noqa: E402

START_MS = 1_795_737_600_000


class Discard:
    """A store that counts PUTs and bytes and keeps nothing."""

    def __init__(self) -> None:
        self.puts = 0
        self.bytes = 0

    def put(self, key: str, body: bytes, content_type: str = "") -> None:
        self.puts += 1
        self.bytes += len(body)


def lambda_sized_event(events_per_delivery: int, limit_bytes: int) -> dict[str, Any]:
    """Records of a synthetic day, in order, as many as fit in `limit_bytes` of event JSON."""
    dataset = generate(
        seed=5, start_ms=START_MS, hours=2, invocations_per_hour=20_000, max_events_per_delivery=events_per_delivery
    )
    records, size = [], 2
    for record in kinesis_event(dataset.deliveries)["Records"]:
        size += len(json.dumps(record)) + 1
        if size > limit_bytes:
            break
        records.append(record)
    return {"Records": records}


def timed(run: Any, repeats: int) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeats):
        started = time.process_time()
        result = run()
        best = min(best, time.process_time() - started)
    return best, result


def compare(event: dict[str, Any], repeats: int) -> None:
    def per_record() -> tuple[int, int]:
        store = Discard()
        summary = ingest_each(event["Records"], Ingestor(store=store, prefix="", region="bench", clock=lambda: 0))
        return summary.events_in, store.puts

    def per_invocation() -> tuple[int, int]:
        store = Discard()
        summary, _ = handle_kinesis(event, Ingestor(store=store, prefix="", region="bench", clock=lambda: 0))
        return summary.events_in, store.puts

    size = len(json.dumps(event)) / 1e6
    print(f"## one invocation: {len(event['Records'])} records, {size:.2f} MB of event JSON (best of {repeats})")
    print(f"{'objects keyed by':>22} {'events':>8} {'PUTs':>6} {'CPU s':>7} {'events/s':>10}")
    for name, run in (("record and hour", per_record), ("invocation and hour", per_invocation)):
        seconds, (events, puts) = timed(run, repeats)
        print(f"{name:>22} {events:>8} {puts:>6} {seconds:>7.2f} {events / seconds:>10,.0f}")


def peak_memory(event: dict[str, Any]) -> None:
    figures = handler_peak(event)
    print(
        f"## peak memory (fresh interpreter, VmHWM): {figures['events']} events, "
        f"{figures['baseline_mb']:.0f} MB after imports, {figures['peak_mb']:.0f} MB at peak"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events-per-delivery", type=int, default=50)
    parser.add_argument("--event-mb", type=float, default=6.0)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    pa.set_cpu_count(1)
    pa.set_io_thread_count(1)
    event = lambda_sized_event(args.events_per_delivery, int(args.event_mb * 1e6))
    compare(event, args.repeats)
    peak_memory(event)


if __name__ == "__main__":
    main()
