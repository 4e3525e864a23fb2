"""`loglake ingest --lake DIR [--opensearch URL] FILE...`: run the parser's handler code over files of Lambda events.

With `--opensearch`, every batch is also indexed (after it is in the lake), exactly as the Lambda does.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from itertools import chain
from pathlib import Path

from loglake.local_ingest import Progress, ingest_events, local_ingestor, read_events
from loglake.opensearch_cli import add_index_options, index_summary, indexer_for_lake


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lake", type=Path, required=True, help="the lake folder (created if missing)")
    parser.add_argument("--region", default="local", help="region recorded on every row (default: local)")
    parser.add_argument("files", type=Path, nargs="+", help="JSON object, JSON array or JSON Lines of Lambda events")
    parser.add_argument(
        "--workers",
        type=int,
        default=len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1,
        help="processes sharing the deliveries out (default: the cores this process may use); the lake is the "
        "same whatever the number. With --opensearch, one.",
    )
    add_index_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    ingestor = local_ingestor(args.lake, args.region, indexer_for_lake(args, args.lake))
    workers = 1 if ingestor.indexer is not None else max(1, args.workers)
    events = chain.from_iterable(read_events(f) for f in args.files)
    summary = ingest_events(events, ingestor, Progress(), workers=workers)
    elapsed = time.perf_counter() - started
    print(
        f"ingested {summary.events_in:,} events from {summary.payloads:,} payloads into {args.lake} "
        f"in {elapsed:.2f}s: {summary.rows_written:,} rows, {summary.objects_written:,} objects, "
        f"{summary.bytes_written / 1e6:.1f} MB, {summary.unknown_lines:,} unknown lines, "
        f"{summary.control_messages} control messages skipped"
    )
    formats = ", ".join(f"{name} {count:,}" for name, count in sorted(summary.format_counts.items()))
    print(f"formats: {formats}")
    if args.opensearch_url:
        print(index_summary(summary))
    for item in summary.failed_items:
        print(f"FAILED {item}", file=sys.stderr)
    return 1 if summary.failed_items else 0
