"""`loglake compact --lake DIR`: merge the small objects of closed partitions, as the compactor Lambda does.

Locally the grace period defaults to 0: one run writes, commits and cleans up each partition. The
local engine reads the commit records before listing objects, and lists again when an object it
listed was deleted meanwhile, so a `loglake sql` running alongside still sees every row once.
Two runs at once (or a run beside the Lambda on a synced folder) are safe: the lake's lease lets one
work while the other says so and stops, and commit numbers refuse a stale holder's commit.
The exit status is 1 when a partition could not be merged (the others were; it is retried next run).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from functions.compactor.compact import MIB, CompactionConfig, Compactor, discover_partitions
from functions.compactor.lease import Lease
from functions.compactor.store import LocalLakeStore


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lake", type=Path, required=True, help="the lake folder")
    parser.add_argument("--target-mb", type=int, default=128, help="size of a merged object (default 128)")
    parser.add_argument(
        "--close-after-minutes", type=int, default=60, help="compact hours that ended this long ago (default 60)"
    )
    parser.add_argument("--grace-seconds", type=int, default=0, help="wait between the steps (default 0)")
    parser.add_argument(
        "--lease-minutes",
        type=int,
        default=20,
        help="how long the lake's lease outlives a run that was killed (default 20)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    store = LocalLakeStore(args.lake)
    config = CompactionConfig(
        target_bytes=args.target_mb * MIB,
        grace_ms=args.grace_seconds * 1000,
        close_after_ms=max(0, args.close_after_minutes) * 60_000,
    )
    lease = Lease(store, "", ttl_ms=max(1, args.lease_minutes) * 60_000)
    summary = Compactor(store, "", config, lease=lease).run(discover_partitions(store, ""))
    if summary.busy:
        print(f"another compactor is at work on {args.lake} (lease {summary.busy}); nothing done", file=sys.stderr)
        return 0
    for line in summary.details:
        print(line)
    print(
        f"compacted {summary.committed} partitions of {summary.partitions} closed: {summary.files_in} objects "
        f"→ {summary.files_out}, {summary.rows:,} rows; {summary.deleted} inputs and {summary.garbage} "
        f"unreferenced objects deleted; {summary.waiting} waiting for the grace period; "
        f"{summary.duplicates:,} repeated event ids dropped; "
        f"{summary.failed + summary.interrupted} partitions failed (retried next run)"
    )
    return 1 if summary.failed else 0
