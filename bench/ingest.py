"""Ingest benchmark: events/s through decode → parse → normalize → Parquet bytes, the parser's cold start
(handler import, and import + first invocation, tracing off and on: bench/cold_start.py) and peak memory
for one 10k-event payload. Prints figures; asserts nothing (speed is not a test).

    .venv/bin/python bench/ingest.py [--events 100000] [--batch-sizes 100,500,2000,10000] [--redact default]

`--redact` names the redaction rules applied after normalize (default: `default`, the parser's
default rules; `none` for none; `all` for every built-in), timed as their own stage.

Everything runs in this one process on one core (no threads of ours); Parquet is encoded to memory,
so storage latency is not part of the figure.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import pyarrow as pa  # noqa: E402
from cold_start import report as cold_start  # noqa: E402  (bench/, this script's folder)
from peak_rss import handler_peak  # noqa: E402  (bench/, this script's folder)

from functions.parser.decode import decode_awslogs  # noqa: E402
from functions.parser.normalize import BatchContext, normalize  # noqa: E402
from functions.parser.redact import BUILTINS, DEFAULT_RULES, Redactor  # noqa: E402
from functions.sinks.s3_parquet import encode_parquet, split_by_hour  # noqa: E402
from loglake.synth import generate  # noqa: E402

START_MS = 1_795_737_600_000
EVENTS_PER_INVOCATION = 6.1  # what the synthetic scenario writes per invocation, API Gateway lines included


def workload(events: int, batch: int) -> list[dict[str, object]]:
    per_hour = max(50, round(events / 24 / EVENTS_PER_INVOCATION))
    dataset = generate(
        seed=3, start_ms=START_MS, hours=24, invocations_per_hour=per_hour, max_events_per_delivery=batch
    )
    return dataset.deliveries


def run_once(deliveries: list[dict[str, object]], redactor: Redactor) -> tuple[int, int, float, dict[str, float]]:
    """(events, Parquet bytes, CPU seconds, wall seconds per stage) for one pass over the deliveries.

    The total is this process's CPU time: Arrow runs with one thread, so it is the time of one core,
    and it does not change when other work shares the machine.
    """
    stages = {"decode": 0.0, "parse+normalize": 0.0, "redact": 0.0, "parquet": 0.0}
    events = size = 0
    started = time.process_time()
    for delivery in deliveries:
        t0 = time.perf_counter()
        batch = decode_awslogs(delivery)
        t1 = time.perf_counter()
        stages["decode"] += t1 - t0
        if batch is None:
            continue
        table = normalize(batch, BatchContext("bench", 0)).table
        tr = time.perf_counter()
        stages["parse+normalize"] += tr - t1
        table, _ = redactor.apply(table)
        t2 = time.perf_counter()
        stages["redact"] += t2 - tr
        size += sum(len(encode_parquet(part)) for _, part in split_by_hour(table))
        stages["parquet"] += time.perf_counter() - t2
        events += len(batch)
    return events, size, time.process_time() - started, stages


def throughput(events: int, batch_sizes: list[int], repeats: int, redactor: Redactor) -> None:
    rules = ", ".join(r.name for r in redactor.rules) or "none"
    print(f"## throughput (one core: Arrow limited to one thread, CPU time; best of {repeats}; redaction: {rules})")
    header = ("max batch", "payloads", "events", "events/s", "decode", "parse+norm", "redact", "parquet", "MB")
    print(" ".join(f"{h:>{w}}" for h, w in zip(header, (10, 9, 8, 10, 8, 11, 7, 8, 6), strict=True)))
    for batch in batch_sizes:
        deliveries = workload(events, batch)
        runs = [run_once(deliveries, redactor) for _ in range(repeats)]
        n, size, seconds, stages = min(runs, key=lambda r: r[2])
        share = {k: f"{100 * v / seconds:.0f}%" for k, v in stages.items()}
        print(
            f"{batch:>10} {len(deliveries):>9} {n:>8} {n / seconds:>10,.0f} {share['decode']:>8} "
            f"{share['parse+normalize']:>11} {share['redact']:>7} {share['parquet']:>8} {size / 1e6:>6.1f}"
        )


def one_big_payload(events: int) -> dict[str, object]:
    """`events` events of one Lambda log group in a single delivery (the merged streams of a busy function)."""
    from loglake.synth import decode
    from loglake.synth.payloads import encode

    merged: dict[str, object] | None = None
    log_events: list[object] = []
    for delivery in workload(events * 8, 10_000):
        payload = decode(delivery)
        if payload.get("logGroup") != "/aws/lambda/orders-api":
            continue
        merged = merged or payload
        log_events.extend(payload["logEvents"])
    assert merged is not None
    merged["logEvents"] = sorted(log_events, key=lambda e: e["timestamp"])[:events]
    return encode(merged)


def peak_memory(events: int) -> None:
    figures = handler_peak(one_big_payload(events))
    print(
        f"## peak RSS for one {figures['events']:,}-event payload through the handler: {figures['peak_mb']:.0f} MB "
        f"(after imports: {figures['baseline_mb']:.0f} MB)"
    )


def main() -> int:
    pa.set_cpu_count(1)
    pa.set_io_thread_count(1)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--batch-sizes", default="100,500,2000,10000")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--redact", default="default", help="comma-separated rules, 'default', 'none' or 'all'")
    args = parser.parse_args()
    chosen = {"all": ",".join(BUILTINS), "default": ",".join(DEFAULT_RULES)}.get(args.redact, args.redact)
    names = [n for n in chosen.split(",") if n not in ("", "none")]
    throughput(args.events, [int(b) for b in args.batch_sizes.split(",")], args.repeats, Redactor.build(names))
    cold_start(5)
    peak_memory(10_000)
    return 0


if __name__ == "__main__":
    sys.exit(main())
