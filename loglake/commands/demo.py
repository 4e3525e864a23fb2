"""`loglake demo`: a realistic day of logs → the parser's handler → a local lake → the answers."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from loglake.engine import LocalEngine
from loglake.local_ingest import Progress, ingest_events, local_ingestor
from loglake.opensearch_cli import add_index_options, index_summary, indexer_for_lake
from loglake.output import as_table
from loglake.questions import load_questions
from loglake.report import write_report
from loglake.synth import generate

DEFAULT_OUT = Path("demo-output")
DEMO_ROWS = 12  # rows printed per question; `loglake ask NAME` shows them all


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the events and the lake")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--invocations-per-hour", type=int, default=2000)
    add_index_options(parser)
    parser.set_defaults(run=run)


def _yesterday_ms() -> int:
    midnight = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=1)
    return int(midnight.timestamp() * 1000)


def run(args: argparse.Namespace) -> int:
    out: Path = args.out
    lake = out / "lake"
    if lake.exists():
        shutil.rmtree(lake)
    out.mkdir(parents=True, exist_ok=True)
    print(f"1/3 generating a day of Lambda and API Gateway logs (seed {args.seed})...", file=sys.stderr)
    dataset = generate(
        seed=args.seed, start_ms=_yesterday_ms(), hours=24, invocations_per_hour=args.invocations_per_hour
    )
    events_file = out / "events.jsonl"
    with events_file.open("w", encoding="utf-8") as handle:
        for delivery in dataset.deliveries:
            handle.write(json.dumps(delivery) + "\n")
    print(
        f"    {dataset.event_count:,} log events in {len(dataset.deliveries):,} subscription deliveries "
        f"-> {events_file}",
        file=sys.stderr,
    )
    print("2/3 ingesting through the parser handler into a local Parquet lake...", file=sys.stderr)
    started = time.perf_counter()
    ingestor = local_ingestor(lake, "local", indexer_for_lake(args, lake))
    summary = ingest_events(iter(dataset.deliveries), ingestor, Progress())
    took = time.perf_counter() - started
    print(
        f"    {summary.rows_written:,} rows, {summary.objects_written:,} objects, "
        f"{summary.bytes_written / 1e6:.1f} MB in {took:.1f}s; {summary.unknown_lines:,} unknown lines",
        file=sys.stderr,
    )
    if args.opensearch_url:
        print(f"    {index_summary(summary)}", file=sys.stderr)
    print("3/3 answering with Athena SQL on DuckDB\n", file=sys.stderr)
    engine = LocalEngine(lake)
    for question in load_questions():
        print(f"## {question.name}: {question.purpose}")
        print(as_table(engine.query(question.sql), max_rows=DEMO_ROWS))
        print()
    report = write_report(engine, str(lake), out / "report.html")
    print(f"Report with charts: {report} (one HTML file, open it in a browser)")
    print(f"Every question in full: loglake ask NAME --lake {lake}   (loglake ask lists them)")
    print(f'Explore further: loglake sql --lake {lake} "SELECT * FROM lambda_invocations LIMIT 10"')
    return 1 if summary.failed_items else 0
