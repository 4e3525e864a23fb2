"""`loglake replay-failed --lake DIR --url URL`: re-send the documents OpenSearch rejected.

Reads every `failed/opensearch/**/*.jsonl` under the lake folder and sends its documents again (same
index, same `_id`: a document that made it in the meantime is only overwritten). A file whose
documents all got in is deleted; one with documents that fail again is rewritten with only those,
and their new reason. Fix the cause first (a mapping, a full disk...), then replay.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from functions.sinks.opensearch import BulkConfig, BulkSender
from functions.sinks.opensearch_docs import Failure, parse_failure_line
from functions.sinks.s3_parquet import LocalStore
from loglake.opensearch_cli import add_connection_options, client_from_args

FAILED = Path("failed") / "opensearch"


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lake", type=Path, required=True, help="the lake folder")
    add_connection_options(parser)
    parser.set_defaults(run=run)


@dataclass
class ReplayReport:
    files: int = 0
    resent: int = 0
    indexed: int = 0
    still_failed: int = 0
    unreadable: int = 0


def _read(path: Path) -> list[Failure]:
    return [parse_failure_line(line) for line in path.read_bytes().splitlines() if line.strip()]


def replay(lake: Path, sender: BulkSender, budget_s: float = 120.0) -> ReplayReport:
    report = ReplayReport()
    store = LocalStore(lake)
    for path in sorted((lake / FAILED).rglob("*.jsonl")):
        report.files += 1
        try:
            failures = _read(path)
        except (ValueError, KeyError, TypeError) as error:
            print(f"cannot read {path}: {error}", file=sys.stderr)
            report.unreadable += 1
            continue
        sent = sender.send([f.item for f in failures], time.monotonic() + budget_s)
        report.resent += len(failures)
        report.indexed += sent.indexed
        report.still_failed += len(sent.failures)
        if sent.failures:
            now = time.time_ns() // 1_000_000
            body = b"".join(failure.to_line(now) for failure in sent.failures)
            store.put(path.relative_to(lake).as_posix(), body, content_type="application/x-ndjson")
        else:
            path.unlink()
    return report


def run(args: argparse.Namespace) -> int:
    sender = BulkSender(client_from_args(args), BulkConfig())
    report = replay(args.lake, sender)
    print(
        f"replayed {report.resent:,} document(s) from {report.files} file(s): {report.indexed:,} indexed, "
        f"{report.still_failed:,} failed again (kept in {args.lake / FAILED}), {report.unreadable} unreadable file(s)"
    )
    return 1 if report.still_failed or report.unreadable else 0
