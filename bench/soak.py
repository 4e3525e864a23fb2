"""Soak: the parser's handler over a million generated events in deliveries of realistic size, with the
resident memory sampled between batches (flat memory = no growth from batch to batch) and events/s.
Prints figures; asserts nothing.

    .venv/bin/python bench/soak.py [--events 1000000] [--max-batch 500] [--lake DIR]

One generated day is replayed with fresh event ids (so every payload is a new one, with new object keys)
until the event count is reached. Without `--lake`, Parquet is encoded and then discarded: storage
latency is not part of the figure. Only `handle()` is timed (not the gzip/base64 of the replayed input).
"""

from __future__ import annotations

import argparse
import copy
import gc
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from functions.parser.ingest import Ingestor  # noqa: E402
from functions.parser.wiring import handle  # noqa: E402
from functions.sinks.s3_parquet import PARQUET, LocalStore  # noqa: E402
from loglake.synth import decode, generate  # noqa: E402
from loglake.synth.payloads import encode  # noqa: E402

START_MS = 1_795_737_600_000


class Discard:
    def __init__(self) -> None:
        self.bytes = 0

    def put(self, key: str, body: bytes, content_type: str = PARQUET) -> None:
        self.bytes += len(body)


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def replays(payloads: list[dict[str, Any]], events: int) -> Iterator[dict[str, Any]]:
    """The day's payloads again and again, each round with fresh ids, until `events` events were given."""
    given = 0
    for round_ in range(100):
        for payload in payloads:
            fresh = copy.copy(payload)
            fresh["logEvents"] = [{**e, "id": f"{round_:02d}{e['id'][2:]}"} for e in payload["logEvents"]]
            yield fresh
            given += len(fresh["logEvents"])
            if given >= events:
                return


def slope(points: list[tuple[int, float]]) -> float:
    """Least-squares MB per million events."""
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    var = sum((x - mean_x) ** 2 for x, _ in points) or 1.0
    return 1e6 * sum((x - mean_x) * (y - mean_y) for x, y in points) / var


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--max-batch", type=int, default=500, help="most events per delivery (default 500)")
    parser.add_argument("--lake", type=Path, default=None, help="write the lake here instead of discarding")
    args = parser.parse_args()
    day = generate(
        seed=11, start_ms=START_MS, hours=24, invocations_per_hour=800, max_events_per_delivery=args.max_batch
    )
    payloads = [p for p in map(decode, day.deliveries) if p.get("messageType") == "DATA_MESSAGE"]
    sizes = sorted(len(p["logEvents"]) for p in payloads)
    print(
        f"## soak: one generated day of {sum(sizes):,} events in {len(payloads):,} deliveries "
        f"(median {sizes[len(sizes) // 2]}, max {sizes[-1]} events each), replayed to {args.events:,} events"
    )
    store = LocalStore(args.lake) if args.lake else Discard()
    ingestor = Ingestor(store=store, prefix="", region="soak", clock=lambda: START_MS)
    gc.collect()
    samples: list[tuple[int, float]] = [(0, rss_mb())]
    events = batches = 0
    busy = 0.0
    for payload in replays(payloads, args.events):
        event = encode(payload)
        started = time.perf_counter()
        summary, _ = handle(event, ingestor)
        busy += time.perf_counter() - started
        events += summary.rows_written
        batches += 1
        if batches % 50 == 0:
            samples.append((events, rss_mb()))
    samples.append((events, rss_mb()))
    steady = samples[len(samples) // 10 :]  # after the first tenth: imports and caches are warm
    rss = [mb for _, mb in samples]
    print(f"events {events:,} in {batches:,} batches, {busy:.1f} s in handle(): {events / busy:,.0f} events/s")
    print(
        f"RSS MB: first {rss[0]:.0f}, after the first tenth {steady[0][1]:.0f}, last {rss[-1]:.0f}, "
        f"max {max(rss):.0f}; slope after the first tenth {slope(steady):+.1f} MB per million events "
        f"({len(samples)} samples, one every 50 batches)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
