"""What one direct-subscription delivery costs the parser Lambda, split into a fixed part and a part per event.

    .venv/bin/python bench/delivery_cost.py [--sizes 10,100,1000] [--deliveries 200] [--repeats 5]
                                            [--payloads /work/shared/bench/gen_payloads.py]

Each delivery is one `{"awslogs": …}` event through `handle_direct`, the Lambda's own path: decode,
normalize, redact (the default rules), Parquet encode and put into an in-memory object store. Deliveries
of each size are built from the Lambda-shaped invocations of the shared payload generator (START, app
lines in Powertools JSON and Python text, tracebacks, END, REPORT), cut to exactly that many events.
The time per delivery at each size is the best of `--repeats` passes over `--deliveries` distinct
deliveries; a least-squares line through the sizes gives `fixed + per_event * n`, and the secant through
100 and 200 events (always measured) the fixed part at the size the goal names. Prints figures,
asserts nothing (speed is not a test). Arrow is held to one thread, like a Lambda with one vCPU, and the
time is this process's CPU time: on one thread that is the time of one core, and other work sharing the
machine does not add to it (it still slows it down some, through caches: quote the load).
"""

from __future__ import annotations

import argparse
import base64
import gzip
import importlib.util
import json
import random
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import pyarrow as pa  # noqa: E402

from functions.parser.ingest import Ingestor  # noqa: E402
from functions.parser.wiring import handle_direct  # noqa: E402
from functions.sinks.s3_parquet import PARQUET  # noqa: E402

START_MS = 1_764_288_000_000


class MemoryStore:
    """Objects in a dict: the put costs nothing but the copy, so the figure is the parser's own."""

    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}

    def put(self, key: str, body: bytes, content_type: str = PARQUET) -> None:
        self.objects[key] = body


def load_generator(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_payloads", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"can't load the payload generator {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def delivery(gen: ModuleType, rng: random.Random, events: int, index: int) -> dict[str, Any]:
    """One log stream's `events` events, whole invocations in a row (the last one cut), as a subscription event."""
    function = f"fn-{index % 7}"
    t = START_MS + index * 60_000
    log_events: list[dict[str, Any]] = []
    while len(log_events) < events:
        for line in gen.invocation(rng, t, function, "$LATEST", not log_events):
            log_events.append({"id": str(rng.getrandbits(120)), "timestamp": t, "message": line})
            t += rng.randint(0, 3)
    document = {
        "messageType": "DATA_MESSAGE",
        "owner": "123456789012",
        "logGroup": f"/aws/lambda/{function}",
        "logStream": f"2026/11/28/[$LATEST]{rng.getrandbits(128):032x}",
        "subscriptionFilters": ["to-parser"],
        "logEvents": log_events[:events],
    }
    data = base64.b64encode(gzip.compress(json.dumps(document).encode())).decode()
    return {"awslogs": {"data": data}}


def ms_per_delivery(deliveries: list[dict[str, Any]], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        ingestor = Ingestor(store=MemoryStore(), prefix="", region="bench")
        started = time.process_time()
        for event in deliveries:
            handle_direct(event, ingestor)
        best = min(best, (time.process_time() - started) / len(deliveries))
    return best * 1000


def fit(points: list[tuple[int, float]]) -> tuple[float, float]:
    """Least squares `ms = fixed + per_event * n`."""
    mean_n = sum(n for n, _ in points) / len(points)
    mean_t = sum(t for _, t in points) / len(points)
    spread = sum((n - mean_n) ** 2 for n, _ in points)
    per_event = sum((n - mean_n) * (t - mean_t) for n, t in points) / spread
    return mean_t - per_event * mean_n, per_event


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,100,1000", help="the sizes the fit is drawn through")
    parser.add_argument("--deliveries", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--payloads", type=Path, default=Path("/work/shared/bench/gen_payloads.py"))
    args = parser.parse_args()
    pa.set_cpu_count(1)
    pa.set_io_thread_count(1)
    gen = load_generator(args.payloads)
    sizes = [int(s) for s in args.sizes.split(",")]
    measured: dict[int, float] = {}
    handle_direct(delivery(gen, random.Random(0), 50, 0), Ingestor(store=MemoryStore(), prefix="", region="bench"))
    for size in sorted({*sizes, 100, 200}):
        rng = random.Random(size)
        count = max(10, args.deliveries * 100 // max(size, 100))  # fewer of the big ones: same events in all
        deliveries = [delivery(gen, rng, size, i) for i in range(count)]
        measured[size] = ms = ms_per_delivery(deliveries, args.repeats)
        print(f"{size:>6} events/delivery: {ms:8.3f} ms per delivery, {1000 * ms / size:7.2f} us per event")
    fixed, per_event = fit([(n, measured[n]) for n in sizes])
    print(f"fit through {args.sizes}: fixed {fixed:.3f} ms per delivery + {1000 * per_event:.2f} us per event")
    print(f"100-event delivery: {measured[100]:.3f} ms")
    # The secant through 100 and 200 events: what a 100-event delivery costs beyond its events' own work at
    # that size. The fit's line is bent by the 10- and 1,000-event points too (a 10-event delivery has fewer
    # columns, a 1,000-event one writes dictionaries and statistics).
    print(f"fixed part of a 100-event delivery, 2 T(100) - T(200): {2 * measured[100] - measured[200]:.3f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
