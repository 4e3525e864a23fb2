"""OpenSearch benchmark: bulk indexing throughput (docs/s) into the local node, by bulk size; and the
cost of turning Arrow rows into bulk bodies alone. Prints figures; asserts nothing.

    .venv/bin/python bench/opensearch.py [--events 100000] [--bulk-mb 1,5,10] [--url URL]

Without --url a local node is started (512 MB heap, one shard, no replica) and stopped at the end.
Batches are normalized before the clock starts: the figure is the sink (encode + send + wait), on
this machine's 2 cores shared by the client and the node.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import pyarrow as pa  # noqa: E402
from opensearchpy import OpenSearch  # noqa: E402

from functions.parser.decode import decode_awslogs  # noqa: E402
from functions.parser.normalize import BatchContext, normalize  # noqa: E402
from functions.sinks.opensearch import BulkConfig, BulkSender  # noqa: E402
from functions.sinks.opensearch_docs import bulk_items  # noqa: E402
from loglake.opensearch_node import LocalNode  # noqa: E402
from loglake.opensearch_setup import apply_template  # noqa: E402
from loglake.synth import generate  # noqa: E402

START_MS = 1_795_737_600_000


def tables(events: int) -> list[pa.Table]:
    per_hour = max(50, round(events / 24 / 6.1))
    dataset = generate(seed=3, start_ms=START_MS, hours=24, invocations_per_hour=per_hour, max_events_per_delivery=2000)
    out = []
    for delivery in dataset.deliveries:
        batch = decode_awslogs(delivery)
        if batch is not None:
            out.append(normalize(batch, BatchContext("bench", 0)).table)
    return out


def encode_only(batches: list[pa.Table]) -> tuple[int, int, float]:
    started = time.perf_counter()
    items = [item for table in batches for item in bulk_items(table, "bench")]
    return len(items), sum(len(i.payload) for i in items), time.perf_counter() - started


def index_run(client: OpenSearch, batches: list[pa.Table], bulk_mb: float) -> tuple[int, float, int]:
    prefix = f"bench{int(bulk_mb * 10)}"
    client.indices.delete(index=f"{prefix}-*", ignore_unavailable=True, allow_no_indices=True)
    apply_template(client, prefix)
    sender = BulkSender(client, BulkConfig(max_bytes=int(bulk_mb * 1024 * 1024), max_docs=100_000))
    indexed = retries = 0
    started = time.perf_counter()
    for table in batches:
        report = sender.send(bulk_items(table, prefix), time.monotonic() + 300)
        indexed += report.indexed
        retries += report.retries
    took = time.perf_counter() - started
    client.indices.delete(index=f"{prefix}-*")
    client.indices.delete_index_template(name=prefix)
    return indexed, took, retries


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--bulk-mb", default="1,5,10")
    parser.add_argument("--url", default=None, help="an existing node (default: start a local one)")
    args = parser.parse_args()
    batches = tables(args.events)
    docs, size, took = encode_only(batches)
    print(f"{docs:,} events in {len(batches)} batches; {size / 1e6:.1f} MB of bulk bodies")
    print(f"encode only (Arrow -> NDJSON): {docs / took:,.0f} docs/s ({took:.2f}s)")
    node = None if args.url else LocalNode()
    url = args.url or node.start()  # type: ignore[union-attr]
    try:
        client = OpenSearch(hosts=[url], max_retries=0, timeout=120)
        print(f"node: {url} (OpenSearch {client.info()['version']['number']})")
        index_run(client, batches[:20], 5.0)  # warm the node's JIT up before the clock matters
        print(f"{'bulk MB':>8} {'docs':>10} {'seconds':>8} {'docs/s':>10} {'retries':>8}")
        for bulk_mb in (float(x) for x in args.bulk_mb.split(",")):
            indexed, seconds, retries = index_run(client, batches, bulk_mb)
            print(f"{bulk_mb:>8.1f} {indexed:>10,} {seconds:>8.2f} {indexed / seconds:>10,.0f} {retries:>8}")
    finally:
        if node is not None:
            node.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
