"""`loglake replay-failed --lake DIR|s3://bucket/prefix --url URL`: re-send the documents OpenSearch rejected.

Reads every `failed/opensearch/**/*.jsonl` of the lake (a folder, or S3 where the Lambda's failures
land; read through the object store the backfill and the compactor use) and sends its documents again (same
index, same `_id`: a document that made it in the meantime is only overwritten). A file whose
documents all got in is deleted; one with documents that fail again is rewritten with only those,
and their new reason. Fix the cause first (a mapping, a full disk...), then replay.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass

from functions.backfill.runner import Lake
from functions.clock import now_ms
from functions.sinks.opensearch import BulkConfig, BulkSender
from functions.sinks.opensearch_docs import Failure, parse_failure_line
from loglake.commands.lakes import open_lake
from loglake.opensearch_cli import add_connection_options, client_from_args

FAILED = "failed/opensearch/"


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lake", required=True, help="the lake: a folder or s3://bucket/prefix (default prefix lake/)")
    add_connection_options(parser)
    parser.set_defaults(run=run)


@dataclass
class ReplayReport:
    files: int = 0
    resent: int = 0
    indexed: int = 0
    still_failed: int = 0
    unreadable: int = 0


def _read(body: bytes) -> list[Failure]:
    return [parse_failure_line(line) for line in body.splitlines() if line.strip()]


def replay(lake: Lake, sender: BulkSender, budget_s: float = 120.0) -> ReplayReport:
    report = ReplayReport()
    store = lake.store
    keys = sorted(o.key for o in store.list(f"{lake.prefix}{FAILED}") if o.key.endswith(".jsonl"))
    for key in keys:
        report.files += 1
        try:
            failures = _read(store.get(key))
        except (ValueError, KeyError, TypeError) as error:
            print(f"cannot read {key}: {error}", file=sys.stderr)
            report.unreadable += 1
            continue
        sent = sender.send([f.item for f in failures], time.monotonic() + budget_s)
        report.resent += len(failures)
        report.indexed += sent.indexed
        report.still_failed += len(sent.failures)
        if sent.failures:
            body = b"".join(failure.to_line(now_ms()) for failure in sent.failures)
            store.put(key, body, content_type="application/x-ndjson")
        else:
            store.delete(key)
    return report


def run(args: argparse.Namespace) -> int:
    lake = open_lake(args.lake, args.aws_region)
    sender = BulkSender(client_from_args(args), BulkConfig())
    report = replay(lake, sender)
    print(
        f"replayed {report.resent:,} document(s) from {report.files} file(s): {report.indexed:,} indexed, "
        f"{report.still_failed:,} failed again (kept in {lake.description}/{FAILED}), "
        f"{report.unreadable} unreadable file(s)"
    )
    return 1 if report.still_failed or report.unreadable else 0
